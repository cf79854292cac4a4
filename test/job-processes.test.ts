import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { POSTGRES_URL, scratchDatabase } from './harness.js';
import { ScimFixture } from './fixtures/scim-fixture.js';
import { loadConfig, type Config } from '../src/config.js';
import { openOrm } from '../src/db/orm.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { TargetSystem } from '../src/governance/target-system.entity.js';
import { User } from '../src/governance/user.entity.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { Job, JobStatus } from '../src/jobs/job.entity.js';
import { newId } from '../src/common/ids.js';

/**
 * The built gateway as real processes: SIGTERM under load, a reconciliation killed with
 * SIGKILL, and (on PostgreSQL) two processes sharing one job table.
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-job-processes-'));
const children: ChildProcess[] = [];
let database: { env: Record<string, string>; config: Config; drop: () => Promise<void> };
let token: string;

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['NODE_ENV', 'DATABASE_URL', 'SQLITE_PATH', 'SECRETS_KEY', 'SECRETS_KEYS_PREVIOUS', 'PORT', 'HOST', 'SEED_DEMO_DATA', 'TEST_DATABASE_URL']) delete base[name];
  return { ...base, ...extra };
}

interface Gateway {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function gateway(extra: Record<string, string> = {}): Promise<Gateway> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: env({ ...database.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', SEED_DEMO_DATA: 'false', JOB_POLL_MS: '50', ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/\S+\/graphql)/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void exited.then((code) => reject(new Error(`the gateway exited with ${code}:\n${output}`)));
  });
  return { url, child, output: () => output, exited };
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** Asks until `done` holds for the answer (state, not time: the bound only ends a broken run). */
async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await ask();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the expected state never came');
}

beforeAll(async () => {
  if (POSTGRES_URL) {
    const scratch = await scratchDatabase(POSTGRES_URL);
    database = { env: { DATABASE_URL: scratch.url }, config: { ...loadConfig({ NODE_ENV: 'test' }), database: 'postgresql', databaseUrl: scratch.url }, drop: scratch.drop };
  } else {
    const file = path.join(dir, 'jobs.sqlite');
    database = { env: { SQLITE_PATH: file }, config: { ...loadConfig({ NODE_ENV: 'test' }), database: 'sqlite', databaseUrl: file }, drop: async () => {} };
  }
  // A first start migrates the database; the key is made with the CLI an operator uses.
  const first = await gateway();
  first.child.kill('SIGTERM');
  await first.exited;
  const { stdout } = await run(process.execPath, ['dist/src/cli/keys.js', 'create', '--workspace', 'jobs', '--create-workspace', '--name', 'admin', '--authority', 'ORG_ADMIN'], {
    cwd: root,
    env: env({ ...database.env, NODE_ENV: 'test' }),
  });
  token = /^(igk_\S+)$/m.exec(stdout)![1];
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await database?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A GraphQL request the server has received (it answered `100 Continue` to its headers) whose
 * body is still on its way: in flight until `finish()` sends the rest.
 */
function heldRequest(url: string, n: number): { accepted: Promise<void>; finish: () => void; answer: Promise<{ status: number; body: string }> } {
  const body = JSON.stringify({ query: `query Held${n} { __typename held${n}: __typename }` });
  const target = new URL(url);
  const req = http.request({
    host: target.hostname,
    port: target.port,
    path: target.pathname,
    method: 'POST',
    agent: false,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const accepted = new Promise<void>((resolve) => req.once('continue', () => resolve()));
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.once('error', reject);
  });
  req.flushHeaders();
  return { accepted, finish: () => req.end(body), answer };
}

describe('graceful shutdown', { timeout: 120_000 }, () => {
  it('SIGTERM under load: every request in flight gets its answer, then the process exits 0', async () => {
    const g = await gateway({ SHUTDOWN_DRAIN_MS: '60000' });
    const held = Array.from({ length: 40 }, (_, n) => heldRequest(g.url, n));
    await Promise.all(held.map((h) => h.accepted));
    g.child.kill('SIGTERM');
    // The server has begun to stop while all 40 still wait for their bodies.
    await until(
      async () => g.output(),
      (out) => out.includes('shutting down'),
    );
    for (const h of held) h.finish();
    const answers = await Promise.all(held.map((h) => h.answer));
    expect(answers.map((a) => a.status)).toEqual(held.map(() => 200));
    for (const [n, a] of answers.entries()) expect(JSON.parse(a.body)).toMatchObject({ data: { __typename: 'Query', [`held${n}`]: 'Query' } });
    expect(await g.exited).toBe(0);
  });
});

describe('a reconciliation killed with SIGKILL', { timeout: 120_000 }, () => {
  it('is failed (never stuck) when the gateway starts again, and a new run completes', async () => {
    const fixture = await ScimFixture.start({ token: 'scim-kill-token', maxResults: 1 });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const reading = new Promise<void>((resolve) => (reached = resolve));
    fixture.addUser({ userName: 'kim', displayName: 'Kim Lee' });
    fixture.beforeAnswer = async () => {
      reached();
      await released;
    };
    const orm = await openOrm(database.config);
    let systemId: string;
    try {
      const em = orm.em.fork();
      const workspace = await em.findOneOrFail(Workspace, { name: 'jobs' });
      em.create(User, { workspace, login: 'kim', firstName: 'Kim', lastName: 'Lee', displayName: 'Kim Lee', email: 'kim@corp.example' });
      const form = [{ name: 'User Login', dataType: 'string', matchingAttribute: 'login', isReconKey: true, isAccountName: true }];
      const system = em.create(TargetSystem, { workspace, name: 'Killed App', displayName: 'Killed App', form, integrationLevel: 'Disconnected' });
      await em.flush();
      systemId = system.id;
    } finally {
      await orm.close();
    }

    const first = await gateway();
    await graphql(first.url, `mutation ($id: ID!, $input: ConnectorInput!) { configureConnector(targetSystemId: $id, input: $input) { id } }`, {
      id: systemId,
      input: { type: 'SCIM', baseUrl: fixture.baseUrl, token: 'scim-kill-token' },
    });
    const RUN = `mutation ($id: ID!) { reconcileTargetSystem(id: $id, operation: RECONCILE, entityType: ACCOUNT) { id status } }`;
    const started = await graphql<{ reconcileTargetSystem: { id: string; status: string } }>(first.url, RUN, { id: systemId });
    expect(started.reconcileTargetSystem.status).toBe('INITIATED');
    await reading; // the job is reading the target: the batch is Running
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await gateway();
    const READ = `query ($id: ID!) { reconciliationBatch(id: $id) { status error } }`;
    const ended = await until(
      () => graphql<{ reconciliationBatch: { status: string; error: string | null } }>(second.url, READ, { id: started.reconcileTargetSystem.id }),
      (d) => d.reconciliationBatch.status === 'FAILED' || d.reconciliationBatch.status === 'COMPLETED',
    );
    expect(ended.reconciliationBatch).toEqual({ status: 'FAILED', error: expect.stringMatching(/interrupted/) });

    release();
    const again = await graphql<{ reconcileTargetSystem: { id: string; status: string } }>(second.url, RUN, { id: systemId });
    const done = await until(
      () => graphql<{ reconciliationBatch: { status: string; error: string | null } }>(second.url, READ, { id: again.reconcileTargetSystem.id }),
      (d) => d.reconciliationBatch.status === 'FAILED' || d.reconciliationBatch.status === 'COMPLETED',
    );
    expect(done.reconciliationBatch).toEqual({ status: 'COMPLETED', error: null });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    await fixture.stop();
  });
});

describe('two gateway processes on one PostgreSQL database', { timeout: 120_000 }, () => {
  it('run each due job exactly once', async (ctx) => {
    if (!POSTGRES_URL) {
      console.log('skipped: two processes sharing jobs needs PostgreSQL (set TEST_DATABASE_URL); an SQLite file belongs to one process');
      ctx.skip();
    }
    const [a, b] = await Promise.all([gateway({ JOB_POLL_MS: '20' }), gateway({ JOB_POLL_MS: '20' })]);
    const orm = await openOrm(database.config);
    try {
      const em = orm.em.fork();
      const workspace = await em.findOneOrFail(Workspace, { name: 'jobs' });
      const ids: string[] = [];
      // Expiry jobs of tasks that no longer exist: each run is a no-op that still completes and is audited.
      for (let i = 0; i < 200; i++) {
        const job = em.create(Job, { workspace, type: 'task.expire', payload: { taskId: newId() }, runAt: new Date(), createdAt: new Date() });
        ids.push(job.id);
      }
      await em.flush();
      await until(
        () => orm.em.fork().count(Job, { id: { $in: ids }, status: JobStatus.COMPLETED }),
        (n) => n === ids.length,
      );
      const jobs = await orm.em.fork().find(Job, { id: { $in: ids } });
      expect(jobs.every((j) => j.attempts === 1)).toBe(true);
      const completions = await orm.em.fork().find(AuditEvent, { entityId: { $in: ids }, action: 'job.complete' });
      expect(completions).toHaveLength(ids.length);
      expect(new Set(completions.map((e) => e.entityId)).size).toBe(ids.length);
    } finally {
      await orm.close();
    }
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  });
});
