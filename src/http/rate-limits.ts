import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimits } from '../config.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Budgets are per minute: a fixed window that starts with the first point spent. */
const WINDOW_SECONDS = 60;

/** Over a budget: answered 429 with `Retry-After` (seconds until the window ends). */
export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    limit: number,
  ) {
    super('RATE_LIMITED', message, undefined, { retryAfter: retryAfterSeconds, limit });
  }
}

/**
 * The gateway's two budgets, counted with rate-limiter-flexible: cost points per API key per
 * minute, and failed authentications per client address per minute. In memory by default;
 * in Redis when REDIS_URL is set, so every gateway process spends from the same budget. When
 * Redis does not answer, each process falls back to counting in its own memory (the library's
 * insurance limiter) rather than refusing every request.
 */
export class RequestBudgets {
  private constructor(
    private readonly config: RateLimits,
    private readonly perKey: RateLimiterAbstract,
    private readonly authFailures: RateLimiterAbstract,
    private readonly redis?: Redis,
  ) {}

  /** Called for each refusal (the metrics count them), with the budget that refused. */
  onRefusal: (budget: 'key' | 'address') => void = () => {};

  static async create(config: RateLimits, log: Logger): Promise<RequestBudgets> {
    const keyOptions = { keyPrefix: `${config.redisPrefix}:key`, points: config.points, duration: WINDOW_SECONDS };
    const authOptions = { keyPrefix: `${config.redisPrefix}:auth`, points: config.authFailures, duration: WINDOW_SECONDS };
    if (!config.redisUrl) return new RequestBudgets(config, new RateLimiterMemory(keyOptions), new RateLimiterMemory(authOptions));
    // Without the offline queue a command fails at once while Redis is down, and the insurance
    // limiter answers instead of the request waiting for a reconnection.
    const redis = new Redis(config.redisUrl, { enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', (error: Error) => log.warn('redis error (rate limits count in memory meanwhile)', { error: error.message }));
    try {
      await redis.connect();
    } catch (error) {
      log.warn('redis unreachable at start (rate limits count in memory until it answers)', { error: String(error) });
    }
    const store = (options: typeof keyOptions) =>
      new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) });
    return new RequestBudgets(config, store(keyOptions), store(authOptions), redis);
  }

  /**
   * Spends `cost` points of the API key's budget, or throws RateLimitedError. An operation
   * never costs more than the whole budget, so one the query limits allow can always run.
   */
  async spend(apiKeyId: string, cost: number): Promise<void> {
    if (!this.config.enabled) return;
    const points = Math.min(Math.max(1, Math.ceil(cost)), this.config.points);
    try {
      await this.perKey.consume(apiKeyId, points);
    } catch (rejection) {
      const res = expectRejection(rejection);
      // A refused operation spends nothing: what is left still serves cheaper ones.
      await this.perKey.reward(apiKeyId, points).catch(() => {});
      this.onRefusal('key');
      throw new RateLimitedError(
        `This API key has spent its budget of ${this.config.points} cost points per minute (this operation costs ${points}); retry after ${retryAfter(res)} s`,
        retryAfter(res),
        this.config.points,
      );
    }
  }

  /** Refuses an address that failed authentication too often in this window, before its key is looked at. */
  async admitAddress(address: string): Promise<void> {
    if (!this.config.enabled) return;
    const res = await this.authFailures.get(address);
    if (res && res.consumedPoints >= this.config.authFailures) {
      this.onRefusal('address');
      throw new RateLimitedError(
        `Too many failed authentications from this address (${this.config.authFailures} per minute); retry after ${retryAfter(res)} s`,
        retryAfter(res),
        this.config.authFailures,
      );
    }
  }

  /** Counts one failed authentication of the address. */
  async authenticationFailed(address: string): Promise<void> {
    if (!this.config.enabled) return;
    await this.authFailures.consume(address, 1).catch((rejection: unknown) => void expectRejection(rejection));
  }

  async close(): Promise<void> {
    if (this.redis && this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** A rejection is a RateLimiterRes; anything else (a store failure the insurance did not absorb) is rethrown. */
function expectRejection(rejection: unknown): RateLimiterRes {
  if (rejection instanceof RateLimiterRes) return rejection;
  throw rejection;
}
