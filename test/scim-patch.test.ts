import { describe, it, expect } from 'vitest';
import { applyPatch, patchOperations } from '../src/scim/scim-patch.js';
import { readGroup, readUser, project } from '../src/scim/scim-resource.js';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../src/scim/scim-schemas.js';
import { DomainError } from '../src/errors.js';

const user = () => ({
  schemas: [USER_SCHEMA],
  id: '65a000000000000000000001',
  userName: 'bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  displayName: 'Babs',
  active: true,
  emails: [
    { value: 'b@work.example', type: 'work', primary: true },
    { value: 'b@home.example', type: 'home' },
  ],
  meta: { resourceType: 'User', version: 'W/"1"' },
});

const patch = (resource: Record<string, unknown>, ...ops: unknown[]) =>
  applyPatch(resource, patchOperations({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops }), USER_SCHEMA);

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('PATCH operations', () => {
  it('replaces with a path, op names in any case', () => {
    expect(patch(user(), { op: 'Replace', path: 'userName', value: 'ryan3' }).userName).toBe('ryan3');
    expect(patch(user(), { op: 'REPLACE', path: 'NAME.givenName', value: 'Barb' }).name).toEqual({ givenName: 'Barb', familyName: 'Jensen' });
  });

  it('replaces without a path from an object value: {"active": false} (Okta), dotted keys (Entra), URN keys', () => {
    const out = patch(
      user(),
      { op: 'Replace', value: { active: false } },
      { op: 'replace', value: { 'name.givenName': 'B.', 'name.familyName': 'J.' } },
      { op: 'add', value: { [`${ENTERPRISE_SCHEMA}:department`]: 'Tour Operations', 'urn:ietf:params:scim:schemas:core:2.0:User:nickName': 'Babs' } },
    );
    expect(out.active).toBe(false);
    expect(out.name).toEqual({ givenName: 'B.', familyName: 'J.' });
    expect(out[ENTERPRISE_SCHEMA]).toEqual({ department: 'Tour Operations' });
    expect(out.nickName).toBe('Babs');
  });

  it('reads a bare id given for the enterprise manager as its value', () => {
    const out = patch(user(), { op: 'add', path: `${ENTERPRISE_SCHEMA}:manager`, value: '26118915-6090-4610-87e4-49d8ca9f808d' });
    expect(readUser(out).attributes[ENTERPRISE_SCHEMA]).toEqual({ manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } });
  });

  it('keeps "False" as given; reading the result makes it a boolean (active as identity providers send it)', () => {
    const out = patch(user(), { op: 'replace', path: 'active', value: 'False' });
    expect(out.active).toBe('False');
    expect(readUser(out).active).toBe(false);
  });

  it('merges a complex value: sub-attributes not given are left unchanged', () => {
    expect(patch(user(), { op: 'replace', path: 'name', value: { givenName: 'Bab' } }).name).toEqual({ givenName: 'Bab', familyName: 'Jensen' });
  });

  it('targets values through a filter: replace the work email value, remove the home email', () => {
    const out = patch(user(), { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@work.example' }, { op: 'remove', path: 'emails[type eq "home"]' });
    expect(out.emails).toEqual([{ value: 'new@work.example', type: 'work', primary: true }]);
  });

  it('creates the value a filter describes when none matches (Entra adds emails[type eq "work"].value this way)', () => {
    const out = patch({ ...user(), emails: [] }, { op: 'add', path: 'emails[type eq "work"].value', value: 'w@x.example' });
    expect(out.emails).toEqual([{ type: 'work', value: 'w@x.example' }]);
  });

  it('adds to multi-valued attributes without duplicating values, and replaces them wholesale', () => {
    const added = patch(user(), {
      op: 'add',
      path: 'emails',
      value: [
        { value: 'b@home.example', type: 'home' },
        { value: 'c@x.example', type: 'other' },
      ],
    });
    expect((added.emails as unknown[]).length).toBe(3);
    const replaced = patch(user(), { op: 'replace', path: 'emails', value: [{ value: 'only@x.example' }] });
    expect(replaced.emails).toEqual([{ value: 'only@x.example' }]);
  });

  it('removes an attribute, and a sub-attribute of matching values', () => {
    expect(patch(user(), { op: 'remove', path: 'displayName' })).not.toHaveProperty('displayName');
    expect(patch(user(), { op: 'remove', path: 'emails[type eq "work"].primary' }).emails).toEqual([
      { value: 'b@work.example', type: 'work' },
      { value: 'b@home.example', type: 'home' },
    ]);
  });

  it('changes group members: add, remove by filter, remove by value list, remove all', () => {
    const group = { schemas: [GROUP_SCHEMA], id: 'g', displayName: 'Admins', members: [{ value: 'a' }, { value: 'b' }] };
    const ops = (...o: unknown[]) => applyPatch(group, patchOperations({ Operations: o }), GROUP_SCHEMA);
    expect(ops({ op: 'add', path: 'members', value: [{ value: 'c', displayName: 'new User' }] }).members).toEqual([
      { value: 'a' },
      { value: 'b' },
      { value: 'c', displayName: 'new User' },
    ]);
    expect(ops({ op: 'remove', path: 'members[value eq "a"]' }).members).toEqual([{ value: 'b' }]);
    expect(ops({ op: 'Remove', path: 'members', value: [{ value: 'b' }] }).members).toEqual([{ value: 'a' }]);
    expect(ops({ op: 'remove', path: 'members' }).members).toEqual([]);
    expect(readGroup(ops({ op: 'replace', value: { displayName: 'Ops' } })).displayName).toBe('Ops');
    expect(readGroup(ops({ op: 'add', path: 'members', value: [{ value: 'c', displayName: 'new User' }] })).members.at(-1)).toEqual({ value: 'c', display: 'new User' });
  });

  it('never mutates the resource it is given', () => {
    const original = user();
    patch(original, { op: 'replace', path: 'name.givenName', value: 'X' }, { op: 'remove', path: 'emails' });
    expect(original).toEqual(user());
  });

  it.each([
    [{ Operations: [] }, 'invalidSyntax', /non-empty "Operations"/],
    [{ Operations: [{ op: 'move', path: 'userName' }] }, 'invalidSyntax', /add, replace or remove/],
    [{ Operations: [{ op: 'remove' }] }, 'noTarget', /needs a path/],
    [{ Operations: [{ op: 'replace', value: 'x' }] }, 'invalidSyntax', /object value/],
    [{ Operations: [{ op: 'replace', path: 'bogus', value: 'x' }] }, 'invalidPath', /Unknown attribute/],
    [{ Operations: [{ op: 'replace', path: 'name.nope', value: 'x' }] }, 'invalidPath', /Unknown sub-attribute/],
    [{ Operations: [{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }] }, 'invalidPath', /Invalid path/],
  ])('rejects %j with %s', (body, scimType, message) => {
    const error = failure(() => applyPatch(user(), patchOperations(body), USER_SCHEMA));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details).toEqual({ scimType });
    expect(error.message).toMatch(message);
  });

  it('ignores unknown attributes in a path-less value, as a PUT does', () => {
    const out = patch(user(), { op: 'replace', value: { foo: 'bar', userName: 'x' } });
    expect(out).toMatchObject({ id: '65a000000000000000000001', userName: 'x' });
    expect(out).not.toHaveProperty('foo');
  });

  it('refuses read-only attributes (RFC 7644 §3.5.2: scimType mutability), with a path or without', () => {
    for (const op of [
      { op: 'replace', value: { id: 'other', userName: 'x' } },
      { op: 'replace', value: { meta: {} } },
      { op: 'replace', path: 'meta.created', value: '2001-01-01T00:00:00Z' },
      { op: 'add', path: 'groups', value: [{ value: 'g' }] },
    ]) {
      expect(() => patch(user(), op)).toThrow(expect.objectContaining({ details: { scimType: 'mutability' } }));
    }
  });
});

describe('reading a User', () => {
  it('matches attribute names case-insensitively and reads "True"/"False" strings as booleans', () => {
    const data = readUser({ UserName: 'Ann', Active: 'False', Emails: [{ Primary: 'True', Value: 'a@b.c', Type: 'work' }], NAME: { GivenName: 'Ann' } });
    expect(data).toMatchObject({ userName: 'Ann', active: false, emails: [{ value: 'a@b.c', type: 'work', primary: true }], name: { givenName: 'Ann' } });
  });

  it('keeps other RFC attributes and the enterprise extension, canonically named; drops unknown ones and password', () => {
    const data = readUser({
      userName: 'a',
      title: 'Engineer',
      adreses: [{ country: 'X' }],
      password: 'secret',
      addresses: [{ Country: 'Germany', primary: 'false' }],
      [ENTERPRISE_SCHEMA]: { Department: 'R&D', Manager: { Value: 'm1' } },
    });
    expect(data.attributes).toEqual({
      title: 'Engineer',
      addresses: [{ country: 'Germany', primary: false }],
      [ENTERPRISE_SCHEMA]: { department: 'R&D', manager: { value: 'm1' } },
    });
    expect(data.schemas).toEqual([USER_SCHEMA, ENTERPRISE_SCHEMA]);
    expect(JSON.stringify(data)).not.toContain('secret');
  });

  it.each([
    [{}, 'userName', /userName is required/],
    [{ userName: '  ' }, 'userName', /non-empty/],
    [{ userName: 'a', active: 'yes' }, 'active', /true or false/],
    [{ userName: 'a', emails: [{ type: 'work' }] }, 'emails.0.value', /needs a value/],
    [{ userName: 'a', userType: 'Employee' }, 'userType', /USER, SERVICE, DEBUG/],
    [{ userName: 'a', name: 'Ann' }, 'name', /object/],
    [{ userName: 'a', roles: [42] }, 'roles.0', /string or an object/],
    [{ userName: 'x'.repeat(256) }, 'userName', /at most 255 characters/],
    [{ userName: 'a', emails: [{ value: `${'x'.repeat(250)}@example.com` }] }, 'emails.0.value', /at most 255/],
  ])('rejects %j naming %s', (body, field, message) => {
    const error = failure(() => readUser(body));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field, details: { scimType: 'invalidValue' } });
    expect(error.message).toMatch(message);
  });
});

describe('attributes and excludedAttributes', () => {
  const resource = { ...user(), [ENTERPRISE_SCHEMA]: { department: 'R&D', costCenter: '7' } };

  it('returns only the requested attributes plus id and schemas', () => {
    expect(project(resource, USER_SCHEMA, 'userName,NAME.givenName')).toEqual({ schemas: [USER_SCHEMA], id: resource.id, userName: 'bjensen', name: { givenName: 'Barbara' } });
    expect(project(resource, USER_SCHEMA, `${ENTERPRISE_SCHEMA}:department`)).toEqual({ schemas: [USER_SCHEMA], id: resource.id, [ENTERPRISE_SCHEMA]: { department: 'R&D' } });
    expect(project(resource, USER_SCHEMA, 'emails[type eq "work"]')).toMatchObject({ emails: resource.emails });
  });

  it('drops excluded attributes but never id', () => {
    const out = project(resource, USER_SCHEMA, null, 'emails,id,name.familyName');
    expect(out).not.toHaveProperty('emails');
    expect(out.id).toBe(resource.id);
    expect(out.name).toEqual({ givenName: 'Barbara' });
  });
});
