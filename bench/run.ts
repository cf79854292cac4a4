import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { loadConfig, type Config } from '../src/config.js';
import { createApp } from '../src/app.js';
import { openOrm } from '../src/db/orm.js';
import { silentLogger } from '../src/logger.js';
import { DEFAULT_SHAPE } from '../src/db/generate.js';
import { seedScaleData } from '../src/db/scale-seed.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { createApiKey } from '../src/auth/api-key.service.js';
import { ApiKey } from '../src/auth/api-key.entity.js';
import { Authority } from '../src/auth/authorities.js';
import { ProgressBar } from '../src/cli/progress.js';
import { WORKLOAD_Q } from './workload.js';
import { formatSummary, readProfile, summarizeProfile, type ProfileSummary } from './cpu-profile.js';

/**
 * `npm run bench`: the gateway against a raw-SQL lower bound on workload Q, over the scale data
 * set (DEFAULT_SHAPE) in a cached SQLite file. Prints req/s, latency and SQL statements per
 * request, a markdown table, and writes bench/results.json. Never part of `npm test`.
 */
const USAGE = `usage: npm run bench -- [--duration 30] [--warmup 1] [--connections 10] [--profile] [--fresh] [--federated]
  --duration     measured seconds per server (the gateway answers its 10 connections in waves
                 of several seconds: a short run counts one wave more or less)
  --warmup       requests per connection before measuring, all answered before the clock starts
  --connections  concurrent HTTP connections
  --profile      record a CPU profile of the gateway process and print where its time goes
  --fresh        rebuild the cached data set
  --federated    measure the federated mode (GRAPH_MODE=federated: Apollo Gateway over the subgraphs)`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORKSPACE = 'bench';
const BENCH_KEY = 'benchmark';

function options() {
  try {
    const { values } = parseArgs({
      strict: true,
      options: {
        duration: { type: 'string', default: '30' },
        warmup: { type: 'string', default: '1' },
        connections: { type: 'string', default: '10' },
        profile: { type: 'boolean', default: false },
        fresh: { type: 'boolean', default: false },
        federated: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const int = (name: 'duration' | 'warmup' | 'connections', min: number) => {
      const n = Number(values[name]);
      if (!Number.isInteger(n) || n < min || n > 600) throw new Error(`--${name} must be a whole number from ${min} to 600`);
      return n;
    };
    return {
      duration: int('duration', 1),
      warmup: int('warmup', 0),
      connections: int('connections', 1),
      profile: values.profile!,
      fresh: values.fresh!,
      federated: values.federated!,
    };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(1);
  }
}

/**
 * The data file, named by a hash of the shape and of the code that produces the rows (generator,
 * loader, migrations), so a rerun reuses it and a change to any of them builds a new one.
 */
function dataFileName(): string {
  const hash = createHash('sha256').update(JSON.stringify(DEFAULT_SHAPE));
  const dist = path.join(root, 'dist', 'src', 'db');
  const migrations = path.join(dist, 'migrations', 'sqlite');
  for (const file of [
    path.join(dist, 'generate.js'),
    path.join(dist, 'load-data-set.js'),
    ...fs
      .readdirSync(migrations)
      .sort()
      .filter((f) => f.endsWith('.js'))
      .map((f) => path.join(migrations, f)),
  ]) {
    hash.update(fs.readFileSync(file));
  }
  return path.join(root, 'data', `bench-${hash.digest('hex').slice(0, 12)}.sqlite`);
}

const sqliteConfig = (file: string, graphMode: Config['graphMode'] = 'single'): Config => ({
  ...loadConfig({}),
  env: 'production',
  database: 'sqlite',
  databaseUrl: file,
  seedDemoData: false,
  graphMode,
  // The in-process server only reads the bench data, which holds no sealed secrets.
  secretsProblem: undefined,
});

/** Builds the data set into a temporary file and renames it into place only when complete. */
async function ensureDataFile(file: string, fresh: boolean): Promise<void> {
  if (fs.existsSync(file) && !fresh) {
    process.stderr.write(`data set: reusing ${path.relative(root, file)}\n`);
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  process.stderr.write(`data set: building ${path.relative(root, file)} (${JSON.stringify(DEFAULT_SHAPE)})\n`);
  const orm = await openOrm(sqliteConfig(tmp));
  try {
    await orm.getMigrator().up();
    const bar = new ProgressBar(process.stderr);
    const result = await seedScaleData(orm, { shape: DEFAULT_SHAPE, workspace: WORKSPACE, replace: false }, (s, d, t) => bar.update(s, d, t));
    bar.finish();
    process.stderr.write(`data set: generated in ${(result.generateMs / 1000).toFixed(1)} s, written in ${(result.loadMs / 1000).toFixed(1)} s\n`);
  } finally {
    // Closing the last connection checkpoints the WAL into the file and removes it.
    await orm.close(true);
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  fs.renameSync(tmp, file);
}

/** A key for the run, the workspace id, and the gateway's SQL statements for one request of Q. */
async function prepareInProcess(file: string, graphMode: Config['graphMode']): Promise<{ token: string; workspaceId: string; statements: { first: number; warm: number } }> {
  const app = await createApp(sqliteConfig(file, graphMode), { port: 0, log: silentLogger });
  try {
    const em = app.orm.em.fork();
    const workspace = await em.findOneOrFail(Workspace, { name: WORKSPACE });
    // One key per run; the previous run's goes, so the cached file does not collect them.
    await em.nativeDelete(ApiKey, { workspace, name: BENCH_KEY });
    const { token } = await createApiKey(em, workspace, BENCH_KEY, [Authority.READ_ONLY]);
    const once = async () => {
      app.statements.reset();
      await post(app.url, token);
      return app.statements.value();
    };
    // The first request also looks its API key up; later ones find it in the authenticator's cache.
    const first = await once();
    const warm = await once();
    return { token, workspaceId: workspace.id, statements: { first, warm } };
  } finally {
    await app.stop();
  }
}

async function post(url: string, token?: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: WORKLOAD_Q }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (res.status !== 200 || body.errors) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** Starts a node child process serving HTTP and waits for its /health. */
async function startServer(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const server = { name, url: `http://127.0.0.1:${port}/graphql`, child, output: () => output };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start:\n${output}`);
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Measured {
  requestsPerSecond: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  requests: number;
  non2xx: number;
  errors: number;
  /** Median latency of one request at a time (no queueing), after the warm-up. */
  unloadedMs: number;
}

/** Warm-up, then one request at a time, then the measured run under `connections`. */
async function load(server: Server, token: string | undefined, opts: { connections: number; warmup: number; duration: number }): Promise<Measured> {
  const request = {
    url: server.url,
    connections: opts.connections,
    // Under load a gateway request waits behind the other connections' requests: allow for it.
    timeout: 60,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: WORKLOAD_Q }),
  };
  // Warm-up by request count, not by time: autocannon returns once every warm-up request has its
  // answer, so the measured run starts on an idle server (a timed warm-up would leave a queue of
  // abandoned requests that a slow server keeps working on during the measurement).
  if (opts.warmup > 0) await autocannon({ ...request, amount: opts.warmup * opts.connections });
  const unloadedMs = await unloadedLatency(server, token);
  process.stderr.write(`measuring ${server.name}: ${opts.connections} connections for ${opts.duration} s\n`);
  const r: Result = await autocannon({ ...request, duration: opts.duration });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${server.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors under load\n${server.output()}`);
  return {
    requestsPerSecond: round(r.requests.total / r.duration),
    latencyMs: { mean: round(r.latency.mean), p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    unloadedMs,
  };
}

/** Median time of one request at a time (no queueing): the cost of a request by itself. */
async function unloadedLatency(server: Server, token?: string, times = 5): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await post(server.url, token);
    samples.push(performance.now() - t);
  }
  return round(samples.sort((a, b) => a - b)[Math.floor(times / 2)], 1);
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The first place two JSON values differ, as a path, for a readable failure. */
function firstDifference(a: unknown, b: unknown, at = '$'): string {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || a === null || b === null || typeof a !== 'object') {
    return `${at}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const k of keys) {
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, Array.isArray(a) ? `${at}[${k}]` : `${at}.${k}`);
  }
  return `${at}: equal`;
}

function newestProfile(dir: string): string | undefined {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  return files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

async function main() {
  const opts = options();
  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  const file = dataFileName();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await ensureDataFile(file, opts.fresh);

  const graphMode = opts.federated ? 'federated' : 'single';
  const prepared = await prepareInProcess(file, graphMode);
  const profileDir = path.join(root, 'data', 'profiles', String(started));
  const servers: Server[] = [];
  let gateway: Server | undefined;
  let raw: Server | undefined;
  const measured: Partial<Record<'gateway' | 'raw', Measured>> = {};
  try {
    gateway = await startServer(
      'gateway',
      'dist/src/main.js',
      // Production needs a secrets key of its own; the bench data holds no secrets, so any key does.
      // The benchmark measures throughput, so no rate limit: workload Q at 25 req/s would spend a key's default budget in two seconds.
      {
        SQLITE_PATH: file,
        DATABASE_URL: '',
        NODE_ENV: 'production',
        SEED_DEMO_DATA: 'false',
        RATE_LIMIT: 'false',
        SECRETS_KEY: randomBytes(32).toString('base64'),
        GRAPH_MODE: graphMode,
      },
      opts.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
    );
    servers.push(gateway);
    raw = await startServer('raw SQL', 'dist/bench/raw-server.js', { BENCH_SQLITE: file, BENCH_WORKSPACE_ID: prepared.workspaceId });
    servers.push(raw);

    // The data must be equal; `extensions.cost` is the gateway's report of the query's cost.
    const dataOf = (answer: unknown) => ({ data: (answer as { data: unknown }).data });
    const [fromGateway, fromRaw] = [dataOf(await post(gateway.url, prepared.token)), dataOf(await post(raw.url))];
    const users = (fromGateway as { data: { users: { nodes: unknown[] } } }).data.users.nodes.length;
    if (!isDeepStrictEqual(fromGateway, fromRaw)) throw new Error(`the raw SQL answer differs from the gateway's: ${firstDifference(fromGateway, fromRaw)}`);
    process.stderr.write(`answers are equal (${users} users, ${JSON.stringify(fromGateway).length} bytes of JSON)\n`);

    // Each server is measured alone: the other is idle, and the gateway is stopped before the
    // raw server's turn so that requests still in flight from its run cost the raw server nothing.
    measured.gateway = await load(gateway, prepared.token, opts);
    await stopServer(gateway);
    measured.raw = await load(raw, undefined, opts);
  } finally {
    for (const s of servers) await stopServer(s);
  }
  const gatewayResult = measured.gateway!;
  const rawResult = measured.raw!;

  let profile: ProfileSummary | undefined;
  if (opts.profile) {
    const found = newestProfile(profileDir);
    if (found) profile = summarizeProfile(readProfile(found), 30);
    else process.stderr.write(`no CPU profile was written in ${profileDir}\n`);
  }

  const results = {
    date: new Date(started).toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      // Other processes competing for the cores lower both servers' figures and widen their spread.
      loadAverage: { atStart: round(loadBefore), atEnd: round(os.loadavg()[0]) },
    },
    shape: DEFAULT_SHAPE,
    dataFile: path.relative(root, file),
    workload: WORKLOAD_Q,
    load: { connections: opts.connections, warmupRequestsPerConnection: opts.warmup, durationSeconds: opts.duration },
    sqlStatementsPerRequest: { gateway: prepared.statements.warm, gatewayFirstRequest: prepared.statements.first, raw: 1 },
    gateway: gatewayResult,
    raw: rawResult,
    ratio: {
      requestsPerSecond: round(gatewayResult.requestsPerSecond / rawResult.requestsPerSecond, 3),
      p50: round(gatewayResult.latencyMs.p50 / Math.max(rawResult.latencyMs.p50, 1e-9), 1),
      p99: round(gatewayResult.latencyMs.p99 / Math.max(rawResult.latencyMs.p99, 1e-9), 1),
      unloaded: round(gatewayResult.unloadedMs / rawResult.unloadedMs, 1),
    },
    profile: profile && { file: path.relative(root, newestProfile(profileDir)!), ...profile },
    totalSeconds: round((Date.now() - started) / 1000, 1),
  };
  fs.writeFileSync(path.join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

  const row = (name: string, m: Measured, statements: number) =>
    `| ${name} | ${m.requestsPerSecond.toFixed(1)} | ${m.latencyMs.p50} | ${m.latencyMs.p99} | ${m.requests} | ${m.unloadedMs} | ${statements} |`;
  process.stdout.write(
    [
      '',
      `Workload Q on ${DEFAULT_SHAPE.users.toLocaleString('en-US')} users (${results.machine.cpus} cores, ${results.machine.model}, Node ${process.version}),`,
      `${opts.connections} connections for ${opts.duration} s, after ${opts.warmup * opts.connections} warm-up requests:`,
      '',
      '| server | req/s | p50 ms | p99 ms | requests | one request alone, ms | SQL statements / request |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      row(opts.federated ? 'gateway, federated (Apollo Gateway over the subgraphs)' : 'gateway (GraphQL, graphql-jit, SQL planner)', gatewayResult, prepared.statements.warm),
      row('raw SQL lower bound (one statement)', rawResult, 1),
      `| gateway / raw | ${results.ratio.requestsPerSecond} | ${results.ratio.p50}× | ${results.ratio.p99}× | | ${results.ratio.unloaded}× | |`,
      '',
      gatewayResult.requests > 0
        ? `The raw SQL server answers ${(1 / results.ratio.requestsPerSecond).toFixed(1)}× as many requests per second as the gateway.`
        : `The gateway finished no request within ${opts.duration} s: measure longer (--duration).`,
      `Load average (1 min) of the machine: ${results.machine.loadAverage.atStart} at the start, ${results.machine.loadAverage.atEnd} at the end${
        Math.max(loadBefore, os.loadavg()[0]) > results.machine.cpus / 2 ? ' — other processes were busy: expect lower, noisier figures than on an idle machine' : ''
      }.`,
      `Results: bench/results.json (whole run: ${results.totalSeconds} s)`,
      ...(profile ? ['', `CPU profile of the gateway process (${results.profile!.file}):`, formatSummary(profile)] : []),
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
