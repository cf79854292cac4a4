import path from 'node:path';
import { DEVELOPMENT_SECRETS_KEY, type SecretKeys } from './common/secrets.js';

export type DatabaseKind = 'sqlite' | 'postgresql';

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Which driver: PostgreSQL when DATABASE_URL is a postgres:// URL, SQLite otherwise. */
  database: DatabaseKind;
  /** postgres:// URL, or the SQLite file path (':memory:' in tests). */
  databaseUrl: string;
  /** Largest `first` a connection accepts; larger is BAD_USER_INPUT, never silently cut. */
  maxPageSize: number;
  defaultPageSize: number;
  /** Fill an empty database with the demo data set on start. */
  seedDemoData: boolean;
  /** Largest task-comment attachment in bytes. */
  maxUploadBytes: number;
  /**
   * Prefetch nested selections of the catalog graph with one SQL statement (SQL_PLANNER=false
   * leaves every edge to its DataLoader).
   */
  sqlPlanner: boolean;
  /** Public base URL used in SCIM `meta.location`; defaults to the listening address. */
  publicUrl?: string;
  /** What one GraphQL operation may ask for; checked before it runs (src/graph/limits.ts). */
  queryLimits: QueryLimits;
  /** OpenID Connect sign-in tokens (README: Signing in with OpenID Connect). */
  oidc: OidcTiming;
  /** How fast one API key and one client address may go (README: Rate limits and timeouts). */
  rateLimits: RateLimits;
  /** Longest a request may take before it is answered 504 (REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** SQLite's `synchronous` pragma (SQLITE_SYNCHRONOUS): NORMAL survives a process crash, FULL also a power loss. */
  sqliteSynchronous: 'normal' | 'full';
  /**
   * Keys that seal stored secrets such as connector tokens (src/common/secrets.ts): SECRETS_KEY
   * seals, it and SECRETS_KEYS_PREVIOUS open. Without SECRETS_KEY, development and tests use the
   * public development key; production refuses to start.
   */
  secrets: SecretKeys;
}

/** Timing of OpenID Connect token verification. */
export interface OidcTiming {
  /**
   * After a key set was fetched, how long a token whose `kid` is not in it waits before the set is
   * fetched again (jose's refetch cooldown; OIDC_JWKS_COOLDOWN_MS). Bounds the fetches forged
   * `kid`s can cause, and is the longest a key the provider has just rotated in can be refused.
   */
  jwksCooldownMs: number;
  /** How long a key set is used before it is fetched again anyway (jose's cache max age). */
  jwksMaxAgeMs: number;
  /** How long a discovery document (the issuer's `jwks_uri`) is remembered. */
  discoveryMaxAgeMs: number;
  /** Leeway for `exp` and `nbf` against the provider's clock, in seconds (OIDC_CLOCK_TOLERANCE_SECONDS). */
  clockToleranceSeconds: number;
  /** Timeout of one request to the provider. */
  fetchTimeoutMs: number;
}

/** Budgets per minute, shared by every gateway process when REDIS_URL is set. */
export interface RateLimits {
  /** RATE_LIMIT=false turns every budget off. */
  enabled: boolean;
  /** Cost points one API key may spend per minute (RATE_LIMIT_POINTS). */
  points: number;
  /** What one mutation root field or SCIM write costs, on top of its selection (RATE_LIMIT_MUTATION_COST). */
  mutationCost: number;
  /** What one SCIM read costs (RATE_LIMIT_SCIM_READ_COST). */
  scimReadCost: number;
  /** Failed authentications one client address may have per minute (RATE_LIMIT_AUTH_FAILURES). */
  authFailures: number;
  /** redis:// URL of the shared store (REDIS_URL); unset: each process counts in memory. */
  redisUrl?: string;
  /** Prefix of the Redis keys (tests give each app its own). */
  redisPrefix: string;
}

/** The limits of one GraphQL operation (README: Query cost and limits). */
export interface QueryLimits {
  /** Objects the answer may hold at most (MAX_QUERY_COST). */
  cost: number;
  /** Nesting of fields (MAX_QUERY_DEPTH). */
  depth: number;
  /** Aliases, each fragment counted where it is spread (MAX_QUERY_ALIASES). */
  aliases: number;
  /** Fields directly under the operation (MAX_ROOT_FIELDS). */
  rootFields: number;
  /** Field selections, each fragment expanded where it is spread (MAX_QUERY_FIELDS). */
  fields: number;
  /** Bytes of the query text (MAX_QUERY_BYTES). */
  bytes: number;
  /** Tokens of the query text, counted by graphql's parser (MAX_QUERY_TOKENS). */
  tokens: number;
}

/** A setting that cannot be used; the message names the environment variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The variable as a positive integer, or its default when unset. */
function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** The variable as one of `choices` (any case), or its default when unset. */
function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(env[name])}`);
  return raw as T;
}

/** One secrets key: 32 bytes, in base64 (`openssl rand -base64 32`) or 64 hex digits. */
function secretsKey(name: string, raw: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (key?.length !== 32) throw new ConfigError(`${name} must be a 32-byte key in base64 or hex (generate one with: openssl rand -base64 32)`);
  return key;
}

function secretKeys(env: NodeJS.ProcessEnv, mode: Config['env']): SecretKeys {
  const raw = env.SECRETS_KEY?.trim();
  const previous = (env.SECRETS_KEYS_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => secretsKey('SECRETS_KEYS_PREVIOUS', k));
  if (raw) {
    const current = secretsKey('SECRETS_KEY', raw);
    if (mode === 'production' && current.equals(DEVELOPMENT_SECRETS_KEY))
      throw new ConfigError('SECRETS_KEY is the public development key; production needs a key of its own (openssl rand -base64 32)');
    return { current, previous };
  }
  if (mode === 'production') throw new ConfigError('SECRETS_KEY is required in production: it encrypts connector tokens at rest (generate one with: openssl rand -base64 32)');
  return { current: DEVELOPMENT_SECRETS_KEY, previous };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const url = env.DATABASE_URL?.trim();
  const isPg = !!url && /^postgres(ql)?:\/\//.test(url);
  return {
    env: mode,
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 4000),
    database: isPg ? 'postgresql' : 'sqlite',
    databaseUrl: isPg ? url! : (env.SQLITE_PATH ?? path.resolve('data', 'identity-graph.sqlite')),
    maxPageSize: 100,
    defaultPageSize: 20,
    seedDemoData: env.SEED_DEMO_DATA !== 'false',
    maxUploadBytes: Number(env.MAX_UPLOAD_BYTES ?? 5 * 1024 * 1024),
    sqlPlanner: env.SQL_PLANNER !== 'false',
    publicUrl: env.PUBLIC_URL,
    queryLimits: {
      cost: positiveInteger(env, 'MAX_QUERY_COST', 20_000_000),
      depth: positiveInteger(env, 'MAX_QUERY_DEPTH', 20),
      aliases: positiveInteger(env, 'MAX_QUERY_ALIASES', 64),
      rootFields: positiveInteger(env, 'MAX_ROOT_FIELDS', 64),
      fields: positiveInteger(env, 'MAX_QUERY_FIELDS', 500),
      bytes: positiveInteger(env, 'MAX_QUERY_BYTES', 32 * 1024),
      tokens: positiveInteger(env, 'MAX_QUERY_TOKENS', 4000),
    },
    oidc: {
      jwksCooldownMs: positiveInteger(env, 'OIDC_JWKS_COOLDOWN_MS', 5_000),
      jwksMaxAgeMs: 10 * 60_000,
      discoveryMaxAgeMs: 60 * 60_000,
      clockToleranceSeconds: positiveInteger(env, 'OIDC_CLOCK_TOLERANCE_SECONDS', 30),
      fetchTimeoutMs: 5_000,
    },
    rateLimits: {
      enabled: env.RATE_LIMIT !== 'false',
      points: positiveInteger(env, 'RATE_LIMIT_POINTS', 200_000_000),
      mutationCost: positiveInteger(env, 'RATE_LIMIT_MUTATION_COST', 100_000),
      scimReadCost: positiveInteger(env, 'RATE_LIMIT_SCIM_READ_COST', 1_000),
      authFailures: positiveInteger(env, 'RATE_LIMIT_AUTH_FAILURES', 20),
      redisUrl: env.REDIS_URL?.trim() || undefined,
      redisPrefix: 'igrl',
    },
    requestTimeoutMs: positiveInteger(env, 'REQUEST_TIMEOUT_MS', 30_000),
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['normal', 'full'] as const, 'normal'),
    secrets: secretKeys(env, mode),
  };
}

/** loadConfig for an entry point: a setting that cannot be used ends the process with one line. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Identity Graph cannot start: ${error.message}\n`);
    process.exit(1);
  }
}
