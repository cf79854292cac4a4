import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { Authority } from '../src/auth/authorities.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { RoleMember } from '../src/governance/role.entity.js';
import { ScimUser, ScimUserRole } from '../src/scim/scim-user.entity.js';
import { generateDataSet } from '../src/db/generate.js';

let app: TestApp;
let admin: GraphQLClient;
let acme: string;

const ALL_EMPLOYEES = '63af039793ccdf675cc7aa10';
const CHIEF_OFFICER = '63af055393ccdf675cc899ac';
const AARON = '63aec79393ccdf675cc4ccf4';

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.client('acme');
  acme = await app.workspace('acme');
});
afterAll(async () => {
  await app?.stop();
});

const USER_FIELDS = `
  id userName displayName active externalId nickName userType schemas roleNames
  name { familyName formatted givenName honorificPrefix honorificSuffix middleName }
  emails { primary type value }
  groups { display id role { id displayName } }
  roles { id displayName }
  meta { created lastModified location resourceType version }
  user { id login }
`;
/** A SCIM user as USER_FIELDS selects it. */
type ScimUserData = {
  id: string;
  userName: string;
  displayName: string;
  active: boolean;
  externalId: string | null;
  nickName: string | null;
  userType: string;
  schemas: unknown;
  roleNames: Array<string>;
  name: {
    familyName: string | null;
    formatted: string | null;
    givenName: string | null;
    honorificPrefix: string | null;
    honorificSuffix: string | null;
    middleName: string | null;
  };
  emails: Array<{ primary: boolean | null; type: string | null; value: string }>;
  groups: Array<{ display: string | null; id: string; role: { id: string; displayName: string } }>;
  roles: Array<{ id: string; displayName: string }>;
  meta: { created: string; lastModified: string; location: string; resourceType: string; version: string };
  user: { id: string; login: string };
};
const CREATE = gql`mutation ($input: CreateScimUserInput!) { createScimUser(input: $input) { ${USER_FIELDS} } }`;
type CreateData = { createScimUser: ScimUserData };
const UPDATE = gql`mutation ($id: ID!, $input: UpdateScimUserInput!, $version: String) { updateScimUser(id: $id, input: $input, version: $version) { ${USER_FIELDS} } }`;
type UpdateData = { updateScimUser: ScimUserData };
const DELETE = gql`mutation ($id: ID!) { deleteScimUser(id: $id) { deletedId } }`;
type DeleteData = { deleteScimUser: { deletedId: string } };

/** The request body of the seed (F5 "Create User with Role Assignment"), verbatim. */
const SEED_BODY = {
  active: true,
  displayName: 'example',
  emails: [{ primary: true, type: 'example', value: 'example' }],
  externalId: 'example',
  groups: [{ display: 'example', id: 'example' }],
  meta: { created: 'example', lastModified: 'example', location: 'example', resourceType: 'example', version: 'example' },
  name: { familyName: 'example', formatted: 'example', givenName: 'example', honorificPrefix: 'example', honorificSuffix: 'example', middleName: 'example' },
  roles: ['example'],
  schemas: ['example'],
  userName: 'example',
  userType: 'USER',
};

const counts = async (workspace = acme) => {
  const em = app.orm.em.fork();
  return { users: await em.count(ScimUser, { workspace }), audit: await em.count(AuditEvent, { workspace }), members: await em.count(RoleMember, { source: 'SCIM' }) };
};

describe('createScimUser (seed 004)', () => {
  it('replays the seed request and answers with the documented response fields', async () => {
    const before = await counts();
    const { createScimUser: u } = await admin.request<CreateData>(CREATE, { input: SEED_BODY });
    expect(u.id).toMatch(/^[0-9a-f]{24}$/);
    expect(u).toMatchObject({
      userName: 'example',
      displayName: 'example',
      active: true,
      externalId: 'example',
      userType: 'USER',
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      roleNames: ['example'],
      roles: [],
      name: { familyName: 'example', formatted: 'example', givenName: 'example', honorificPrefix: 'example', honorificSuffix: 'example', middleName: 'example' },
      emails: [{ primary: true, type: 'example', value: 'example' }],
      // groups is read-only (RFC 7643 §4.1.2): the seed sends it, membership comes from /Groups.
      groups: [],
      user: null,
    });
    // meta is the server's, not the request's "example" values.
    expect(u.meta).toEqual({ created: u.meta.created, lastModified: u.meta.created, location: `/scim/v2/Users/${u.id}`, resourceType: 'User', version: 'W/"1"' });
    expect(Date.parse(u.meta.created)).toBeGreaterThan(Date.now() - 60_000);
    const after = await counts();
    expect(after.users).toBe(before.users + 1);
    const events = await app.orm.em.fork().find(AuditEvent, { entityId: u.id });
    expect(events.map((e) => e.action)).toEqual(['scimUser.create']);
    expect(events[0].after).toMatchObject({ userName: 'example', roles: ['example'] });
  });

  it('defaults displayName to the formatted name, then given + family name, then userName', async () => {
    const make = async (userName: string, name?: object) =>
      (await admin.request<CreateData>(CREATE, { input: { userName, roles: ['staff'], ...(name ? { name } : {}) } })).createScimUser.displayName;
    expect(await make('dn1', { formatted: 'Ms. Barbara J Jensen III', givenName: 'Barbara' })).toBe('Ms. Barbara J Jensen III');
    expect(await make('dn2', { givenName: 'Barbara', familyName: 'Jensen' })).toBe('Barbara Jensen');
    expect(await make('dn3')).toBe('dn3');
  });

  it('rejects a userName already taken, whatever its case, with CONFLICT on input.userName, writing nothing', async () => {
    await admin.request(CREATE, { input: { userName: 'Casey@Example.com', roles: ['All Employees'] } });
    const before = await counts();
    const errors = await errorsOf(admin.request(CREATE, { input: { userName: 'casey@EXAMPLE.com', roles: ['All Employees'] } }));
    expect(errors[0].extensions).toEqual({ code: 'CONFLICT', field: 'input.userName' });
    expect(errors[0].message).toMatch(/already taken/);
    expect(await counts()).toEqual(before);
  });

  it.each([
    [{ userName: 'no-roles' }, 'input.roles'],
    [{ roles: [] }, 'input.userName'],
    [{ userName: 'empty-roles', roles: [] }, 'input.roles'],
    [{ userName: 'bad-email', roles: ['staff'], emails: [{ type: 'work' }] }, 'input.emails.0.value'],
  ])('rejects %j (a required field missing) with BAD_USER_INPUT naming it', async (input, field) => {
    const before = await counts();
    const errors = await errorsOf(admin.request(CREATE, { input }));
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await counts()).toEqual(before);
  });

  it('rejects a blank userName and an unknown userType', async () => {
    const blank = await errorsOf(admin.request(CREATE, { input: { userName: '   ', roles: ['staff'] } }));
    expect(blank[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.userName', scimType: 'invalidValue' });
    const type = await errorsOf(admin.request(CREATE, { input: { userName: 'typed', roles: ['staff'], userType: 'EMPLOYEE' } }));
    expect(type[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.userType' });
  });
});

describe('links to the governance graph', () => {
  let aaronScim: string;

  it('links roles to Roles by name or display name, the identity by login, and assigns the Roles; ignores the read-only groups', async () => {
    const { createScimUser: u } = await admin.request<CreateData>(CREATE, {
      input: {
        userName: 'AARON',
        roles: ['all employees', 'Marketing Content Specialist', 'No Such Role'],
        groups: [{ id: CHIEF_OFFICER, display: 'Chief' }, { display: 'Nowhere' }],
      },
    });
    aaronScim = u.id;
    expect(u.user).toEqual({ id: AARON, login: 'aaron' });
    expect(u.roleNames).toEqual(['all employees', 'Marketing Content Specialist', 'No Such Role']);
    expect(u.roles.map((r) => r.displayName)).toEqual(['All Employees', 'Marketing Content Specialist']);
    expect(u.groups).toEqual([]);
    const links = await app.orm.em.fork().find(ScimUserRole, { scimUser: u.id }, { orderBy: { position: 'asc' } });
    expect(links.map((l) => [l.kind, l.value, l.role?.id ?? null])).toEqual([
      ['ROLE', 'all employees', ALL_EMPLOYEES],
      ['ROLE', 'Marketing Content Specialist', '6d0000000000000000000001'],
      ['ROLE', 'No Such Role', null],
    ]);

    const data = await admin.request<{ user: { scimUser: { id: string; userName: string }; roles: Array<{ displayName: string }> } }>(
      gql`{ user(login: "aaron") { scimUser { id userName } roles { displayName } } }`,
    );
    expect(data.user.scimUser).toEqual({ id: u.id, userName: 'AARON' });
    expect(data.user.roles.map((r) => r.displayName)).toEqual(expect.arrayContaining(['All Employees', 'Marketing Content Specialist']));
    const assigned = await app.orm.em.fork().find(RoleMember, { user: AARON, source: 'SCIM' });
    expect(assigned.map((m) => m.role.id).sort()).toEqual([ALL_EMPLOYEES, '6d0000000000000000000001'].sort());
  });

  it('links the identity by externalId = employeeNumber, case-insensitively', async () => {
    const { createScimUser: u } = await admin.request<CreateData>(CREATE, { input: { userName: 'the-ceo', externalId: 'iamsathe001', roles: ['staff'] } });
    expect(u.user).toEqual({ id: expect.any(String), login: 'derrick' });
  });

  it('updateScimUser replaces roles: a dropped Role is unassigned, the version moves on', async () => {
    const { updateScimUser: u } = await admin.request<UpdateData>(UPDATE, { id: aaronScim, input: { roles: ['All Employees'], active: false }, version: 'W/"1"' });
    expect(u).toMatchObject({ active: false, roleNames: ['All Employees'], userName: 'AARON', meta: { version: 'W/"2"' } });
    expect(u.roles.map((r) => r.displayName)).toEqual(['All Employees']);
    const assigned = await app.orm.em.fork().find(RoleMember, { user: AARON, source: 'SCIM' });
    expect(assigned.map((m) => m.role.id)).toEqual([ALL_EMPLOYEES]);
    const log = await app.orm.em.fork().find(AuditEvent, { entityId: aaronScim, action: 'scimUser.update' });
    expect(log).toHaveLength(1);
    expect(log[0].before).toMatchObject({ active: true, roles: ['all employees', 'Marketing Content Specialist', 'No Such Role'] });
    expect(log[0].after).toMatchObject({ active: false, roles: ['All Employees'] });
  });

  it('updateScimUser with a stale version is a CONFLICT on version and writes nothing', async () => {
    const before = await counts();
    const errors = await errorsOf(admin.request(UPDATE, { id: aaronScim, input: { displayName: 'Stale' }, version: 'W/"1"' }));
    expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'version', version: 'W/"2"' });
    expect(await counts()).toEqual(before);
    const stored = await app.orm.em.fork().findOneOrFail(ScimUser, aaronScim);
    expect(stored.displayName).not.toBe('Stale');
  });

  it('updateScimUser rejects a userName another user has', async () => {
    const errors = await errorsOf(admin.request(UPDATE, { id: aaronScim, input: { userName: 'THE-CEO' } }));
    expect(errors[0].extensions).toEqual({ code: 'CONFLICT', field: 'input.userName' });
  });

  it('deleteScimUser removes the user and the assignments it made', async () => {
    const { createScimUser: u } = await admin.request<CreateData>(CREATE, { input: { userName: 'steve', roles: ['Chief Officer'] } });
    expect(await app.orm.em.fork().count(RoleMember, { user: u.user.id, role: CHIEF_OFFICER, source: 'SCIM' })).toBe(1);
    expect(await admin.request<DeleteData>(DELETE, { id: u.id })).toEqual({ deleteScimUser: { deletedId: u.id } });
    expect(await app.orm.em.fork().count(RoleMember, { user: u.user.id, role: CHIEF_OFFICER, source: 'SCIM' })).toBe(0);
    expect(await admin.request<{ scimUser: { id: string } }>(gql`query ($id: ID!) { scimUser(id: $id) { id } }`, { id: u.id })).toEqual({ scimUser: null });
    const again = await errorsOf(admin.request(DELETE, { id: u.id }));
    expect(again[0].extensions).toEqual({ code: 'NOT_FOUND', field: 'id' });
    expect((await app.orm.em.fork().find(AuditEvent, { entityId: u.id })).map((e) => e.action)).toEqual(['scimUser.create', 'scimUser.delete']);
  });
});

describe('scimUsers', () => {
  it('filters with a SCIM expression, userName case-insensitively, in SQL', async () => {
    type Names = { nodes: Array<{ userName: string }> };
    const data = await admin.request<{ a: Names & { totalCount: number }; b: Names; c: Names; d: { totalCount: number } }>(gql`{
      a: scimUsers(filter: "userName eq \\"aaron\\"") { totalCount nodes { userName } }
      b: scimUsers(filter: "roles eq \\"all employees\\" and active eq false") { nodes { userName } }
      c: scimUsers(filter: "emails[type eq \\"example\\" and value sw \\"EX\\"]") { nodes { userName } }
      d: scimUsers(filter: "not (userName sw \\"dn\\") and userName co \\"dn\\"") { totalCount }
    }`);
    expect(data.a).toEqual({ totalCount: 1, nodes: [{ userName: 'AARON' }] });
    expect(data.b.nodes).toEqual([{ userName: 'AARON' }]);
    expect(data.c.nodes).toEqual([{ userName: 'example' }]);
    expect(data.d.totalCount).toBe(0);
  });

  it('pages with cursors in creation order, at most 100 a page', async () => {
    const first = await admin.request<{ scimUsers: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ id: string }> } }>(
      gql`{ scimUsers(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }`,
    );
    const next = await admin.request<{ scimUsers: { nodes: Array<{ id: string }> } }>(gql`query ($after: String) { scimUsers(first: 100, after: $after) { nodes { id } } }`, {
      after: first.scimUsers.pageInfo.endCursor,
    });
    const ids = [...first.scimUsers.nodes, ...next.scimUsers.nodes].map((n) => n.id);
    expect(ids).toHaveLength(first.scimUsers.totalCount);
    expect([...ids].sort()).toEqual(ids);
    const errors = await errorsOf(admin.request(gql`{ scimUsers(first: 101) { totalCount } }`));
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('rejects an invalid filter with BAD_USER_INPUT on filter', async () => {
    const errors = await errorsOf(admin.request(gql`{ scimUsers(filter: "userName xx \\"a\\"") { totalCount } }`));
    expect(errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'filter', scimType: 'invalidFilter' });
  });
});

describe('workspaces and authorities', () => {
  it("another workspace's key sees none of acme's SCIM users and cannot change them", async () => {
    const { createScimUser: u } = await admin.request<CreateData>(CREATE, { input: { userName: 'shared-name', roles: ['staff'] } });
    await app.workspace('globex', null);
    const other = await app.client('globex');
    const read = await other.request<{ scimUser: { id: string }; scimUsers: { totalCount: number } }>(gql`query ($id: ID!) { scimUser(id: $id) { id } scimUsers { totalCount } }`, {
      id: u.id,
    });
    expect(read).toEqual({ scimUser: null, scimUsers: { totalCount: 0 } });
    expect((await errorsOf(other.request(UPDATE, { id: u.id, input: { active: false } })))[0].extensions).toEqual({ code: 'NOT_FOUND', field: 'id' });
    expect((await errorsOf(other.request(DELETE, { id: u.id })))[0].extensions).toEqual({ code: 'NOT_FOUND', field: 'id' });
    // userName is unique per workspace, not across them
    const mine = await other.request<CreateData>(CREATE, { input: { userName: 'SHARED-NAME', roles: ['staff'] } });
    expect(mine.createScimUser.userName).toBe('SHARED-NAME');
    expect((await app.orm.em.fork().findOneOrFail(ScimUser, u.id)).active).toBe(true);
  });

  it('SCIM_PROVISIONER writes; READ_ONLY reads but may not write; REQUESTER may not read', async () => {
    const provisioner = await app.client('acme', [Authority.SCIM_PROVISIONER]);
    const reader = await app.client('acme', [Authority.READ_ONLY]);
    const requester = await app.client('acme', [Authority.REQUESTER]);
    const { createScimUser: u } = await provisioner.request<CreateData>(CREATE, { input: { userName: 'by-provisioner', roles: ['staff'] } });

    const before = await counts();
    const denied = [
      await errorsOf(reader.request(CREATE, { input: { userName: 'by-reader', roles: ['staff'] } })),
      await errorsOf(reader.request(UPDATE, { id: u.id, input: { active: false } })),
      await errorsOf(reader.request(DELETE, { id: u.id })),
      await errorsOf(requester.request(gql`{ scimUsers { totalCount } }`)),
      await errorsOf(requester.request(gql`query ($id: ID!) { scimUser(id: $id) { id } }`, { id: u.id })),
    ];
    for (const errors of denied) expect(errors[0].extensions?.code).toBe('FORBIDDEN');
    expect(denied[0][0].extensions).toMatchObject({ action: 'scim:write' });
    expect(denied[3][0].extensions).toMatchObject({ action: 'scim:read' });
    expect(await counts()).toEqual(before);
    const read = await reader.request<{ scimUser: { userName: string } }>(gql`query ($id: ID!) { scimUser(id: $id) { userName } }`, { id: u.id });
    expect(read.scimUser).toEqual({ userName: 'by-provisioner' });
  });
});

describe('node(id)', () => {
  it('finds a SCIM user for keys that may read SCIM, and nothing for keys that may not', async () => {
    const { createScimUser: u } = await admin.request<CreateData>(CREATE, { input: { userName: 'noded', roles: ['staff'] } });
    const query = gql`query ($id: ID!) { node(id: $id) { __typename id ... on ScimUser { userName } } }`;
    type NodeData = { node: { __typename: string; id: string; userName?: string } | null };
    expect(await admin.request<NodeData>(query, { id: u.id })).toEqual({ node: { __typename: 'ScimUser', id: u.id, userName: 'noded' } });
    const requester = await app.client('acme', [Authority.REQUESTER]);
    expect(await requester.request<NodeData>(query, { id: u.id })).toEqual({ node: null });
  });
});

describe('batched edges', () => {
  it('users { scimUser { roles } } costs the same SQL statements for 10 and for 50 users', async () => {
    await app.workspace(
      'bulk',
      generateDataSet({ users: 60, roles: 3, systems: 2, entitlementsPerSystem: 2, rolesPerUser: 1, entitlementsPerRole: 1, accountsPerUser: 1, seed: 4004 }),
    );
    const bulk = await app.client('bulk');
    const users = await bulk.request<{ users: { nodes: Array<{ login: string }> } }>(gql`{ users(first: 50) { nodes { login } } }`);
    const logins: string[] = users.users.nodes.map((n) => n.login);
    expect(logins).toHaveLength(50);
    const mutations = logins.map((login, i) => `u${i}: createScimUser(input: { userName: ${JSON.stringify(login)}, roles: ["Role 0001", "role 0002"] }) { id }`);
    await bulk.request(`mutation { ${mutations.join('\n')} }`);

    const query = gql`query ($n: Int) { users(first: $n) { nodes { login scimUser { userName roles { displayName } user { login } } } } }`;
    type UsersData = { users: { nodes: Array<{ login: string; scimUser: { userName: string; roles: Array<{ displayName: string }>; user: { login: string } } }> } };
    const cost = async (n: number) => {
      app.statements.reset();
      const data = await bulk.request<UsersData>(query, { n });
      const statements = app.statements.value();
      expect(data.users.nodes).toHaveLength(n);
      for (const node of data.users.nodes) {
        expect(node.scimUser.userName).toBe(node.login);
        expect(node.scimUser.user.login).toBe(node.login);
        expect(node.scimUser.roles.map((r) => r.displayName)).toEqual(['Role 0001', 'Role 0002']);
      }
      return statements;
    };
    const ten = await cost(10);
    const fifty = await cost(50);
    expect(fifty).toBe(ten);
    expect(ten).toBeLessThanOrEqual(6);
  });
});
