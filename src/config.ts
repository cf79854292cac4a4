import path from 'node:path';
import { z } from 'zod';
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
  /** Browser origins (scheme://host[:port]) allowed to call /graphql and /scim/v2 (CORS_ORIGINS). */
  corsOrigins: string[];
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
  /** Why these keys may not serve in production (see assertSecretsUsable); unset when they may. */
  secretsProblem?: string;
  /** The job runner (src/jobs): how often it looks for due jobs (0: never by itself) and how long a claim holds. */
  jobs: { pollMs: number; leaseMs: number };
  /** On SIGTERM, how long in-flight requests and running jobs get to finish (SHUTDOWN_DRAIN_MS). */
  shutdownDrainMs: number;
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

/**
 * One environment variable: how its text becomes a value (a zod schema), and `allowed`, which
 * completes the refusal "NAME must be <allowed>, got <value>". A `secret` value is never shown.
 * Unset and blank mean the default.
 */
export interface Variable<T = unknown> {
  schema: z.ZodType<T>;
  allowed: string;
  secret?: boolean;
}

const blankIsUnset = (raw: unknown) => (typeof raw === 'string' && raw.trim() === '' ? undefined : typeof raw === 'string' ? raw.trim() : raw);

function variable<T>(allowed: string, value: z.ZodType<T, string>, fallback?: NoInfer<T>, options: { secret?: boolean } = {}): Variable<T> {
  const withDefault = fallback === undefined ? value.optional() : value.default(fallback as never);
  return { schema: z.preprocess(blankIsUnset, withDefault) as z.ZodType<T>, allowed, ...options };
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]+$/)
    .transform(Number)
    .pipe(z.int().min(min).max(max));
const positiveInteger = (fallback: number) => variable('a positive integer', wholeNumber(1, Number.MAX_SAFE_INTEGER), fallback);
const flag = (fallback: boolean) => variable('true or false (also 1/0, yes/no, on/off)', z.stringbool(), fallback);
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback?: T[number]) => variable(`one of ${values.join(', ')}`, z.enum(values), fallback);

/** scheme://host[:port] exactly, as a browser sends it in `Origin` (no path, no trailing slash). */
const origin = z.url({ protocol: /^https?$/ }).refine((text) => URL.canParse(text) && new URL(text).origin === text);

/**
 * Every variable the gateway reads. Adding one is one line here (and a row in the README's
 * configuration table, which test/config.test.ts compares with this list); loadConfig maps the
 * typed values onto Config.
 */
export const variables = {
  NODE_ENV: oneOf(['development', 'production', 'test'] as const),
  HOST: variable('a host name or IP address to listen on', z.union([z.ipv4(), z.ipv6(), z.hostname()]), '127.0.0.1'),
  PORT: variable('a port number from 0 to 65535 (0: any free port)', wholeNumber(0, 65535), 4000),
  DATABASE_URL: variable('a postgres:// or postgresql:// URL (unset for SQLite)', z.url({ protocol: /^postgres(ql)?$/ })),
  SQLITE_PATH: variable('a file path', z.string().min(1), path.resolve('data', 'identity-graph.sqlite')),
  SEED_DEMO_DATA: flag(true),
  MAX_UPLOAD_BYTES: variable('a whole number of bytes from 1 to 1073741824 (no unit)', wholeNumber(1, 1024 * 1024 * 1024), 5 * 1024 * 1024),
  SQL_PLANNER: flag(true),
  PUBLIC_URL: variable('an http:// or https:// URL', z.url({ protocol: /^https?$/ })),
  CORS_ORIGINS: variable(
    'a comma-separated list of origins such as https://app.example.com (scheme://host[:port], no path)',
    z
      .string()
      .transform((list) => list.split(',').map((o) => o.trim()))
      .pipe(z.array(origin)),
    [],
  ),
  MAX_QUERY_COST: positiveInteger(20_000_000),
  MAX_QUERY_DEPTH: positiveInteger(20),
  MAX_QUERY_ALIASES: positiveInteger(64),
  MAX_ROOT_FIELDS: positiveInteger(64),
  MAX_QUERY_FIELDS: positiveInteger(500),
  MAX_QUERY_BYTES: positiveInteger(32 * 1024),
  MAX_QUERY_TOKENS: positiveInteger(4000),
  OIDC_JWKS_COOLDOWN_MS: positiveInteger(5_000),
  OIDC_CLOCK_TOLERANCE_SECONDS: positiveInteger(30),
  RATE_LIMIT: flag(true),
  RATE_LIMIT_POINTS: positiveInteger(200_000_000),
  RATE_LIMIT_MUTATION_COST: positiveInteger(100_000),
  RATE_LIMIT_SCIM_READ_COST: positiveInteger(1_000),
  RATE_LIMIT_AUTH_FAILURES: positiveInteger(20),
  REDIS_URL: variable('a redis:// or rediss:// URL', z.url({ protocol: /^rediss?$/ })),
  REQUEST_TIMEOUT_MS: positiveInteger(30_000),
  SQLITE_SYNCHRONOUS: oneOf(['normal', 'full'] as const, 'normal'),
  SECRETS_KEY: variable('a 32-byte key in base64 or hex (openssl rand -base64 32)', z.string(), undefined, { secret: true }),
  SECRETS_KEYS_PREVIOUS: variable('a comma-separated list of 32-byte keys in base64 or hex', z.string(), undefined, { secret: true }),
  JOB_POLL_MS: variable('a whole number of milliseconds (0: no poller)', wholeNumber(0, 86_400_000), 1_000),
  JOB_LEASE_MS: variable('a whole number of milliseconds from 1000 to 86400000', wholeNumber(1_000, 86_400_000), 60_000),
  SHUTDOWN_DRAIN_MS: variable('a whole number of milliseconds from 0 to 600000', wholeNumber(0, 600_000), 10_000),
} satisfies Record<string, Variable>;

type Settings = { [K in keyof typeof variables]: z.output<(typeof variables)[K]['schema']> };

const settingsSchema = z.object(
  Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, v.schema])) as { [K in keyof typeof variables]: (typeof variables)[K]['schema'] },
);

/** The value as the refusal shows it: quoted, a URL's password masked, a secret not at all. */
function shown(name: string, raw: string): string {
  if ((variables as Record<string, Variable>)[name]?.secret) return `a value of ${raw.length} characters`;
  return JSON.stringify(raw.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^@/]*@/i, '$1***@'));
}

/** The environment as typed settings; every unusable variable named on one line. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const result = settingsSchema.safeParse(Object.fromEntries(Object.keys(variables).map((name) => [name, env[name]])));
  if (result.success) return result.data as Settings;
  const names = [...new Set(result.error.issues.map((issue) => String(issue.path[0])))];
  throw new ConfigError(names.map((name) => `${name} must be ${(variables as Record<string, Variable>)[name].allowed}, got ${shown(name, env[name] ?? '')}`).join('; '));
}

/** One secrets key: 32 bytes, in base64 (`openssl rand -base64 32`) or 64 hex digits. */
function secretsKey(name: string, raw: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (key?.length !== 32) throw new ConfigError(`${name} must be a 32-byte key in base64 or hex (generate one with: openssl rand -base64 32)`);
  return key;
}

/**
 * The sealing keys, and what is wrong with them for a production server: without SECRETS_KEY (or
 * with the public development key) development and tests use the development key, and a
 * production server refuses to start (`assertSecretsUsable`). Commands that never touch a sealed
 * secret (keys, seed, schema) run without one.
 */
function secretKeys(raw: string | undefined, previousList: string | undefined, mode: Config['env']): { keys: SecretKeys; problem?: string } {
  const previous = (previousList ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => secretsKey('SECRETS_KEYS_PREVIOUS', k));
  if (raw) {
    const current = secretsKey('SECRETS_KEY', raw);
    const problem =
      mode === 'production' && current.equals(DEVELOPMENT_SECRETS_KEY)
        ? 'SECRETS_KEY is the public development key; production needs a key of its own (openssl rand -base64 32)'
        : undefined;
    return { keys: { current, previous }, problem };
  }
  const problem = mode === 'production' ? 'SECRETS_KEY is required in production: it encrypts connector tokens at rest (generate one with: openssl rand -base64 32)' : undefined;
  return { keys: { current: DEVELOPMENT_SECRETS_KEY, previous }, problem };
}

/** Refuses a production configuration whose secrets key is missing or the public development key. */
export function assertSecretsUsable(config: Config): void {
  if (config.secretsProblem) throw new ConfigError(config.secretsProblem);
}

const sealing = ({ keys, problem }: { keys: SecretKeys; problem?: string }) => ({ secrets: keys, ...(problem ? { secretsProblem: problem } : {}) });

export interface LoadOptions {
  /**
   * Whether a person started the process from a terminal; decides the mode when NODE_ENV is
   * unset (development on a terminal, production otherwise). Defaults to stdout being a TTY.
   */
  interactive?: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const s = readSettings(env);
  const interactive = options.interactive ?? process.stdout.isTTY === true;
  const mode = s.NODE_ENV ?? (interactive ? 'development' : 'production');
  return {
    env: mode,
    host: s.HOST,
    port: s.PORT,
    database: s.DATABASE_URL ? 'postgresql' : 'sqlite',
    databaseUrl: s.DATABASE_URL ?? s.SQLITE_PATH,
    maxPageSize: 100,
    defaultPageSize: 20,
    seedDemoData: s.SEED_DEMO_DATA,
    maxUploadBytes: s.MAX_UPLOAD_BYTES,
    sqlPlanner: s.SQL_PLANNER,
    publicUrl: s.PUBLIC_URL,
    queryLimits: {
      cost: s.MAX_QUERY_COST,
      depth: s.MAX_QUERY_DEPTH,
      aliases: s.MAX_QUERY_ALIASES,
      rootFields: s.MAX_ROOT_FIELDS,
      fields: s.MAX_QUERY_FIELDS,
      bytes: s.MAX_QUERY_BYTES,
      tokens: s.MAX_QUERY_TOKENS,
    },
    corsOrigins: s.CORS_ORIGINS,
    oidc: {
      jwksCooldownMs: s.OIDC_JWKS_COOLDOWN_MS,
      jwksMaxAgeMs: 10 * 60_000,
      discoveryMaxAgeMs: 60 * 60_000,
      clockToleranceSeconds: s.OIDC_CLOCK_TOLERANCE_SECONDS,
      fetchTimeoutMs: 5_000,
    },
    rateLimits: {
      enabled: s.RATE_LIMIT,
      points: s.RATE_LIMIT_POINTS,
      mutationCost: s.RATE_LIMIT_MUTATION_COST,
      scimReadCost: s.RATE_LIMIT_SCIM_READ_COST,
      authFailures: s.RATE_LIMIT_AUTH_FAILURES,
      redisUrl: s.REDIS_URL,
      redisPrefix: 'igrl',
    },
    requestTimeoutMs: s.REQUEST_TIMEOUT_MS,
    sqliteSynchronous: s.SQLITE_SYNCHRONOUS,
    jobs: { pollMs: s.JOB_POLL_MS, leaseMs: s.JOB_LEASE_MS },
    shutdownDrainMs: s.SHUTDOWN_DRAIN_MS,
    ...sealing(secretKeys(s.SECRETS_KEY, s.SECRETS_KEYS_PREVIOUS, mode)),
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
