import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../config.js';
import type { Viewer } from '../auth/viewer.js';
import { systemClock, type Clock } from './clock.js';
import type { JobQueue } from './job-queue.js';

/** Anything that caches reads for one request (a loader set) and can forget them. */
export interface Forgetful {
  clearAll(): void;
}

/**
 * What every service of one request works with: who calls, the request's EntityManager, the
 * configuration, and the transaction its mutations run in. It knows no domain, so any service
 * may take it without importing the others (or the per-request context that builds them).
 */
export class RequestScope {
  /** The loader sets of this request, which forget what they read after each write. */
  private readonly caches: Forgetful[] = [];

  constructor(
    /** Names the request in audit events and in the server log. */
    readonly requestId: string,
    readonly viewer: Viewer,
    /** A fork of the ORM's EntityManager: its own identity map and unit of work. */
    readonly em: EntityManager,
    readonly config: Config,
    /** Aborted when the request was answered 504 (REQUEST_TIMEOUT_MS) while it still ran. */
    readonly signal?: AbortSignal,
    /** Where "now" comes from for anything that acts on a date (tests move it). */
    readonly clock: Clock = systemClock,
    /** Where services queue work for later (task expiry, a reconciliation run). */
    readonly jobs?: JobQueue,
  ) {}

  /** The job queue; every gateway has one (a scope built without it is a programming error). */
  get queue(): JobQueue {
    if (!this.jobs) throw new Error('this scope has no job queue');
    return this.jobs;
  }

  /** Makes `cache` forget what it read whenever a transaction of this request commits. */
  clearsAfterWrites<T extends Forgetful>(cache: T): T {
    this.caches.push(cache);
    return cache;
  }

  /**
   * Runs a mutation as one transaction; on success the request's loaders forget what they
   * read, so the mutation's payload and later fields see the new state.
   */
  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.em.transactional(async (em) => {
      const value = await work(em);
      // The client was told this request timed out: roll back rather than commit behind its back.
      this.signal?.throwIfAborted();
      return value;
    });
    for (const cache of this.caches) cache.clearAll();
    return result;
  }
}
