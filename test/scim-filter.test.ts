import { describe, it, expect } from 'vitest';
import { SqlitePlatform } from '@mikro-orm/sqlite';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { matchesValue, parseFilter, parsePatchPath } from '../src/scim/scim-filter.js';
import { compile, parseDateTime, USER_FILTER, GROUP_FILTER } from '../src/scim/scim-query.js';
import { DomainError } from '../src/errors.js';

const sqlite = new SqlitePlatform();
const sql = (filter: string, spec = USER_FILTER, platform: SqlitePlatform | PostgreSqlPlatform = sqlite) => compile(parseFilter(filter), spec, platform, 'u', { n: 0 });

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('SCIM filter parsing (RFC 7644 §3.4.2.2)', () => {
  it('parses a comparison with a JSON string value', () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual({ op: 'eq', path: { attr: 'userName' }, value: 'bjensen' });
  });

  it('gives and precedence over or, and parentheses override it', () => {
    const a = { op: 'pr', path: { attr: 'a' } };
    const b = { op: 'pr', path: { attr: 'b' } };
    const c = { op: 'pr', path: { attr: 'c' } };
    expect(parseFilter('a pr or b pr and c pr')).toEqual({ op: 'or', left: a, right: { op: 'and', left: b, right: c } });
    expect(parseFilter('(a pr or b pr) and c pr')).toEqual({ op: 'and', left: { op: 'or', left: a, right: b }, right: c });
  });

  it('reads operators, and/or/not in any case, and not (…)', () => {
    expect(parseFilter('not (active EQ true) AND userName Sw "J"')).toEqual({
      op: 'and',
      left: { op: 'not', filter: { op: 'eq', path: { attr: 'active' }, value: true } },
      right: { op: 'sw', path: { attr: 'userName' }, value: 'J' },
    });
  });

  it('reads sub-attributes, URN prefixes, numbers, null and escaped strings', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "O\\"Malley"')).toEqual({
      op: 'eq',
      path: { schema: 'urn:ietf:params:scim:schemas:core:2.0:User', attr: 'name', sub: 'familyName' },
      value: 'O"Malley',
    });
    expect(parseFilter('meta.version gt 3')).toMatchObject({ value: 3 });
    expect(parseFilter('externalId eq null')).toMatchObject({ value: null });
  });

  it("accepts unquoted words as strings, as Microsoft's collection sends them", () => {
    expect(parseFilter('name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)')).toEqual({
      op: 'and',
      left: { op: 'eq', path: { attr: 'name', sub: 'FamilyName' }, value: 'Employee' },
      right: {
        op: 'or',
        left: { op: 'co', path: { attr: 'emails', sub: 'Value' }, value: 'example.com' },
        right: { op: 'co', path: { attr: 'emails', sub: 'Value' }, value: 'example.org' },
      },
    });
    expect(parseFilter('meta.Created gt 2015-10-10T14:38:21.8617979-07:00')).toMatchObject({ value: '2015-10-10T14:38:21.8617979-07:00' });
  });

  it('parses value paths, with a trailing sub-attribute comparison', () => {
    expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
      op: 'has',
      path: { attr: 'emails' },
      filter: { op: 'and', left: { op: 'eq', path: { attr: 'type' }, value: 'work' }, right: { op: 'co', path: { attr: 'value' }, value: '@example.com' } },
    });
    expect(parseFilter('emails[type eq "work"].value eq "a@b.c"')).toEqual({
      op: 'has',
      path: { attr: 'emails' },
      filter: { op: 'and', left: { op: 'eq', path: { attr: 'type' }, value: 'work' }, right: { op: 'eq', path: { attr: 'value' }, value: 'a@b.c' } },
    });
  });

  it.each([
    ['', 'empty'],
    ['userName', 'Unexpected end'],
    ['userName like "x"', 'Unknown operator "like"'],
    ['userName eq "x', 'Unterminated string'],
    ['(userName eq "x"', 'Unexpected end'],
    ['userName eq "x" extra', 'unexpected "extra"'],
    ['emails[type eq "work"', 'Unexpected end'],
    ['user..name eq "x"', 'Invalid attribute path'],
  ])('rejects %j with invalidFilter', (text, message) => {
    const error = failure(() => parseFilter(text));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('filter');
    expect(error.details).toEqual({ scimType: 'invalidFilter' });
    expect(error.message).toContain(message);
  });
});

describe('SCIM filter → SQL', () => {
  it('compares userName on its lower-cased key column, so matching is case-insensitive', () => {
    expect(sql('userName eq "BJensen"')).toEqual({ sql: 'u.user_name_key = ?', params: ['bjensen'] });
  });

  it('compares caseExact attributes (externalId, id) exactly, others through lower()', () => {
    expect(sql('externalId eq "AbC"')).toEqual({ sql: 'u.external_id = ?', params: ['AbC'] });
    expect(sql('DISPLAYNAME eq "Bob"')).toEqual({ sql: 'lower(u.display_name) = ?', params: ['bob'] });
  });

  it('turns co/sw/ew into escaped LIKE patterns', () => {
    expect(sql('userName co "a_b%"')).toEqual({ sql: "lower(u.user_name_key) like ? escape '\\'", params: ['%a\\_b\\%%'] });
    expect(sql('userName sw "O"').params).toEqual(['o%']);
    expect(sql('userName ew "x"').params).toEqual(['%x']);
  });

  it('handles ne, pr, null, and/or/not', () => {
    expect(sql('nickName ne "x"')).toEqual({ sql: '(u.nick_name is null or lower(u.nick_name) <> ?)', params: ['x'] });
    expect(sql('externalId pr').sql).toBe("(u.external_id is not null and u.external_id <> '')");
    expect(sql('externalId eq null').sql).toBe('u.external_id is null');
    expect(sql('not (active eq false) or userName eq "a"')).toEqual({ sql: '(not (u.active = ?) or u.user_name_key = ?)', params: [false, 'a'] });
  });

  it('reads booleans given as strings and rejects ordering on them', () => {
    expect(sql('active eq "True"').params).toEqual([true]);
    expect(failure(() => sql('active gt true')).details).toEqual({ scimType: 'invalidFilter' });
    expect(failure(() => sql('active eq "maybe"')).message).toMatch(/true or false/);
  });

  it('filters multi-valued attributes with EXISTS on their child table', () => {
    expect(sql('emails.value co "@Example.com"')).toEqual({
      sql: "exists (select 1 from scim_user_email scim_f0 where scim_f0.scim_user_id = u.id and lower(scim_f0.value_key) like ? escape '\\')",
      params: ['%@example.com%'],
    });
    expect(sql('emails eq "a@b.c"').sql).toContain('scim_f0.value_key = ?');
    expect(sql('emails[type eq "work" and primary eq true]')).toEqual({
      sql: 'exists (select 1 from scim_user_email scim_f0 where scim_f0.scim_user_id = u.id and (scim_f0.type_key = ? and scim_f0.is_primary = ?))',
      params: ['work', true],
    });
    expect(sql('roles eq "All Employees"')).toEqual({
      sql: 'exists (select 1 from scim_user_role scim_f0 where scim_f0.scim_user_id = u.id and scim_f0.kind = ? and lower(scim_f0.value) = ?)',
      params: ['ROLE', 'all employees'],
    });
  });

  it('compares dates as the dialect stores them, cutting .NET fractions to milliseconds', () => {
    const at = Date.parse('2015-10-10T21:38:21.861Z');
    expect(sql('meta.created gt 2015-10-10T14:38:21.8617979-07:00').params).toEqual([at]);
    expect(sql('meta.lastModified le "2015-10-10T21:38:21.861Z"', USER_FILTER, new PostgreSqlPlatform()).params).toEqual([new Date(at)]);
    expect(failure(() => sql('meta.created gt "yesterday"')).message).toMatch(/not a dateTime/);
    expect(parseDateTime('2020-01-01T00:00:00')?.toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });

  it('filters groups by displayName and by member', () => {
    expect(sql('displayName eq "Admins" and members[value eq "abc"]', GROUP_FILTER)).toEqual({
      sql: '(lower(u.display_name) = ? and exists (select 1 from scim_user_role scim_f0 where scim_f0.role_id = u.id and scim_f0.kind = ? and scim_f0.scim_user_id = ?))',
      params: ['admins', 'GROUP', 'abc'],
    });
  });

  it.each([
    ['password eq "x"', 'cannot be filtered on'],
    ['emails.foo eq "x"', 'cannot be filtered on'],
    ['userName[value eq "x"]', 'not a multi-valued attribute'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x"', 'cannot be filtered on'],
  ])('rejects %j (not filterable) with invalidFilter', (text, message) => {
    const error = failure(() => sql(text));
    expect(error.details).toEqual({ scimType: 'invalidFilter' });
    expect(error.message).toContain(message);
  });
});

describe('value filters in memory and PATCH paths', () => {
  it('matches values of a multi-valued attribute case-insensitively', () => {
    const f = parseFilter('type eq "Work" and not (primary eq true)');
    expect(matchesValue(f, { type: 'work', primary: false })).toBe(true);
    expect(matchesValue(f, { type: 'work', primary: true })).toBe(false);
    expect(matchesValue(parseFilter('value eq "abc"'), 'abc')).toBe(true);
  });

  it('parses attr, attr.sub, attr[filter], attr[filter].sub and URN-qualified paths', () => {
    expect(parsePatchPath('userName')).toEqual({ path: { attr: 'userName' } });
    expect(parsePatchPath('name.givenName')).toEqual({ path: { attr: 'name', sub: 'givenName' } });
    expect(parsePatchPath('members[value eq "2819c223"]')).toEqual({ path: { attr: 'members' }, filter: { op: 'eq', path: { attr: 'value' }, value: '2819c223' } });
    expect(parsePatchPath('emails[type eq "work"].value')).toMatchObject({ path: { attr: 'emails' }, sub: 'value' });
    expect(parsePatchPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department')).toEqual({
      path: { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attr: 'department' },
    });
  });

  it('rejects malformed paths with invalidPath', () => {
    for (const bad of ['emails[type eq "work"', 'emails[type eq "work"]value', 'name.givenName[type eq "x"]']) {
      expect(failure(() => parsePatchPath(bad)).details).toEqual({ scimType: 'invalidPath' });
    }
  });
});
