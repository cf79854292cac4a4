import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestApp, type TestApp } from './harness.js';
import { bindParameters } from '../src/db/bound-parameters.js';
import { raw } from '@mikro-orm/core';

/**
 * Issue 10, item 6: values reach SQL as bound parameters. Every statement the database driver
 * receives during requests full of hostile strings is captured where knex hands it to the driver
 * (`client._query(connection, { sql, bindings })`): no user-supplied value may appear in the SQL
 * text, and each must appear among the bindings. Runs on SQLite, and on PostgreSQL when
 * TEST_DATABASE_URL is set.
 */

// Every hostile value carries this mark, so a statement holding one in its text is found.
const MARK = 'qzxmark';
const HOSTILE = [`${MARK}'; drop table role; --`, `${MARK}%_\\`, `${MARK}"\\'' or 1=1`, `${MARK}ü中文🙂`, `${MARK}?$1??`];

type Statement = { sql: string; bindings: unknown[] };

let app: TestApp;
let token: string;
const statements: Statement[] = [];
type Dialect = { _query(this: unknown, connection: unknown, obj: Statement): Promise<unknown> };
let dialect: Dialect | undefined;
let send: Dialect['_query'];

beforeAll(async () => {
  app = await startTestApp();
  token = await app.token('demo');
  // On the dialect's prototype, not the instance: a transaction runs on a client made from the
  // prototype.
  const client = (app.orm.em.getConnection() as unknown as { getKnex(): { client: object } }).getKnex().client;
  dialect = Object.getPrototypeOf(client) as Dialect;
  send = dialect._query;
  dialect._query = function (this: unknown, connection, obj) {
    statements.push({ sql: obj.sql, bindings: [...(obj.bindings ?? [])] });
    return send.call(this, connection, obj);
  };
});
afterAll(async () => {
  if (dialect) dialect._query = send;
  await app?.stop();
});

async function graphql(query: string, variables: Record<string, unknown>) {
  const res = await app.fetch('/graphql', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] } };
}

async function scim(method: string, path: string, body?: unknown) {
  const res = await app.fetch(`/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** Runs `work`, then checks what the driver received while it ran. */
async function sentDuring(work: () => Promise<void>): Promise<Statement[]> {
  statements.length = 0;
  await work();
  const sent = [...statements];
  const inText = sent.filter((s) => s.sql.toLowerCase().includes(MARK));
  expect(inText.map((s) => s.sql)).toEqual([]);
  return sent;
}

const bound = (sent: Statement[], value: string) => sent.some((s) => s.bindings.some((b) => typeof b === 'string' && b.includes(value)));

describe('values reach the database as bound parameters', () => {
  it('GraphQL reads: search keywords, list filters and lookups by login', async () => {
    for (const value of HOSTILE) {
      const sent = await sentDuring(async () => {
        const reply = await graphql(
          `query ($v: String) {
            searchCatalog(keyword: $v) { totalCount }
            roles(displayName: $v) { totalCount }
            users(displayName: $v) { totalCount }
            entitlements(displayName: $v) { totalCount }
            targetSystems(displayName: $v) { totalCount }
            user(login: $v) { id }
            auditEvents(action: $v) { totalCount }
          }`,
          { v: value },
        );
        expect(reply.body.errors).toBeUndefined();
        expect(reply.body.data).toMatchObject({ searchCatalog: { totalCount: 0 } });
      });
      expect(bound(sent, MARK)).toBe(true);
    }
  });

  it('GraphQL writes: a created approval group keeps its hostile name, written and read back as a binding', async () => {
    for (const [i, value] of HOSTILE.entries()) {
      const name = `${value} ${i}`;
      const sent = await sentDuring(async () => {
        const created = await graphql('mutation ($n: String!) { createApprovalGroup(input: { name: $n, memberLogins: ["jerome"] }) { name } }', { n: name });
        expect(created.body.errors).toBeUndefined();
        const read = await graphql('query ($n: String) { approvalGroups(name: $n) { nodes { name } } }', { n: name });
        expect(read.body.data?.approvalGroups).toEqual({ nodes: [{ name }] });
      });
      expect(bound(sent, name)).toBe(true);
    }
  });

  it('SCIM: users created, filtered, patched and deleted with hostile values; LIKE operators still match literally', async () => {
    for (const [i, value] of HOSTILE.entries()) {
      const userName = `${value}-${i}`;
      const sent = await sentDuring(async () => {
        const created = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, displayName: value, active: true });
        expect(created.status).toBe(201);
        const eq = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq ${JSON.stringify(userName)}`)}`);
        expect(eq.body.totalResults).toBe(1);
        const sw = await scim('GET', `/Users?filter=${encodeURIComponent(`userName sw ${JSON.stringify(value)}`)}`);
        expect(sw.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([userName]);
        const patched = await scim('PATCH', `/Users/${created.body.id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'displayName', value: `${value} again` }],
        });
        expect(patched.status).toBe(204);
        const group = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: userName, members: [{ value: created.body.id }] });
        expect(group.status).toBe(201);
        expect((await scim('DELETE', `/Groups/${group.body.id}`)).status).toBe(204);
        expect((await scim('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
      });
      expect(bound(sent, userName)).toBe(true);
    }
    // `%` and `_` are literal in a `co` filter: only the user whose name holds them matches.
    const plain = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${MARK}ab`, active: true });
    const odd = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${MARK}%_x`, active: true });
    expect([plain.status, odd.status]).toEqual([201, 201]);
    const co = await scim('GET', `/Users?filter=${encodeURIComponent(`userName co "k%_"`)}`);
    expect(co.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([`${MARK}%_x`]);
  });
});

describe('bindParameters (unit)', () => {
  const dialect = { quoteIdentifier: (id: string) => `"${id}"`, date: (d: Date) => d.getTime() };

  it('leaves values to the driver, identifiers and raw fragments in the text', () => {
    const at = new Date(0);
    expect(
      bindParameters(dialect, 'select ?? from t where a = ? and b in (?) and c = ? and d = ? and e = ?', ['x', "o'k", [1, 'two'], raw('lower(?)', ['V']), at, { k: 1 }]),
    ).toEqual({
      sql: 'select "x" from t where a = ? and b in (?, ?) and c = lower(?) and d = ? and e = ?',
      bindings: ["o'k", 1, 'two', 'V', 0, '{"k":1}'],
    });
  });

  it('keeps an escaped question mark and turns undefined into null', () => {
    expect(bindParameters(dialect, `select '\\?' , ?`, [undefined])).toEqual({ sql: `select '\\?' , ?`, bindings: [null] });
  });
});
