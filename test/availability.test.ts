import http from 'node:http';
import net from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { POSTGRES_URL, postgresReachable, scratchDatabase, startTestApp, type TestApp } from './harness.js';
import { loadConfig, ConfigError } from '../src/config.js';
import { RequestGate, ServiceUnavailableError, isDatabaseUnavailable } from '../src/http/availability.js';

/**
 * Issue 10: 503 with Retry-After when the gateway cannot serve (its requests in flight and
 * queued are at their limits, or the database does not answer), and the per-address limit of
 * failed authentications behind proxies (TRUST_PROXY): a spoofed X-Forwarded-For from a peer
 * that is not a trusted proxy does not escape it.
 */

type Answer = { status: number; retryAfter: string | null; body: Record<string, unknown> };

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text ? JSON.parse(text) : {} };
}

/**
 * A GraphQL POST whose body is sent only when `finish` is called: the gateway holds its slot
 * while it waits for the body.
 */
function heldRequest(app: TestApp, token: string): { finish: () => Promise<Answer> } {
  const body = JSON.stringify({ query: '{ __typename }' });
  const url = new URL(app.url);
  let resolveAnswer: (a: Answer) => void;
  const answered = new Promise<Answer>((resolve) => (resolveAnswer = resolve));
  const req = http.request(
    {
      host: url.hostname,
      port: url.port,
      path: '/graphql',
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, retryAfter: (res.headers['retry-after'] as string) ?? null, body: JSON.parse(text) }));
    },
  );
  req.flushHeaders();
  return {
    finish: async () => {
      req.end(body);
      return answered;
    },
  };
}

/** Asks until the gateway refuses with 503 (the held requests are admitted a moment after they are sent). */
async function untilRefused(ask: () => Promise<Answer>): Promise<Answer> {
  for (let i = 0; i < 200; i++) {
    const a = await ask();
    if (a.status === 503) return a;
    expect(a.status).toBe(200);
  }
  throw new Error('never refused');
}

describe('503 when the gateway is at its limit of requests in flight and waiting', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp({ config: { maxConcurrentRequests: 1, maxQueuedRequests: 1 } });
    token = await app.token('demo');
  });
  afterAll(async () => {
    await app?.stop();
  });

  const graphql = async () =>
    answer(await app.fetch('/graphql', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }));
  const scim = async () => answer(await app.fetch('/scim/v2/Users?count=1', { headers: { authorization: `Bearer ${token}` } }));

  it('one request served, one waiting: the next is 503 SERVICE_UNAVAILABLE with Retry-After on GraphQL and SCIM; the waiting one is served after', async () => {
    const first = heldRequest(app, token);
    // The second waits for the first's slot (a held request too, so its place in the queue is kept).
    const second = heldRequest(app, token);
    const refused = await untilRefused(graphql);
    expect(refused.retryAfter).toBe('1');
    expect(refused.body).toEqual({
      errors: [{ message: expect.stringMatching(/1 at once, 1 waiting/), extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 1 } }],
    });
    const scimRefused = await scim();
    expect(scimRefused.status).toBe(503);
    expect(scimRefused.retryAfter).toBe('1');
    expect(scimRefused.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });

    expect(await first.finish()).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    expect(await second.finish()).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    // Both slots are free again.
    expect((await graphql()).status).toBe(200);
    expect((await scim()).status).toBe(200);
  });
});

describe('RequestGate (unit)', () => {
  it('admits up to its limit, queues in order, refuses past the queue, and drops a waiter whose request was abandoned', async () => {
    const gate = new RequestGate(1, 2);
    const order: string[] = [];
    const release = await gate.enter();
    const abandoned = new AbortController();
    const a = gate.enter(abandoned.signal).then((r) => {
      order.push('a');
      return r;
    });
    const b = gate.enter().then((r) => {
      order.push('b');
      return r;
    });
    await expect(gate.enter()).rejects.toBeInstanceOf(ServiceUnavailableError);
    abandoned.abort(new Error('timed out'));
    await expect(a).rejects.toThrow('timed out');
    release();
    const releaseB = await b;
    expect(order).toEqual(['b']);
    releaseB();
    releaseB(); // a second release frees nothing more
    // One slot again (the double release did not make two): a second request waits for it.
    const c = await gate.enter();
    const d = gate.enter();
    c();
    (await d)();
  });

  it('recognizes an unreachable database in what the drivers raise', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable({ previous: Object.assign(new Error('the database system is starting up'), { code: '57P03' }) })).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
  });
});

describe('503 when the database does not answer (PostgreSQL)', () => {
  let skip: string | null = null;
  let app: TestApp | undefined;
  let proxy: net.Server;
  const sockets = new Set<net.Socket>();
  let scratch: { url: string; drop: () => Promise<void> } | undefined;
  let token: string;

  beforeAll(async () => {
    if (!POSTGRES_URL) {
      skip = 'TEST_DATABASE_URL is not set (this test needs PostgreSQL: SQLite is a file, never unreachable)';
      return;
    }
    skip = await postgresReachable();
    if (skip) return;
    scratch = await scratchDatabase(POSTGRES_URL);
    // The gateway reaches PostgreSQL through this relay; closing it makes the database unreachable.
    const target = new URL(scratch.url);
    proxy = net.createServer((client) => {
      const server = net.connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, server]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const relayed = new URL(scratch.url);
    relayed.host = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    app = await startTestApp({ postgres: false, config: { database: 'postgresql', databaseUrl: relayed.toString() } });
    token = await app.token('demo');
  }, 120_000);
  afterAll(async () => {
    await app?.stop().catch(() => {});
    await scratch?.drop();
  });

  it('GraphQL and SCIM answer 503 SERVICE_UNAVAILABLE with Retry-After, no SQL or stack in the answer', async (ctx) => {
    if (skip) {
      console.log(`skipped: ${skip}`);
      ctx.skip();
    }
    const ask = () =>
      app!.fetch('/graphql', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"query":"{ roles(first: 1) { totalCount } }"}',
      });
    expect((await answer(await ask())).status).toBe(200);
    await new Promise<void>((resolve) => {
      proxy.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    const graphql = await answer(await ask());
    expect(graphql.status).toBe(503);
    expect(graphql.retryAfter).toBe('5');
    expect(graphql.body).toEqual({ errors: [{ message: 'The database does not answer; retry after 5 s', extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 5 } }] });
    const scim = await answer(await app!.fetch('/scim/v2/Users', { headers: { authorization: `Bearer ${token}` } }));
    expect(scim.status).toBe(503);
    expect(scim.retryAfter).toBe('5');
    expect(scim.body).toMatchObject({ status: '503', detail: 'The database does not answer; retry after 5 s' });
  });
});

describe('TRUST_PROXY: whose address the failed-authentication limit counts', () => {
  const LIMIT = 3;
  const apps: TestApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
  });

  async function appTrusting(trustProxy: ReturnType<typeof loadConfig>['trustProxy']) {
    const defaults = loadConfig({ NODE_ENV: 'test' });
    const app = await startTestApp({
      config: { trustProxy, rateLimits: { ...defaults.rateLimits, authFailures: LIMIT, redisPrefix: `igrl-avail-${process.pid}-${apps.length}` } },
    });
    apps.push(app);
    return async (forwardedFor?: string) =>
      (
        await app.fetch('/graphql', {
          method: 'POST',
          headers: { authorization: 'Bearer igk_wrong', 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
          body: '{"query":"{ __typename }"}',
        })
      ).status;
  }

  it('off (the default): X-Forwarded-For is ignored, so a new spoofed address on each try does not escape the limit', async () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    const ask = await appTrusting(false);
    for (let i = 1; i <= LIMIT; i++) expect(await ask(`203.0.113.${i}`)).toBe(401);
    expect(await ask('203.0.113.99')).toBe(429);
    expect(await ask()).toBe(429);
  });

  it('a list of proxies that does not include the peer: the header is ignored', async () => {
    const ask = await appTrusting({ addresses: ['10.0.0.0/8'] });
    for (let i = 1; i <= LIMIT; i++) expect(await ask(`203.0.113.${i}`)).toBe(401);
    expect(await ask('203.0.113.99')).toBe(429);
  });

  it('behind a trusted proxy (loopback): each client is counted apart, and addresses a client prepends itself do not help it', async () => {
    const ask = await appTrusting({ addresses: ['loopback'] });
    // The client 198.51.100.7 puts a made-up address first each time; the proxy appends the real one.
    for (let i = 1; i <= LIMIT; i++) expect(await ask(`192.0.2.${i}, 198.51.100.7`)).toBe(401);
    expect(await ask('192.0.2.99, 198.51.100.7')).toBe(429);
    expect(await ask('198.51.100.8')).toBe(401);
  });

  it('a hop count: the address the last proxy saw is the client', async () => {
    const ask = await appTrusting({ hops: 1 });
    for (let i = 1; i <= LIMIT; i++) expect(await ask(`192.0.2.${i}, 198.51.100.7`)).toBe(401);
    expect(await ask('198.51.100.7')).toBe(429);
    expect(await ask('198.51.100.9')).toBe(401);
  });

  it('TRUST_PROXY values: false, hops, addresses; anything else is one clear line', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).trustProxy).toEqual({ addresses: ['10.0.0.0/8', 'loopback', '::1'] });
    for (const bad of ['true', '10.0.0.0/99', 'proxy.example.com']) {
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/^TRUST_PROXY must be false, a number of proxy hops/);
    }
  });
});
