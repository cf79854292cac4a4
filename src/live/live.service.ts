import type { Viewer } from '../auth/viewer.js';
import { authorize } from '../auth/viewer.js';
import { decideActor } from '../auth/actor.js';
import { notFound } from '../errors.js';
import { TaskInboxChange, type TaskInboxEvent } from '../../schema/live/live.types.js';
import type { EventBus, LiveEvent } from './event-bus.js';
import { EventStream } from './event-stream.js';

type TaskEvent = Extract<LiveEvent, { kind: 'task' }>;

/**
 * The source streams of one subscription operation: events of the caller's workspace only, each
 * kept or dropped by what the subscription asked for. Checks the read action and that the
 * watched object exists when the subscription starts; each event's payload is then read again
 * through the subscriber's credential (src/live/subscriptions.ts).
 */
export class LiveService {
  constructor(
    private readonly viewer: Viewer,
    private readonly bus: EventBus,
    /** The approval groups a person belongs to, read anew (membership may change while subscribed). */
    private readonly groupsOf: (login: string) => Promise<string[]>,
  ) {}

  /**
   * A person's task inbox: tasks assigned to them, claimed by them or offered to one of their
   * groups, as they are created and change, including the change that takes a task away from
   * them. The person is the credential's (an ACT_AS key names one in `userLogin`).
   */
  taskInbox(userLogin: string | null | undefined): AsyncIterableIterator<TaskInboxEvent> {
    authorize(this.viewer, 'requests:read');
    const { login } = decideActor(this.viewer, userLogin, 'userLogin');
    return this.stream(async (event) => {
      if (event.kind !== 'task') return undefined;
      const change = await this.inboxChange(event, login);
      return change && { change, taskId: event.id };
    });
  }

  /** Changes of one request's status (a request of another workspace or none at all is NOT_FOUND). */
  requestStatus(id: string, exists: boolean): AsyncIterableIterator<LiveEvent> {
    authorize(this.viewer, 'requests:read');
    if (!exists) throw notFound('Request', id, 'id');
    return this.stream(async (e) => (e.kind === 'request' && e.id === id && e.status !== e.statusBefore ? e : undefined));
  }

  /** Every progress step of one reconciliation batch: started, each page written, finished. */
  reconciliationBatch(id: string, exists: boolean): AsyncIterableIterator<LiveEvent> {
    authorize(this.viewer, 'reconciliation:read');
    if (!exists) throw notFound('ReconciliationBatch', id, 'id');
    return this.stream(async (e) => (e.kind === 'reconciliationBatch' && e.id === id ? e : undefined));
  }

  /** Every change of one certification campaign's progress (decisions, completion). */
  certificationCampaign(id: string, exists: boolean): AsyncIterableIterator<LiveEvent> {
    authorize(this.viewer, 'certifications:read');
    if (!exists) throw notFound('CertificationCampaign', id, 'id');
    return this.stream(async (e) => (e.kind === 'certificationCampaign' && e.id === id ? e : undefined));
  }

  private async inboxChange(event: TaskEvent, login: string): Promise<TaskInboxChange | undefined> {
    const mine = async (who: { assignee: string; assigneeType: string; claimedBy: string | null }) =>
      who.claimedBy === login || (who.assigneeType === 'User' ? who.assignee === login : who.claimedBy === null && (await this.groupsOf(login)).includes(who.assignee));
    const now = await mine(event);
    const before = event.before ? await mine(event.before) : false;
    if (now && (event.created || !before)) return TaskInboxChange.ASSIGNED;
    if (now || before) return TaskInboxChange.CHANGED;
    return undefined;
  }

  /**
   * Events of the caller's workspace that `keep` maps to a payload, in the order they were
   * published. The workspace test comes first and is synchronous: another workspace's event
   * never reaches `keep`.
   */
  private stream<T>(keep: (event: LiveEvent) => Promise<T | undefined>): AsyncIterableIterator<T> {
    const workspaceId = this.viewer.workspaceId;
    let chain = Promise.resolve();
    const stream: EventStream<T> = new EventStream<T>(() => stop());
    const stop = this.bus.listen((event) => {
      if (event.workspaceId !== workspaceId) return;
      chain = chain
        .then(() => keep(event))
        .then((payload) => {
          if (payload !== undefined) stream.push(payload);
        })
        .catch((error) => stream.fail(error));
    });
    return stream;
  }
}
