import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import net from 'node:net';
import { postgresReachable, scratchDatabase, startTestApp, type TestApp } from './harness.js';
import { createLogger, silentLogger, type Logger } from '../src/logger.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createApp } from '../src/app.js';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { TestClock } from '../src/common/clock.js';
import { newId } from '../src/common/ids.js';
import { Authority } from '../src/auth/authorities.js';
import { ApiKey } from '../src/auth/api-key.entity.js';
import { parseKey } from '../src/auth/api-key.service.js';

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
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', jobs: 'ok' } });

    let connected = false;
    app.readiness.register('directory', async () => {
      if (!connected) throw new Error('the directory is not connected');
    });
    const notReady = await app.fetch('/ready');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'not ready',
      checks: { database: 'ok', migrations: 'ok', jobs: 'ok', directory: 'failed: the directory is not connected' },
      failing: ['directory'],
    });
    expect((await app.fetch('/health')).status).toBe(200);
    connected = true;
    expect((await app.fetch('/ready')).status).toBe(200);
    app.readiness.unregister('directory');
  });

  it('the job runner’s check: /ready is 503 naming `jobs` once the runner stops, as it does first thing when the gateway shuts down', async () => {
    const other = await startTestApp({ config: { jobs: { pollMs: 60_000, leaseMs: 60_000 } } });
    let stopped = false;
    try {
      expect(await (await other.fetch('/ready')).json()).toMatchObject({ status: 'ready', checks: { jobs: 'ok' } });
      // app.stop() stops the runner before it drains the requests in flight.
      const stopping = other.stop();
      const during = await other.readiness.report();
      expect(during.checks.jobs).toBe('failed: stopped (the gateway is shutting down)');
      expect(during.failing).toContain('jobs');
      await stopping;
      stopped = true;
    } finally {
      if (!stopped) await other.stop();
    }
    const third = await startTestApp();
    try {
      await third.jobs.stop();
      const res = await third.fetch('/ready');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: 'not ready',
        checks: { database: 'ok', migrations: 'ok', jobs: 'failed: stopped (the gateway is shutting down)' },
        failing: ['jobs'],
      });
    } finally {
      await third.stop();
    }
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
    // The job runner polls too: its check turns not ready with the poll that fails.
    const config = {
      ...loadConfig({ NODE_ENV: 'test' }),
      database: 'postgresql' as const,
      databaseUrl: viaProxy.toString(),
      seedDemoData: false,
      jobs: { pollMs: 50, leaseMs: 60_000 },
    };
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
      let jobs = body.checks.jobs;
      for (let attempt = 0; attempt < 100 && !/^failed: the last poll failed/.test(jobs); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        jobs = ((await (await get('/ready')).json()) as { checks: Record<string, string> }).checks.jobs;
      }
      expect(jobs).toMatch(/^failed: the last poll failed/);
      expect(jobs).not.toMatch(/select|update |"job"/i);

      await proxy.open();
      // The pool replaces its dropped connections on the next checks.
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        status = (await get('/ready')).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status).toBe(200);
      expect(await (await get('/ready')).json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', jobs: 'ok' } });
    } finally {
      await app.stop();
      await proxy.cut();
      await scratch.drop();
    }
  });
});

describe('metrics of the job queue', () => {
  let app: TestApp;
  const clock = new TestClock('2026-03-02T10:00:00.000Z');
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('depth by type and state and the age of the oldest due job, read from the job table at each scrape; jobs parked as Failed counted by type', async () => {
    const workspaceId = await app.workspace('acme', null);
    const at = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000);
    // Expiry jobs of tasks that do not exist: each run completes without doing anything.
    for (const runAt of [at(-90), at(-30), at(3600)]) await app.jobs.enqueue({ type: 'task.expire', workspaceId, payload: { taskId: newId() }, runAt });
    app.jobs.register(
      'test.always-fails',
      async () => {
        throw new Error('the target said no');
      },
      { maxAttempts: 1 },
    );
    await app.jobs.enqueue({ type: 'test.always-fails', workspaceId, payload: {}, runAt: at(-5) });

    let text = await (await app.fetch('/metrics')).text();
    expect(sample(text, 'identity_graph_job_queue_depth', { type: 'task.expire', state: 'due' })).toBe(2);
    expect(sample(text, 'identity_graph_job_queue_depth', { type: 'task.expire', state: 'scheduled' })).toBe(1);
    expect(sample(text, 'identity_graph_job_queue_depth', { type: 'task.expire', state: 'running' })).toBe(0);
    expect(sample(text, 'identity_graph_job_queue_depth', { type: 'test.always-fails', state: 'due' })).toBe(1);
    // A registered type with nothing queued is reported as 0, so an alert on it has a series.
    expect(sample(text, 'identity_graph_job_queue_depth', { type: 'reconciliation.run', state: 'due' })).toBe(0);
    expect(sample(text, 'identity_graph_job_oldest_due_age_seconds', { type: 'task.expire' })).toBe(90);
    expect(sample(text, 'identity_graph_job_oldest_due_age_seconds', { type: 'reconciliation.run' })).toBe(0);
    expect(sample(text, 'identity_graph_jobs_failed_total', { type: 'task.expire' })).toBe(0);

    clock.advance({ seconds: 30 });
    text = await (await app.fetch('/metrics')).text();
    expect(sample(text, 'identity_graph_job_oldest_due_age_seconds', { type: 'task.expire' })).toBe(120);

    expect(await app.jobs.runDue()).toBe(3);
    text = await (await app.fetch('/metrics')).text();
    expect(sample(text, 'identity_graph_job_queue_depth', { type: 'task.expire', state: 'due' })).toBe(0);
    expect(sample(text, 'identity_graph_job_queue_depth', { type: 'task.expire', state: 'scheduled' })).toBe(1);
    expect(sample(text, 'identity_graph_job_oldest_due_age_seconds', { type: 'task.expire' })).toBe(0);
    expect(sample(text, 'identity_graph_jobs_failed_total', { type: 'test.always-fails' })).toBe(1);
    expect(sample(text, 'identity_graph_jobs_failed_total', { type: 'task.expire' })).toBe(0);
  });
});

/** A WebSocket whose upgrade request carries an x-request-id (what a proxy in front would add). */
function websocketWithRequestId(requestId: string) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { 'x-request-id': requestId } });
    }
  };
}

/** Resolves once `ready()` holds (state, not time: the bound only ends a broken run). */
async function eventually(ready: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the expected state never came');
}

describe('subscriptions: metrics and access lines', () => {
  let app: TestApp;
  const captured = capturingLogger();
  const clients: Client[] = [];
  beforeAll(async () => {
    app = await startTestApp({ log: captured.log, config: { live: { channel: 'unused', authCheckMs: 50 } } });
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await app?.stop();
  });

  // Not lazy: the socket stays open after the last subscription completes, so ending one is the client's complete message alone.
  const connect = (token: string, requestId: string, lazy = true) => {
    const client = createClient({
      url: app.url.replace(/^http/, 'ws'),
      webSocketImpl: websocketWithRequestId(requestId),
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy,
    });
    clients.push(client);
    return client;
  };
  const lines = (message: string) => captured.lines().filter((line) => line.message === message);
  const inboxEvent = async (login: string, id: string) => {
    app.events.publish([{ kind: 'task', workspaceId: await app.workspace('acme'), id, created: true, assignee: login, assigneeType: 'User', claimedBy: null, before: null }]);
  };

  it('active subscriptions by root field, open connections, events delivered; a start line and an end line with the events and duration, no key', async () => {
    const token = await app.token('acme', [Authority.APPROVER], { person: 'jerome' });
    const received: unknown[] = [];
    const stop = connect(token, 'ws-conn-7f3a', false).subscribe(
      { query: 'subscription Inbox { taskInbox { change taskId } }' },
      { next: (value) => void received.push(value), error: () => {}, complete: () => {} },
    );
    await eventually(() => app.subscriptions.operations() === 1);

    let text = await (await app.fetch('/metrics')).text();
    expect(sample(text, 'identity_graph_subscriptions_active', { subscription: 'taskInbox' })).toBe(1);
    expect(sample(text, 'identity_graph_subscriptions_active', { subscription: 'requestStatusChanged' })).toBe(0);
    expect(sample(text, 'identity_graph_websocket_connections', {})).toBe(1);
    expect(sample(text, 'identity_graph_subscription_events_total', { subscription: 'taskInbox' })).toBe(0);

    await inboxEvent('jerome', 'a'.repeat(24));
    await inboxEvent('jerome', 'b'.repeat(24));
    await inboxEvent('michael', 'c'.repeat(24)); // not jerome's: not delivered
    await eventually(() => received.length === 2);
    text = await (await app.fetch('/metrics')).text();
    expect(sample(text, 'identity_graph_subscription_events_total', { subscription: 'taskInbox' })).toBe(2);

    stop();
    await eventually(() => app.subscriptions.operations() === 0);
    text = await (await app.fetch('/metrics')).text();
    expect(sample(text, 'identity_graph_subscriptions_active', { subscription: 'taskInbox' })).toBe(0);

    const workspace = await app.workspace('acme');
    const common = {
      level: 'info',
      connection: 'ws-conn-7f3a',
      surface: 'websocket',
      workspace,
      key: 'test key APPROVER of jerome',
      operation: 'Inbox',
      operationType: 'subscription',
      subscription: 'taskInbox',
    };
    const [start] = lines('subscription start');
    expect(start).toMatchObject(common);
    const [end] = lines('subscription end');
    expect(end).toMatchObject({ ...common, requestId: start.requestId, outcome: 'OK', events: 2, durationMs: expect.any(Number) });
    expect(captured.text()).not.toContain(token);
    expect(captured.text()).not.toContain(token.slice(4));
  });

  it('a subscription ended by revoking its key: end line CREDENTIAL_REVOKED with close code 4403; a refused one: a refused line with its code', async () => {
    const token = await app.token('acme', [Authority.APPROVER], { person: 'michael' });
    let heard = 0;
    const ended = new Promise<unknown>((resolve) => {
      connect(token, 'ws-conn-revoked').subscribe(
        { query: 'subscription Watched { taskInbox { taskId } }' },
        { next: () => void heard++, error: resolve, complete: () => resolve(null) },
      );
    });
    await eventually(() => app.subscriptions.operations() === 1);
    await inboxEvent('michael', 'd'.repeat(24));
    await eventually(() => heard === 1);
    await app.orm.em.fork().nativeUpdate(ApiKey, { id: parseKey(token)!.id }, { revokedAt: new Date() });
    expect(((await ended) as { code?: number }).code).toBe(4403);
    await eventually(() => lines('subscription end').some((l) => l.operation === 'Watched'));
    expect(lines('subscription end').find((l) => l.operation === 'Watched')).toMatchObject({
      connection: 'ws-conn-revoked',
      key: 'test key APPROVER of michael',
      outcome: 'CREDENTIAL_REVOKED',
      closeCode: 4403,
      events: 1,
    });

    const reader = await app.token('acme', [Authority.READ_ONLY]);
    const refused = new Promise<unknown>((resolve) => {
      connect(reader, 'ws-conn-refused').subscribe(
        { query: `subscription Missing { requestStatusChanged(id: "${'0'.repeat(24)}") { id } }` },
        { next: resolve, error: resolve, complete: () => resolve(null) },
      );
    });
    await refused;
    await eventually(() => lines('subscription refused').some((l) => l.operation === 'Missing'));
    expect(lines('subscription refused').find((l) => l.operation === 'Missing')).toMatchObject({
      connection: 'ws-conn-refused',
      key: 'test key READ_ONLY',
      subscription: 'requestStatusChanged',
      outcome: 'NOT_FOUND',
    });
    expect(lines('subscription start').some((l) => l.operation === 'Missing')).toBe(false);
  });
});
