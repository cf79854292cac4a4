import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { LockMode, raw, type EntityManager, type FilterQuery, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import type { Clock } from '../common/clock.js';
import type { JobQueue } from '../common/job-queue.js';
import type { Logger } from '../logger.js';
import { RequestScope } from '../common/request-scope.js';
import { Authority } from '../auth/authorities.js';
import type { Viewer } from '../auth/viewer.js';
import { Workspace } from '../auth/workspace.entity.js';
import { audit } from '../audit/audit.service.js';
import { Job, JobStatus } from './job.entity.js';

/** What a job's handler works with. */
export interface JobContext<P> {
  job: Job;
  payload: P;
  /** A fresh EntityManager fork for this attempt. */
  em: EntityManager;
  /** A scope acting as the gateway itself in the job's workspace (services take it like a request's). */
  scope: RequestScope;
  clock: Clock;
  log: Logger;
  /** Aborted when the gateway shuts down: a long job checkpoints and throws `JobInterrupted`. */
  signal: AbortSignal;
  /** Queues another job (e.g. the next run of a schedule). */
  enqueue: JobRunner['enqueue'];
  /** Ends this attempt without running: the job is due again at `runAt` (its subject's time moved), keeping its singleton key. */
  reschedule(runAt: Date): void;
}

export type JobHandler<P> = (ctx: JobContext<P>) => Promise<void>;

export interface JobTypeOptions {
  /** Attempts before the job is parked as Failed (default 5). */
  maxAttempts?: number;
  /** Wait before the first retry; doubled for each further one (default 30 s). */
  backoffMs?: number;
}

export interface EnqueueOptions<P> {
  type: string;
  workspaceId: string;
  payload: P;
  /** When it is due (default: now). */
  runAt?: Date;
  /** While a job with this key is queued or running, enqueueing another one with it does nothing. */
  singletonKey?: string;
}

/** Thrown by a handler that stopped at a checkpoint because the gateway is shutting down: the job is queued again as it was. */
export class JobInterrupted extends Error {
  constructor() {
    super('interrupted by shutdown');
    this.name = 'JobInterrupted';
  }
}

interface Registered {
  handler: JobHandler<never>;
  maxAttempts: number;
  backoffMs: number;
}

export interface JobRunnerOptions {
  /** How often the poller looks for due jobs; 0: no poller (tests call runDue). */
  pollMs: number;
  /** How long a claim holds without renewal; a job whose holder died is claimed again after it. */
  leaseMs: number;
}

/**
 * Runs stored jobs at their time. Every backend is a `job` table: a process claims one due job
 * in a short transaction (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several gateway
 * processes never take the same job; on SQLite the one process's transactions are serialized),
 * runs its handler outside that transaction, and records the outcome. A failure is retried with
 * exponential backoff, then parked as Failed with its error. Time is the injected clock's.
 */
export class JobRunner implements JobQueue {
  private readonly types = new Map<string, Registered>();
  /** Names this process in `lockedBy`. */
  readonly owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly shutdown = new AbortController();
  private timer?: NodeJS.Timeout;
  private draining?: Promise<number>;
  private readonly running = new Set<Promise<unknown>>();
  private readonly startHooks: Array<(em: EntityManager, runner: JobRunner) => Promise<void>> = [];
  private started = false;
  /** The error of the poller's last pass, cleared by the next pass that gets through. */
  private pollError?: unknown;
  /** Called when a job is parked as Failed after its last attempt (the metrics count it). */
  onFailed?: (type: string) => void;

  constructor(
    private readonly orm: MikroORM,
    private readonly config: Config,
    readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: JobRunnerOptions,
  ) {}

  register<P>(type: string, handler: JobHandler<P>, options: JobTypeOptions = {}): void {
    if (this.types.has(type)) throw new Error(`job type ${type} is registered twice`);
    this.types.set(type, { handler: handler as JobHandler<never>, maxAttempts: options.maxAttempts ?? 5, backoffMs: options.backoffMs ?? 30_000 });
  }

  /**
   * Queues a job. With `em`, inside the caller's unit of work (it commits with the caller's
   * transaction, or not at all); without, in its own. A singleton key already held by a queued
   * or running job makes this a no-op that returns null.
   */
  async enqueue<P>(options: EnqueueOptions<P>, em?: EntityManager): Promise<Job | null> {
    const work = async (tx: EntityManager) => {
      if (options.singletonKey && (await tx.count(Job, { singletonKey: options.singletonKey })) > 0) return null;
      const registered = this.types.get(options.type);
      return tx.create(Job, {
        workspace: tx.getReference(Workspace, options.workspaceId),
        type: options.type,
        payload: options.payload as Record<string, unknown>,
        runAt: options.runAt ?? this.clock.now(),
        singletonKey: options.singletonKey ?? null,
        maxAttempts: registered?.maxAttempts ?? 5,
        createdAt: this.clock.now(),
      });
    };
    if (em) return work(em);
    return this.orm.em.fork().transactional(work);
  }

  /** Work done once at start, before the poller runs (e.g. queueing jobs for subjects written without one). */
  atStart(hook: (em: EntityManager, runner: JobRunner) => Promise<void>): void {
    this.startHooks.push(hook);
  }

  /** Starts the poller (with pollMs > 0). On SQLite, jobs left Running by a process that died are queued again first. */
  async start(): Promise<void> {
    // A job held by a process of this machine that no longer exists is taken back at once
    // rather than after its claim lapses (a gateway restarted after a crash).
    const em = this.orm.em.fork();
    const held = await em.find(Job, { status: JobStatus.RUNNING }, { fields: ['id', 'lockedBy'] });
    const dead = held.filter((job) => job.lockedBy && !processAlive(job.lockedBy)).map((job) => job.id);
    if (dead.length) {
      await em.nativeUpdate(Job, { id: { $in: dead }, status: JobStatus.RUNNING }, { status: JobStatus.QUEUED, lockedBy: null, lockedUntil: null, runAt: this.clock.now() });
      this.log.warn('jobs of a process that stopped are queued again', { count: dead.length });
    }
    for (const hook of this.startHooks) await hook(this.orm.em.fork(), this);
    this.started = true;
    if (this.options.pollMs <= 0) return;
    const tick = () => {
      this.runDue()
        .then(
          () => {
            this.pollError = undefined;
          },
          (error) => {
            this.pollError = error;
            this.log.error('job poll failed', { error: error instanceof Error ? error.message : String(error) });
          },
        )
        .finally(() => {
          if (!this.shutdown.signal.aborted) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    this.timer = setTimeout(tick, this.options.pollMs);
    this.timer.unref();
  }

  /**
   * The readiness check (/ready's `jobs`): throws unless the runner has started and is not
   * stopping, and, with a poller, its last pass got through (a pass that fails, e.g. on an
   * unreachable database, makes it not ready until one succeeds). A pass busy with a long job
   * (a reconciliation) is alive: it is not judged by how long it takes.
   */
  async assertRunning(): Promise<void> {
    if (this.shutdown.signal.aborted) throw new Error('stopped (the gateway is shutting down)');
    if (!this.started) throw new Error('not started yet');
    if (this.options.pollMs > 0 && this.pollError !== undefined) {
      // The driver's code, or the message without the SQL a driver puts before " - ": a probe shows no statement.
      const cause = (this.pollError ?? {}) as { code?: unknown; message?: unknown };
      if (typeof cause.code === 'string' && /^[A-Z0-9_]{2,40}$/.test(cause.code)) throw new Error(`the last poll failed (${cause.code})`);
      const first = String(cause.message ?? this.pollError)
        .split('\n')[0]
        .replace(/^.* - (?=[a-z])/, '')
        .slice(0, 200);
      throw new Error(`the last poll failed: ${first}`);
    }
  }

  /** The registered job types (metrics report each, with zeros when none is queued). */
  registeredTypes(): string[] {
    return [...this.types.keys()];
  }

  /**
   * The queue as the job table has it now, by type: queued and due (by the clock), queued for
   * later, running, and when the oldest due one became due. Two grouped statements over the
   * (status, run_at) index, all workspaces together: what /metrics reports at each scrape.
   */
  async queueDepths(): Promise<Map<string, { due: number; scheduled: number; running: number; oldestDue: Date | null }>> {
    const now = this.clock.now();
    const em = this.orm.em.fork() as SqlEntityManager;
    const depths = new Map<string, { due: number; scheduled: number; running: number; oldestDue: Date | null }>();
    const of = (type: string) => {
      let depth = depths.get(type);
      if (!depth) depths.set(type, (depth = { due: 0, scheduled: 0, running: 0, oldestDue: null }));
      return depth;
    };
    for (const type of this.types.keys()) of(type);
    const byStatus = await em
      .createQueryBuilder(Job)
      .select(['type', 'status', raw('count(*) as n')])
      .where({ status: { $in: [JobStatus.QUEUED, JobStatus.RUNNING] } })
      .groupBy(['type', 'status'])
      .execute<Array<{ type: string; status: string; n: number | string }>>('all', false);
    for (const row of byStatus) {
      if (row.status === JobStatus.RUNNING) of(row.type).running = Number(row.n);
      else of(row.type).scheduled = Number(row.n);
    }
    const due = await em
      .createQueryBuilder(Job)
      .select(['type', raw('count(*) as n'), raw('min(run_at) as oldest')])
      .where({ status: JobStatus.QUEUED, runAt: { $lte: now } })
      .groupBy('type')
      .execute<Array<{ type: string; n: number | string; oldest: Date | number | string | null }>>('all', false);
    for (const row of due) {
      const depth = of(row.type);
      depth.due = Number(row.n);
      depth.scheduled -= depth.due;
      depth.oldestDue = row.oldest === null ? null : new Date(row.oldest);
    }
    return depths;
  }

  /**
   * Runs every job due by the clock's now, one after another, until none is left; returns how
   * many attempts ran. Concurrent calls in one process share one pass.
   */
  runDue(): Promise<number> {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async drain(): Promise<number> {
    let ran = 0;
    while (!this.shutdown.signal.aborted) {
      const job = await this.claim();
      if (!job) break;
      const attempt = this.attempt(job);
      this.running.add(attempt);
      try {
        await attempt;
      } finally {
        this.running.delete(attempt);
      }
      ran++;
    }
    return ran;
  }

  /**
   * Takes one due job (or one whose holder's claim lapsed) for this process. The update is
   * conditional on the attempt count read, so two processes that read the same row (SQLite
   * files shared by processes) cannot both take it; PostgreSQL skips rows another holds.
   */
  private async claim(): Promise<Job | null> {
    for (;;) {
      const now = this.clock.now();
      const outcome = await this.orm.em.fork().transactional(async (em) => {
        const due: FilterQuery<Job> = {
          $or: [
            { status: JobStatus.QUEUED, runAt: { $lte: now } },
            { status: JobStatus.RUNNING, lockedUntil: { $lt: now } },
          ],
        };
        const [job] = await em.find(Job, due, {
          orderBy: { runAt: 'asc', id: 'asc' },
          limit: 1,
          ...(this.config.database === 'postgresql' ? { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE } : {}),
        });
        if (!job) return null;
        const claim = { status: JobStatus.RUNNING, attempts: job.attempts + 1, lockedBy: this.owner, lockedUntil: new Date(now.getTime() + this.options.leaseMs), startedAt: now };
        const taken = await em.nativeUpdate(Job, { id: job.id, attempts: job.attempts, status: job.status }, claim);
        if (taken !== 1) return 'lost' as const;
        return Object.assign(job, claim);
      });
      if (outcome !== 'lost') return outcome;
    }
  }

  private async attempt(job: Job): Promise<void> {
    const registered = this.types.get(job.type);
    // A claim is renewed while the handler runs, so a long run is not taken for a dead one.
    const renew = setInterval(
      () => {
        this.orm.em
          .fork()
          .nativeUpdate(Job, { id: job.id, lockedBy: this.owner }, { lockedUntil: new Date(this.clock.now().getTime() + this.options.leaseMs) })
          .catch(() => {});
      },
      Math.max(50, Math.floor(this.options.leaseMs / 3)),
    );
    renew.unref();
    let outcome: { error?: unknown } = {};
    let rescheduled: Date | undefined;
    try {
      if (!registered) throw new Error(`no handler is registered for job type ${job.type}`);
      const em = this.orm.em.fork();
      const scope = new RequestScope(`job:${job.id}`, jobViewer(job), em, this.config, this.shutdown.signal, this.clock, this);
      await registered.handler({
        job,
        payload: job.payload as never,
        em,
        scope,
        clock: this.clock,
        log: this.log,
        signal: this.shutdown.signal,
        enqueue: (options, tx) => this.enqueue(options, tx),
        reschedule: (runAt) => {
          rescheduled = runAt;
        },
      });
    } catch (error) {
      outcome = { error };
    } finally {
      clearInterval(renew);
    }
    await this.finish(job, registered, outcome.error, rescheduled);
  }

  /** Records an attempt's outcome: Completed; Queued again after a backoff; or Failed for good. */
  private async finish(job: Job, registered: Registered | undefined, error: unknown, rescheduled?: Date): Promise<void> {
    const now = this.clock.now();
    const em = this.orm.em.fork();
    let parked: string | undefined;
    await em.transactional(async (tx) => {
      const stored = await tx.findOne(Job, { id: job.id, lockedBy: this.owner });
      if (!stored) return; // the claim lapsed and another process took the job over
      const release = { lockedBy: null, lockedUntil: null };
      if (error instanceof JobInterrupted) {
        Object.assign(stored, release, { status: JobStatus.QUEUED, attempts: stored.attempts - 1, runAt: now });
        return;
      }
      if (error === undefined && rescheduled) {
        Object.assign(stored, release, { status: JobStatus.QUEUED, attempts: 0, runAt: rescheduled });
        return;
      }
      if (error === undefined) {
        Object.assign(stored, release, { status: JobStatus.COMPLETED, finishedAt: now, singletonKey: null, lastError: null });
        this.record(tx, stored, 'job.complete');
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const backoff = (registered?.backoffMs ?? 30_000) * 2 ** (stored.attempts - 1);
      if (stored.attempts < stored.maxAttempts && registered) {
        Object.assign(stored, release, { status: JobStatus.QUEUED, lastError: message, runAt: new Date(now.getTime() + backoff) });
        this.log.warn('job failed; retrying', { job: stored.id, type: stored.type, attempt: stored.attempts, error: message });
        return;
      }
      Object.assign(stored, release, { status: JobStatus.FAILED, lastError: message, finishedAt: now, singletonKey: null });
      this.log.error('job failed for good', { job: stored.id, type: stored.type, attempts: stored.attempts, error: message });
      this.record(tx, stored, 'job.fail');
      parked = stored.type;
    });
    if (parked) this.onFailed?.(parked);
  }

  private record(em: EntityManager, job: Job, action: string) {
    const event = audit(em, jobViewer(job), {
      action,
      entityType: 'Job',
      entityId: job.id,
      after: { type: job.type, payload: job.payload, attempts: job.attempts, ...(job.lastError ? { error: job.lastError } : {}) },
    });
    event.at = this.clock.now();
  }

  /**
   * Stops taking jobs and asks running ones to checkpoint (their signal aborts), then waits for
   * them, at most `graceMs`; a job still running after that is left to its lease.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.shutdown.abort();
    if (this.timer) clearTimeout(this.timer);
    const running = Promise.allSettled([...this.running, this.draining]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
}

/** The gateway itself, acting in a job's workspace: audits name it `job <type>`. */
function jobViewer(job: Job): Viewer {
  return { apiKeyId: `job:${job.id}`, apiKeyName: `job ${job.type}`, workspaceId: job.workspace.id, authorities: [Authority.ORG_ADMIN], person: null };
}

/** Whether the holder named by `lockedBy` (host:pid:nonce) may still be running: false only for a process of this host that is gone. */
function processAlive(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== os.hostname() || !/^[0-9]+$/.test(pid ?? '')) return true;
  // Another app in this very process (tests run several) is alive by definition.
  if (Number(pid) === process.pid) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
