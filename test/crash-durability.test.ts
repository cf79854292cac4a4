import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { postgresReachable, scratchDatabase } from './harness.js';
import { loadConfig, type Config } from '../src/config.js';
import { openOrm } from '../src/db/orm.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { createApiKey } from '../src/auth/api-key.service.js';
import { Authority } from '../src/auth/authorities.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { ScimUser } from '../src/scim/scim-user.entity.js';
import { Cart } from '../src/requests/cart.entity.js';
import { AccessRequest } from '../src/requests/access-request.entity.js';
import { Task } from '../src/requests/task.entity.js';

/**
 * Crash durability: the real server (`node dist/src/main.js`) takes a write load (SCIM creates,
 * carts, submitted requests with task decisions), is killed with SIGKILL in the middle of it,
 * and started again on the same database. Every write it acknowledged must be there, and no
 * write may be there in part (each mutation is one transaction with its audit event).
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GOOGLE_WORKSPACE_USER = '6c000000000000000000000f';
const SALESFORCE_SALES_USER = '6c0000000000000000000005';
/** People of the demo data with a manager, so a request for them waits for a manager decision. */
const WITH_MANAGER = ['aaron', 'steve', 'rachel', 'travis', 'liz'];
/** How many acknowledged writes to wait for before the kill (the kill lands while more are in flight). */
const ACKS_BEFORE_KILL = 120;

interface Server {
  child: ChildProcess;
  url: string;
  origin: string;
  key: string;
}

/** Starts the compiled gateway on `env`'s database; resolves once it prints its address and demo key. */
function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', RATE_LIMIT: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s:\n${out}\n${err}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+\/graphql)/.exec(out)?.[1];
      const key = /Authorization: Bearer (igk_\S+)/.exec(out)?.[1];
      if (url && key) {
        clearTimeout(timer);
        resolve({ child, url, origin: url.replace(/\/graphql$/, ''), key });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before it started:\n${out}\n${err}`));
    });
  });
}

async function graphql<T>(server: Server, query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (res.status !== 200 || body.errors) throw new Error(`GraphQL failed (${res.status}): ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

interface Acked {
  scimUsers: Array<{ id: string; userName: string }>;
  carts: string[];
  decisions: Array<{ taskId: string; requestId: string }>;
}

/**
 * Writes until `stop()` is called: two SCIM provisioners, one cart writer and one approver
 * (submit a request, reject it as the manager, again). Only answers that arrived count as
 * acknowledged; a request cut by the kill does not.
 */
function writeLoad(server: Server) {
  const acked: Acked = { scimUsers: [], carts: [], decisions: [] };
  let running = true;
  const tag = Math.random().toString(36).slice(2, 8);
  const loop = async (work: (i: number) => Promise<void>) => {
    for (let i = 0; running; i++) {
      try {
        await work(i);
      } catch {
        if (!running) return; // the server was killed under this request
      }
    }
  };
  const scim = (worker: number) =>
    loop(async (i) => {
      const userName = `crash-${tag}-${worker}-${i}@example.com`;
      const res = await fetch(`${server.origin}/scim/v2/Users`, {
        method: 'POST',
        headers: { 'content-type': 'application/scim+json', authorization: `Bearer ${server.key}` },
        body: JSON.stringify({ schemas: [SCIM_USER], userName, name: { givenName: 'Crash', familyName: `Test ${i}` } }),
      });
      const body = (await res.json()) as { id?: string };
      if (res.status === 201 && body.id) acked.scimUsers.push({ id: body.id, userName });
    });
  const carts = loop(async (i) => {
    const data = await graphql<{ createCart: { cart: { id: string } } }>(server, `mutation ($input: CreateCartInput!) { createCart(input: $input) { cart { id } } }`, {
      input: {
        name: `crash cart ${i}`,
        requester: { login: 'michael' },
        cartItems: [{ beneficiaries: { login: 'michael' }, entityId: GOOGLE_WORKSPACE_USER, entityType: 'ENTITLEMENT', type: 'CREATE' }],
      },
    });
    acked.carts.push(data.createCart.cart.id);
  });
  const decisions = loop(async (i) => {
    const login = WITH_MANAGER[i % WITH_MANAGER.length];
    const submitted = await graphql<{ submitCart: { requests: Array<{ id: string; tasks: Array<{ id: string; assignee: string }> }> } }>(
      server,
      `mutation ($input: SubmitCartInput!) { submitCart(input: $input) { requests { id tasks { id assignee } } } }`,
      {
        input: {
          justification: 'crash test',
          cart: { requester: { login }, cartItems: [{ beneficiaries: { login }, entityId: SALESFORCE_SALES_USER, entityType: 'ENTITLEMENT', type: 'CREATE' }] },
        },
      },
    );
    const request = submitted.submitCart.requests[0];
    const task = request.tasks[0];
    await graphql(server, `mutation ($id: ID!, $user: String!) { performTaskAction(id: $id, action: REJECT, userLogin: $user, comment: "no") { id } }`, {
      id: task.id,
      user: task.assignee,
    });
    acked.decisions.push({ taskId: task.id, requestId: request.id });
  });
  const all = Promise.all([scim(0), scim(1), carts, decisions]);
  return {
    acked,
    total: () => acked.scimUsers.length + acked.carts.length + acked.decisions.length,
    stop: async () => {
      running = false;
      await all;
    },
  };
}

function killed(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

async function crashAndCheck(env: Record<string, string>, config: Config) {
  const started = await startServer(env);
  // The load acts for several people (requesters, approving managers): a service key, since the
  // development key the server prints is a personal key (it acts as its demo person only).
  const admin = await openOrm(config);
  let serviceKey: string;
  try {
    const em = admin.em.fork();
    const workspace = await em.findOneOrFail(Workspace, { name: 'demo' });
    serviceKey = (await createApiKey(em, workspace, 'crash test load', [Authority.ORG_ADMIN])).token;
  } finally {
    await admin.close(true);
  }
  const first = { ...started, key: serviceKey };
  const load = writeLoad(first);
  const deadline = Date.now() + 60_000;
  while (load.total() < ACKS_BEFORE_KILL && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const exit = killed(first.child);
  first.child.kill('SIGKILL');
  expect(await exit).toBe('SIGKILL');
  await load.stop();
  const { acked } = load;
  // The load reached every kind of write before the kill.
  expect(acked.scimUsers.length).toBeGreaterThan(0);
  expect(acked.carts.length).toBeGreaterThan(0);
  expect(acked.decisions.length).toBeGreaterThan(0);
  console.info(`acknowledged before SIGKILL: ${acked.scimUsers.length} SCIM users, ${acked.carts.length} carts, ${acked.decisions.length} task decisions`);

  const second = await startServer(env);
  try {
    // Every acknowledged write is there, read back through the public surface.
    for (const { id, userName } of acked.scimUsers) {
      const res = await fetch(`${second.origin}/scim/v2/Users/${id}`, { headers: { authorization: `Bearer ${second.key}` } });
      expect(res.status, `SCIM user ${userName}`).toBe(200);
      expect(((await res.json()) as { userName: string }).userName).toBe(userName);
    }
    for (const id of acked.carts) {
      const data = await graphql<{ cart: { id: string; cartItems: Array<{ entityId: string }> } | null }>(
        second,
        `query ($id: ID!) { cart(id: $id) { id cartItems { entityId } } }`,
        { id },
      );
      expect(data.cart).toEqual({ id, cartItems: [{ entityId: GOOGLE_WORKSPACE_USER }] });
    }
    for (const { taskId, requestId } of acked.decisions) {
      const data = await graphql<{ task: { status: string; outcome: string; request: { id: string; status: string } } }>(
        second,
        `query ($id: ID!) { task(id: $id) { status outcome request { id status } } }`,
        { id: taskId },
      );
      expect(data.task).toMatchObject({ status: 'COMPLETED', outcome: 'REJECT', request: { id: requestId } });
    }
  } finally {
    const exit = killed(second.child);
    second.child.kill('SIGTERM');
    await exit;
  }

  // Nothing is half written: every row a write creates came with the rest of its transaction,
  // acknowledged or not (the writes in flight at the kill are all there or not at all).
  const orm = await openOrm(config);
  try {
    const em = orm.em.fork();
    const users = await em.find(ScimUser, { userName: { $like: 'crash-%' } });
    expect(users.length).toBeGreaterThanOrEqual(acked.scimUsers.length);
    expect(await em.count(AuditEvent, { action: 'scimUser.create', entityId: { $in: users.map((u) => u.id) } })).toBe(users.length);
    const carts = await em.find(Cart, { name: { $like: 'crash cart %' } }, { populate: ['cartItems'] });
    expect(carts.length).toBeGreaterThanOrEqual(acked.carts.length);
    expect(carts.filter((c) => c.cartItems.length !== 1)).toEqual([]);
    expect(await em.count(AuditEvent, { action: 'cart.create', entityId: { $in: carts.map((c) => c.id) } })).toBe(carts.length);
    const requests = await em.find(AccessRequest, { justification: 'crash test' });
    expect(requests.length).toBeGreaterThanOrEqual(acked.decisions.length);
    const tasks = await em.find(Task, { request: { $in: requests.map((r) => r.id) } });
    // Each submitted request has its manager task, and each decided task its audit event.
    expect(new Set(tasks.map((t) => t.request.id)).size).toBe(requests.length);
    const decided = tasks.filter((t) => t.outcome === 'REJECT');
    expect(decided.length).toBeGreaterThanOrEqual(acked.decisions.length);
    expect(await em.count(AuditEvent, { action: 'task.reject', entityId: { $in: decided.map((t) => t.id) } })).toBe(decided.length);
  } finally {
    await orm.close(true);
  }
}

describe('crash durability: acknowledged writes survive SIGKILL', () => {
  let dir: string;
  beforeAll(() => {
    // The test runs what `npm start` runs: the compiled server (built by test/global-setup.ts).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-crash-'));
  }, 180_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on SQLite (WAL, synchronous NORMAL)', async () => {
    const file = path.join(dir, 'crash.sqlite');
    await crashAndCheck({ SQLITE_PATH: file }, { ...loadConfig({ NODE_ENV: 'test' }), database: 'sqlite', databaseUrl: file });
  }, 180_000);

  it('on PostgreSQL', async (ctx) => {
    const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const unreachable = await postgresReachable(base);
    if (unreachable) {
      console.warn(`skipping the PostgreSQL crash test: ${unreachable}`);
      return ctx.skip();
    }
    const scratch = await scratchDatabase(base);
    try {
      await crashAndCheck({ DATABASE_URL: scratch.url }, { ...loadConfig({ NODE_ENV: 'test' }), database: 'postgresql', databaseUrl: scratch.url });
    } finally {
      await scratch.drop();
    }
  }, 180_000);
});
