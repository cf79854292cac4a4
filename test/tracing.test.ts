import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { tracingWanted } from '../src/observability/tracing.js';

/**
 * Tracing through the real entry point (`node dist/src/main.js`): the SDK must start before the
 * gateway's modules load, which only the entry point does. Spans go to an OTLP/HTTP receiver in
 * this process (JSON encoding, so the test reads them without protobuf).
 */
const root = process.cwd();
const children: ChildProcess[] = [];
const dirs: string[] = [];

interface ReceivedSpan {
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: string | number } }>;
}

function otlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close: () => Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const parsed = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: ReceivedSpan[] }> }> };
        for (const resource of parsed.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        spans,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

/** Starts the server in development (it prints a demo key on a loopback address); resolves with its URL and key. */
function startServer(env: Record<string, string>): Promise<{ url: string; key: string }> {
  const base = { ...process.env };
  for (const name of ['NODE_ENV', 'DATABASE_URL', 'SQLITE_PATH', 'PORT', 'HOST', 'SEED_DEMO_DATA']) delete base[name];
  const child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'main.js')], { cwd: root, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    child.stdout?.on('data', (d) => {
      stdout += d;
      const url = stdout.match(/listening on (http:\/\/\S+)/)?.[1];
      const key = stdout.match(/Authorization: Bearer (\S+)/)?.[1];
      if (url && key) resolve({ url, key });
    });
    child.on('close', (code) => reject(new Error(`the server exited with ${code}; stderr: ${stderr}`)));
  });
}

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('tracing: OpenTelemetry, switched by the OTEL_* variables', () => {
  it('is on with an OTLP endpoint or a named exporter, off without, with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_SERVICE_NAME: 'x' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it('off costs nothing: no module of the gateway imports OpenTelemetry except the dynamic imports of tracing.ts', () => {
    const files = fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const importing = files.filter((f) => /from '@opentelemetry\//.test(fs.readFileSync(path.join(root, 'src', f), 'utf8')));
    expect(importing).toEqual([]);
    const tracing = fs.readFileSync(path.join(root, 'src', 'observability', 'tracing.ts'), 'utf8');
    expect(tracing).toMatch(/import\('@opentelemetry\/sdk-node'\)/);
  });

  it('when on, the spans of a GraphQL request (HTTP, GraphQL, SQL through knex) reach an OTLP/HTTP receiver', { timeout: 120_000 }, async () => {
    const receiver = await otlpReceiver();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-trace-'));
    dirs.push(dir);
    try {
      const { url, key } = await startServer({
        NODE_ENV: 'development',
        PORT: '0',
        SQLITE_PATH: path.join(dir, 'db.sqlite'),
        SECRETS_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: 'query TracedUsers { users(first: 2) { nodes { login } } }' }),
      });
      expect(res.status).toBe(200);
      const has = () => {
        const names = receiver.spans.map((s) => s.name);
        const server = receiver.spans.some(
          (s) => s.kind === 2 && s.attributes.some((a) => ['http.method', 'http.request.method'].includes(a.key) && a.value.stringValue === 'POST'),
        );
        const sql = receiver.spans.some((s) => s.attributes.some((a) => a.key === 'db.system' || a.key === 'db.system.name'));
        return server && sql && names.some((n) => n.startsWith('graphql.'));
      };
      for (let attempt = 0; attempt < 100 && !has(); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(has(), `spans received: ${receiver.spans.map((s) => s.name).join(', ')}`).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
