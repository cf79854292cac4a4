import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestApp, type TestApp } from './harness.js';
import { Authority } from '../src/auth/authorities.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { createApiKey } from '../src/auth/api-key.service.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { Role, RoleMember } from '../src/governance/role.entity.js';
import { ScimUser, ScimUserRole } from '../src/scim/scim-user.entity.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ALL_EMPLOYEES = '63af039793ccdf675cc7aa10';
const AARON = '63aec79393ccdf675cc4ccf4';

let app: TestApp;
let acme: string;
let admin: string;
let other: string;

async function token(workspace: string, authorities: Authority[]) {
  const em = app.orm.em.fork();
  return (await createApiKey(em, em.getReference(Workspace, workspace), `scim ${authorities.join('+')}`, authorities)).token;
}

/**
 * A SCIM response body: a resource (User, Group, ResourceType, Schema), a ListResponse or an
 * Error. These are the members the tests read; each test knows which kind it gets.
 */
interface ScimBody {
  id: string;
  userName: string;
  roles: unknown;
  groups: unknown;
  members: unknown;
  [ENTERPRISE]: unknown;
  meta: { version: string };
  endpoint: string;
  schema: string;
  description: string;
  attributes: Array<{ name: string }>;
  totalResults: number;
  itemsPerPage: number;
  Resources: ScimBody[];
  scimType?: string;
  detail: string;
}

interface Reply {
  status: number;
  headers: Headers;
  body: ScimBody;
}

async function scim(method: string, path: string, options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.token === undefined ? admin : options.token;
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/scim+json';
  const res = await app.fetch(`/scim/v2${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const post = (body: unknown, key?: string) => scim('POST', '/Users', { body, token: key });
const patch = (id: string, operations: unknown[], headers: Record<string, string> = {}) =>
  scim('PATCH', `/Users/${id}`, { body: { schemas: [PATCH_OP], Operations: operations }, headers });
const scimCount = async (workspace = acme) => app.orm.em.fork().count(ScimUser, { workspace });

function expectError(reply: Reply, status: number, scimType?: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(reply.body).toMatchObject({ schemas: [ERROR], status: String(status), detail: expect.any(String) });
  if (scimType) expect(reply.body.scimType).toBe(scimType);
  else expect(reply.body).not.toHaveProperty('scimType');
}

beforeAll(async () => {
  app = await startTestApp();
  acme = await app.workspace('acme');
  admin = await token(acme, [Authority.SCIM_PROVISIONER]);
  other = await token(await app.workspace('other', null), [Authority.ORG_ADMIN]);
});
afterAll(async () => {
  await app?.stop();
});

describe('authentication and authorities', () => {
  it('answers 401 with a SCIM error and WWW-Authenticate when the key is missing or wrong', async () => {
    const missing = await scim('GET', '/Users', { token: null });
    expectError(missing, 401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="scim"');
    expectError(await scim('GET', '/Users', { token: 'igk_000000000000000000000000_notarealsecretatall' }), 401);
    expectError(await scim('GET', '/ServiceProviderConfig', { token: 'nonsense' }), 401);
  });

  it('READ_ONLY reads but may not write (403); REQUESTER may not read', async () => {
    const reader = await token(acme, [Authority.READ_ONLY]);
    const requester = await token(acme, [Authority.REQUESTER]);
    expect((await scim('GET', '/Users', { token: reader })).status).toBe(200);
    const before = await scimCount();
    expectError(await post({ userName: 'by-reader' }, reader), 403);
    expectError(await scim('POST', '/Groups', { token: reader, body: { displayName: 'Readers' } }), 403);
    expectError(await scim('GET', '/Users', { token: requester }), 403);
    expectError(await scim('GET', '/Groups', { token: requester }), 403);
    expect(await scimCount()).toBe(before);
  });
});

describe('discovery', () => {
  it('describes truthful capabilities', async () => {
    const spc = await scim('GET', '/ServiceProviderConfig');
    expect(spc.status).toBe(200);
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 100 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken' }],
    });
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body.Resources.map((r) => [r.id, r.endpoint, r.schema])).toEqual([
      ['User', '/Users', USER],
      ['Group', '/Groups', GROUP],
    ]);
    expect((await scim('GET', '/ResourceTypes/Group')).body.endpoint).toBe('/Groups');
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.totalResults).toBe(3);
    const user = await scim('GET', `/Schemas/${USER}`);
    expect(user.body.description).toBe('User Account');
    expect(user.body.attributes.find((a) => a.name === 'userName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
    expectError(await scim('GET', '/Schemas/urn:nope'), 404);
    expectError(await scim('GET', '/Nothing'), 404);
    expectError(await scim('DELETE', '/ServiceProviderConfig'), 405);
  });
});

describe('/Users', () => {
  let jdoe: ScimBody;

  it('POST creates (201, Location, ETag), reading "True", any-case names, the enterprise extension; never returns password', async () => {
    const reply = await post({
      schemas: [USER, ENTERPRISE],
      UserName: 'jdoe@example.com',
      Active: 'True',
      password: 'hunter2',
      name: { GivenName: 'Jane', familyName: 'Doe' },
      emails: [
        { value: 'jdoe@example.com', type: 'work', primary: true },
        { value: 'jane@home.example', type: 'home' },
      ],
      title: 'Engineer',
      roles: [{ value: 'All Employees' }],
      [ENTERPRISE]: { Department: 'R&D', employeeNumber: '42' },
      bogus: 'ignored',
    });
    expect(reply.status).toBe(201);
    jdoe = reply.body;
    expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(reply.headers.get('location')).toBe(`${app.origin}/scim/v2/Users/${jdoe.id}`);
    expect(reply.headers.get('etag')).toBe('W/"1"');
    expect(jdoe).toEqual({
      schemas: [USER, ENTERPRISE],
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      userName: 'jdoe@example.com',
      name: { givenName: 'Jane', familyName: 'Doe' },
      displayName: 'Jane Doe',
      active: true,
      emails: [
        { value: 'jdoe@example.com', type: 'work', primary: true },
        { value: 'jane@home.example', type: 'home' },
      ],
      userType: 'USER',
      title: 'Engineer',
      roles: [{ value: 'All Employees' }],
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '42' },
      meta: { resourceType: 'User', created: expect.any(String), lastModified: expect.any(String), location: `${app.origin}/scim/v2/Users/${jdoe.id}`, version: 'W/"1"' },
    });
    expect(JSON.stringify(jdoe)).not.toContain('hunter2');
  });

  it('POST of a taken userName, in any case, is 409 uniqueness and writes nothing', async () => {
    const before = await scimCount();
    const reply = await post({ schemas: [USER], userName: 'JDOE@example.COM' });
    expectError(reply, 409, 'uniqueness');
    expect(reply.body.detail).toMatch(/already taken/);
    expect(await scimCount()).toBe(before);
  });

  it.each([
    [{ schemas: [USER], active: true }, 'invalidValue', /userName is required/],
    [{ userName: 'x', active: 'sometimes' }, 'invalidValue', /active must be true or false/],
    [{ userName: 'x', userType: 'Employee' }, 'invalidValue', /userType must be one of/],
    [{ userName: 'x', emails: [{ type: 'work' }] }, 'invalidValue', /needs a value/],
    ['{"userName": tre,', 'invalidSyntax', /not valid JSON/],
    ['', 'invalidSyntax', /needs a JSON body/],
  ])('POST %j is 400 %s and writes nothing', async (body, scimType, detail) => {
    const before = await scimCount();
    const reply = await post(body);
    expectError(reply, 400, scimType);
    expect(reply.body.detail).toMatch(detail);
    expect(await scimCount()).toBe(before);
  });

  it('GET lists with filters: userName case-insensitively (Okta), value paths, dates, not', async () => {
    for (const userName of ['okta.one@example.com', 'okta.two@example.com', 'entra.three@example.org']) {
      expect((await post({ userName, emails: [{ value: userName, type: userName.startsWith('okta') ? 'work' : 'home' }] })).status).toBe(201);
    }
    const q = async (filter: string) => (await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`)).body;
    const names = async (filter: string) => (await q(filter)).Resources.map((r) => r.userName).sort();
    const okta = await q('userName eq "OKTA.ONE@example.com"');
    expect(okta).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(okta.Resources[0].userName).toBe('okta.one@example.com');
    expect(await names('emails[type eq "work"].value co "okta"')).toEqual(['okta.one@example.com', 'okta.two@example.com']);
    expect(await names('emails.value ew ".org" or externalId pr')).toEqual(['entra.three@example.org']);
    expect(await names('userName sw "okta" and not (userName co "two")')).toEqual(['okta.one@example.com']);
    expect(await names('displayname eq "Jane Doe"')).toEqual(['jdoe@example.com']);
    expect((await q('meta.created gt 2015-10-10T14:38:21.8617979-07:00')).totalResults).toBe(4);
    expect((await q(`meta.created gt "${new Date(Date.now() + 60_000).toISOString()}"`)).totalResults).toBe(0);
    expect(await names('roles eq "all employees"')).toEqual(['jdoe@example.com']);
  });

  it('GET pages with startIndex and count, in SQL', async () => {
    const page = (await scim('GET', '/Users?startIndex=1&count=2')).body;
    expect(page).toMatchObject({ totalResults: 4, startIndex: 1, itemsPerPage: 2 });
    const rest = (await scim('GET', '/Users?startIndex=3&count=2')).body;
    expect(rest).toMatchObject({ totalResults: 4, startIndex: 3, itemsPerPage: 2 });
    const ids = [...page.Resources, ...rest.Resources].map((r) => r.id);
    expect(new Set(ids).size).toBe(4);
    expect((await scim('GET', '/Users?startIndex=5')).body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
    expect((await scim('GET', '/Users?count=0')).body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
    expect((await scim('GET', '/Users?count=1000')).body.itemsPerPage).toBe(4);
    expectError(await scim('GET', '/Users?count=ten'), 400, 'invalidValue');
    expectError(await scim('GET', '/Users?filter=userName%20zz%20%22x%22'), 400, 'invalidFilter');
    expectError(await scim('GET', '/Users?filter=password%20eq%20%22x%22'), 400, 'invalidFilter');
  });

  it('GET honours attributes and excludedAttributes', async () => {
    const only = (await scim('GET', '/Users?attributes=userName&filter=userName%20eq%20%22jdoe@example.com%22')).body.Resources[0];
    expect(only).toEqual({ schemas: [USER, ENTERPRISE], id: jdoe.id, userName: 'jdoe@example.com' });
    const without = (await scim('GET', `/Users/${jdoe.id}?excludedAttributes=emails,${ENTERPRISE}:department`)).body;
    expect(without).not.toHaveProperty('emails');
    expect(without[ENTERPRISE]).toEqual({ employeeNumber: '42' });
  });

  it('POST /Users/.search takes the query in the body', async () => {
    const reply = await scim('POST', '/Users/.search', {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "okta"', count: 1, attributes: ['userName'] },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ totalResults: 2, itemsPerPage: 1 });
    expect(Object.keys(reply.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
  });

  it('GET by id sends the ETag, answers If-None-Match with 304, and 404 for unknown ids', async () => {
    const got = await scim('GET', `/Users/${jdoe.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('W/"1"');
    expect(got.body).toEqual(jdoe);
    const cached = await app.fetch(`/scim/v2/Users/${jdoe.id}`, { headers: { authorization: `Bearer ${admin}`, 'if-none-match': 'W/"1"' } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe('W/"1"');
    expect((await scim('GET', `/Users/${jdoe.id}`, { headers: { 'if-none-match': 'W/"0"' } })).status).toBe(200);
    expectError(await scim('GET', '/Users/ffffffffffffffffffffffff'), 404);
    expectError(await scim('GET', '/Users/not-an-id'), 404);
  });

  it('PUT replaces the user; a stale If-Match is 412 and writes nothing', async () => {
    const stale = await scim('PUT', `/Users/${jdoe.id}`, { body: { userName: 'jdoe@example.com', nickName: 'JD' }, headers: { 'if-match': 'W/"7"' } });
    expectError(stale, 412);
    expect((await app.orm.em.fork().findOneOrFail(ScimUser, jdoe.id)).nickName).toBeNull();

    const put = await scim('PUT', `/Users/${jdoe.id}`, {
      body: { schemas: [USER], id: jdoe.id, userName: 'jdoe@example.com', nickName: 'JD', active: false },
      headers: { 'if-match': 'W/"1"' },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe('W/"2"');
    expect(put.body).toMatchObject({ userName: 'jdoe@example.com', nickName: 'JD', active: false, displayName: 'jdoe@example.com', meta: { version: 'W/"2"' } });
    // Replace means replace: what the body leaves out is gone.
    for (const gone of ['emails', 'name', 'title', 'roles', ENTERPRISE]) expect(put.body).not.toHaveProperty(gone);
    expect(await app.orm.em.fork().count(ScimUserRole, { scimUser: jdoe.id })).toBe(0);

    expectError(await scim('PUT', `/Users/${jdoe.id}`, { body: { userame: 'typo' } }), 400, 'invalidValue');
    expectError(await scim('PUT', `/Users/${jdoe.id}`, { body: { userName: 'OKTA.ONE@example.com' } }), 409, 'uniqueness');
    expectError(await scim('PUT', '/Users/ffffffffffffffffffffffff', { body: { userName: 'ghost' } }), 404);
  });

  it('PATCH in the forms Okta and Entra send: 204 with the new ETag', async () => {
    const id = jdoe.id;
    const okta = await patch(id, [{ op: 'Replace', value: { active: true } }]);
    expect(okta.status).toBe(204);
    expect(okta.headers.get('etag')).toBe('W/"3"');
    expect(okta.body).toBeNull();

    expect(
      (
        await patch(id, [
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'Add', value: { 'name.givenName': 'Janet', 'name.familyName': 'Doe', displayName: 'Janet Doe' } },
          { op: 'add', path: 'emails[type eq "work"].value', value: 'janet@example.com' },
          { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Sales' },
          { op: 'replace', path: 'userName', value: 'janet@example.com' },
        ])
      ).status,
    ).toBe(204);
    const after = (await scim('GET', `/Users/${id}`)).body;
    expect(after).toMatchObject({
      userName: 'janet@example.com',
      active: false,
      displayName: 'Janet Doe',
      name: { givenName: 'Janet', familyName: 'Doe' },
      emails: [{ type: 'work', value: 'janet@example.com' }],
      [ENTERPRISE]: { department: 'Sales' },
      meta: { version: 'W/"4"' },
    });
    // and the filters see it, as the index follows every write
    expect((await scim('GET', '/Users?filter=emails.value%20eq%20%22JANET@example.com%22')).body.totalResults).toBe(1);

    const shown = await patch(id, [{ op: 'remove', path: 'nickName' }], { prefer: 'return=representation' });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id, userName: 'janet@example.com', meta: { version: 'W/"5"' } });
    expect(shown.body).not.toHaveProperty('nickName');
  });

  it('PATCH errors: stale If-Match 412, bad op / path 400, unknown user 404; none writes', async () => {
    const version = (await app.orm.em.fork().findOneOrFail(ScimUser, jdoe.id)).version;
    expectError(await patch(jdoe.id, [{ op: 'replace', path: 'active', value: true }], { 'if-match': 'W/"1"' }), 412);
    expectError(await patch(jdoe.id, [{ op: 'copy', path: 'active' }]), 400, 'invalidSyntax');
    expectError(await patch(jdoe.id, [{ op: 'replace', path: 'nope', value: 1 }]), 400, 'invalidPath');
    expectError(await patch(jdoe.id, [{ op: 'remove' }]), 400, 'noTarget');
    expectError(await patch(jdoe.id, [{ op: 'replace', path: 'userName', value: 'okta.two@example.com' }]), 409, 'uniqueness');
    expectError(await scim('PATCH', `/Users/${jdoe.id}`, { body: { schemas: [PATCH_OP] } }), 400, 'invalidSyntax');
    expectError(await patch('ffffffffffffffffffffffff', [{ op: 'replace', path: 'active', value: true }]), 404);
    expect((await app.orm.em.fork().findOneOrFail(ScimUser, jdoe.id)).version).toBe(version);
  });

  it('DELETE answers 204, then the user is gone; a stale If-Match is 412', async () => {
    const { body: u } = await post({ userName: 'short-lived' });
    expectError(await scim('DELETE', `/Users/${u.id}`, { headers: { 'if-match': 'W/"9"' } }), 412);
    const del = await scim('DELETE', `/Users/${u.id}`, { headers: { 'if-match': 'W/"1"' } });
    expect(del.status).toBe(204);
    expectError(await scim('GET', `/Users/${u.id}`), 404);
    expectError(await scim('DELETE', `/Users/${u.id}`), 404);
    const actions = (await app.orm.em.fork().find(AuditEvent, { entityId: u.id }, { orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['scimUser.create', 'scimUser.delete']);
  });
});

describe('workspaces', () => {
  it("a key of another workspace gets 404 for acme's user, sees none in lists, and may reuse the userName", async () => {
    const { body: mine } = await post({ userName: 'tenant-bound' });
    expectError(await scim('GET', `/Users/${mine.id}`, { token: other }), 404);
    expectError(await scim('PUT', `/Users/${mine.id}`, { token: other, body: { userName: 'x' } }), 404);
    expectError(await scim('PATCH', `/Users/${mine.id}`, { token: other, body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] } }), 404);
    expectError(await scim('DELETE', `/Users/${mine.id}`, { token: other }), 404);
    const list = (await scim('GET', '/Users?filter=userName%20eq%20%22tenant-bound%22', { token: other })).body;
    expect(list).toMatchObject({ totalResults: 0, Resources: [] });
    expect((await scim('GET', `/Groups/${ALL_EMPLOYEES}`, { token: other })).status).toBe(404);
    expect((await post({ userName: 'TENANT-BOUND' }, other)).status).toBe(201);
    expect((await app.orm.em.fork().findOneOrFail(ScimUser, mine.id)).active).toBe(true);
  });
});

describe('/Groups (roles of the workspace)', () => {
  let aaron: ScimBody;
  let group: ScimBody;

  it('lists the roles as groups and filters by displayName', async () => {
    const list = (await scim('GET', '/Groups?filter=displayName%20eq%20%22all%20employees%22')).body;
    expect(list.totalResults).toBe(1);
    expect(list.Resources[0]).toMatchObject({
      schemas: [GROUP],
      id: ALL_EMPLOYEES,
      displayName: 'All Employees',
      meta: { resourceType: 'Group', location: `${app.origin}/scim/v2/Groups/${ALL_EMPLOYEES}` },
    });
    expect(list.Resources[0].meta.version).toMatch(/^W\/".+"$/);
  });

  it('POST creates a Role (409 when one of that name exists) and links SCIM roles that named it', async () => {
    ({ body: aaron } = await post({ userName: 'aaron', roles: ['Future Role'] }));
    expect(aaron.roles).toEqual([{ value: 'Future Role' }]);
    expectError(await scim('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'ALL EMPLOYEES' } }), 409, 'uniqueness');
    const created = await scim('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Future Role', members: [] } });
    expect(created.status).toBe(201);
    group = created.body;
    expect(created.headers.get('location')).toBe(`${app.origin}/scim/v2/Groups/${group.id}`);
    expect(created.headers.get('etag')).toBe(group.meta.version);
    expect(group).toMatchObject({ schemas: [GROUP], displayName: 'Future Role' });
    const role = await app.orm.em.fork().findOneOrFail(Role, group.id);
    expect([role.name, role.displayName, role.workspace.id]).toEqual(['Future Role', 'Future Role', acme]);
    // aaron's "Future Role" now links to it, and his IGA identity holds it through SCIM.
    expect((await app.orm.em.fork().findOneOrFail(ScimUserRole, { scimUser: aaron.id, kind: 'ROLE' })).role?.id).toBe(group.id);
    expect(await app.orm.em.fork().count(RoleMember, { user: AARON, role: group.id, source: 'SCIM' })).toBe(1);
    expectError(await scim('POST', '/Groups', { body: { schemas: [GROUP] } }), 400, 'invalidValue');
  });

  it('PATCH adds and removes members: GROUP links, SCIM memberships, user versions move', async () => {
    const { body: member } = await post({ userName: 'steve', displayName: 'Steve Clark' });
    const added = await scim('PATCH', `/Groups/${ALL_EMPLOYEES}`, {
      body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: member.id, display: 'Steve' }] }] },
    });
    expect(added.status).toBe(204);
    const got = (await scim('GET', `/Groups/${ALL_EMPLOYEES}`)).body;
    expect(got.members).toEqual([{ value: member.id, display: 'Steve', type: 'User', $ref: `${app.origin}/scim/v2/Users/${member.id}` }]);
    expect(added.headers.get('etag')).toBe(got.meta.version);
    const user = (await scim('GET', `/Users/${member.id}`)).body;
    expect(user.groups).toEqual([{ value: ALL_EMPLOYEES, display: 'All Employees', $ref: `${app.origin}/scim/v2/Groups/${ALL_EMPLOYEES}` }]);
    expect(user.meta.version).toBe('W/"2"');
    const steve = await app.orm.em.fork().findOneOrFail(ScimUser, member.id, { populate: ['user'] });
    expect(steve.user?.login).toBe('steve');
    expect(await app.orm.em.fork().count(RoleMember, { user: steve.user!.id, role: ALL_EMPLOYEES, source: 'SCIM' })).toBe(1);
    expect((await scim('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${member.id}"]`)}`)).body.Resources.map((g) => g.id)).toEqual([ALL_EMPLOYEES]);
    expect((await scim('GET', `/Users?filter=${encodeURIComponent(`groups.value eq "${ALL_EMPLOYEES}"`)}`)).body.Resources.map((u) => u.id)).toEqual([member.id]);

    const stale = await scim('PATCH', `/Groups/${ALL_EMPLOYEES}`, {
      body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members' }] },
      headers: { 'if-match': 'W/"stale"' },
    });
    expectError(stale, 412);
    const removed = await scim('PATCH', `/Groups/${ALL_EMPLOYEES}`, {
      body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${member.id}"]` }] },
      headers: { 'if-match': got.meta.version },
    });
    expect(removed.status).toBe(204);
    expect((await scim('GET', `/Groups/${ALL_EMPLOYEES}`)).body).not.toHaveProperty('members');
    expect(await app.orm.em.fork().count(RoleMember, { user: steve.user!.id, role: ALL_EMPLOYEES, source: 'SCIM' })).toBe(0);
    expect((await scim('GET', `/Users/${member.id}`)).body).not.toHaveProperty('groups');
  });

  it('PUT renames and sets members; excludedAttributes=members hides them; DELETE removes the Role', async () => {
    const put = await scim('PUT', `/Groups/${group.id}`, { body: { schemas: [GROUP], displayName: 'Present Role', members: [{ value: aaron.id }] } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ displayName: 'Present Role', members: [{ value: aaron.id, display: 'aaron' }] });
    expect((await scim('GET', `/Groups/${group.id}?excludedAttributes=members`)).body).not.toHaveProperty('members');
    expectError(await scim('PUT', `/Groups/${group.id}`, { body: { displayName: 'All Employees' } }), 409, 'uniqueness');

    expect((await scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    expect(await app.orm.em.fork().findOne(Role, group.id)).toBeNull();
    expectError(await scim('GET', `/Groups/${group.id}`), 404);
    expect(await app.orm.em.fork().count(RoleMember, { role: group.id })).toBe(0);
    // aaron keeps the role name he was given, now unlinked
    expect((await scim('GET', `/Users/${aaron.id}`)).body.roles).toEqual([{ value: 'Future Role' }]);
    const actions = (await app.orm.em.fork().find(AuditEvent, { entityId: group.id }, { orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith('scimGroup.'))).toEqual(['scimGroup.create', 'scimGroup.update', 'scimGroup.delete']);
  });
});
