import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp, type TestApp } from './harness.js';
import { ensureDemoWorkspace, rotateDevelopmentKey } from '../src/db/demo/seed-demo.js';

/**
 * The README's examples, run as a reader pastes them against a fresh `npm start`: every fenced
 * `graphql` block and every `curl` command of a `sh` block, in the README's order, with the
 * development key as `$KEY` and the test server in place of http://localhost:4000. A block the
 * README marks `<!-- not-run: reason -->` (on the lines just before its fence) is listed, not run.
 * A `json` block right after an example is the answer the README claims; the real answer must
 * have its shape.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

interface Example {
  kind: 'graphql' | 'curl';
  line: number;
  text: string;
  notRun?: string;
  answer?: unknown;
}

/** The examples of a markdown text (exported shape kept small: kind, line, text, marker, answer). */
function examplesOf(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const fences: Array<{ lang: string; start: number; body: string[]; notRun?: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const marker = k >= 0 ? /^<!--\s*not-run:\s*(.+?)\s*-->$/.exec(lines[k].trim()) : null;
    fences.push({ lang: open[1], start: i + 1, body: lines.slice(i + 1, j), notRun: marker?.[1] });
    i = j;
  }
  const examples: Example[] = [];
  fences.forEach((fence, n) => {
    const next = fences[n + 1];
    const between = next
      ? lines
          .slice(fence.start + fence.body.length + 1, next.start - 1)
          .join('')
          .trim()
      : 'x';
    const answer = next?.lang === 'json' && between === '' ? JSON.parse(next.body.join('\n')) : undefined;
    if (fence.lang === 'graphql') examples.push({ kind: 'graphql', line: fence.start, text: fence.body.join('\n'), notRun: fence.notRun, answer });
    if (fence.lang === 'sh') {
      const body = fence.body;
      for (let i = 0; i < body.length; i++) {
        if (!/^curl\s/.test(body[i])) continue;
        const line = fence.start + i + 1;
        let command = body[i];
        while (command.endsWith('\\') && i + 1 < body.length) command = `${command.slice(0, -1)}${body[++i]}`;
        examples.push({ kind: 'curl', line, text: command, notRun: fence.notRun, answer });
      }
    }
  });
  return examples;
}

type Shape = string | Shape[] | { [key: string]: Shape };

/** The JSON shape of a value: object keys, the shape of a list's first element, scalar types. */
function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  return value === null ? 'null' : typeof value;
}

const examples = examplesOf(README);
const runnable = examples.filter((e) => !e.notRun);
const METRICS_TOKEN = 'readme-example-metrics-token';

let app: TestApp;
let key: string;

beforeAll(async () => {
  app = await startTestApp({ config: { metrics: { enabled: true, token: METRICS_TOKEN, onMainPort: true } } });
  const { workspace } = await ensureDemoWorkspace(app.orm, app.config);
  key = await rotateDevelopmentKey(app.orm, workspace);
});
afterAll(async () => {
  await app?.stop();
});

async function runGraphql(query: string): Promise<unknown> {
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

function runCurl(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const local = command.replaceAll('http://localhost:4000', app.origin);
  return new Promise((resolve) => {
    execFile('bash', ['-c', local], { cwd: ROOT, env: { ...process.env, KEY: key, METRICS_TOKEN } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A claimed answer shows `data` (answers also carry `extensions.cost`, which the README leaves out). */
function expectClaimedShape(answer: { data?: unknown }, example: Example): void {
  if (example.answer === undefined) return;
  expect(shapeOf(answer.data), `the answer README.md shows after line ${example.line}`).toEqual(shapeOf((example.answer as { data?: unknown }).data));
}

describe('README examples', () => {
  it('finds the examples, and only a few are marked not-run, each with its reason', () => {
    expect(runnable.filter((e) => e.kind === 'graphql').length).toBeGreaterThanOrEqual(8);
    expect(runnable.filter((e) => e.kind === 'curl').length).toBeGreaterThanOrEqual(2);
    const skipped = examples.filter((e) => e.notRun);
    expect(skipped.length).toBeLessThanOrEqual(6);
    for (const e of skipped) expect(e.notRun!.length, `README.md:${e.line}`).toBeGreaterThan(10);
  });

  it('reads markers and claimed answers as documented', () => {
    const sample = [
      'Text.',
      '<!-- not-run: needs a file -->',
      '',
      '```sh',
      'curl -s http://localhost:4000/graphql \\',
      "  -d '{}'",
      '```',
      '```graphql',
      '{ me { credential } }',
      '```',
      '```json',
      '{ "data": { "me": { "credential": "x" } } }',
      '```',
    ].join('\n');
    expect(examplesOf(sample)).toEqual([
      { kind: 'curl', line: 5, text: "curl -s http://localhost:4000/graphql   -d '{}'", notRun: 'needs a file', answer: undefined },
      { kind: 'graphql', line: 8, text: '{ me { credential } }', notRun: undefined, answer: { data: { me: { credential: 'x' } } } },
    ]);
    expect(shapeOf({ a: [{ b: 1 }, { b: 2 }], c: null })).toEqual({ a: [{ b: 'number' }], c: 'null' });
  });

  // In the README's order, on one demo workspace: later examples see what earlier ones did.
  for (const example of runnable) {
    it(`README.md:${example.line} (${example.kind}) runs as pasted`, async () => {
      if (example.kind === 'graphql') {
        const answer = (await runGraphql(example.text)) as { data?: unknown; errors?: unknown };
        expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
        expect(answer.data).toBeTruthy();
        expectClaimedShape(answer, example);
        return;
      }
      const { code, stdout, stderr } = await runCurl(example.text);
      expect(code, stderr).toBe(0);
      if (example.text.includes('/graphql')) {
        const answer = JSON.parse(stdout) as { data?: unknown; errors?: unknown };
        expect(answer.errors, stdout).toBeUndefined();
        expect(answer.data, stdout).toBeTruthy();
        expectClaimedShape(answer, example);
      } else {
        expect(stdout.trim()).not.toBe('');
      }
    });
  }
});
