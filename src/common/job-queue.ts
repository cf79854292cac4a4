import type { EntityManager } from '@mikro-orm/core';

/** What services need of the job runner (src/jobs): queueing work for later, in their own transaction. */
export interface JobQueue {
  enqueue<P>(options: { type: string; workspaceId: string; payload: P; runAt?: Date; singletonKey?: string }, em?: EntityManager): Promise<{ id: string } | null>;
}
