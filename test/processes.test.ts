import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { POSTGRES_URL, scratchDatabase } from './harness.js';
import { loadConfig, type Config } from '../src/config.js';
import { openOrm } from '../src/db/orm.js';
import { User } from '../src/governance/user.entity.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { Redis } from 'ioredis';

/**
 * The built gateway as separate processes (`node dist/src/main.js`, the CLIs of `npm run keys`)
 * on one database: what several gateway processes behind a load balancer share is the
 * database, nothing else.
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-processes-'));
const children: ChildProcess[] = [];
let database: { env: Record<string, string>; config: Config; drop: () => Promise<void> };

/** The environment of a child: this one's, without anything that chooses a database or a mode. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of [
    'NODE_ENV',
    'DATABASE_URL',
    'REDIS_URL',
    'RATE_LIMIT',
    'RATE_LIMIT_POINTS',
    'RATE_LIMIT_REDIS_PREFIX',
    'SQLITE_PATH',
    'SECRETS_KEY',
    'SECRETS_KEYS_PREVIOUS',
    'PORT',
    'HOST',
    'SEED_DEMO_DATA',
    'TEST_DATABASE_URL',
  ])
    delete base[name];
  return { ...base, ...extra };
}

beforeAll(async () => {
  if (POSTGRES_URL) {
    const scratch = await scratchDatabase(POSTGRES_URL);
    database = { env: { DATABASE_URL: scratch.url }, config: { ...loadConfig({ NODE_ENV: 'test' }), database: 'postgresql', databaseUrl: scratch.url }, drop: scratch.drop };
  } else {
    const file = path.join(dir, 'shared.sqlite');
    database = { env: { SQLITE_PATH: file }, config: { ...loadConfig({ NODE_ENV: 'test' }), database: 'sqlite', databaseUrl: file }, drop: async () => {} };
  }
}, 180_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((resolve) => c.once('exit', resolve)) : null)));
  await database?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts `node dist/src/main.js` and resolves with its GraphQL URL once it listens. */
async function gateway(extra: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: env({ ...database.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', SEED_DEMO_DATA: 'false', ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+\/graphql)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code}:\n${output}`)));
  });
}

/** `npm run keys -- …` without the build step: the CLI as an operator runs it. */
async function keys(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['dist/src/cli/keys.js', ...args], { cwd: root, env: env({ ...database.env, NODE_ENV: 'test' }) });
  return stdout;
}

async function createKey(...args: string[]): Promise<{ id: string; token: string }> {
  const out = await keys('create', '--workspace', 'processes', '--authority', 'READ_ONLY', ...args);
  const token = /^(igk_([0-9a-f]{24})_\S+)$/m.exec(out);
  if (!token) throw new Error(`no key in: ${out}`);
  return { token: token[1], id: token[2] };
}

async function ask(url: string, token: string): Promise<{ status: number; code?: unknown; typename?: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
  const body = (await res.json()) as { data?: { __typename?: unknown }; errors?: Array<{ extensions?: { code?: unknown } }> };
  return { status: res.status, code: body.errors?.[0]?.extensions?.code, typename: body.data?.__typename };
}

const OK = { status: 200, code: undefined, typename: 'Query' };
const REFUSED = { status: 401, code: 'UNAUTHENTICATED', typename: undefined };

describe('two gateway processes on one database', { timeout: 90_000 }, () => {
  let first: string;
  let second: string;
  beforeAll(async () => {
    first = await gateway(); // migrates the database
    second = await gateway();
  }, 120_000);

  it('a key revoked with `keys revoke` is refused on the very next request in both processes', async () => {
    const revoked = await createKey('--name', 'to revoke', '--create-workspace');
    const kept = await createKey('--name', 'to keep');
    for (const url of [first, second]) {
      // Twice each: the second answer comes from the process's memory of the key.
      for (const token of [revoked.token, revoked.token, kept.token, kept.token]) expect(await ask(url, token)).toEqual(OK);
    }
    expect(await keys('revoke', '--id', revoked.id)).toBe(`revoked ${revoked.id}\n`);
    expect(await ask(first, revoked.token)).toEqual(REFUSED);
    expect(await ask(second, revoked.token)).toEqual(REFUSED);
    expect(await ask(second, kept.token)).toEqual(OK);
    expect(await ask(first, kept.token)).toEqual(OK);
  });

  it("a person made inactive loses their personal key's access on the next request in both processes, whoever wrote the change", async () => {
    const orm = await openOrm(database.config);
    try {
      const em = orm.em.fork();
      const workspace = await em.findOneOrFail(Workspace, { name: 'processes' });
      const person = em.create(User, { workspace, login: 'pat', firstName: 'Pat', lastName: 'Lee', displayName: 'Pat Lee', email: 'pat@corp.example' });
      await em.flush();
      const personal = await createKey('--name', "pat's key", '--person', 'pat');
      for (const url of [first, second, first, second]) expect(await ask(url, personal.token)).toEqual(OK);

      // A plain SQL update, as a script or another service would write it.
      await orm.em.getConnection().execute(`update app_user set status = 'Inactive' where id = ?`, [person.id]);
      expect(await ask(second, personal.token)).toEqual(REFUSED);
      expect(await ask(first, personal.token)).toEqual(REFUSED);

      await orm.em.getConnection().execute(`update app_user set status = 'Active' where id = ?`, [person.id]);
      expect(await ask(first, personal.token)).toEqual(OK);
      expect(await ask(second, personal.token)).toEqual(OK);
    } finally {
      await orm.close();
    }
  });
});

describe('one cost budget shared by two gateway processes through Redis', { timeout: 90_000 }, () => {
  const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  let reason: string | null = null;
  let first: string;
  let second: string;
  beforeAll(async () => {
    const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
    } catch (error) {
      reason = `Redis at ${REDIS_URL} is unreachable (${(error as Error).message})`;
      console.warn(`skipping the shared-budget test: ${reason}`);
      return;
    } finally {
      probe.disconnect();
    }
    // Budgets of 5 points a minute (`{ __typename }` costs 1), under a prefix of this run only.
    const limits = { REDIS_URL, RATE_LIMIT_POINTS: '5', RATE_LIMIT_REDIS_PREFIX: `igrl-processes-${process.pid}-${Date.now()}` };
    first = await gateway(limits);
    second = await gateway(limits);
  }, 120_000);

  it('the second process answers 429 with Retry-After once the first has spent the key’s budget', async (ctx) => {
    if (reason) return ctx.skip();
    const key = await createKey('--name', 'budget', '--create-workspace');
    for (let i = 0; i < 5; i++) expect(await ask(first, key.token)).toEqual(OK);
    const res = await fetch(second, { method: 'POST', headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED', limit: 5 } }] });
    // Another key still has its whole budget, in either process.
    const other = await createKey('--name', 'another');
    expect(await ask(second, other.token)).toEqual(OK);
  });
});

describe('production start', { timeout: 90_000 }, () => {
  it('without SECRETS_KEY the gateway refuses to start with one clear line and no stack trace', async () => {
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env: env({ NODE_ENV: 'production', SQLITE_PATH: path.join(dir, 'production.sqlite'), PORT: '0', HOST: '127.0.0.1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => void (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('Identity Graph cannot start: SECRETS_KEY is required in production: it encrypts connector tokens at rest (generate one with: openssl rand -base64 32)\n');
    expect(fs.existsSync(path.join(dir, 'production.sqlite'))).toBe(false);
  });
});
