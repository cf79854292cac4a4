import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, POSTGRES_URL, type TestApp } from './harness.js';
import { ScimFixture } from './fixtures/scim-fixture.js';
import { createApp } from '../src/app.js';
import type { Logger } from '../src/logger.js';
import { silentLogger } from '../src/logger.js';
import { Authority } from '../src/auth/authorities.js';
import { User } from '../src/governance/user.entity.js';
import { TargetSystem } from '../src/governance/target-system.entity.js';
import { SCIM_SCHEMAS } from '../src/reconciliation/scim-client.js';
import { connectorTokenContext, resealConnectorTokens } from '../src/reconciliation/connector-secrets.js';
import { SecretBox, keyId, secretBox } from '../src/common/secrets.js';

const TOKEN = 'connector-secret-3b9e1d7a5c';
const FORM = [{ name: 'User Login', dataType: 'string', matchingAttribute: 'login', isReconKey: true, isAccountName: true }];

/** A listener on 127.0.0.1 that records every request and answers an empty SCIM ListResponse. */
class Listener {
  readonly requests: Array<{ method: string; url: string; authorization?: string }> = [];
  baseUrl = '';
  private server = http.createServer((req, res) => {
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ schemas: [SCIM_SCHEMAS.listResponse], totalResults: 0, Resources: [] }));
  });
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/scim/v2`;
    return this;
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const logLines: string[] = [];
const capture: Logger = {
  info: (message, meta) => void logLines.push(JSON.stringify({ message, ...meta })),
  warn: (message, meta) => void logLines.push(JSON.stringify({ message, ...meta })),
  error: (message, meta) => void logLines.push(JSON.stringify({ message, ...meta })),
};
/** Every answer the gateway sent in this file, as text. */
const answers: string[] = [];

let app: TestApp;
let catalog: GraphQLClient;
let fixture: ScimFixture;
let listener: Listener;
let wsId: string;
let seq = 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-secrets-'));

beforeAll(async () => {
  // A file (or a scratch PostgreSQL database), so a second gateway can start on the same data.
  app = await startTestApp({ log: capture, ...(POSTGRES_URL ? {} : { config: { databaseUrl: path.join(dir, 'db.sqlite') } }) });
  wsId = await app.workspace('secrets', null);
  catalog = await app.client('secrets', [Authority.CATALOG_ADMIN]);
  const em = app.orm.em.fork();
  em.create(User, { workspace: wsId, login: 'alice', firstName: 'Alice', lastName: 'Adams', displayName: 'Alice Adams', email: 'alice@corp.example' });
  await em.flush();
  fixture = await ScimFixture.start({ token: TOKEN });
  fixture.addUser({ userName: 'alice', active: true });
  listener = await new Listener().start();
});
afterAll(async () => {
  await listener?.stop();
  await fixture?.stop();
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A GraphQL request whose answer text is kept, so the test can look for the token in it. */
async function post<T>(
  client: GraphQLClient,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { ...(client.requestConfig.headers as Record<string, string>), 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  answers.push(text);
  return JSON.parse(text);
}

const CONFIGURE = gql`mutation ($id: ID!, $input: ConnectorInput!) { configureConnector(targetSystemId: $id, input: $input) { id connectorType connectorBaseUrl integrationLevel } }`;
const RECONCILE = gql`mutation ($id: ID!) { reconcileTargetSystem(id: $id, operation: RECONCILE, entityType: ACCOUNT) { id status error } }`;
type Reconciled = { reconcileTargetSystem: { id: string; status: string; error: string | null } };

const configure = (id: string, input: Record<string, unknown>) => post(catalog, CONFIGURE, { id, input });
/** Starts a run, lets its job run, and answers with the batch as it ended in place of the Initiated one. */
async function reconcile(id: string) {
  const started = await post<Reconciled>(catalog, RECONCILE, { id });
  if (!started.data) return started;
  await app.jobs.runDue();
  const read = await post<{ reconciliationBatch: Reconciled['reconcileTargetSystem'] }>(catalog, gql`query ($id: ID!) { reconciliationBatch(id: $id) { id status error } }`, {
    id: started.data.reconcileTargetSystem.id,
  });
  return { ...started, data: { reconcileTargetSystem: read.data!.reconciliationBatch } };
}

async function makeSystem(): Promise<string> {
  const em = app.orm.em.fork();
  const name = `Secret App ${++seq}`;
  const system = em.create(TargetSystem, { workspace: wsId, name, displayName: name, form: FORM, integrationLevel: 'Disconnected' });
  await em.flush();
  return system.id;
}

async function column(id: string): Promise<string | null> {
  const rows: Array<{ connector_token: string | null }> = await app.orm.em.getConnection().execute('select connector_token from target_system where id = ?', [id]);
  return rows[0].connector_token;
}

describe('a stored connector token goes only to the URL it was given for', () => {
  it('changing the base URL without a token is refused, and a reconciliation sends nothing to the new URL', async () => {
    const id = await makeSystem();
    expect((await configure(id, { type: 'SCIM', baseUrl: fixture.baseUrl, token: TOKEN })).errors).toBeUndefined();

    // The theft of issue 9: point the connector at a listener, keep the token, reconcile.
    const moved = await configure(id, { type: 'SCIM', baseUrl: listener.baseUrl });
    const run = await reconcile(id);
    expect(listener.requests).toEqual([]);
    expect(moved.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.token' });
    expect(moved.errors?.[0].message).toMatch(/give the token for the new target/);
    expect(run.data?.reconcileTargetSystem.status).toBe('COMPLETED');
    expect(fixture.requests.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);

    // Through DISCONNECTED and back: the token was forgotten on the way.
    expect((await configure(id, { type: 'DISCONNECTED' })).errors).toBeUndefined();
    expect(await column(id)).toBeNull();
    const back = await configure(id, { type: 'SCIM', baseUrl: listener.baseUrl });
    expect(back.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.token' });
    expect((await reconcile(id)).errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(listener.requests).toEqual([]);

    // With a token of its own, the new URL gets that token and never the old one.
    expect((await configure(id, { type: 'SCIM', baseUrl: listener.baseUrl, token: 'the-listeners-own-token' })).errors).toBeUndefined();
    expect((await reconcile(id)).data?.reconcileTargetSystem.status).toBe('COMPLETED');
    expect(listener.requests.length).toBeGreaterThan(0);
    expect(new Set(listener.requests.map((r) => r.authorization))).toEqual(new Set(['Bearer the-listeners-own-token']));
  });

  it('the same base URL (written with a trailing slash) keeps the stored token', async () => {
    const id = await makeSystem();
    await configure(id, { type: 'SCIM', baseUrl: fixture.baseUrl, token: TOKEN });
    const sealed = await column(id);
    expect((await configure(id, { type: 'SCIM', baseUrl: `${fixture.baseUrl}/` })).errors).toBeUndefined();
    expect(await column(id)).toBe(sealed);
    expect((await reconcile(id)).data?.reconcileTargetSystem.status).toBe('COMPLETED');
  });
});

describe('connector tokens at rest', () => {
  it('the column holds AES-GCM ciphertext bound to its row; the plain token is in no row of any table', async () => {
    const id = await makeSystem();
    await configure(id, { type: 'SCIM', baseUrl: fixture.baseUrl, token: TOKEN });
    const sealed = (await column(id))!;
    expect(sealed).toMatch(new RegExp(`^igs1\\.${keyId(app.config.secrets.current)}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}$`));
    expect(secretBox(app.config.secrets).open(sealed, connectorTokenContext(id))).toBe(TOKEN);

    const conn = app.orm.em.getConnection();
    const tables: Array<{ name: string }> =
      app.config.database === 'sqlite'
        ? await conn.execute(`select name from sqlite_master where type = 'table'`)
        : await conn.execute(`select table_name as name from information_schema.tables where table_schema = 'public'`);
    expect(tables.map((t) => t.name)).toContain('target_system');
    for (const { name } of tables) {
      const rows = await conn.execute(`select * from "${name}"`);
      expect(JSON.stringify(rows), name).not.toContain(TOKEN);
    }

    // Copied into another application's row, the sealed value does not open: nothing is sent.
    const other = await makeSystem();
    await configure(other, { type: 'SCIM', baseUrl: listener.baseUrl, token: 'x' });
    await conn.execute('update target_system set connector_token = ? where id = ?', [sealed, other]);
    const before = listener.requests.length;
    const copied = await reconcile(other);
    expect(copied.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(copied.errors?.[0].message).toMatch(/cannot be used: .*altered or belongs to another row/);
    expect(listener.requests.length).toBe(before);
    await configure(other, { type: 'DISCONNECTED' });
  });

  it('the token is in no answer, no audit entry, no batch and no log line, also when the target refuses it', async () => {
    const refusing = await ScimFixture.start({ token: 'another-token' });
    try {
      const id = await makeSystem();
      await configure(id, { type: 'SCIM', baseUrl: refusing.baseUrl, token: TOKEN });
      const run = await reconcile(id);
      expect(run.data?.reconcileTargetSystem).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/HTTP 401/) });
      expect(refusing.requests[0].authorization).toBe(`Bearer ${TOKEN}`);
      const read = await post(
        catalog,
        gql`query ($id: ID!) { auditEvents(entityId: $id) { nodes { action before after } } node(id: $id) { ... on TargetSystem { connectorType connectorBaseUrl integrationLevel } } }`,
        { id },
      );
      expect(JSON.stringify(read)).toMatch(/targetSystem\.connector\.configure/);
    } finally {
      await refusing.stop();
    }
    expect(answers.length).toBeGreaterThan(5);
    for (const answer of answers) expect(answer).not.toContain(TOKEN);
    for (const line of logLines) expect(line).not.toContain(TOKEN);
  });

  it('a gateway starting on a database with plain tokens (an earlier version) seals them before serving', async () => {
    const id = await makeSystem();
    await configure(id, { type: 'SCIM', baseUrl: fixture.baseUrl, token: TOKEN });
    await app.orm.em.getConnection().execute('update target_system set connector_token = ? where id = ?', [TOKEN, id]);

    const second = await createApp(app.config, { port: 0, log: silentLogger });
    try {
      const sealed = (await column(id))!;
      expect(sealed.startsWith('igs1.')).toBe(true);
      expect(secretBox(app.config.secrets).open(sealed, connectorTokenContext(id))).toBe(TOKEN);
    } finally {
      await second.stop();
    }
    expect((await reconcile(id)).data?.reconcileTargetSystem.status).toBe('COMPLETED');
  });

  it('key rotation: reseal with a new current key; the old key alone no longer opens; a key the gateway lacks is a clear CONFLICT', async () => {
    const id = await makeSystem();
    await configure(id, { type: 'SCIM', baseUrl: fixture.baseUrl, token: TOKEN });
    const oldKeys = app.config.secrets;
    const newKeys = { current: randomBytes(32), previous: [oldKeys.current] };

    const result = await resealConnectorTokens(app.orm.em.fork(), new SecretBox(newKeys), { plainOnly: false });
    expect(result.sealed).toBeGreaterThanOrEqual(1);
    expect(result.unreadable).toBe(0);
    const sealed = (await column(id))!;
    expect(sealed.split('.')[1]).toBe(keyId(newKeys.current));

    // This gateway still holds only the old key: reconciling is refused, nothing is sent.
    const before = fixture.requests.length;
    const refused = await reconcile(id);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(refused.errors?.[0].message).toContain(`sealed with key ${keyId(newKeys.current)}, which this gateway does not hold`);
    expect(fixture.requests.length).toBe(before);

    // Given the new keys, it works again; a reseal without the key that sealed reports it.
    app.config.secrets = newKeys;
    try {
      expect((await reconcile(id)).data?.reconcileTargetSystem.status).toBe('COMPLETED');
      expect(fixture.requests.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
      const stranger = await resealConnectorTokens(app.orm.em.fork(), new SecretBox({ current: randomBytes(32), previous: [] }), { plainOnly: false });
      expect(stranger).toEqual({ sealed: 0, unreadable: expect.any(Number) });
      expect(stranger.unreadable).toBeGreaterThanOrEqual(1);
      expect(await column(id)).toBe(sealed);
    } finally {
      await resealConnectorTokens(app.orm.em.fork(), new SecretBox({ current: oldKeys.current, previous: [newKeys.current] }), { plainOnly: false });
      app.config.secrets = oldKeys;
    }
  });
});
