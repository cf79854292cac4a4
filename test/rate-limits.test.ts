import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { startTestApp, POSTGRES_URL, type TestApp } from './harness.js';
import { loadConfig, type RateLimits } from '../src/config.js';
import { Authority } from '../src/auth/authorities.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { createApiKey } from '../src/auth/api-key.service.js';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const USERS = '{ users(first: 100) { nodes { login } } }';

/** The suite's budgets with a few changes (the defaults come from loadConfig). */
const limits = (changes: Partial<RateLimits>): RateLimits => ({ ...loadConfig({ NODE_ENV: 'test' }).rateLimits, ...changes });

async function keyOf(app: TestApp, workspace: string, authorities = [Authority.ORG_ADMIN]): Promise<string> {
  const id = await app.workspace(workspace, null);
  const em = app.orm.em.fork();
  return (await createApiKey(em, em.getReference(Workspace, id), 'rate test', authorities)).token;
}

interface GraphQLReply {
  status: number;
  retryAfter: string | null;
  body: { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }>; extensions?: { cost?: { requested: number } } };
}

async function post(app: TestApp, key: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLReply> {
  const res = await app.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as GraphQLReply['body'] };
}

async function scimGet(app: TestApp, key: string, pathname = '/scim/v2/Users') {
  const res = await app.fetch(pathname, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { schemas?: string[]; status?: string; detail?: string } };
}

describe('the cost budget per API key', () => {
  let app: TestApp;
  afterAll(async () => {
    await app?.stop();
  });

  it('spends each operation’s cost before it runs: over the budget is 429 with Retry-After and RATE_LIMITED; other keys keep theirs', async () => {
    // users(first: 100) costs 100; a budget of 350 takes three of them and refuses the fourth.
    app = await startTestApp({ config: { rateLimits: limits({ points: 350 }) } });
    const key = await keyOf(app, 'acme');
    const first = await post(app, key, USERS);
    expect(first.status).toBe(200);
    expect(first.body.extensions?.cost?.requested).toBe(100);
    expect((await post(app, key, USERS)).status).toBe(200);
    expect((await post(app, key, USERS)).status).toBe(200);

    const refused = await post(app, key, USERS);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([
      {
        message: expect.stringMatching(/budget of 350 cost points per minute \(this operation costs 100\)/),
        extensions: { code: 'RATE_LIMITED', retryAfter: Number(refused.retryAfter), limit: 350 },
      },
    ]);
    // A cheaper operation still fits what is left (50 points).
    expect((await post(app, key, '{ users(first: 10) { nodes { login } } }')).status).toBe(200);

    const other = await keyOf(app, 'acme');
    expect((await post(app, other, USERS)).status).toBe(200);
  });

  it('a mutation costs RATE_LIMIT_MUTATION_COST per root field on top of its selection, refused or not', async () => {
    await app?.stop();
    app = await startTestApp({ config: { rateLimits: limits({ points: 2_500, mutationCost: 1_000 }) } });
    const key = await keyOf(app, 'acme');
    const operate = 'mutation { operateRole(roleId: "000000000000000000000000", operation: ENABLE) { id } }';
    // Each costs 1,000 + 1: the first two fit in 2,500 (NOT_FOUND, but they ran), the third does not.
    for (let i = 0; i < 2; i++) {
      const ran = await post(app, key, operate);
      expect(ran.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    }
    const refused = await post(app, key, operate);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('SCIM requests spend from the same budget: a read costs RATE_LIMIT_SCIM_READ_COST; over it is a SCIM Error with status 429', async () => {
    await app?.stop();
    app = await startTestApp({ config: { rateLimits: limits({ points: 2_500, scimReadCost: 1_000 }) } });
    const key = await keyOf(app, 'acme', [Authority.SCIM_PROVISIONER]);
    expect((await scimGet(app, key)).status).toBe(200);
    expect((await scimGet(app, key)).status).toBe(200);
    const refused = await scimGet(app, key);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.body).toEqual({ schemas: [ERROR], status: '429', detail: expect.stringMatching(/budget of 2500 cost points per minute/) });
  });

  it('RATE_LIMIT=false turns the budgets off; the variables are read as positive integers', () => {
    expect(loadConfig({ RATE_LIMIT: 'false' }).rateLimits.enabled).toBe(false);
    expect(loadConfig({}).rateLimits).toMatchObject({ enabled: true, points: 200_000_000, mutationCost: 100_000, scimReadCost: 1_000, authFailures: 20 });
    expect(loadConfig({ RATE_LIMIT_POINTS: '5000', REDIS_URL: 'redis://h:6379' }).rateLimits).toMatchObject({ points: 5000, redisUrl: 'redis://h:6379' });
    expect(() => loadConfig({ RATE_LIMIT_POINTS: '0' })).toThrow('RATE_LIMIT_POINTS must be a positive integer, got "0"');
    expect(loadConfig({}).requestTimeoutMs).toBe(30_000);
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow('SQLITE_SYNCHRONOUS must be one of normal, full, got "off"');
  });
});

describe('failed authentication per client address', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ config: { rateLimits: limits({ authFailures: 5 }) } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('after RATE_LIMIT_AUTH_FAILURES failures in a minute the address gets 429 before any key is checked, on GraphQL and SCIM', async () => {
    const good = await keyOf(app, 'acme');
    const wrong = `igk_${'0'.repeat(24)}_${'x'.repeat(32)}`;
    for (let i = 0; i < 5; i++) {
      const reply = await post(app, i % 2 ? null : wrong, '{ __typename }');
      expect(reply.status).toBe(401);
      expect(reply.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const refused = await post(app, wrong, '{ __typename }');
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.body.errors?.[0]).toEqual({
      message: expect.stringMatching(/Too many failed authentications/),
      extensions: { code: 'RATE_LIMITED', retryAfter: Number(refused.retryAfter), limit: 5 },
    });
    // The address is refused whatever key it sends now: the key is not looked at.
    expect((await post(app, good, '{ __typename }')).status).toBe(429);
    const scim = await scimGet(app, good);
    expect(scim.status).toBe(429);
    expect(scim.body).toMatchObject({ schemas: [ERROR], status: '429' });
    expect((await app.fetch('/health')).status).toBe(200);
  });
});

describe('a budget shared by two gateway processes through Redis', () => {
  let reason: string | null = null;
  const apps: TestApp[] = [];
  let dir: string | undefined;
  beforeAll(async () => {
    const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
    } catch (error) {
      reason = `Redis at ${REDIS_URL} is unreachable (${(error as Error).message})`;
      console.warn(`skipping the shared-budget test: ${reason}`);
    } finally {
      probe.disconnect();
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('two apps on one database and one Redis spend from the same budget per key', async (ctx) => {
    if (reason) return ctx.skip();
    const rateLimits = limits({ points: 350, redisUrl: REDIS_URL, redisPrefix: `igrl-test-${process.pid}-${Date.now()}` });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-rate-'));
    const a = await startTestApp({ config: { rateLimits, ...(POSTGRES_URL ? {} : { database: 'sqlite', databaseUrl: path.join(dir, 'shared.sqlite') }) } });
    apps.push(a);
    const b = await startTestApp({ config: { rateLimits, database: a.config.database, databaseUrl: a.config.databaseUrl } });
    apps.push(b);
    const key = await keyOf(a, 'acme');
    expect((await post(a, key, USERS)).status).toBe(200);
    expect((await post(b, key, USERS)).status).toBe(200);
    expect((await post(a, key, USERS)).status).toBe(200);
    // 300 of 350 spent across both: either process refuses the next one.
    const refused = await post(b, key, USERS);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect((await post(a, key, USERS)).status).toBe(429);
  });
});
