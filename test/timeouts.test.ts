import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { EntityManager } from '@mikro-orm/core';
import { startTestApp, type TestApp } from './harness.js';
import { Authority } from '../src/auth/authorities.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { createApiKey } from '../src/auth/api-key.service.js';

const TIMEOUT_MS = 1_000;
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

let app: TestApp;
let key: string;
let roleId: string;

beforeAll(async () => {
  app = await startTestApp({ config: { requestTimeoutMs: TIMEOUT_MS } });
  const ws = await app.workspace('demo');
  const em = app.orm.em.fork();
  key = (await createApiKey(em, em.getReference(Workspace, ws), 'timeouts', [Authority.ORG_ADMIN])).token;
  const roles = await post('{ roles(first: 1, displayName: "All Employees") { nodes { id status } } }');
  expect(roles.status).toBe(200); // also caches the key, so authentication needs no SQL below
  roleId = (roles.body.data as { roles: { nodes: Array<{ id: string }> } }).roles.nodes[0].id;
});
afterAll(async () => {
  await app?.stop();
});

async function post(query: string) {
  const res = await app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> } };
}

/**
 * Holds the database so that the next request's SQL waits: on SQLite the app's only
 * connection (a transaction holds it), on PostgreSQL an exclusive lock on the role and SCIM user tables.
 * Returns the function that lets go.
 */
async function holdDatabase(): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const done = app.orm.em.fork().transactional(async (em: EntityManager) => {
    if (app.config.database === 'postgresql') await em.getConnection().execute('lock table "role", "scim_user" in access exclusive mode', [], 'run', em.getTransactionContext());
    held();
    await released;
  });
  await holding;
  return async () => {
    release();
    await done;
  };
}

describe('request timeouts (REQUEST_TIMEOUT_MS)', () => {
  it('a query still running after the limit is answered 504 REQUEST_TIMEOUT; the server keeps answering meanwhile', async () => {
    const release = await holdDatabase();
    try {
      const started = Date.now();
      const pending = post('{ roles(first: 5) { nodes { id displayName } } }');
      // While that request waits for the database, the server answers others.
      const health = await app.fetch('/health');
      expect(health.status).toBe(200);
      const reply = await pending;
      const took = Date.now() - started;
      expect(reply.status).toBe(504);
      expect(reply.body).toEqual({ errors: [{ message: `The request did not finish within ${TIMEOUT_MS} ms`, extensions: { code: 'REQUEST_TIMEOUT', limit: TIMEOUT_MS } }] });
      expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(took).toBeLessThan(TIMEOUT_MS + 3_000);
    } finally {
      await release();
    }
    expect((await post('{ roles(first: 5) { nodes { id } } }')).status).toBe(200);
  });

  it('a mutation answered 504 before it committed is rolled back when it gets to run', async () => {
    const release = await holdDatabase();
    let reply;
    try {
      reply = await post(`mutation { operateRole(roleId: "${roleId}", operation: DISABLE) { id status } }`);
    } finally {
      await release();
    }
    expect(reply.status).toBe(504);
    expect(reply.body.errors?.[0].extensions.code).toBe('REQUEST_TIMEOUT');
    // On SQLite the waiting mutation gets the connection first and rolls back; this read follows it.
    // (On PostgreSQL its statement was cancelled by statement_timeout already.)
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await post(`{ node(id: "${roleId}") { ... on Role { status } } audit: auditEvents(entityId: "${roleId}", action: "role.disable") { totalCount } }`);
    expect(after.body).toEqual({ data: { node: { status: 'ACTIVE' }, audit: { totalCount: 0 } }, extensions: expect.anything() });
  });

  it('SCIM answers 504 with a SCIM Error body', async () => {
    const release = await holdDatabase();
    try {
      const res = await app.fetch('/scim/v2/Users', { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(504);
      expect(await res.json()).toEqual({ schemas: [ERROR], status: '504', detail: `The request did not finish within ${TIMEOUT_MS} ms` });
    } finally {
      await release();
    }
  });

  it.runIf(!!process.env.TEST_DATABASE_URL)('on PostgreSQL the statement behind a 504 is cancelled by the server (statement_timeout), not left waiting', async () => {
    const release = await holdDatabase();
    try {
      expect((await post('{ roles(first: 5) { nodes { id } } }')).status).toBe(504);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const waiting = await app.orm.em
        .fork()
        .getConnection()
        .execute<Array<{ n: string }>>(`select count(*) as n from pg_stat_activity where datname = current_database() and state = 'active' and wait_event_type = 'Lock'`);
      expect(Number(waiting[0].n)).toBe(0);
    } finally {
      await release();
    }
  });
});
