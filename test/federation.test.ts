import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gql, GraphQLClient } from 'graphql-request';
import { Kind, print } from 'graphql';
import { gatewaySchema, schemaText } from '../src/schema.js';
import { buildSubgraphs, SUBGRAPH_NAMES, type Subgraph } from '../src/federation/subgraphs.js';
import { composeSupergraph, identityServices, subgraphPath } from '../src/federation/supergraph.js';
import { Authority } from '../src/auth/authorities.js';
import { POSTGRES_URL, startTestApp, type TestApp } from './harness.js';
import { buildAccounts, buildEnrollmentAutomations, buildEntitlements, buildIdentityProfile, buildRole, buildTargetSystem, buildUsers } from './factories.js';
import { startHrSubgraph, startCustomerGateway, type Served } from './fixtures/hr-subgraph.js';

const ZACHARY = '63aec79893ccdf675cc4d124';

let subgraphs: Subgraph[];
beforeAll(async () => {
  subgraphs = buildSubgraphs(await gatewaySchema());
});

describe('the identity domains as Federation 2 subgraphs', () => {
  it('compose with @apollo/composition into the committed supergraph (run `npm run supergraph` after changing the API)', () => {
    for (const subgraph of subgraphs) {
      expect(subgraph.sdl, subgraph.name).toBe(fs.readFileSync(new URL(`../schema/subgraphs/${subgraph.name}.graphql`, import.meta.url), 'utf8'));
    }
    const committed = fs.readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
    expect(`${composeSupergraph(identityServices(subgraphs)).sdl.trimEnd()}\n`).toBe(committed);
    expect(subgraphs.map((s) => s.name)).toEqual(['governance', 'profiles', 'enrollment', 'scim', 'reconciliation', 'requests', 'certifications']);
  });

  it('the supergraph’s API schema is the default mode’s schema: schema/schema.graphql describes both modes', async () => {
    const committed = fs.readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    const { apiSchemaText } = composeSupergraph(identityServices(subgraphs));
    expect(apiSchemaText).toBe(schemaText(await gatewaySchema()));
    expect(apiSchemaText).toBe(committed);
  });

  it('every Node type is an entity keyed by id, served in full by its domain; cross-domain edges live with the data', () => {
    /** A type of a subgraph: its fields and its directives as written. */
    const typeOf = (subgraph: string, name: string) => {
      const definition = subgraphs.find((s) => s.name === subgraph)!.typeDefs.definitions.find((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === name);
      if (definition?.kind !== Kind.OBJECT_TYPE_DEFINITION) return undefined;
      return { fields: (definition.fields ?? []).map((f) => f.name.value).sort(), directives: (definition.directives ?? []).map((d) => print(d)) };
    };
    const key = ['@key(fields: "id")'];
    expect(typeOf('governance', 'User')?.directives).toEqual(key);
    expect(typeOf('governance', 'User')?.fields).toEqual(expect.arrayContaining(['id', 'login', 'roles', 'accounts', 'manager']));
    // governance does not know the other domains' fields of User: they are theirs.
    expect(typeOf('governance', 'User')?.fields).not.toEqual(expect.arrayContaining(['scimUser']));
    expect(typeOf('governance', 'User')?.fields).not.toEqual(expect.arrayContaining(['identityProfile']));
    expect(typeOf('scim', 'User')).toEqual({ fields: ['id', 'scimUser'], directives: key });
    expect(typeOf('profiles', 'User')).toEqual({ fields: ['id', 'identityProfile'], directives: key });
    expect(typeOf('enrollment', 'User')).toEqual({ fields: ['enrollmentAutomations', 'id'], directives: key });
    expect(typeOf('profiles', 'TargetSystem')).toEqual({ fields: ['id', 'identityProfiles'], directives: key });
    // A stub that adds nothing is not resolvable there: the owner answers for it.
    expect(typeOf('enrollment', 'TargetSystem')).toEqual({ fields: ['id'], directives: ['@key(fields: "id", resolvable: false)'] });
    expect(typeOf('scim', 'ScimUser')?.directives).toEqual(key);
    expect(typeOf('scim', 'PageInfo')?.directives).toEqual(['@shareable']);
  });
});

/** A person's access graph across every domain, many hops deep. */
const CROSS_DOMAIN = gql`
  query ($login: String!) {
    user(login: $login) {
      id login displayName manager { login }
      roles {
        displayName
        entitlements {
          displayName
          targetSystem { displayName identityProfiles { name } }
          members(first: 3) { totalCount nodes { login scimUser { userName } } }
        }
      }
      accounts {
        login status
        targetSystem { displayName isCredentialManager }
        entitlements { status entitlement { displayName } associatedRoles { displayName } }
        user {
          scimUser {
            userName active roles { displayName }
            user {
              identityProfile {
                name priority identityCount
                owner { name user { login } }
                authoritativeSource { name targetSystem { displayName } }
                identities(first: 5) { totalCount nodes { login enrollmentAutomations { isRunning } } }
              }
            }
          }
        }
      }
      scimUser { userName user { login } }
      identityProfile { name }
      enrollmentAutomations {
        isRunning
        credentialManager { displayName accounts(first: 2) { totalCount nodes { login user { login } } } }
        credentialManagerAcsUser { login user { identityProfile { name } } }
        userIdentity { login scimUser { userName } }
      }
    }
  }
`;

describe('default and federated mode', () => {
  let single: TestApp;
  let federated: TestApp;
  let dir: string | undefined;
  let hr: Served | undefined;
  let customer: Served | undefined;
  let people: string[];
  let personIds: string[];
  let otherWorkspaceIds: Record<string, string>;

  beforeAll(async () => {
    // Both modes serve the same database, so their answers can be compared to the byte.
    dir = POSTGRES_URL ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'ig-federation-'));
    const shared = dir ? { databaseUrl: path.join(dir, 'graph.sqlite') } : {};
    single = await startTestApp({ config: shared });
    const databaseUrl = single.config.databaseUrl;
    federated = await startTestApp({ config: { databaseUrl, graphMode: 'federated' } });

    const ws = await single.workspace('acme');
    const em = single.orm.em.fork();
    const vault = await buildTargetSystem(em, ws, { displayName: 'Vault', isCredentialManager: true });
    const entitlements = await buildEntitlements(em, ws, vault, 2);
    await buildIdentityProfile(em, ws, vault, { name: 'Vault people', priority: 1, owner: ZACHARY });
    const users = await buildUsers(em, ws, 100, { department: 'Federated' });
    const accounts = await buildAccounts(em, ws, users, vault, undefined, entitlements);
    await buildRole(em, ws, { entitlements, members: users, overrides: { displayName: 'Vault users' } });
    await buildEnrollmentAutomations(em, ws, users, vault, (i) => ({ credentialManagerAcsUser: accounts[i] }));
    people = users.map((u) => u.login);
    personIds = users.map((u) => u.id);
    const admin = await single.client('acme');
    for (const login of people.slice(0, 5)) {
      await admin.request(gql`mutation ($input: CreateScimUserInput!) { createScimUser(input: $input) { id } }`, {
        input: { userName: login, active: true, roles: ['Vault users'] },
      });
    }
    // Another workspace, with objects of its own.
    const globex = await single.workspace('globex', null);
    const theirs = await buildUsers(em, globex, 1);
    const theirRole = await buildRole(em, globex, { members: theirs });
    otherWorkspaceIds = { User: theirs[0].id, Role: theirRole.id };
  });
  afterAll(async () => {
    await customer?.stop();
    await hr?.stop();
    await federated?.stop();
    await single?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const withoutLocations = (error: object) => Object.fromEntries(Object.entries(error).filter(([k]) => k !== 'locations'));

  const request = async (app: TestApp, token: string, query: string, variables: Record<string, unknown> = {}, at = '/graphql') => {
    const response = await app.fetch(at, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }> },
    };
  };

  it('answer a cross-domain query identically (person → roles → entitlements → accounts → scimUser → identityProfile → enrollmentAutomations)', async () => {
    const token = await single.token('acme');
    for (const login of [people[0], people[7], 'zachary', 'jerome']) {
      const a = await request(single, token, CROSS_DOMAIN, { login });
      const b = await request(federated, token, CROSS_DOMAIN, { login });
      expect(a.body.errors).toBeUndefined();
      expect(b).toEqual(a);
    }
    const sample = (await request(federated, token, CROSS_DOMAIN, { login: people[0] })).body.data!.user as Record<string, unknown>;
    expect(sample).toMatchObject({
      scimUser: { userName: people[0], user: { login: people[0] } },
      identityProfile: { name: 'Vault people' },
      enrollmentAutomations: [{ isRunning: true, credentialManager: { displayName: 'Vault' } }],
    });
  });

  it('run mutations through the runtime in the owning subgraph, with the same answers and input errors', async () => {
    const token = await single.token('acme');
    const create = 'mutation ($input: CreateScimUserInput!) { createScimUser(input: $input) { userName active user { login roles { displayName } } } }';
    const created = await request(federated, token, create, { input: { userName: people[10], active: true, roles: ['staff'] } });
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data).toEqual({ createScimUser: { userName: people[10], active: true, user: { login: people[10], roles: [{ displayName: 'Vault users' }] } } });
    const read = `{ user(login: "${people[10]}") { scimUser { userName } } }`;
    expect((await request(single, token, read)).body.data).toEqual({ user: { scimUser: { userName: people[10] } } });
    // A domain error raised in a subgraph reaches the client as in the default mode.
    const duplicate = { input: { userName: people[10], active: true, roles: ['staff'] } };
    const a = await request(single, token, create, duplicate);
    const b = await request(federated, token, create, duplicate);
    expect(a.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(b.body.data).toEqual(a.body.data);
    expect(b.body.errors).toEqual(a.body.errors?.map(withoutLocations));
  });

  it('answer the demo access graph, node(id), catalog search and the caller alike', async () => {
    const token = await single.token('acme');
    const queries = [
      '{ users(first: 30) { totalCount pageInfo { hasNextPage endCursor } nodes { login roles { displayName } scimUser { userName } identityProfile { name } enrollmentAutomations { isRunning } } } }',
      `{ node(id: "${ZACHARY}") { __typename id ... on User { login identityProfile { name } } } }`,
      '{ searchCatalog(keyword: "Vault", first: 5) { totalCount nodes { __typename ... on TargetSystem { displayName identityProfiles { name } } ... on Role { displayName } } } }',
      '{ identityProfiles(first: 5) { nodes { name authoritativeSource { targetSystem { displayName } } identities(first: 2) { nodes { login scimUser { userName } } } } } }',
      '{ me { authorities person { login } } }',
    ];
    for (const query of queries) {
      const a = await request(single, token, query);
      expect(a.body.errors, query).toBeUndefined();
      expect(await request(federated, token, query), query).toEqual(a);
    }
  });

  it('hold edge authorization for the whole operation: a key without scim:read gets null and FORBIDDEN at the same path', async () => {
    const token = await single.token('acme', [Authority.REQUESTER]);
    const query = `{ user(login: "${people[1]}") { login scimUser { userName } identityProfile { name } roles { displayName } } }`;
    const a = await request(single, token, query);
    const b = await request(federated, token, query);
    expect(a.body.errors?.map((e) => [e.path, e.extensions?.code])).toContainEqual([['user', 'scimUser'], 'FORBIDDEN']);
    // The same data, and the same errors at the same paths; a federation runtime reports no
    // locations for errors a subgraph raised (they point into the subgraph's query).
    expect(b.body.data).toEqual(a.body.data);
    expect(b.body.errors).toEqual(a.body.errors?.map(withoutLocations));
    expect(b.status).toBe(a.status);
  });

  it('hold the cost limit for the whole operation: refused at the runtime before any subgraph is called', async () => {
    const token = await single.token('acme');
    const query =
      '{ users(first: 100) { nodes { login roles { entitlements { targetSystem { entitlements { displayName members(first: 100) { nodes { scimUser { userName } } } } } } } } } }';
    await request(federated, token, '{ me { authorities } }');
    federated.statements.reset();
    const b = await request(federated, token, query);
    expect(federated.statements.value()).toBe(0);
    const a = await request(single, token, query);
    expect(a.status).toBe(400);
    expect(a.body.errors?.[0].extensions?.code).toBe('COST_LIMIT_EXCEEDED');
    expect(b).toEqual(a);
  });

  it('answer 401 without a valid key, through the runtime and directly at every subgraph', async () => {
    for (const at of ['/graphql', ...SUBGRAPH_NAMES.map(subgraphPath)]) {
      for (const token of ['', 'igk_not-a-key']) {
        const answer = await request(federated, token, '{ __typename }', {}, at);
        expect(answer.status, `${at} ${token || 'no key'}`).toBe(401);
        expect(answer.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      }
    }
    const sdl = await request(federated, '', '{ _service { sdl } }', {}, subgraphPath('scim'));
    expect(sdl.status).toBe(401);
    expect(sdl.body.data).toBeUndefined();
  });

  it('resolve _entities within the caller’s workspace: another workspace’s references are null at every subgraph', async () => {
    const token = await single.token('acme');
    const mine = (await request(single, token, `{ user(login: "${people[2]}") { id roles { id } } }`)).body.data!.user as { id: string; roles: Array<{ id: string }> };
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on User { id } } }';
    for (const name of SUBGRAPH_NAMES) {
      const r = [
        { __typename: 'User', id: otherWorkspaceIds.User },
        { __typename: 'User', id: mine.id },
        { __typename: 'User', id: 'ffffffffffffffffffffffff' },
      ];
      const answer = await request(federated, token, query, { r }, subgraphPath(name));
      expect(answer.body.errors, name).toBeUndefined();
      expect(answer.body.data, name).toEqual({ _entities: [null, { __typename: 'User', id: mine.id }, null] });
    }
    const roles = await request(
      federated,
      token,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Role { id } } }',
      {
        r: [
          { __typename: 'Role', id: otherWorkspaceIds.Role },
          { __typename: 'Role', id: mine.roles[0].id },
        ],
      },
      subgraphPath('governance'),
    );
    expect(roles.body.data).toEqual({ _entities: [null, { id: mine.roles[0].id }] });
    // And through the runtime: a root scoped to the workspace never hands another's id on.
    const through = await request(federated, token, `{ node(id: "${otherWorkspaceIds.User}") { id } user(id: "${otherWorkspaceIds.User}") { scimUser { userName } } }`);
    expect(through.body.data).toEqual({ node: null, user: null });
  });

  it('_entities for 100 Users costs one SQL statement per type', async () => {
    const token = await single.token('acme');
    const ids = (
      (await request(single, token, '{ users(department: "Federated", first: 100) { nodes { id roles { id } } } }')).body.data!.users as {
        nodes: Array<{ id: string; roles: Array<{ id: string }> }>;
      }
    ).nodes;
    expect(ids).toHaveLength(100);
    const at = subgraphPath('scim');
    // What authenticating a request costs, measured on a request that reads nothing else.
    await request(federated, token, '{ _service { sdl } }', {}, at);
    federated.statements.reset();
    await request(federated, token, '{ _service { sdl } }', {}, at);
    const authentication = federated.statements.value();

    const users = ids.map((u) => ({ __typename: 'User', id: u.id }));
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } ... on Role { id } } }';
    federated.statements.reset();
    const one = await request(federated, token, query, { r: users }, at);
    expect((one.body.data!._entities as unknown[]).filter(Boolean)).toHaveLength(100);
    expect(federated.statements.value() - authentication).toBe(1);

    const roles = [...new Set(ids.flatMap((u) => u.roles.map((r) => r.id)))].map((id) => ({ __typename: 'Role', id }));
    federated.statements.reset();
    const two = await request(federated, token, query, { r: [...users, ...roles] }, at);
    expect((two.body.data!._entities as unknown[]).filter(Boolean)).toHaveLength(100 + roles.length);
    expect(federated.statements.value() - authentication).toBe(2);
  });

  it('joins a customer’s supergraph: an HR subgraph extends User with costCentre, and a mixed query runs through the gateway runtime', async () => {
    hr = await startHrSubgraph({ [personIds[3]]: 'CC-4711' });
    const services = [...identityServices(subgraphs, federated.origin), { name: 'hr', url: hr.url, typeDefs: hr.typeDefs }];
    const supergraph = composeSupergraph(services);
    expect(supergraph.sdl).toContain('costCentre: String');
    customer = await startCustomerGateway(supergraph.sdl);
    const token = await single.token('acme');
    const client = new GraphQLClient(customer.url, { headers: { authorization: `Bearer ${token}` } });
    const data = await client.request<{
      users: { nodes: Array<{ login: string; costCentre: string | null; scimUser: { userName: string } | null; roles: Array<{ displayName: string }> }> };
    }>('{ users(department: "Federated", first: 100) { nodes { login costCentre scimUser { userName } roles { displayName } } } }');
    const byLogin = new Map(data.users.nodes.map((n) => [n.login, n]));
    expect(byLogin.get(people[3])).toEqual({ login: people[3], costCentre: 'CC-4711', scimUser: { userName: people[3] }, roles: [{ displayName: 'Vault users' }] });
    expect(data.users.nodes.filter((n) => n.costCentre === null)).toHaveLength(99);

    // The customer's runtime forwards the caller's key; without one every identity subgraph refuses.
    const anonymous = new GraphQLClient(customer.url);
    const refused = await anonymous
      .rawRequest('{ users(first: 1) { nodes { login costCentre } } }')
      .catch((e: { response: { errors: Array<{ extensions?: Record<string, unknown> }> } }) => e.response);
    expect(refused.errors?.[0].extensions?.code).not.toBeUndefined();
    expect((refused as { data?: { users?: unknown } }).data?.users ?? null).toBeNull();
  });
});
