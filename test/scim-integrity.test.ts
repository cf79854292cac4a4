import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { Authority } from '../src/auth/authorities.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { createApiKey } from '../src/auth/api-key.service.js';
import { Role, RoleMember } from '../src/governance/role.entity.js';
import { User } from '../src/governance/user.entity.js';

/**
 * Issue 10, item 4 ("SCIM side door breaks integrity"): each hole, through SCIM over HTTP and
 * GraphQL. Every test here failed on the code before the fix.
 */

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ALL_EMPLOYEES = '63af039793ccdf675cc7aa10';
const AWS_DEVELOPER = '63af258b93ccdf675ccab0da';

let app: TestApp;
let acme: string;
let provisioner: string;
let admin: GraphQLClient;

interface ScimBody {
  id: string;
  displayName: string;
  groups?: Array<{ value: string; display?: string }>;
  members?: Array<{ value: string; display?: string }>;
  meta: { version: string; created: string };
  scimType?: string;
  detail: string;
  Resources: Array<{ id: string; attributes: Array<{ name: string; mutability: string; subAttributes?: Array<{ name: string; mutability: string }> }> }>;
}

async function scim(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: ScimBody }> {
  const res = await app.fetch(`/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${provisioner}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const patchOp = (operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });
const addMember = (group: string, value: string, display?: string) => scim('PATCH', `/Groups/${group}`, patchOp([{ op: 'add', path: 'members', value: [{ value, display }] }]));
const removeMember = (group: string, value: string) => scim('PATCH', `/Groups/${group}`, patchOp([{ op: 'remove', path: `members[value eq "${value}"]` }]));

function expectScimError(reply: { status: number; body: ScimBody }, status: number, scimType?: string) {
  expect(reply.body).toMatchObject({ schemas: [ERROR], status: String(status) });
  expect(reply.status).toBe(status);
  if (scimType) expect(reply.body.scimType).toBe(scimType);
  expect(reply.body.detail).not.toMatch(/select |insert |\bat .*\.ts:/i);
}

/** What a person holds, read through the nested graph. */
async function holdings(login: string) {
  const data = await admin.request<{
    user: {
      roles: Array<{ displayName: string }>;
      accounts: Array<{ entitlements: Array<{ status: string; provisionMechanism: string | null; entitlement: { displayName: string } }> }>;
    };
  }>(gql`query ($login: String!) { user(login: $login) { roles { displayName } accounts { entitlements { status provisionMechanism entitlement { displayName } } } } }`, { login });
  const entitlements: Record<string, string> = {};
  for (const a of data.user.accounts) for (const e of a.entitlements) entitlements[e.entitlement.displayName] = `${e.status}/${e.provisionMechanism}`;
  return { roles: data.user.roles.map((r) => r.displayName), entitlements };
}

async function personEvents(login: string) {
  const user = await app.orm.em.fork().findOneOrFail(User, { workspace: acme, login });
  const data = await admin.request<{ auditEvents: { nodes: Array<{ action: string; after: Record<string, unknown> }> } }>(
    gql`query ($id: ID!) { auditEvents(entityId: $id, first: 100) { nodes { action after } } }`,
    { id: user.id },
  );
  return data.auditEvents.nodes;
}

const sources = async (login: string, role: string) => (await app.orm.em.fork().find(RoleMember, { role, user: { workspace: acme, login } })).map((m) => m.source).sort();

beforeAll(async () => {
  app = await startTestApp();
  acme = await app.workspace('acme');
  const em = app.orm.em.fork();
  provisioner = (await createApiKey(em, em.getReference(Workspace, acme), 'idp', [Authority.SCIM_PROVISIONER])).token;
  admin = await app.client('acme');
});
afterAll(async () => {
  await app?.stop();
});

describe('groups on a User are read-only; membership changes only through /Groups', () => {
  let steve: ScimBody;

  it('PUT /Users/{id} without groups keeps the user in its groups (and the person in the role)', async () => {
    steve = (await scim('POST', '/Users', { schemas: [USER], userName: 'steve', displayName: 'Steve Clark' })).body;
    expect((await addMember(ALL_EMPLOYEES, steve.id)).status).toBe(204);
    const put = await scim('PUT', `/Users/${steve.id}`, { schemas: [USER], userName: 'steve', displayName: 'Steve C.' });
    expect(put.status).toBe(200);
    expect(put.body.groups).toEqual([{ value: ALL_EMPLOYEES, display: 'All Employees', $ref: `${app.origin}/scim/v2/Groups/${ALL_EMPLOYEES}` }]);
    expect((await scim('GET', `/Groups/${ALL_EMPLOYEES}`)).body.members?.map((m) => m.value)).toEqual([steve.id]);
    expect(await sources('steve', ALL_EMPLOYEES)).toContain('SCIM');
  });

  it('groups in a POST or PUT body are ignored, even with ids that do not exist', async () => {
    const created = await scim('POST', '/Users', {
      schemas: [USER],
      userName: 'rachel',
      groups: [{ value: AWS_DEVELOPER }, { value: 'ffffffffffffffffffffffff', display: 'Ghost' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.groups).toBeUndefined();
    expect(await sources('rachel', AWS_DEVELOPER)).toEqual([]);
    const put = await scim('PUT', `/Users/${steve.id}`, { schemas: [USER], userName: 'steve', groups: [{ value: AWS_DEVELOPER }] });
    expect(put.body.groups?.map((g) => g.value)).toEqual([ALL_EMPLOYEES]);
    expect(await sources('steve', AWS_DEVELOPER)).toEqual([]);
  });

  it('a PATCH of groups is 400 mutability and changes nothing', async () => {
    const before = (await scim('GET', `/Users/${steve.id}`)).body;
    expectScimError(await scim('PATCH', `/Users/${steve.id}`, patchOp([{ op: 'add', path: 'groups', value: [{ value: AWS_DEVELOPER }] }])), 400, 'mutability');
    expectScimError(await scim('PATCH', `/Users/${steve.id}`, patchOp([{ op: 'replace', value: { groups: [] } }])), 400, 'mutability');
    const after = (await scim('GET', `/Users/${steve.id}`)).body;
    expect(after.meta.version).toBe(before.meta.version);
    expect(after.groups).toEqual(before.groups);
  });

  it('/Schemas declares groups (and its sub-attributes) readOnly', async () => {
    const schemas = (await scim('GET', '/Schemas')).body.Resources;
    const groups = schemas.find((s) => s.id === USER)!.attributes.find((a) => a.name === 'groups')!;
    expect(groups.mutability).toBe('readOnly');
    expect(new Set(groups.subAttributes!.map((s) => s.mutability))).toEqual(new Set(['readOnly']));
  });

  it('GraphQL createScimUser and updateScimUser ignore groups the same way', async () => {
    const { createScimUser: u } = await admin.request<{ createScimUser: { id: string; groups: unknown[]; user: { login: string } } }>(
      gql`mutation ($input: CreateScimUserInput!) { createScimUser(input: $input) { id groups { id } user { login } } }`,
      { input: { userName: 'liz', roles: ['staff'], groups: [{ id: AWS_DEVELOPER, display: 'x' }] } },
    );
    expect(u.groups).toEqual([]);
    expect(await sources('liz', AWS_DEVELOPER)).toEqual([]);
    await addMember(ALL_EMPLOYEES, u.id);
    const { updateScimUser: v } = await admin.request<{ updateScimUser: { groups: Array<{ id: string; display: string }> } }>(
      gql`mutation ($id: ID!, $input: UpdateScimUserInput!) { updateScimUser(id: $id, input: $input) { groups { id display } } }`,
      { id: u.id, input: { groups: [], displayName: 'Liz' } },
    );
    expect(v.groups).toEqual([{ id: ALL_EMPLOYEES, display: 'All Employees' }]);
  });
});

describe('/Groups members', () => {
  it('an unknown member id is 400 invalidValue naming it, and nothing is written', async () => {
    const before = (await scim('GET', `/Groups/${ALL_EMPLOYEES}`)).body;
    const reply = await addMember(ALL_EMPLOYEES, 'ffffffffffffffffffffffff');
    expectScimError(reply, 400, 'invalidValue');
    expect(reply.body.detail).toContain('ffffffffffffffffffffffff');
    expectScimError(await addMember(ALL_EMPLOYEES, 'string id 1'), 400, 'invalidValue');
    expectScimError(await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Ghosts', members: [{ value: 'nobody' }] }), 400, 'invalidValue');
    expect(await app.orm.em.fork().count(Role, { workspace: acme, name: 'Ghosts' })).toBe(0);
    expect((await scim('GET', `/Groups/${ALL_EMPLOYEES}`)).body.meta.version).toBe(before.meta.version);
  });

  it("display names are right on both sides: the group's name on the user, the member's on the group", async () => {
    const { body: user } = await scim('POST', '/Users', { schemas: [USER], userName: 'michael', displayName: 'Michael Scott' });
    await addMember(AWS_DEVELOPER, user.id, 'Mike');
    const got = (await scim('GET', `/Users/${user.id}`)).body;
    expect(got.groups).toEqual([{ value: AWS_DEVELOPER, display: 'AWS Developer', $ref: `${app.origin}/scim/v2/Groups/${AWS_DEVELOPER}` }]);
    expect((await scim('GET', `/Groups/${AWS_DEVELOPER}`)).body.members).toContainEqual(expect.objectContaining({ value: user.id, display: 'Mike' }));
    const data = await admin.request<{ scimUser: { groups: Array<{ id: string; display: string }> } }>(gql`query ($id: ID!) { scimUser(id: $id) { groups { id display } } }`, {
      id: user.id,
    });
    expect(data.scimUser.groups).toEqual([{ id: AWS_DEVELOPER, display: 'AWS Developer' }]);
    await removeMember(AWS_DEVELOPER, user.id);
  });
});

describe('PATCH of read-only attributes', () => {
  it.each([
    ['replace id', { op: 'replace', path: 'id', value: 'ffffffffffffffffffffffff' }],
    ['replace meta.created', { op: 'replace', path: 'meta.created', value: '2001-01-01T00:00:00Z' }],
    ['remove meta', { op: 'remove', path: 'meta' }],
    ['replace without a path', { op: 'replace', value: { id: 'ffffffffffffffffffffffff' } }],
  ])('%s is 400 mutability and does not bump the version', async (_, operation) => {
    const { body: user } = await scim('POST', '/Users', { schemas: [USER], userName: `ro-${Math.random().toString(36).slice(2)}` });
    expectScimError(await scim('PATCH', `/Users/${user.id}`, patchOp([operation])), 400, 'mutability');
    const after = (await scim('GET', `/Users/${user.id}`)).body;
    expect([after.id, after.meta.version, after.meta.created]).toEqual([user.id, user.meta.version, user.meta.created]);
  });

  it('replacing an immutable member value of a group is 400 mutability', async () => {
    const { body: user } = await scim('POST', '/Users', { schemas: [USER], userName: 'immutable-member' });
    await addMember(ALL_EMPLOYEES, user.id);
    const reply = await scim('PATCH', `/Groups/${ALL_EMPLOYEES}`, patchOp([{ op: 'replace', path: `members[value eq "${user.id}"].value`, value: 'ffffffffffffffffffffffff' }]));
    expectScimError(reply, 400, 'mutability');
    await removeMember(ALL_EMPLOYEES, user.id);
  });
});

describe('/Groups is no way into the catalog', () => {
  it('POST /Groups makes a directory group: not requestable, so requesting it is refused as such (not a configuration error)', async () => {
    const created = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Backdoor Admins', members: [] });
    expect(created.status).toBe(201);
    const data = await admin.request<{ roles: { nodes: Array<{ id: string; origin: string; isRequestable: boolean; approvalWorkflow: string | null }> } }>(
      gql`{ roles(displayName: "Backdoor Admins") { nodes { id origin isRequestable approvalWorkflow } } }`,
    );
    expect(data.roles.nodes).toEqual([{ id: created.body.id, origin: 'SCIM', isRequestable: false, approvalWorkflow: null }]);
    const errors = await errorsOf(
      admin.request(gql`mutation ($input: CreateCartInput!) { createCart(input: $input) { correlationId } }`, {
        input: { requester: { login: 'jerome' }, cartItems: [{ beneficiaries: { login: 'jerome' }, entityId: created.body.id, entityType: 'ROLE', type: 'CREATE' }] },
      }),
    );
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.cartItems.0.entityId' });
    expect(errors[0].message).toMatch(/not requestable/);
    // A directory group can be deleted again through SCIM.
    expect((await scim('DELETE', `/Groups/${created.body.id}`)).status).toBe(204);
  });

  it('a directory group grants no entitlements, takes no rule, and its name cannot be onboarded into the catalog', async () => {
    const group = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Wiki Editors', members: [] })).body;
    const created = await scim('POST', '/Users', { schemas: [USER], userName: 'aaron' });
    expect(created.status).toBe(201);
    const aaronScim = created.body;
    const before = await holdings('aaron');
    expect((await addMember(group.id, aaronScim.id)).status).toBe(204);
    // aaron is in the group (a SCIM membership), and holds exactly the entitlements he held before.
    expect(await sources('aaron', group.id)).toEqual(['SCIM']);
    const after = await holdings('aaron');
    expect([...after.roles].sort()).toEqual([...before.roles, 'Wiki Editors'].sort());
    expect(after.entitlements).toEqual(before.entitlements);
    const entitlements = await admin.request<{ node: { entitlements: unknown[] } }>(gql`query ($id: ID!) { node(id: $id) { ... on Role { entitlements { id } } } }`, {
      id: group.id,
    });
    expect(entitlements.node.entitlements).toEqual([]);

    const rule = await errorsOf(admin.request(gql`mutation ($id: ID!, $rule: String) { setRoleRule(roleId: $id, rule: $rule) { id } }`, { id: group.id, rule: '{"$and":[]}' }));
    expect(rule[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'roleId' });
    expect(rule[0].message).toMatch(/directory group/);

    const onboarding = await errorsOf(
      admin.request(gql`mutation ($input: OnboardingRequestInput!) { submitOnboardingRequest(input: $input) { id } }`, {
        input: {
          entityType: 'ROLE',
          justification: 'make the directory group a catalog role',
          requester: { login: 'jerome' },
          payload: { role: { name: 'Wiki Editors', approvalWorkflow: 'Auto Role Approval', roleOwnerLogin: 'jerome', entitlementIds: ['6c0000000000000000000012'] } },
        },
      }),
    );
    expect(onboarding[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.payload.role.name' });
    expect((await removeMember(group.id, aaronScim.id)).status).toBe(204);
    expect((await scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
  });

  it('the conformance collection\'s "Group patch add member" (a bare id of no user) is 400 invalidValue and changes nothing', async () => {
    const group = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Group 1', externalId: '015489ea-9410-4306-b583-9f002b2446f7' })).body;
    for (const value of ['string id 1', 'string id 2']) {
      const reply = await scim('PATCH', `/Groups/${group.id}`, { id: group.id, Operations: [{ op: 'add', path: 'members', value }], schemas: [PATCH_OP] });
      expectScimError(reply, 400, 'invalidValue');
    }
    const read = (await scim('GET', `/Groups/${group.id}`)).body;
    expect([read.members ?? [], read.meta.version]).toEqual([[], group.meta.version]);
    expect((await scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
  });

  it('DELETE of a catalog role is 409 and deletes nothing; renaming one is 400 mutability', async () => {
    const before = (await scim('GET', `/Groups/${AWS_DEVELOPER}`)).body;
    const reply = await scim('DELETE', `/Groups/${AWS_DEVELOPER}`);
    expectScimError(reply, 409);
    expect(reply.body.scimType).toBeUndefined();
    expect(reply.body.detail).toMatch(/operateRole/);
    const role = await app.orm.em.fork().findOneOrFail(Role, AWS_DEVELOPER);
    expect([role.retired, role.displayName]).toEqual([false, 'AWS Developer']);
    expect((await scim('GET', `/Groups/${AWS_DEVELOPER}`)).body.meta.version).toBe(before.meta.version);
    expectScimError(await scim('PUT', `/Groups/${AWS_DEVELOPER}`, { schemas: [GROUP], displayName: 'AWS Admins' }), 400, 'mutability');
    expect((await app.orm.em.fork().findOneOrFail(Role, AWS_DEVELOPER)).displayName).toBe('AWS Developer');
  });
});

describe('membership sources', () => {
  let travis: ScimBody;

  it('removing a role from SCIM keeps it when an approved request granted it too, with its entitlements', async () => {
    // travis holds AWS Developer by request (the demo data), with AWS PowerUserAccess through it.
    expect(await sources('travis', AWS_DEVELOPER)).toEqual(['REQUEST']);
    travis = (await scim('POST', '/Users', { schemas: [USER], userName: 'travis' })).body;
    await addMember(AWS_DEVELOPER, travis.id);
    expect(await sources('travis', AWS_DEVELOPER)).toEqual(['REQUEST', 'SCIM']);
    expect((await removeMember(AWS_DEVELOPER, travis.id)).status).toBe(204);

    expect(await sources('travis', AWS_DEVELOPER)).toEqual(['REQUEST']);
    const held = await holdings('travis');
    expect(held.roles).toContain('AWS Developer');
    expect(held.entitlements['AWS PowerUserAccess']).toBe('Provisioned/Role');
    expect((await personEvents('travis')).filter((e) => e.action === 'user.role.remove')).toEqual([]);
  });

  it('when SCIM was the last source, the person loses the role: audited on the person, entitlements revoked as a revoke request does', async () => {
    await addMember(AWS_DEVELOPER, travis.id);
    // The request's grant goes (as a certification or revoke request would take it); SCIM still grants the role.
    const em = app.orm.em.fork();
    await em.nativeDelete(RoleMember, { role: AWS_DEVELOPER, user: { workspace: acme, login: 'travis' }, source: 'REQUEST' });
    expect((await holdings('travis')).roles).toContain('AWS Developer');

    await removeMember(AWS_DEVELOPER, travis.id);
    const held = await holdings('travis');
    expect(held.roles).not.toContain('AWS Developer');
    expect(held.entitlements['AWS PowerUserAccess']).toBe('Revoked/Role');
    expect(held.entitlements['AWS ReadOnlyAccess']).toBe('Provisioned/Role'); // IT Operations grants it too: kept
    const removed = (await personEvents('travis')).filter((e) => e.action === 'user.role.remove');
    expect(removed).toHaveLength(1);
    expect(removed[0].after).toMatchObject({
      role: AWS_DEVELOPER,
      roleName: 'AWS Developer',
      source: 'SCIM',
      scimUser: travis.id,
      revokedEntitlements: ['6c0000000000000000000012'],
    });
  });

  it('deleting the SCIM user ends only its SCIM memberships', async () => {
    const { body: user } = await scim('POST', '/Users', { schemas: [USER], userName: 'zachary' });
    await addMember(ALL_EMPLOYEES, user.id);
    const kinds = await sources('zachary', ALL_EMPLOYEES);
    expect(kinds).toContain('SCIM');
    expect((await scim('DELETE', `/Users/${user.id}`)).status).toBe(204);
    expect(await sources('zachary', ALL_EMPLOYEES)).toEqual(kinds.filter((k) => k !== 'SCIM'));
  });
});
