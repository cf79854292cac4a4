import { randomBytes } from 'node:crypto';
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The real entry points as child processes, built with `npm run build` (dist/): the server
 * (`node dist/src/main.js`) and every CLI of src/cli.
 */
const root = process.cwd();
const dist = (file: string) => path.join(root, 'dist', 'src', file);
const dirs: string[] = [];
const children: ChildProcess[] = [];

function scratchDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-entry-'));
  dirs.push(dir);
  return dir;
}

/** The environment of a child: this process's, less what the test runner sets, plus `env`. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['NODE_ENV', 'DATABASE_URL', 'SQLITE_PATH', 'PORT', 'HOST', 'SEED_DEMO_DATA', 'MAX_UPLOAD_BYTES', 'CORS_ORIGINS']) delete base[name];
  // Without NODE_ENV and a terminal a server runs as production, which needs a secrets key of its own.
  return { SECRETS_KEY: CHILD_SECRETS_KEY, ...base, ...env };
}

const CHILD_SECRETS_KEY = randomBytes(32).toString('base64');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (at most 60 s). */
function run(file: string, args: string[], env: Record<string, string | undefined>, cwd = root): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not end within 60 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the server; resolves once it prints where it listens (with its development key, if any). */
function startServer(env: Record<string, string | undefined>): Promise<{ child: ChildProcess; url: string; key?: string; stdout: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dist('main.js')], { cwd: root, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start within 90 s; stdout: ${stdout}; stderr: ${stderr}`)), 90_000);
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => {
      stdout += d;
      const url = stdout.match(/listening on (http:\/\/\S+)/)?.[1];
      // In development the key follows the first line; in production there is none.
      const key = stdout.match(/Authorization: Bearer (\S+)/)?.[1];
      if (url && (key || !/\(development/.test(stdout))) {
        clearTimeout(timer);
        resolve({ child, url, key, stdout: () => stdout });
      }
    });
    child.on('close', (code) => reject(new Error(`the server exited with ${code}; stderr: ${stderr}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('close', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One line on stderr, no stack trace. */
function expectOneLine(r: Run, line: string | RegExp) {
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(line);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

afterAll(async () => {
  await Promise.all(children.map(stop));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

// Each child process loads the whole gateway (several seconds on a busy machine).
const slow = { timeout: 180_000 };

describe('the server refuses a bad configuration or a failed start with one line', slow, () => {
  it('NODE_ENV=prod (which ran as development, with Sandbox and a demo key)', async () => {
    const r = await run(dist('main.js'), [], { NODE_ENV: 'prod', SQLITE_PATH: path.join(scratchDir(), 'db.sqlite'), PORT: '0' });
    expectOneLine(r, 'Identity Graph cannot start: NODE_ENV must be one of development, production, test, got "prod"');
  });

  it('a DATABASE_URL that is not PostgreSQL (which fell back to SQLite)', async () => {
    for (const url of ['mysql://app:s3cret@127.0.0.1/identity', 'postgress://postgres@127.0.0.1:5432/test']) {
      const r = await run(dist('main.js'), [], { DATABASE_URL: url, SQLITE_PATH: path.join(scratchDir(), 'db.sqlite'), PORT: '0' });
      expectOneLine(r, /^Identity Graph cannot start: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL \(unset for SQLite\), got "/);
      expect(r.stderr).not.toContain('s3cret');
    }
  });

  it('MAX_UPLOAD_BYTES=5MB and SEED_DEMO_DATA=maybe', async () => {
    const dir = scratchDir();
    expectOneLine(
      await run(dist('main.js'), [], { MAX_UPLOAD_BYTES: '5MB', SQLITE_PATH: path.join(dir, 'db.sqlite'), PORT: '0' }),
      /MAX_UPLOAD_BYTES must be a whole number of bytes/,
    );
    expectOneLine(await run(dist('main.js'), [], { SEED_DEMO_DATA: 'maybe', SQLITE_PATH: path.join(dir, 'db.sqlite'), PORT: '0' }), /SEED_DEMO_DATA must be true or false/);
    expect(fs.existsSync(path.join(dir, 'db.sqlite'))).toBe(false);
  });

  it('PostgreSQL unreachable', async () => {
    const r = await run(dist('main.js'), [], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test', PORT: '0' });
    expectOneLine(r, 'Identity Graph cannot start: cannot reach PostgreSQL at 127.0.0.1:1/test (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:1');
  });

  it('without NODE_ENV and without a terminal it runs as production: no introspection, no Sandbox key', async () => {
    const dir = scratchDir();
    const env = { SQLITE_PATH: path.join(dir, 'db.sqlite'), SEED_DEMO_DATA: 'no' };
    const created = await run(dist('cli/keys.js'), ['create', '--workspace', 'w', '--create-workspace', '--name', 'k', '--authority', 'READ_ONLY'], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim().split('\n').at(-1);
    const server = await startServer({ ...env, PORT: '0' });
    try {
      expect(server.stdout()).toContain('(production: NODE_ENV is unset and this is not a terminal;');
      expect(server.key).toBeUndefined();
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{"query":"{ __schema { queryType { name } } }"}',
      });
      const body = (await res.json()) as { errors?: Array<{ extensions: { code: string } }> };
      expect(body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      // SEED_DEMO_DATA=no seeded nothing (it used to seed anyway).
      const demo = await run(dist('cli/keys.js'), ['list', '--workspace', 'demo'], env);
      expect(demo.stderr.trim()).toBe('no workspace named demo');
    } finally {
      await stop(server.child);
    }
  });

  it("a second instance on the same database fails on the busy port with one line and leaves the first one's key working", async () => {
    const dir = scratchDir();
    const env = { NODE_ENV: 'development', SQLITE_PATH: path.join(dir, 'db.sqlite') };
    const first = await startServer({ ...env, PORT: '0' });
    try {
      expect(first.key).toMatch(/^igk_/);
      const port = new URL(first.url).port;
      const second = await run(dist('main.js'), [], { ...env, PORT: port });
      expect(second.code).toBe(1);

      // The first server's key was not used before: nothing of it is cached, the database decides.
      const res = await fetch(first.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${first.key}` },
        body: '{"query":"{ users(first: 1) { totalCount } }"}',
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { users: { totalCount: number } } }).data.users.totalCount).toBeGreaterThan(0);
      const keys = await run(dist('cli/keys.js'), ['list', '--workspace', 'demo'], env);
      expect(keys.stdout.split('\n').filter((l) => l.includes('development demo key') && l.endsWith('active'))).toHaveLength(1);
      // Sandbox in the first server's page carries that same key.
      const page = await (await fetch(first.url, { headers: { accept: 'text/html' } })).text();
      expect(page).toContain(first.key);
      expectOneLine(second, `Identity Graph cannot start: port ${port} on 127.0.0.1 is already in use (another Identity Graph? set PORT to another port)`);
    } finally {
      await stop(first.child);
    }
  });
});

describe('every CLI answers --help without side effects, refuses unknown flags with its usage, fails non-zero', slow, () => {
  const clis = [
    { file: 'cli/keys.js', usage: /^usage:\n {2}npm run keys -- create/ },
    { file: 'cli/seed.js', usage: /^usage: npm run seed/ },
    { file: 'cli/emit-schema.js', usage: /^usage: npm run schema/ },
    { file: 'cli/supergraph.js', usage: /^usage: npm run supergraph/ },
    { file: 'cli/create-migration.js', usage: /^usage: npm run migration:create/ },
  ];

  for (const { file, usage } of clis) {
    it(`${file}: --help prints the usage, exits 0 and writes nothing`, async () => {
      // Run in an empty folder: whatever a command writes relative to it (the SQLite file in
      // data/, schema/schema.graphql, src/db/migrations/…) would show up there.
      const cwd = scratchDir();
      fs.mkdirSync(path.join(cwd, 'schema'));
      fs.writeFileSync(path.join(cwd, 'schema', 'schema.graphql'), 'unchanged');
      const r = await run(dist(file), ['--help'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }, cwd);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(usage);
      expect(r.stderr).toBe('');
      expect(fs.readdirSync(cwd)).toEqual(['schema']);
      expect(fs.readFileSync(path.join(cwd, 'schema', 'schema.graphql'), 'utf8')).toBe('unchanged');
    });

    it(`${file}: an unknown flag is refused with the usage, exit 1`, async () => {
      const cwd = scratchDir();
      const r = await run(dist(file), ['--bogus'], {}, cwd);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("Unknown option '--bogus'");
      expect(r.stderr).toMatch(/\n\nusage:/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(fs.readdirSync(cwd)).toEqual([]);
    });
  }

  it('keys: a bad command line is refused before the database is opened; a failure exits 1 with one line', async () => {
    const env = { SQLITE_PATH: path.join(scratchDir(), 'db.sqlite'), SEED_DEMO_DATA: 'false' };
    for (const args of [[], ['rotate'], ['create', '--workspace', 'w'], ['revoke'], ['create', '--workspace', 'w', '--name', 'k', '--authority', 'GOD']]) {
      const r = await run(dist('cli/keys.js'), args, env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/\n\nusage:/);
    }
    expect(fs.existsSync(env.SQLITE_PATH)).toBe(false);
    expectOneLine(await run(dist('cli/keys.js'), ['revoke', '--id', 'no-such-key'], env), 'no active key no-such-key');
    expectOneLine(await run(dist('cli/keys.js'), ['list', '--workspace', 'nowhere'], env), 'no workspace named nowhere');
    expectOneLine(
      await run(dist('cli/keys.js'), ['list', '--workspace', 'w'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' }),
      /^cannot reach PostgreSQL at 127\.0\.0\.1:1\/test/,
    );
    expectOneLine(await run(dist('cli/keys.js'), ['list', '--workspace', 'w'], { NODE_ENV: 'prod' }), /^Identity Graph cannot start: NODE_ENV must be/);
  });

  it('create-migration: only sqlite and postgresql are dialects', async () => {
    const cwd = scratchDir();
    const r = await run(dist('cli/create-migration.js'), ['mysql'], {}, cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^unknown argument "mysql"\n\nusage: npm run migration:create/);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('seed: a database it cannot reach is one line, exit 1', async () => {
    const r = await run(dist('cli/seed.js'), ['--users', '10'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('cannot reach PostgreSQL at 127.0.0.1:1/test (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:1');
  });
});
