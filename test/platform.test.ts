import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, GraphQLClient, type GraphQLClient as Client } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { Authority } from '../src/auth/authorities.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { Role } from '../src/governance/role.entity.js';
import { generateDataSet } from '../src/db/generate.js';

let app: TestApp;
let a: Client;
beforeAll(async () => {
  app = await startTestApp();
  a = await app.client('alpha');
});
afterAll(async () => {
  await app?.stop();
});

const AARON = '63aec79393ccdf675cc4ccf4';

/** The Authorization header of a client (the harness gives each client a plain headers object). */
function authorizationOf(client: Client): string {
  const headers = client.requestConfig.headers;
  if (!headers || typeof headers === 'function' || Array.isArray(headers) || headers instanceof Headers) throw new Error('expected plain client headers');
  return headers.authorization;
}

describe('authentication', () => {
  it('refuses a missing, malformed, unknown or revoked key with UNAUTHENTICATED and HTTP 401', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer nope', `Bearer igk_${'0'.repeat(24)}_${'x'.repeat(32)}`]) {
      const res = await app.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: '{ users { totalCount } }' }),
      });
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(body.data).toBeUndefined();
    }
  });

  it('a revoked key stops working', async () => {
    const { ApiKey } = await import('../src/auth/api-key.entity.js');
    const client = await app.client('alpha', [Authority.READ_ONLY]);
    await client.request(gql`{ users { totalCount } }`);
    const em = app.orm.em.fork();
    const key = await em.findOneOrFail(ApiKey, { name: 'test key READ_ONLY' }, { orderBy: { createdAt: 'desc' } });
    key.revokedAt = new Date();
    await em.flush();
    app.authenticator.forget();
    const errors = await errorsOf(client.request(gql`{ users { totalCount } }`));
    expect(errors[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a key without the authority gets FORBIDDEN naming the action, and nothing changes', async () => {
    const reader = await app.client('alpha', [Authority.READ_ONLY]);
    const ok = await reader.request<{ roles: { totalCount: number } }>(gql`{ roles(first: 1) { totalCount } }`);
    expect(ok.roles.totalCount).toBeGreaterThan(0);
    const errors = await errorsOf(reader.request(gql`mutation { operateRole(roleId: "63af039793ccdf675cc7aa10", operation: DISABLE) { id } }`));
    expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', action: 'catalog:operate' });
    const role = await app.orm.em.fork().findOneOrFail(Role, '63af039793ccdf675cc7aa10');
    expect(role.disabled).toBe(false);
  });
});

describe('workspaces', () => {
  let b: Client;
  beforeAll(async () => {
    // Workspace beta holds a different data set: none of alpha's ids exist there.
    await app.workspace(
      'beta',
      generateDataSet({ users: 5, roles: 3, systems: 2, entitlementsPerSystem: 2, rolesPerUser: 1, entitlementsPerRole: 2, accountsPerUser: 1, seed: 7 }),
    );
    b = await app.client('beta');
  });

  it('a key of workspace B sees none of A’s objects by list, by id, by login or by node(id)', async () => {
    const data = await b.request<{
      users: { totalCount: number; nodes: Array<{ id: string; login: string }> };
      search: { totalCount: number };
      byId: { id: string };
      byLogin: { id: string };
      node: { id: string };
      role: { id: string };
      accounts: { totalCount: number };
      roles: { totalCount: number };
    }>(
      gql`
      query ($id: ID!) {
        users(first: 100) { totalCount nodes { id login } }
        search: searchCatalog(keyword: "Aaron") { totalCount }
        byId: user(id: $id) { id }
        byLogin: user(login: "aaron") { id }
        node(id: $id) { id }
        role: node(id: "63af039793ccdf675cc7aa10") { id }
        accounts: userAccounts(userId: $id) { totalCount }
        roles(displayName: "All Employees") { totalCount }
      }
    `,
      { id: AARON },
    );
    expect(data.users.totalCount).toBe(5);
    expect(data.users.nodes.map((u) => u.id)).not.toContain(AARON);
    expect(data).toMatchObject({ search: { totalCount: 0 }, byId: null, byLogin: null, node: null, role: null, accounts: { totalCount: 0 }, roles: { totalCount: 0 } });
  });

  it('a key of workspace B cannot operate A’s roles or applications (NOT_FOUND, nothing written)', async () => {
    const before = await app.orm.em.fork().count(AuditEvent, {});
    const e1 = await errorsOf(b.request(gql`mutation { operateRole(roleId: "63af039793ccdf675cc7aa10", operation: RETIRE) { id } }`));
    expect(e1[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'roleId' });
    const e2 = await errorsOf(b.request(gql`mutation { operateTargetSystem(targetSystemId: "63aee3b793ccdf675cc62d3d", operation: DISABLE) { id } }`));
    expect(e2[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'targetSystemId' });
    const role = await app.orm.em.fork().findOneOrFail(Role, '63af039793ccdf675cc7aa10');
    expect(role.retired).toBe(false);
    expect(await app.orm.em.fork().count(AuditEvent, {})).toBe(before);
  });
});

describe('bad input', () => {
  it('first above the maximum is BAD_USER_INPUT on field first, not silently cut', async () => {
    for (const query of ['{ users(first: 101) { totalCount } }', '{ roles(first: 500) { totalCount } }', '{ user(login: "aaron") { directReports(first: 101) { totalCount } } }']) {
      const errors = await errorsOf(a.request(query));
      expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      expect(errors[0].message).toMatch(/at most 100/);
    }
  });

  it('negative first and garbage cursors are BAD_USER_INPUT', async () => {
    expect((await errorsOf(a.request('{ users(first: -1) { totalCount } }')))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await errorsOf(a.request('{ users(after: "garbage!") { totalCount } }')))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('an invalid enum value is rejected before anything runs, naming the argument', async () => {
    const errors = await errorsOf(
      a.request(gql`mutation ($op: LifecycleOperation!) { operateRole(roleId: "63af039793ccdf675cc7aa10", operation: $op) { id } }`, { op: 'DESTROY' }),
    );
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'op' });
    const inline = await errorsOf(a.request('mutation { operateRole(roleId: "63af039793ccdf675cc7aa10", operation: DESTROY) { id } }'));
    expect(inline[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('unknown ids are NOT_FOUND naming the argument', async () => {
    const errors = await errorsOf(a.request('mutation { operateRole(roleId: "ffffffffffffffffffffffff", operation: DISABLE) { id } }'));
    expect(errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'roleId' });
  });

  it('user() with both or neither of id and login is BAD_USER_INPUT', async () => {
    expect((await errorsOf(a.request('{ user { id } }')))[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await errorsOf(a.request(`{ user(id: "${AARON}", login: "aaron") { id } }`)))[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('unexpected failures are masked: no stack, no SQL, a request id the log also has', async () => {
    // Break the database under the server: the next read fails inside MikroORM.
    const em = app.orm.em.fork();
    await em.getConnection().execute('alter table role rename to role_gone');
    try {
      const res = await app.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: authorizationOf(a) },
        body: JSON.stringify({ query: '{ roles { totalCount } }' }),
      });
      const body = await res.json();
      const error = body.errors[0];
      expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.extensions.requestId).toBe(res.headers.get('x-request-id'));
      expect(JSON.stringify(body)).not.toMatch(/role_gone|select|stack|at \w+ \(/i);
    } finally {
      await em.getConnection().execute('alter table role_gone rename to role');
    }
  });
});

describe('batched reads', () => {
  const Q = gql`
    query ($n: Int!) {
      users(first: $n) { nodes { login roles { displayName entitlements { displayName targetSystem { name } } } accounts { status targetSystem { name } } } }
    }
  `;
  type QData = {
    users: {
      nodes: Array<{
        login: string;
        roles: Array<{ displayName: string; entitlements: Array<{ displayName: string; targetSystem: { name: string } }> }>;
        accounts: Array<{ status: string; targetSystem: { name: string } }>;
      }>;
    };
  };
  const shape = (users: number, seed: number) => ({ users, roles: 20, systems: 6, entitlementsPerSystem: 6, rolesPerUser: 3, entitlementsPerRole: 4, accountsPerUser: 3, seed });

  async function statementsFor(client: Client, n: number) {
    await client.request(Q, { n: 1 }); // warm the key cache
    app.statements.reset();
    const data = await client.request<QData>(Q, { n });
    return { statements: app.statements.value(), users: data.users.nodes };
  }

  it.each([
    ['the SQL planner', true],
    ['DataLoaders alone', false],
  ])('with %s, the nested access query costs the same SQL statements for 10 and for 100 users, at most depth + 2', async (_, planner) => {
    await app.workspace('small', generateDataSet(shape(10, 11)));
    await app.workspace('large', generateDataSet(shape(100, 12)));
    app.config.sqlPlanner = planner;
    const small = await statementsFor(await app.client('small', [Authority.READ_ONLY]), 10);
    const large = await statementsFor(await app.client('large', [Authority.READ_ONLY]), 100);
    app.config.sqlPlanner = true;
    expect(small.users).toHaveLength(10);
    expect(large.users).toHaveLength(100);
    // The large answer really is larger: rows grew tenfold, statements did not.
    const count = (users: QData['users']['nodes']) => users.reduce((n, u) => n + u.roles.reduce((m, r) => m + r.entitlements.length, 0) + u.accounts.length, 0);
    expect(count(large.users)).toBeGreaterThan(5 * count(small.users));
    expect(large.statements).toBe(small.statements);
    const depth = 4; // users → roles → entitlements → targetSystem
    expect(large.statements).toBeLessThanOrEqual(depth + 2);
    // The page and one planned statement; or the page, roles, accounts, entitlements, and the
    // applications of both branches in one batch.
    expect(large.statements).toBe(planner ? 2 : 5);
  });

  it('the planner answers exactly what the DataLoaders answer, on every edge it covers', async () => {
    const client = await app.client('alpha', [Authority.READ_ONLY]);
    const everything = gql`
      fragment U on User { id login displayName status createdOn managerLogin manager { login displayName } }
      {
        users(first: 100) {
          nodes {
            ...U
            roles { id displayName rule disabled retired status createdOn owner { login } entitlements { id displayName status targetSystem { id name form schedule trustedReconciliation createdOn } } targetSystems { id displayName } }
            accounts { id login status provisionMechanism provisionedDate form user { login } targetSystem { name businessOwner { login } itOwner { login } entitlements { displayName } }
              entitlements { status provisionMechanism provisionedDate entitlement { displayName } associatedRoles { displayName } } }
            entitlements { id displayName targetSystem { name } }
          }
        }
        roles(first: 100) { edges { cursor node { id displayName members(first: 3) { totalCount nodes { login } } entitlements { displayName } } } }
        targetSystems(first: 100) { nodes { id displayName status entitlements { displayName } accounts(first: 2) { totalCount } } }
        userAccounts(first: 100) { nodes { login targetSystem { name } user { login roles { displayName } } } }
        aaron: user(login: "aaron") { ...U roles { displayName } a: accounts { id } b: accounts { login } }
      }
    `;
    // Every edge of 100 people at once costs far more than the default budget allows.
    const budget = app.config.queryLimits.cost;
    app.config.queryLimits.cost = 1e9;
    app.config.sqlPlanner = false;
    const viaLoaders = await client.request(everything);
    app.config.sqlPlanner = true;
    app.statements.reset();
    // Each run costs more than one key may spend in a minute (README: Rate limits): a second key.
    const viaPlanner = await (await app.client('alpha', [Authority.READ_ONLY])).request(everything);
    app.config.queryLimits.cost = budget;
    expect(viaPlanner).toEqual(viaLoaders);
    expect(JSON.stringify(viaPlanner).length).toBeGreaterThan(50_000);
  });

  it('totalCount costs a COUNT only when selected', async () => {
    const client = await app.client('alpha', [Authority.READ_ONLY]);
    await client.request('{ users(first: 1) { nodes { id } } }');
    app.statements.reset();
    await client.request('{ users(first: 5) { nodes { id } } }');
    const without = app.statements.value();
    app.statements.reset();
    await client.request('{ users(first: 5) { totalCount nodes { id } } }');
    expect(app.statements.value()).toBe(without + 1);
  });
});

describe('Apollo Sandbox', () => {
  it('is served to browsers on /graphql', async () => {
    const res = await app.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/sandbox/i);
  });
});

describe('GraphQL over HTTP', () => {
  it('answers GET queries and rejects mutations over GET', async () => {
    const auth = authorizationOf(a);
    const get = await app.fetch(`/graphql?query=${encodeURIComponent('{ users(first: 1) { totalCount } }')}`, {
      headers: { authorization: auth, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    expect((await get.json()).data.users.totalCount).toBeGreaterThan(0);
    const mutation = await app.fetch(`/graphql?query=${encodeURIComponent('mutation { operateRole(roleId: "x", operation: ENABLE) { id } }')}`, {
      headers: { authorization: auth, 'apollo-require-preflight': 'true' },
    });
    expect(mutation.status).toBe(405);
  });

  it('rejects a non-JSON body with 400', async () => {
    const res = await app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: authorizationOf(a) }, body: '{nope' });
    expect(res.status).toBe(400);
  });
});
void GraphQLClient;
