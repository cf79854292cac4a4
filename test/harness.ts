import 'reflect-metadata';
import { GraphQLClient, ClientError } from 'graphql-request';
import { createApp, type App } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { logger, silentLogger, type Logger } from '../src/logger.js';
import type { Clock } from '../src/common/clock.js';
import { openOrm } from '../src/db/orm.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { createApiKey } from '../src/auth/api-key.service.js';
import { Authority } from '../src/auth/authorities.js';
import { User } from '../src/governance/user.entity.js';
import { loadDataSet } from '../src/db/load-data-set.js';
import { demoData } from '../src/db/demo/demo-data.js';
import type { DemoDataSet } from '../src/db/demo/demo-data.types.js';

/**
 * The database tests run on: in-memory SQLite, or, when TEST_DATABASE_URL is a postgres://
 * URL, a scratch PostgreSQL database created for each app and dropped after it.
 */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL;

export async function postgresReachable(url = POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'): Promise<string | null> {
  try {
    const orm = await openOrm({ ...loadConfig({ NODE_ENV: 'test' }), database: 'postgresql', databaseUrl: url });
    await orm.em.getConnection().execute('select 1');
    await orm.close();
    return null;
  } catch (error) {
    return `PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//')} is unreachable (${(error as Error).message})`;
  }
}

/** A new PostgreSQL database next to `url`'s, dropped by `drop()`. */
export async function scratchDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ig_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const base = { ...loadConfig({ NODE_ENV: 'test' }), database: 'postgresql' as const, databaseUrl: url };
  const admin = await openOrm(base);
  await admin.em.getConnection().execute(`create database ${name}`);
  await admin.close();
  return {
    url: url.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => {
      const again = await openOrm(base);
      await again.em.getConnection().execute(`drop database if exists ${name} with (force)`);
      await again.close();
    },
  };
}

export interface TestApp extends App {
  config: Config;
  /**
   * A client of a workspace with the given authorities (ORG_ADMIN by default): a service key, or
   * with `person` (a login of the workspace) that person's personal key.
   */
  client(workspace: string, authorities?: Authority[], options?: { person?: string }): Promise<GraphQLClient>;
  /** The bearer token of a new key, as `client` makes it (for raw fetch and custom headers). */
  token(workspace: string, authorities?: Authority[], options?: { person?: string }): Promise<string>;
  /** Creates (or finds) a workspace and fills it with a data set (the seed's demo data by default). */
  workspace(name: string, data?: DemoDataSet | null): Promise<string>;
  /** Raw fetch against the server. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export async function startTestApp(options: { postgres?: boolean; config?: Partial<Config>; log?: Logger; clock?: Clock } = {}): Promise<TestApp> {
  const usePg = options.postgres ?? !!POSTGRES_URL;
  const scratch = usePg ? await scratchDatabase(POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined;
  const defaults = loadConfig({ NODE_ENV: 'test' });
  const config: Config = {
    ...defaults,
    // Every test calls from 127.0.0.1, and tests of bad keys (fuzzing among them) may fail
    // authentication more often than the default 20 a minute; the test of that limit sets its own.
    // The cost budget per key stays at its default: the suite runs within it.
    rateLimits: { ...defaults.rateLimits, authFailures: 10_000 },
    database: usePg ? 'postgresql' : 'sqlite',
    databaseUrl: scratch?.url ?? ':memory:',
    seedDemoData: false,
    // Jobs run when a test says so (app.jobs.runDue()), at the time of its clock.
    jobs: { ...defaults.jobs, pollMs: 0 },
    ...options.config,
  };
  const app = await createApp(config, { port: 0, log: options.log ?? (process.env.TEST_LOG ? logger : silentLogger), clock: options.clock });
  const workspaces = new Map<string, string>();

  const ensureWorkspace = async (name: string, data: DemoDataSet | null = demoData) => {
    const known = workspaces.get(name);
    if (known) return known;
    const em = app.orm.em.fork();
    const ws = em.create(Workspace, { name });
    await em.flush();
    if (data) await em.transactional((tx) => loadDataSet(tx, ws.id, data));
    workspaces.set(name, ws.id);
    return ws.id;
  };

  async function newToken(workspace: string, authorities = [Authority.ORG_ADMIN], options: { person?: string } = {}) {
    const id = await ensureWorkspace(workspace);
    const em = app.orm.em.fork();
    const person = options.person ? await em.findOneOrFail(User, { workspace: id, login: options.person }) : null;
    const name = `test key ${authorities.join('+')}${person ? ` of ${person.login}` : ''}`;
    const { token } = await createApiKey(em, em.getReference(Workspace, id), name, authorities, person);
    return token;
  }

  return {
    ...app,
    config,
    workspace: ensureWorkspace,
    token: newToken,
    async client(workspace, authorities = [Authority.ORG_ADMIN], options = {}) {
      return new GraphQLClient(app.url, { headers: { authorization: `Bearer ${await newToken(workspace, authorities, options)}` } });
    },
    fetch: (path, init) => fetch(app.origin + path, init),
    async stop() {
      await app.stop();
      await scratch?.drop();
    },
  };
}

/** The GraphQL errors of a failed request (graphql-request throws ClientError). */
export async function errorsOf(promise: Promise<unknown>): Promise<Array<{ message: string; extensions?: Record<string, unknown> }>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClientError) return (error.response.errors ?? []) as never;
    throw error;
  }
  throw new Error('expected the request to fail, it succeeded');
}
