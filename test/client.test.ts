import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { print } from 'graphql';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { gql } from 'graphql-request';
import { generateClient, GENERATED, MANIFEST } from '../client/generate.js';
import * as generated from '../client/generated.js';
import { identityGraph, MeDocument, TaskInboxDocument } from '../client/index.js';
import { sha256 } from '../src/live/trusted-documents.js';
import { Entitlement } from '../src/governance/entitlement.entity.js';
import { Authority } from '../src/auth/authorities.js';
import { startTestApp, type TestApp } from './harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Record<string, string>;

describe('the typed client (client/)', () => {
  it('client/generated.ts and client/persisted-documents.json are exactly what `npm run client` generates', async () => {
    const { code, manifest: text } = await generateClient();
    expect(code).toBe(fs.readFileSync(GENERATED, 'utf8'));
    expect(text).toBe(fs.readFileSync(MANIFEST, 'utf8'));
  });

  it('every generated document is in the manifest as the client sends it (graphql-request prints it)', () => {
    const documents = Object.entries(generated).filter(([name]) => name.endsWith('Document'));
    expect(documents.length).toBe(Object.keys(manifest).length);
    for (const [, document] of documents) expect(manifest[sha256(print(document as never))]).toBe(print(document as never));
  });
});

/** Runs an example from dist/ (built by the test setup) with the gateway's URL and a key; resolves with its exit code and output. */
function runExample(app: TestApp, name: string, apiKey: string, args: string[] = [], onLine?: (line: string) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'examples', `${name}.js`), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, IG_URL: app.url, IG_API_KEY: apiKey, IG_POLL_MS: '200' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      for (const line of chunk.toString().split('\n')) if (line) onLine?.(line);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/, run against a started gateway with the demo data', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await app.workspace('acme');
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('load-people-scim creates the people of examples/people.json, and a second run leaves them', async () => {
    const key = await app.token('acme', [Authority.SCIM_PROVISIONER]);
    const first = await runExample(app, 'load-people-scim', key, ['examples/people.json']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('3 created, 0 already there, 0 failed');
    const again = await runExample(app, 'load-people-scim', key, ['examples/people.json']);
    expect(again.stdout).toContain('0 created, 3 already there, 0 failed');
  });

  it('request-access follows a request until it is provisioned while approve-my-tasks decides it, stage by stage', async () => {
    const entitlement = await app.orm.em.fork().findOneOrFail(Entitlement, { id: '6c0000000000000000000005' });
    const requester = await app.token('acme', [Authority.REQUESTER], { person: 'michael' });
    const admin = await app.client('acme');
    let requestId: string | undefined;
    const submitted = new Promise<void>((resolve) => {
      const following = runExample(app, 'request-access', requester, [entitlement.displayName], (line) => {
        const m = /^submitted \S+ \(([0-9a-f]{24})\)/.exec(line);
        if (m) {
          requestId = m[1];
          resolve();
        }
      });
      void following.then((result) => finished.push(result));
    });
    const finished: Array<{ code: number | null; stdout: string; stderr: string }> = [];
    await submitted;
    // Each open stage's approver runs approve-my-tasks until the request is done.
    const approvals: string[] = [];
    while (finished.length === 0) {
      const { request } = await admin.request<{ request: { status: string; tasks: Array<{ status: string; assignee: string; assigneeType: string }> } }>(
        gql`query ($id: ID!) { request(id: $id) { status tasks { status assignee assigneeType } } }`,
        { id: requestId },
      );
      const open = request.tasks.find((t) => t.status === 'ASSIGNED' && t.assigneeType === 'User');
      if (open) {
        const approved = await runExample(app, 'approve-my-tasks', await app.token('acme', [Authority.APPROVER], { person: open.assignee }));
        expect(approved).toMatchObject({ code: 0, stderr: '' });
        approvals.push(approved.stdout);
      } else {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(approvals.length).toBeGreaterThan(0);
    expect(approvals[0]).toMatch(/^approved .+ of \S+: request now /m);
    expect(finished[0]).toMatchObject({ code: 0, stderr: '' });
    expect(finished[0].stdout).toMatch(/status: Completed\n$/);
  });

  it('run-certification creates, runs and decides a certification of a role', async () => {
    const result = await runExample(app, 'run-certification', await app.token('acme', [Authority.ORG_ADMIN], { person: 'jerome' }), ['63aec1a88773337a0e61405a']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const m = /progress: (\d+)\/(\d+) decided \((\d+) certified, 0 revoked\), campaign COMPLETED/.exec(result.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(0);
    expect(m![1]).toBe(m![2]);
  });

  it('an example refuses to start without a key, in one line', async () => {
    const result = await runExample(app, 'approve-my-tasks', '');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('IG_API_KEY is not set: give the API key to use (npm run keys -- create …)\n');
  });
});

const post = (app: TestApp, token: string, body: unknown) =>
  app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
const meHash = sha256(print(MeDocument));

describe('trusted documents (TRUSTED_DOCUMENTS=on)', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp({ config: { trustedDocuments: { enabled: true, manifest: MANIFEST } } });
    token = await app.token('acme', [Authority.APPROVER], { person: 'jerome' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('an unregistered document is refused with PERSISTED_QUERY_NOT_IN_LIST; an unknown hash too', async () => {
    const text = await post(app, token, { query: '{ me { credential } }' });
    expect(text.status).toBe(400);
    expect((await text.json()).errors[0].extensions).toEqual({ code: 'PERSISTED_QUERY_NOT_IN_LIST' });
    const hash = await post(app, token, { extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    expect((await hash.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // A registered hash with some other text is not a way in.
    const mismatch = await post(app, token, { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: meHash } } });
    expect((await mismatch.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('a registered hash runs without the query text; the registered text runs too; the typed client sends hashes only', async () => {
    const byHash = await post(app, token, { operationName: 'Me', variables: {}, extensions: { persistedQuery: { version: 1, sha256Hash: meHash } } });
    expect(byHash.status).toBe(200);
    expect((await byHash.json()).data.me.person.login).toBe('jerome');
    const byText = await post(app, token, { query: print(MeDocument) });
    expect((await byText.json()).data.me.person.login).toBe('jerome');
    const client = identityGraph({ url: app.url, apiKey: token, persisted: true });
    expect((await client.request(MeDocument, {})).me.person?.login).toBe('jerome');
  });

  it('subscriptions obey the same list', async () => {
    const ws = createClient({ url: app.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const refused = await new Promise<unknown>((resolve) => {
      ws.subscribe({ query: 'subscription { taskInbox { taskId } }' }, { next: () => {}, error: resolve, complete: () => resolve(undefined) });
    });
    expect(refused).toMatchObject([{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }]);
    const stop = ws.subscribe({ query: print(TaskInboxDocument) }, { next: () => {}, error: () => {}, complete: () => {} });
    while (app.subscriptions.operations() < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    stop();
    await ws.dispose();
  });
});

describe('automatic persisted queries (APQ, TRUSTED_DOCUMENTS=off)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('an unknown hash asks for the text once; after that the hash alone runs (Apollo Server, in memory per process)', async () => {
    const token = await app.token('acme', [Authority.APPROVER], { person: 'jerome' });
    const text = '{ me { credential } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(text) } };
    expect((await (await post(app, token, { extensions })).json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await (await post(app, token, { query: text, extensions })).json()).data.me.credential).toMatch(/test key/);
    expect((await (await post(app, token, { extensions })).json()).data.me.credential).toMatch(/test key/);
  });
});
