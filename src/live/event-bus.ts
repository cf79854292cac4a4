import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * A change a subscriber may care about, published after the write that made it committed. It
 * carries ids and the few columns subscribers filter on, never the data itself: each subscriber
 * reads the object again through its own credential, so what it sees is what it may read.
 */
export type LiveEvent =
  | {
      kind: 'task';
      workspaceId: string;
      id: string;
      /** True when the write created the task. */
      created: boolean;
      assignee: string;
      assigneeType: string;
      claimedBy: string | null;
      /** The assignee and claimer before the write (a task that left someone's inbox still tells them). */
      before: { assignee: string; assigneeType: string; claimedBy: string | null } | null;
    }
  | { kind: 'request'; workspaceId: string; id: string; status: string; statusBefore: string | null }
  | { kind: 'reconciliationBatch'; workspaceId: string; id: string }
  | { kind: 'certificationCampaign'; workspaceId: string; id: string };

export type LiveListener = (event: LiveEvent) => void;

/** Where committed changes go, and where subscriptions hear them. */
export interface EventBus {
  publish(events: LiveEvent[]): void;
  /** Calls `listener` for every event published from now on (by any process sharing the bus); returns the way to stop. */
  listen(listener: LiveListener): () => void;
  close(): Promise<void>;
}

/** One process: events reach the subscribers of this process only. */
export class MemoryEventBus implements EventBus {
  private readonly listeners = new Set<LiveListener>();

  publish(events: LiveEvent[]): void {
    for (const event of events) for (const listener of this.listeners) listener(event);
  }

  listen(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/**
 * Redis pub/sub: every gateway process on the same Redis and channel hears every event, its own
 * included (delivered back by Redis, so all processes see one order). Pub/sub keeps nothing: a
 * process that is disconnected misses what was published meanwhile, and a subscriber that needs
 * the state reads it again (every event is only a signal to re-read).
 */
export class RedisEventBus implements EventBus {
  private readonly local = new MemoryEventBus();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  private constructor(
    url: string,
    private readonly channel: string,
    private readonly log: Logger,
  ) {
    const options = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true };
    this.publisher = new Redis(url, options);
    this.subscriber = new Redis(url, options);
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error: Error) => log.warn('live events: Redis connection error', { error: error.message }));
    }
    this.subscriber.on('message', (_channel: string, message: string) => {
      let events: LiveEvent[];
      try {
        events = JSON.parse(message) as LiveEvent[];
      } catch {
        return; // not ours: anything may publish on a channel
      }
      if (Array.isArray(events)) this.local.publish(events);
    });
  }

  static async connect(url: string, channel: string, log: Logger): Promise<RedisEventBus> {
    const bus = new RedisEventBus(url, channel, log);
    await bus.publisher.connect();
    await bus.subscriber.connect();
    await bus.subscriber.subscribe(channel);
    return bus;
  }

  publish(events: LiveEvent[]): void {
    if (events.length === 0) return;
    // The write has committed already: a failed publish loses a signal, never data.
    this.publisher.publish(this.channel, JSON.stringify(events)).catch((error: Error) => this.log.warn('live events: publish failed', { error: error.message }));
  }

  listen(listener: LiveListener): () => void {
    return this.local.listen(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => this.publisher.disconnect());
  }
}

/** The bus the configuration asks for: Redis when a URL is given, else this process's memory. */
export async function openEventBus(redisUrl: string | undefined, channel: string, log: Logger): Promise<EventBus> {
  return redisUrl ? RedisEventBus.connect(redisUrl, channel, log) : new MemoryEventBus();
}
