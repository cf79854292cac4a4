import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import net from 'node:net';
import { postgresReachable, scratchDatabase, startTestApp, type TestApp } from './harness.js';
import { createLogger, silentLogger, type Logger } from '../src/logger.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createApp } from '../src/app.js';

/** A logger writing pino's JSON lines into memory, with the lines parsed. */
function capturingLogger(level: 'info' | 'warn' = 'info'): { log: Logger; text: () => string; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level, destination });
  const text = () => chunks.join('');
  return {
    log,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const LIST_USERS = 'query ListUsers { users(first: 3) { totalCount nodes { login roles { displayName } } } }';

async function post(app: TestApp, token: string, body: unknown, headers: Record<string, string> = {}) {
  return app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body: JSON.stringify(body) });
}

const accessLines = (lines: Array<Record<string, unknown>>) => lines.filter((line) => line.message === 'request');

describe('logs: one access line per request, levels, no secrets', () => {
  let app: TestApp;
  const captured = capturingLogger();
  let token: string;
  let workspaceId: string;

  beforeAll(async () => {
    app = await startTestApp({ log: captured.log });
    workspaceId = await app.workspace('acme');
    token = await app.token('acme');
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('names the request id (an incoming x-request-id kept and echoed), workspace, key, operation, duration, SQL statements, cost and outcome', async () => {
    const before = app.statements.value();
    const res = await post(app, token, { query: LIST_USERS }, { 'x-request-id': 'lb-7f3a.trace:42' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { users: { totalCount: number } }; extensions: { cost: { requested: number } } };
    const statements = app.statements.value() - before;
    expect(res.headers.get('x-request-id')).toBe('lb-7f3a.trace:42');
    const line = accessLines(captured.lines()).find((l) => l.requestId === 'lb-7f3a.trace:42');
    expect(line).toMatchObject({
      level: 'info',
      surface: 'graphql',
      workspace: workspaceId,
      key: 'test key ORG_ADMIN',
      operation: 'ListUsers',
      operationType: 'query',
      status: 200,
      outcome: 'OK',
      sqlStatements: statements,
      cost: body.extensions.cost.requested,
    });
    expect(statements).toBeGreaterThan(0);
    expect(line?.durationMs).toEqual(expect.any(Number));
    expect(typeof line?.time).toBe('string');
  });

  it('replaces an x-request-id that does not look like an id (it could forge log lines) with a uuid, and generates one when none is sent', async () => {
    const forged = await post(app, token, { query: '{ me { credential } }' }, { 'x-request-id': 'abc" injected=1 {}' });
    const fresh = await post(app, token, { query: '{ me { credential } }' });
    for (const res of [forged, fresh]) expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const ids = accessLines(captured.lines()).map((l) => l.requestId);
    expect(ids).toContain(forged.headers.get('x-request-id'));
    expect(ids).toContain(fresh.headers.get('x-request-id'));
  });

  it('records the outcome code of a refused operation and of an unauthenticated one; SCIM requests get a line too', async () => {
    const bad = await post(app, token, { query: 'query TooMany { users(first: 1000) { totalCount } }' }, { 'x-request-id': 'req-bad-input' });
    expect(bad.status).toBe(200);
    const anonymous = await post(app, 'igk_not_a_key', { query: '{ me { credential } }' }, { 'x-request-id': 'req-unauthenticated' });
    expect(anonymous.status).toBe(401);
    const scim = await app.fetch('/scim/v2/Users?count=1', { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-scim' } });
    expect(scim.status).toBe(200);
    const lines = accessLines(captured.lines());
    expect(lines.find((l) => l.requestId === 'req-bad-input')).toMatchObject({ operation: 'TooMany', outcome: 'BAD_USER_INPUT' });
    expect(lines.find((l) => l.requestId === 'req-unauthenticated')).toMatchObject({ status: 401, outcome: 'UNAUTHENTICATED' });
    expect(lines.find((l) => l.requestId === 'req-scim')).toMatchObject({ surface: 'scim', operation: 'scim Users', operationType: 'GET', outcome: 'OK', workspace: workspaceId });
  });

  it('never writes an API key, an Authorization header or an attachment’s contents', async () => {
    const secretContent = `attachment-content-${randomBytes(12).toString('hex')}`;
    const form = new FormData();
    const query = 'mutation ($attachment: Upload) { addTaskComment(taskId: "000000000000000000000000", message: "see file", attachment: $attachment) { id } }';
    form.append('operations', JSON.stringify({ query, variables: { attachment: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.attachment'] }));
    form.append('0', new Blob([secretContent], { type: 'text/plain' }), 'note.txt');
    const uploaded = await app.fetch('/graphql', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    expect(uploaded.status).toBe(200);
    // A wrong key is logged no more than a right one.
    const wrongKey = `igk_${randomBytes(20).toString('hex')}`;
    await post(app, wrongKey, { query: '{ me { credential } }' });
    // A caller handing the logger a header map or a token gets them masked.
    captured.log.warn('diagnostics', { headers: { authorization: `Bearer ${token}` }, token, detail: { authorization: wrongKey } });

    const text = captured.text();
    expect(text).toContain('"message":"diagnostics"');
    expect(text).toContain('[redacted]');
    for (const secret of [token, token.slice(4), wrongKey, secretContent, Buffer.from(secretContent).toString('base64')]) expect(text).not.toContain(secret);
  });

  it('LOG_LEVEL: below the level nothing is written (warn drops the access lines, keeps warnings); a bad level is refused with one line', async () => {
    const quiet = capturingLogger('warn');
    const other = await startTestApp({ log: quiet.log });
    try {
      const res = await post(other, await other.token('acme'), { query: LIST_USERS });
      expect(res.status).toBe(200);
      quiet.log.info('not written');
      quiet.log.warn('written');
      expect(quiet.lines().map((l) => l.message)).toEqual(['written']);
    } finally {
      await other.stop();
    }
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"');
  });
});

/** The value of one series in Prometheus text, by name and exact labels (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.keys(labels).length === Object.keys(found).length && Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('metrics: /metrics in Prometheus text', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp({ config: { rateLimits: { ...loadConfig({ NODE_ENV: 'test' }).rateLimits, authFailures: 10_000, points: 5_000 } } });
    token = await app.token('acme');
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('after a few operations: duration by operation and outcome, errors by code, SQL statements per operation, pool, rate-limit refusals, registered series', async () => {
    const client = await app.client('acme');
    await client.request(LIST_USERS);
    await client.request(LIST_USERS);
    await post(app, token, { query: 'query TooMany { users(first: 1000) { totalCount } }' });
    await post(app, token, { query: '{ me { credential } }' });
    await app.fetch('/scim/v2/Users?count=1', { headers: { authorization: `Bearer ${token}` } });
    // A key that spent its whole budget (5,000 points) on one operation is refused the next.
    const hog = await app.token('acme');
    const huge = { query: 'query Huge { users(first: 100) { nodes { roles { members(first: 100) { nodes { login } } } } } }' };
    expect((await post(app, hog, huge)).status).toBe(200);
    const refused = await post(app, hog, { query: 'query Huge { users(first: 100) { nodes { roles { members(first: 100) { nodes { login } } } } } }' });
    expect(refused.status).toBe(429);
    // What another part (a job runner) registers is scraped with the rest.
    let depth = 7;
    app.metrics.gauge({
      name: 'test_queue_depth',
      help: 'a registered gauge',
      collect() {
        this.set(depth);
      },
    });

    const res = await app.fetch('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const name = 'identity_graph_request_duration_seconds_count';
    expect(sample(text, name, { surface: 'graphql', operation: 'ListUsers', type: 'query', outcome: 'OK' })).toBe(2);
    expect(sample(text, name, { surface: 'graphql', operation: 'TooMany', type: 'query', outcome: 'BAD_USER_INPUT' })).toBe(1);
    expect(sample(text, name, { surface: 'graphql', operation: 'anonymous', type: 'query', outcome: 'OK' })).toBe(1);
    expect(sample(text, name, { surface: 'scim', operation: 'scim Users', type: 'GET', outcome: 'OK' })).toBe(1);
    expect(sample(text, name, { surface: 'graphql', operation: 'Huge', type: 'query', outcome: 'RATE_LIMITED' })).toBe(1);
    expect(sample(text, 'identity_graph_request_duration_seconds_bucket', { surface: 'graphql', operation: 'ListUsers', type: 'query', outcome: 'OK', le: '+Inf' })).toBe(2);
    expect(sample(text, 'identity_graph_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(sample(text, 'identity_graph_errors_total', { code: 'RATE_LIMITED' })).toBe(1);
    expect(sample(text, 'identity_graph_sql_statements_count', { operation: 'ListUsers' })).toBe(2);
    expect(sample(text, 'identity_graph_sql_statements_sum', { operation: 'ListUsers' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'identity_graph_rate_limit_refusals_total', { budget: 'key' })).toBe(1);
    expect(sample(text, 'identity_graph_db_pool_connections', { state: 'used' })).toEqual(expect.any(Number));
    expect(sample(text, 'identity_graph_db_pool_connections', { state: 'free' })).toEqual(expect.any(Number));
    expect(sample(text, 'identity_graph_test_queue_depth', {})).toBe(7);
    expect(sample(text, 'identity_graph_process_cpu_user_seconds_total', {})).toEqual(expect.any(Number));
    depth = 3;
    expect(sample(await (await app.fetch('/metrics')).text(), 'identity_graph_test_queue_depth', {})).toBe(3);
  });

  it('keeps operation names bounded: past 200 distinct names, new ones count as "other"', async () => {
    const client = await app.client('acme');
    for (let i = 0; i < 210; i++) await client.request(`query Op${i} { me { credential } }`);
    const text = await (await app.fetch('/metrics')).text();
    const names = new Set([...text.matchAll(/identity_graph_request_duration_seconds_count\{[^}]*operation="([^"]*)"/g)].map((m) => m[1]));
    expect(names.size).toBeLessThanOrEqual(201);
    expect(names).toContain('other');
    expect(names).toContain('ListUsers');
  });
});

describe('metrics: access', () => {
  it('METRICS_TOKEN: /metrics answers 401 without the bearer token and 200 with it', async () => {
    const secret = randomBytes(16).toString('hex');
    const app = await startTestApp({ config: { metrics: { enabled: true, token: secret, onMainPort: true } } });
    try {
      expect((await app.fetch('/metrics')).status).toBe(401);
      expect((await app.fetch('/metrics', { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
      const ok = await app.fetch('/metrics', { headers: { authorization: `Bearer ${secret}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('identity_graph_request_duration_seconds');
    } finally {
      await app.stop();
    }
  });

  it('METRICS_PORT: /metrics on its own port, not on the gateway’s; production without either serves none; METRICS=false none at all', async () => {
    const app = await startTestApp({ config: { metrics: { enabled: true, port: 0, onMainPort: false } } });
    try {
      expect(app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await app.fetch('/metrics')).status).toBe(404);
      const scraped = await fetch(app.metricsUrl as string);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('identity_graph_db_pool_connections');
      expect((await fetch((app.metricsUrl as string).replace('/metrics', '/graphql'))).status).toBe(404);
    } finally {
      await app.stop();
    }
    expect(loadConfig({ NODE_ENV: 'production' }).metrics).toEqual({ enabled: true, port: undefined, token: undefined, onMainPort: false });
    expect(loadConfig({ NODE_ENV: 'production', METRICS_PORT: '9464' }).metrics).toMatchObject({ port: 9464, onMainPort: false });
    expect(loadConfig({ NODE_ENV: 'production', METRICS_TOKEN: 'a'.repeat(32) }).metrics).toMatchObject({ onMainPort: true });
    expect(loadConfig({ NODE_ENV: 'development' }).metrics.onMainPort).toBe(true);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow('METRICS_TOKEN must be a token of at least 16 characters, got a value of 5 characters');
    const off = await startTestApp({ config: { metrics: { enabled: false, onMainPort: true } } });
    try {
      expect((await off.fetch('/metrics')).status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});

describe('health and readiness', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('/ready is 200 naming its checks; a failing registered check makes it 503 naming that check, /health stays 200', async () => {
    const ready = await app.fetch('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });

    let running = false;
    app.readiness.register('jobs', async () => {
      if (!running) throw new Error('the job runner is not running');
    });
    const notReady = await app.fetch('/ready');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'not ready',
      checks: { database: 'ok', migrations: 'ok', jobs: 'failed: the job runner is not running' },
      failing: ['jobs'],
    });
    expect((await app.fetch('/health')).status).toBe(200);
    running = true;
    expect((await app.fetch('/ready')).status).toBe(200);
    app.readiness.unregister('jobs');
  });
});

/** A TCP proxy to PostgreSQL that the test can cut (every connection dropped, nothing listening) and restore on the same port. */
class CuttableProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describe('readiness on PostgreSQL: /ready is 503 while the database is unreachable, 200 again after', () => {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  let reason: string | null = null;
  beforeAll(async () => {
    reason = await postgresReachable(base);
    if (reason) console.warn(`skipping the PostgreSQL readiness test: ${reason}`);
  });

  it('cuts the connection to PostgreSQL under a running gateway, then restores it', async (ctx) => {
    if (reason) return ctx.skip();
    const scratch = await scratchDatabase(base);
    const target = new URL(scratch.url);
    const proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.open();
    const viaProxy = new URL(scratch.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const config = { ...loadConfig({ NODE_ENV: 'test' }), database: 'postgresql' as const, databaseUrl: viaProxy.toString(), seedDemoData: false };
    const app = await createApp(config, { port: 0, log: silentLogger });
    const get = (path: string) => fetch(app.origin + path);
    try {
      expect((await get('/ready')).status).toBe(200);

      await proxy.cut();
      const down = await get('/ready');
      expect(down.status).toBe(503);
      const body = (await down.json()) as { status: string; checks: Record<string, string>; failing: string[] };
      expect(body.status).toBe('not ready');
      expect(body.failing).toContain('database');
      expect(body.checks.database).toMatch(/^(failed|no answer)/);
      expect(JSON.stringify(body)).not.toMatch(/select|password|\n\s+at /i);
      expect((await get('/health')).status).toBe(200);

      await proxy.open();
      // The pool replaces its dropped connections on the next checks.
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        status = (await get('/ready')).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status).toBe(200);
      expect(await (await get('/ready')).json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
    } finally {
      await app.stop();
      await proxy.cut();
      await scratch.drop();
    }
  });
});
