import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { buildAccounts, buildIdentityProfile, buildTargetSystem, buildUsers } from './factories.js';
import { Authority } from '../src/auth/authorities.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { IdentityProfile } from '../src/profiles/identity-profile.entity.js';
import type { User } from '../src/governance/user.entity.js';
import type { TargetSystem } from '../src/governance/target-system.entity.js';

// Demo data (seed 002 ids).
const ZACHARY = '63aec79893ccdf675cc4d124';
const ADP = '63aed43793ccdf675cc58246';
const ATLASSIAN = '64c89886fdfcc6b382d7814e';

const PROFILE_FIELDS = `
  id name created modified description priority identityRefreshRequired identityCount hasTimeBasedAttr
  owner { type id name }
  authoritativeSource { type id name }
  identityAttributeConfig { enabled attributeTransforms { identityAttributeName transformDefinition { type attributes } } }
  identityExceptionReportReference { taskResultId reportName }
`;
/** A profile as PROFILE_FIELDS selects it. */
type ProfileData = {
  id: string;
  name: string;
  created: string;
  modified: string;
  description: string | null;
  priority: number;
  identityRefreshRequired: boolean;
  identityCount: number;
  hasTimeBasedAttr: boolean;
  owner: { type: string; id: string; name: string | null };
  authoritativeSource: { type: string; id: string; name: string | null };
  identityAttributeConfig: {
    enabled: boolean;
    attributeTransforms: Array<{ identityAttributeName: string | null; transformDefinition: { type: string | null; attributes: Record<string, unknown> | null } }>;
  };
  identityExceptionReportReference: { taskResultId: string | null; reportName: string | null };
};
const CREATE = gql`mutation ($input: CreateIdentityProfileInput!) { createIdentityProfile(input: $input) { ${PROFILE_FIELDS} } }`;
type CreateData = { createIdentityProfile: ProfileData };
const UPDATE = gql`mutation ($id: ID!, $input: UpdateIdentityProfileInput!) { updateIdentityProfile(id: $id, input: $input) { ${PROFILE_FIELDS} } }`;
type UpdateData = { updateIdentityProfile: ProfileData };
const DELETE = gql`mutation ($id: ID!) { deleteIdentityProfile(id: $id) }`;
type DeleteData = { deleteIdentityProfile: string };
const GET = gql`query ($id: ID!) { identityProfile(id: $id) { ${PROFILE_FIELDS} } }`;
type GetData = { identityProfile: ProfileData };

let app: TestApp;
let admin: GraphQLClient;
let demo: string;
/** A second workspace, built with factories, for precedence and isolation. */
let other: string;
let otherAdmin: GraphQLClient;

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.client('acme');
  demo = await app.workspace('acme');
  other = await app.workspace('other', null);
  otherAdmin = await app.client('other');
});
afterAll(async () => {
  await app?.stop();
});

const em = () => app.orm.em.fork();

/** Runs a failing request and checks it wrote no profile and no audit event. */
async function failsWithoutWriting(request: () => Promise<unknown>) {
  const before = { profiles: await em().count(IdentityProfile, {}), events: await em().count(AuditEvent, {}) };
  const errors = await errorsOf(request());
  expect({ profiles: await em().count(IdentityProfile, {}), events: await em().count(AuditEvent, {}) }).toEqual(before);
  return errors[0];
}

/** People with an account on a source, counted straight from the tables. */
async function distinctAccountHolders(sourceId: string): Promise<number> {
  const knex = (em() as SqlEntityManager).getKnex();
  const [row] = await knex('user_account').countDistinct({ n: 'user_id' }).where('target_system_id', sourceId);
  return Number(row.n);
}

describe('seed 003 replay: createIdentityProfile', () => {
  it('creates the documented profile from the SailPoint body and answers with the documented fields, identityCount computed', async () => {
    // The seed's request body, with demo ids: owner is Zachary Graham, the source is ADP.
    const input = {
      name: 'HR Employees',
      description: 'My custom flat file profile',
      owner: { type: 'IDENTITY', id: ZACHARY, name: 'William Wilson' },
      priority: 10,
      authoritativeSource: { type: 'SOURCE', id: ADP, name: 'HR Active Directory' },
      identityRefreshRequired: true,
      identityCount: 8,
      identityAttributeConfig: {
        enabled: true,
        attributeTransforms: [
          {
            identityAttributeName: 'email',
            transformDefinition: { type: 'accountAttribute', attributes: { attributeName: 'e-mail', sourceName: 'MySource', sourceId: ADP } },
          },
        ],
      },
      identityExceptionReportReference: { taskResultId: '3fa85f64-5717-4562-b3fc-2c963f66afa6', reportName: 'My annual report' },
      hasTimeBasedAttr: true,
    };
    const started = Date.now();
    const { createIdentityProfile: profile } = await admin.request<CreateData>(CREATE, { input });

    expect(profile.id).toMatch(/^[0-9a-f]{24}$/);
    expect(profile).toMatchObject({
      name: 'HR Employees',
      description: 'My custom flat file profile',
      // References answer with the current display name; the name sent is read-only.
      owner: { type: 'IDENTITY', id: ZACHARY, name: 'Zachary Graham' },
      priority: 10,
      authoritativeSource: { type: 'SOURCE', id: ADP, name: 'ADP' },
      identityRefreshRequired: true,
      identityAttributeConfig: input.identityAttributeConfig,
      identityExceptionReportReference: input.identityExceptionReportReference,
      hasTimeBasedAttr: true,
    });
    // The body's identityCount (8) is ignored: ten people hold an ADP account.
    expect(profile.identityCount).toBe(10);
    expect(profile.identityCount).toBe(await distinctAccountHolders(ADP));
    expect(Date.parse(profile.created)).toBeGreaterThanOrEqual(started - 1000);
    expect(profile.modified).toBe(profile.created);

    const stored = await em().findOneOrFail(IdentityProfile, profile.id);
    expect(stored.workspace.id).toBe(demo);
    expect(stored.owner?.id).toBe(ZACHARY);
    expect(stored.authoritativeSource.id).toBe(ADP);

    const events = await em().find(AuditEvent, { entityId: profile.id });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'identityProfile.create', entityType: 'IdentityProfile', before: null });
    expect(events[0].after).toMatchObject({ name: 'HR Employees', ownerId: ZACHARY, authoritativeSourceId: ADP, priority: 10 });

    const again = await admin.request<GetData>(GET, { id: profile.id });
    expect(again.identityProfile).toEqual(profile);
  });

  it('applies the documented defaults when only the required fields are sent', async () => {
    const { createIdentityProfile: profile } = await admin.request<CreateData>(CREATE, { input: { name: 'Contractors', authoritativeSource: { id: ATLASSIAN } } });
    expect(profile).toMatchObject({
      name: 'Contractors',
      description: null,
      owner: null,
      identityRefreshRequired: false,
      hasTimeBasedAttr: true,
      identityAttributeConfig: { enabled: true, attributeTransforms: [] },
      identityExceptionReportReference: null,
      authoritativeSource: { type: 'SOURCE', id: ATLASSIAN, name: 'Atlassian' },
      // No priority given: it ranks after the existing profile (10).
      priority: 20,
    });
  });
});

describe('createIdentityProfile: every documented rule is enforced, nothing is written on failure', () => {
  const valid = () => ({ name: `Profile ${Math.random().toString(36).slice(2)}`, authoritativeSource: { type: 'SOURCE', id: ADP } });

  it.each([
    ['name', 'input.name', /Field "name" of required type "String!" was not provided/],
    ['authoritativeSource', 'input.authoritativeSource', /Field "authoritativeSource" of required type "ReferenceInput!" was not provided/],
  ])('a missing %s is a BAD_USER_INPUT naming %s', async (missing, field, message) => {
    const input: Record<string, unknown> = valid();
    delete input[missing];
    const error = await failsWithoutWriting(() => admin.request(CREATE, { input }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toMatch(message);
  });

  it('a reference without an id is a BAD_USER_INPUT naming input.authoritativeSource.id', async () => {
    const error = await failsWithoutWriting(() => admin.request(CREATE, { input: { ...valid(), authoritativeSource: { type: 'SOURCE' } } }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.authoritativeSource.id' });
  });

  it.each([
    ['a blank name', { name: '   ' }, 'BAD_USER_INPUT', 'input.name', /must not be empty/],
    ['an owner of type SOURCE', { owner: { type: 'SOURCE', id: ZACHARY } }, 'BAD_USER_INPUT', 'input.owner.type', /must be a reference of type IDENTITY/],
    ['a source of type IDENTITY', { authoritativeSource: { type: 'IDENTITY', id: ADP } }, 'BAD_USER_INPUT', 'input.authoritativeSource.type', /must be a reference of type SOURCE/],
    ['an unknown owner', { owner: { type: 'IDENTITY', id: 'ffffffffffffffffffffffff' } }, 'NOT_FOUND', 'input.owner.id', /User "ffffffffffffffffffffffff" was not found/],
    ['an owner id that is an application', { owner: { type: 'IDENTITY', id: ADP } }, 'NOT_FOUND', 'input.owner.id', /User/],
    ['an unknown source', { authoritativeSource: { type: 'SOURCE', id: 'ffffffffffffffffffffffff' } }, 'NOT_FOUND', 'input.authoritativeSource.id', /TargetSystem/],
    ['a source id that is a person', { authoritativeSource: { type: 'SOURCE', id: ZACHARY } }, 'NOT_FOUND', 'input.authoritativeSource.id', /TargetSystem/],
    [
      'a SailPoint-style source id',
      { authoritativeSource: { type: 'SOURCE', id: '2c9180835d191a86015d28455b4a2329' } },
      'BAD_USER_INPUT',
      'input.authoritativeSource.id',
      /24 hex characters/,
    ],
    [
      'a taskResultId that is no uuid',
      { identityExceptionReportReference: { taskResultId: 'task-1', reportName: 'r' } },
      'BAD_USER_INPUT',
      'input.identityExceptionReportReference.taskResultId',
      /must be a uuid/,
    ],
    [
      'two transforms of one attribute',
      { identityAttributeConfig: { attributeTransforms: [{ identityAttributeName: 'email' }, { identityAttributeName: 'email' }] } },
      'BAD_USER_INPUT',
      'input.identityAttributeConfig.attributeTransforms.1.identityAttributeName',
      /more than one transform/,
    ],
    [
      'transform attributes that are not an object',
      { identityAttributeConfig: { attributeTransforms: [{ identityAttributeName: 'email', transformDefinition: { attributes: 'x' } }] } },
      'BAD_USER_INPUT',
      'input.identityAttributeConfig.attributeTransforms.0.transformDefinition.attributes',
      /object/,
    ],
    ['an unknown field', { identityCounts: 3 }, 'BAD_USER_INPUT', 'input.identityCounts', /not defined/],
  ])('%s is refused', async (_, change, code, field, message) => {
    const error = await failsWithoutWriting(() => admin.request(CREATE, { input: { ...valid(), ...change } }));
    expect(error.extensions).toMatchObject({ code, field });
    expect(error.message).toMatch(message);
  });

  it('a duplicate name is a CONFLICT naming input.name', async () => {
    const error = await failsWithoutWriting(() => admin.request(CREATE, { input: { ...valid(), name: 'HR Employees' } }));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
    expect(error.message).toMatch(/"HR Employees" already exists/);
  });

  it.each([[Authority.CATALOG_ADMIN], [Authority.READ_ONLY], [Authority.REQUESTER], [Authority.SCIM_PROVISIONER]])(
    'a %s key may not create a profile (FORBIDDEN: ORG_ADMIN only)',
    async (authority) => {
      const client = await app.client('acme', [authority]);
      const error = await failsWithoutWriting(() => client.request(CREATE, { input: valid() }));
      expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', action: 'identityProfiles:write' });
      expect(error.message).toMatch(/needs one of: ORG_ADMIN$/);
    },
  );
});

describe('identityProfile and identityProfiles', () => {
  it('filters by name (contains, any case), source and owner, sorts, and pages', async () => {
    const q = gql`query ($filter: IdentityProfileFilter, $sort: IdentityProfileSort, $first: Int, $after: String) {
      identityProfiles(filter: $filter, sort: $sort, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { name priority } }
    }`;
    type Profiles = { identityProfiles: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ name: string; priority: number }> } };
    const all = await admin.request<Profiles>(q, {});
    expect(all.identityProfiles.nodes.map((n) => n.name)).toEqual(['Contractors', 'HR Employees']);
    const byName = await admin.request<Profiles>(q, { filter: { name: 'employ' } });
    expect(byName.identityProfiles).toMatchObject({ totalCount: 1, nodes: [{ name: 'HR Employees' }] });
    const bySource = await admin.request<Profiles>(q, { filter: { authoritativeSourceId: ATLASSIAN } });
    expect(bySource.identityProfiles.nodes).toEqual([{ name: 'Contractors', priority: 20 }]);
    const byOwner = await admin.request<Profiles>(q, { filter: { ownerId: ZACHARY } });
    expect(byOwner.identityProfiles.nodes).toEqual([{ name: 'HR Employees', priority: 10 }]);
    const byPriority = await admin.request<Profiles>(q, { sort: { field: 'PRIORITY', direction: 'DESC' } });
    expect(byPriority.identityProfiles.nodes.map((n) => n.priority)).toEqual([20, 10]);

    const page1 = await admin.request<Profiles>(q, { sort: { field: 'CREATED' }, first: 1 });
    expect(page1.identityProfiles).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true }, nodes: [{ name: 'HR Employees' }] });
    const page2 = await admin.request<Profiles>(q, { sort: { field: 'CREATED' }, first: 1, after: page1.identityProfiles.pageInfo.endCursor });
    expect(page2.identityProfiles).toMatchObject({ pageInfo: { hasNextPage: false }, nodes: [{ name: 'Contractors' }] });
  });

  it('a key without any authority may not read profiles (FORBIDDEN)', async () => {
    const nobody = await app.client('acme', []);
    const errors = await errorsOf(nobody.request(gql`{ identityProfiles { totalCount } }`));
    expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', action: 'identityProfiles:read' });
  });

  it('refuses a page larger than 100', async () => {
    const errors = await errorsOf(admin.request(gql`{ identityProfiles(first: 101) { totalCount } }`));
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('is readable with a READ_ONLY key, also through node(id); an unknown or malformed id is null', async () => {
    const reader = await app.client('acme', [Authority.READ_ONLY]);
    const data = await reader.request<{ identityProfiles: { totalCount: number; nodes: Array<{ id: string }> }; none: { id: string }; junk: { id: string } }>(
      gql`{ identityProfiles { totalCount nodes { id } } none: identityProfile(id: "ffffffffffffffffffffffff") { id } junk: identityProfile(id: "x") { id } }`,
    );
    expect(data).toMatchObject({ identityProfiles: { totalCount: 2 }, none: null, junk: null });
    const id = data.identityProfiles.nodes[0].id;
    const node = await reader.request<{ node: { __typename: string; id: string } }>(gql`query ($id: ID!) { node(id: $id) { __typename id } }`, { id });
    expect(node).toEqual({ node: { __typename: 'IdentityProfile', id } });
  });
});

describe('updateIdentityProfile', () => {
  let profileId: string;
  beforeAll(async () => {
    const created = await admin.request<CreateData>(CREATE, { input: { name: 'To update', authoritativeSource: { id: ATLASSIAN }, owner: { id: ZACHARY }, priority: 50 } });
    profileId = created.createIdentityProfile.id;
  });

  it('changes only the given fields, moves modified and audits before and after', async () => {
    const { updateIdentityProfile: p } = await admin.request<UpdateData>(UPDATE, {
      id: profileId,
      input: { description: 'Now described', priority: 40, owner: null, identityExceptionReportReference: { taskResultId: '3FA85F64-5717-4562-B3FC-2C963F66AFA6' } },
    });
    expect(p).toMatchObject({
      name: 'To update',
      description: 'Now described',
      priority: 40,
      owner: null,
      authoritativeSource: { id: ATLASSIAN },
      identityExceptionReportReference: { taskResultId: '3fa85f64-5717-4562-b3fc-2c963f66afa6', reportName: null },
    });
    expect(Date.parse(p.modified)).toBeGreaterThanOrEqual(Date.parse(p.created));
    const [event] = await em().find(AuditEvent, { entityId: profileId, action: 'identityProfile.update' });
    expect(event.before).toMatchObject({ description: null, priority: 50, ownerId: ZACHARY });
    expect(event.after).toMatchObject({ description: 'Now described', priority: 40, ownerId: null });
  });

  it('an update that changes nothing writes no audit event', async () => {
    const config = {
      enabled: true,
      attributeTransforms: [{ identityAttributeName: 'email', transformDefinition: { type: 'accountAttribute', attributes: { sourceName: 'HR', attributeName: 'mail' } } }],
    };
    await admin.request(UPDATE, { id: profileId, input: { identityAttributeConfig: config } });
    const before = await em().count(AuditEvent, { entityId: profileId });
    // The same values again, the JSON keys in another order.
    const reordered = {
      attributeTransforms: [{ transformDefinition: { attributes: { attributeName: 'mail', sourceName: 'HR' }, type: 'accountAttribute' }, identityAttributeName: 'email' }],
      enabled: true,
    };
    await admin.request(UPDATE, { id: profileId, input: { name: 'To update', priority: 40, identityAttributeConfig: reordered } });
    expect(await em().count(AuditEvent, { entityId: profileId })).toBe(before);
  });

  it.each([
    ['a taken name', { name: 'HR Employees' }, 'CONFLICT', 'input.name'],
    ['clearing the source', { authoritativeSource: null }, 'BAD_USER_INPUT', 'input.authoritativeSource'],
    ['clearing the name', { name: null }, 'BAD_USER_INPUT', 'input.name'],
    ['clearing the priority', { priority: null }, 'BAD_USER_INPUT', 'input.priority'],
    ['a source of type IDENTITY', { authoritativeSource: { type: 'IDENTITY', id: ADP } }, 'BAD_USER_INPUT', 'input.authoritativeSource.type'],
    ['an unknown owner', { owner: { id: 'ffffffffffffffffffffffff' } }, 'NOT_FOUND', 'input.owner.id'],
  ])('%s is refused and nothing changes', async (_, input, code, field) => {
    const before = await em().findOneOrFail(IdentityProfile, profileId);
    const error = await failsWithoutWriting(() => admin.request(UPDATE, { id: profileId, input: { description: 'should not stick', ...input } }));
    expect(error.extensions).toMatchObject({ code, field });
    const after = await em().findOneOrFail(IdentityProfile, profileId);
    expect(after.description).toBe(before.description);
    expect(after.modified).toEqual(before.modified);
  });

  it('an unknown profile is NOT_FOUND naming id; a non-ORG_ADMIN key is FORBIDDEN', async () => {
    const missing = await failsWithoutWriting(() => admin.request(UPDATE, { id: 'ffffffffffffffffffffffff', input: { priority: 1 } }));
    expect(missing.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const catalogAdmin = await app.client('acme', [Authority.CATALOG_ADMIN]);
    const denied = await failsWithoutWriting(() => catalogAdmin.request(UPDATE, { id: profileId, input: { priority: 1 } }));
    expect(denied.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('deleteIdentityProfile', () => {
  it('is refused with CONFLICT while identities belong to the profile', async () => {
    const list = await admin.request<{ identityProfiles: { nodes: Array<{ id: string; identityCount: number }> } }>(
      gql`{ identityProfiles(filter: { name: "HR Employees" }) { nodes { id identityCount } } }`,
    );
    const { id, identityCount } = list.identityProfiles.nodes[0];
    expect(identityCount).toBe(10);
    const error = await failsWithoutWriting(() => admin.request(DELETE, { id }));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(error.message).toMatch(/cannot be deleted while identities depend on it: 10 people belong to it/);
    expect(await em().count(IdentityProfile, { id })).toBe(1);
  });

  it('deletes a profile nobody belongs to, audited, and it reads as null afterwards', async () => {
    const empty = await buildTargetSystem(em(), demo);
    const created = await admin.request<CreateData>(CREATE, { input: { name: 'Empty source', authoritativeSource: { id: empty.id } } });
    const id = created.createIdentityProfile.id;
    expect(created.createIdentityProfile.identityCount).toBe(0);
    const reader = await app.client('acme', [Authority.CATALOG_ADMIN]);
    expect((await errorsOf(reader.request(DELETE, { id })))[0].extensions).toMatchObject({ code: 'FORBIDDEN' });

    expect(await admin.request<DeleteData>(DELETE, { id })).toEqual({ deleteIdentityProfile: id });
    expect(await admin.request<GetData>(GET, { id })).toEqual({ identityProfile: null });
    const events = await em().find(AuditEvent, { entityId: id }, { orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['identityProfile.create', 'identityProfile.delete']);
    expect(events[1].before).toMatchObject({ name: 'Empty source' });

    const again = await failsWithoutWriting(() => admin.request(DELETE, { id }));
    expect(again.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('precedence: each person belongs to one profile', () => {
  let people: User[];
  let hr: TargetSystem;
  let crm: TargetSystem;
  let lab: TargetSystem;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // people[0]: hr; people[1]: hr + crm; people[2]: crm + lab (twice on crm); people[3]: nothing.
    people = await buildUsers(em(), other, 4, (i) => ({ login: `p${i}-${Date.now()}` }));
    [hr, crm, lab] = [await buildTargetSystem(em(), other), await buildTargetSystem(em(), other), await buildTargetSystem(em(), other)];
    await buildAccounts(em(), other, [people[0], people[1]], hr);
    await buildAccounts(em(), other, [people[1], people[2], people[2]], crm);
    await buildAccounts(em(), other, [people[2]], lab);
    ids.hr = (await buildIdentityProfile(em(), other, hr, { name: 'HR', priority: 10 })).id;
    ids.crm = (await buildIdentityProfile(em(), other, crm, { name: 'CRM', priority: 5 })).id;
    // Same priority as CRM but created later: CRM keeps people[2].
    ids.lab = (await buildIdentityProfile(em(), other, lab, { name: 'Lab', priority: 5, created: new Date(Date.now() + 1000) })).id;
  });

  it('identityCount, identities and User.identityProfile agree: lowest priority first, then the earliest created', async () => {
    const data = await otherAdmin.request<{
      identityProfiles: { nodes: Array<{ name: string; identityCount: number; identities: { totalCount: number; nodes: Array<{ id: string }> } }> };
    }>(gql`{
      identityProfiles(sort: { field: NAME }) { nodes { name identityCount identities(first: 10) { totalCount nodes { id } } } }
    }`);
    const byName = Object.fromEntries(data.identityProfiles.nodes.map((n) => [n.name, n]));
    expect(byName.HR).toMatchObject({ identityCount: 1, identities: { totalCount: 1, nodes: [{ id: people[0].id }] } });
    expect(byName.CRM.identityCount).toBe(2);
    expect(byName.CRM.identities.nodes.map((n) => n.id).sort()).toEqual([people[1].id, people[2].id].sort());
    expect(byName.Lab).toMatchObject({ identityCount: 0, identities: { totalCount: 0, nodes: [] } });

    type Person = { identityProfile: { name: string } | null };
    const users = await otherAdmin.request<{ a: Person; b: Person; c: Person; d: Person }>(
      gql`query ($a: ID!, $b: ID!, $c: ID!, $d: ID!) {
        a: user(id: $a) { identityProfile { name } } b: user(id: $b) { identityProfile { name } }
        c: user(id: $c) { identityProfile { name } } d: user(id: $d) { identityProfile { name } }
      }`,
      { a: people[0].id, b: people[1].id, c: people[2].id, d: people[3].id },
    );
    expect(users).toEqual({
      a: { identityProfile: { name: 'HR' } },
      b: { identityProfile: { name: 'CRM' } },
      c: { identityProfile: { name: 'CRM' } },
      d: { identityProfile: null },
    });
  });

  it('identities pages by login with cursors', async () => {
    const q = gql`query ($id: ID!, $after: String) { identityProfile(id: $id) { identities(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { login } } } }`;
    type Identities = { identityProfile: { identities: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ login: string }> } } };
    const first = await otherAdmin.request<Identities>(q, { id: ids.crm });
    const second = await otherAdmin.request<Identities>(q, { id: ids.crm, after: first.identityProfile.identities.pageInfo.endCursor });
    const logins = [first, second].map((p) => p.identityProfile.identities.nodes[0].login);
    expect(logins).toEqual([people[1].login, people[2].login].sort());
    expect(first.identityProfile.identities.pageInfo.hasNextPage).toBe(true);
    expect(second.identityProfile.identities.pageInfo.hasNextPage).toBe(false);
  });

  it('raising a profile above another moves its people; TargetSystem.identityProfiles lists the source’s profiles', async () => {
    await otherAdmin.request(UPDATE, { id: ids.hr, input: { priority: 1 } });
    const data = await otherAdmin.request<{
      hr: { identityCount: number; authoritativeSource: { targetSystem: { id: string; identityProfiles: Array<{ name: string }> } } };
      crm: { identityCount: number };
    }>(
      gql`query ($hr: ID!, $crm: ID!) {
      hr: identityProfile(id: $hr) { identityCount authoritativeSource { targetSystem { id identityProfiles { name } } } }
      crm: identityProfile(id: $crm) { identityCount }
    }`,
      { hr: ids.hr, crm: ids.crm },
    );
    expect(data.hr.identityCount).toBe(2);
    expect(data.crm.identityCount).toBe(1);
    expect(data.hr.authoritativeSource.targetSystem).toEqual({ id: hr.id, identityProfiles: [{ name: 'HR' }] });
  });

  it('a profile every identity of which another profile claims can be deleted', async () => {
    expect(await otherAdmin.request<DeleteData>(DELETE, { id: ids.lab })).toEqual({ deleteIdentityProfile: ids.lab });
  });
});

describe('workspaces are isolated', () => {
  it('a key of another workspace cannot read, reference, update or delete these profiles', async () => {
    const { identityProfiles } = await admin.request<{ identityProfiles: { nodes: Array<{ id: string }> } }>(
      gql`{ identityProfiles(filter: { name: "HR Employees" }) { nodes { id } } }`,
    );
    const id = identityProfiles.nodes[0].id;

    const read = await otherAdmin.request<{ identityProfile: { id: string }; identityProfiles: { totalCount: number } }>(
      gql`query ($id: ID!) { identityProfile(id: $id) { id } identityProfiles(filter: { name: "HR Employees" }) { totalCount } }`,
      { id },
    );
    expect(read).toEqual({ identityProfile: null, identityProfiles: { totalCount: 0 } });

    const update = await failsWithoutWriting(() => otherAdmin.request(UPDATE, { id, input: { description: 'taken over' } }));
    expect(update.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const del = await failsWithoutWriting(() => otherAdmin.request(DELETE, { id }));
    expect(del.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });

    const source = await buildTargetSystem(em(), other);
    const owner = await failsWithoutWriting(() =>
      otherAdmin.request(CREATE, { input: { name: 'Borrowed owner', owner: { id: ZACHARY }, authoritativeSource: { id: source.id } } }),
    );
    expect(owner.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.owner.id' });
    const src = await failsWithoutWriting(() => otherAdmin.request(CREATE, { input: { name: 'Borrowed source', authoritativeSource: { id: ADP } } }));
    expect(src.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.authoritativeSource.id' });

    expect((await em().findOneOrFail(IdentityProfile, id)).description).toBe('My custom flat file profile');
  });
});
