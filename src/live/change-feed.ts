import { ChangeSetType, type ChangeSet, type EntityManager, type EventSubscriber, type FlushEventArgs, type TransactionEventArgs } from '@mikro-orm/core';
import { Task } from '../requests/task.entity.js';
import { AccessRequest } from '../requests/access-request.entity.js';
import { ReconciliationBatch } from '../reconciliation/reconciliation-batch.entity.js';
import { CertificationCampaign } from '../certifications/certification-campaign.entity.js';
import type { EventBus, LiveEvent } from './event-bus.js';

type Row = Record<string, unknown>;

const workspaceOf = (entity: { workspace: unknown }): string => {
  const ws = entity.workspace as string | { id: string };
  return typeof ws === 'string' ? ws : ws.id;
};

/** The event a committed change set makes, if subscribers care about it. */
function eventOf(cs: ChangeSet<object>): LiveEvent | undefined {
  if (cs.type === ChangeSetType.DELETE || cs.type === ChangeSetType.DELETE_EARLY) return undefined;
  const created = cs.type === ChangeSetType.CREATE;
  const before = (cs.originalEntity ?? null) as Row | null;
  const entity = cs.entity;
  if (entity instanceof Task) {
    return {
      kind: 'task',
      workspaceId: workspaceOf(entity),
      id: entity.id,
      created,
      assignee: entity.assignee,
      assigneeType: entity.assigneeType,
      claimedBy: entity.claimedBy ?? null,
      before:
        !created && before
          ? {
              assignee: String(before.assignee ?? entity.assignee),
              assigneeType: String(before.assignee_type ?? before.assigneeType ?? entity.assigneeType),
              claimedBy: (before.claimed_by ?? before.claimedBy ?? null) as string | null,
            }
          : null,
    };
  }
  if (entity instanceof AccessRequest) {
    const statusBefore = created ? null : ((before?.status as string | undefined) ?? null);
    return { kind: 'request', workspaceId: workspaceOf(entity), id: entity.id, status: entity.status, statusBefore };
  }
  if (entity instanceof ReconciliationBatch) return { kind: 'reconciliationBatch', workspaceId: workspaceOf(entity), id: entity.id };
  if (entity instanceof CertificationCampaign) return { kind: 'certificationCampaign', workspaceId: workspaceOf(entity), id: entity.id };
  return undefined;
}

/** MikroORM keeps the parent of a savepoint under a module-private symbol; the root is the one without it. */
function rootTransaction(trx: object): object {
  let current = trx as Record<symbol, unknown>;
  for (;;) {
    const parent = Object.getOwnPropertySymbols(current).find((s) => s.description === 'parentTransaction');
    if (!parent || !current[parent]) return current;
    current = current[parent] as Record<symbol, unknown>;
  }
}

/**
 * Turns the ORM's own writes into live events, published only once they are committed: changes
 * flushed inside a transaction wait for its commit and are dropped by its rollback; a flush
 * outside a transaction commits by itself. Every writer (services, the batch runner, command-line
 * tools sharing the ORM) is covered without calls in their code.
 */
export class ChangeFeed implements EventSubscriber {
  private readonly pending = new WeakMap<object, LiveEvent[]>();

  constructor(private readonly bus: EventBus) {}

  /** Listens to the ORM's flushes and transactions (one feed per ORM). */
  static attach(orm: { em: EntityManager }, bus: EventBus): ChangeFeed {
    const feed = new ChangeFeed(bus);
    orm.em.getEventManager().registerSubscriber(feed);
    return feed;
  }

  /** Publishes `events` when the transaction `em` is in commits (at once outside a transaction). */
  record(em: EntityManager, events: LiveEvent[]): void {
    const trx = em.getTransactionContext() as object | undefined;
    if (!trx) {
      this.bus.publish(events);
      return;
    }
    const root = rootTransaction(trx);
    const waiting = this.pending.get(root);
    if (waiting) waiting.push(...events);
    else this.pending.set(root, events);
  }

  async afterFlush({ em, uow }: FlushEventArgs): Promise<void> {
    const events: LiveEvent[] = [];
    for (const cs of uow.getChangeSets()) {
      const event = eventOf(cs as ChangeSet<object>);
      if (event) events.push(event);
    }
    if (events.length > 0) this.record(em, events);
  }

  async afterTransactionCommit({ transaction }: TransactionEventArgs): Promise<void> {
    const events = this.pending.get(transaction as object);
    if (!events) return;
    this.pending.delete(transaction as object);
    this.bus.publish(events);
  }

  async afterTransactionRollback({ transaction }: TransactionEventArgs): Promise<void> {
    this.pending.delete(transaction as object);
  }
}

/**
 * For writes the unit of work does not see (`nativeUpdate`, query builders): tells the feed of
 * `em`'s ORM about the change, published when `em`'s transaction commits. Without a feed (the
 * command-line tools) nothing happens.
 */
export function recordChange(em: EntityManager, event: LiveEvent): void {
  // Transactions fork the event manager with its subscribers, so the feed is found among them.
  const feed = [...em.getEventManager().getSubscribers()].find((s): s is ChangeFeed => s instanceof ChangeFeed);
  feed?.record(em, [event]);
}
