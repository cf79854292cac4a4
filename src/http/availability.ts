import { ConnectionException } from '@mikro-orm/core';
import { DomainError } from '../errors.js';

/** Seconds a client is told to wait when the gateway is full: slots free up as requests end. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1;
/** Seconds a client is told to wait when the database does not answer: a restart or failover. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The gateway cannot serve right now: answered 503 with `Retry-After`, code SERVICE_UNAVAILABLE. */
export class ServiceUnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('SERVICE_UNAVAILABLE', message, undefined, { retryAfter: retryAfterSeconds });
  }
}

/**
 * At most `concurrent` GraphQL and SCIM requests of this process are served at once, and at most
 * `queued` more wait for a turn (first come, first served); past that a request is refused at
 * once with 503 rather than piling up behind the others until they all time out.
 */
export class RequestGate {
  private active = 0;
  private readonly waiting: Array<{ admit: () => void }> = [];

  constructor(
    private readonly concurrent: number,
    private readonly queued: number,
  ) {}

  /**
   * Resolves with the function that frees the slot once the request is done; rejects with
   * ServiceUnavailableError when the queue is full, or with the signal's reason when the request
   * is abandoned (timed out) while it waits.
   */
  async enter(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.concurrent) {
      this.active++;
      return this.releaser();
    }
    if (this.waiting.length >= this.queued) {
      throw new ServiceUnavailableError(
        `The gateway is serving as many requests as it may (${this.concurrent} at once, ${this.queued} waiting); retry after ${OVERLOAD_RETRY_AFTER_SECONDS} s`,
        OVERLOAD_RETRY_AFTER_SECONDS,
      );
    }
    return new Promise<() => void>((resolve, reject) => {
      const entry = {
        admit: () => {
          signal?.removeEventListener('abort', abandon);
          resolve(this.releaser());
        },
      };
      const abandon = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', abandon, { once: true });
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      // The slot passes straight to the next in line, if any.
      const next = this.waiting.shift();
      if (next) next.admit();
      else this.active--;
    };
  }
}

// Errors that mean "no database to talk to", as node, pg, knex's pool and SQLite raise them: the
// request was fine, the gateway cannot serve it now.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
]);

/** Whether an error (or one it wraps) says the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 6 && e && typeof e === 'object'; depth++) {
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (e instanceof ConnectionException) return true;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true; // 08xxx: connection exception
    if (name === 'KnexTimeoutError') return true;
    if (typeof message === 'string' && /^Connection terminated( unexpectedly|due to connection timeout)?$/.test(message)) return true;
    const next = e as { previous?: unknown; cause?: unknown; originalError?: unknown };
    e = next.previous ?? next.originalError ?? next.cause;
  }
  return false;
}

/** The refusal for a request that failed because the database is unreachable. */
export const databaseUnavailable = () => new ServiceUnavailableError(`The database does not answer; retry after ${DATABASE_RETRY_AFTER_SECONDS} s`, DATABASE_RETRY_AFTER_SECONDS);
