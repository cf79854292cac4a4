import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { createApiKey } from '../src/auth/api-key.service.js';
import { Authority } from '../src/auth/authorities.js';
import { encodeCursor } from '../src/common/pagination.js';

/**
 * One regression test per class of hostile input that once ended in INTERNAL_SERVER_ERROR
 * (issue 10, item 6). Each answer must be a 4xx or a GraphQL error with a code, and name the
 * field at fault where there is one. The fuzzing suite (fuzz.test.ts) covers them at volume.
 */

let app: TestApp;
let admin: GraphQLClient;
let token: string;

const ROLE = '63af039793ccdf675cc7aa10'; // a demo role with a birthright rule
const ADP = '63aed43793ccdf675cc58246';

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.client('demo');
  const em = app.orm.em.fork();
  ({ token } = await createApiKey(em, em.getReference(Workspace, await app.workspace('demo')), 'hostile', [Authority.ORG_ADMIN]));
});
afterAll(async () => {
  await app?.stop();
});

type Answer = { status: number; body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } & Record<string, unknown>; text: string };

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await app.fetch('/graphql', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

async function scim(path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await app.fetch(`/scim/v2${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, text };
}

const codes = (a: Answer) => (a.body.errors ?? []).map((e) => e.extensions?.code);
const fields = (a: Answer) => (a.body.errors ?? []).map((e) => e.extensions?.field);

describe('a NUL byte in a string that reaches SQL', () => {
  it('is BAD_USER_INPUT naming the argument, in a search keyword and a list filter', async () => {
    for (const [query, field] of [
      ['{ searchCatalog(keyword: "a\\u0000b") { totalCount } }', 'keyword'],
      ['{ roles(displayName: "All\\u0000") { totalCount } }', 'displayName'],
      ['{ user(login: "jerome\\u0000") { id } }', 'login'],
    ] as const) {
      const answer = await post({ query });
      expect(answer.status, query).toBeLessThan(500);
      expect(codes(answer), query).toEqual(['BAD_USER_INPUT']);
      expect(fields(answer), query).toEqual([field]);
    }
    // An unpaired surrogate is no Unicode either: PostgreSQL's json refuses it (the audit log is json).
    const surrogate = await post({ query: 'query ($d: String) { roles(displayName: $d) { totalCount } }', variables: { d: 'All\ud800' } });
    expect(codes(surrogate)).toEqual(['BAD_USER_INPUT']);
    expect(fields(surrogate)).toEqual(['d']);
  });

  it('names the variable path in a mutation input, and nothing is written', async () => {
    const errors = await errorsOf(
      admin.request(gql`mutation ($input: CreateIdentityProfileInput!) { createIdentityProfile(input: $input) { id } }`, {
        input: { name: 'Null\u0000Profile', authoritativeSource: { id: ADP } },
      }),
    );
    expect(errors.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.name' })]);
    const rule = await post({ query: `mutation ($f: String) { setRoleRule(roleId: "${ROLE}", rule: null, ruleForm: $f) { id } }`, variables: { f: 'form \ud800' } });
    expect(codes(rule)).toEqual(['BAD_USER_INPUT']);
    expect(fields(rule)).toEqual(['f']);
  });

  it('is a SCIM 400 in a filter and in a body', async () => {
    const filtered = await scim(`/Users?filter=${encodeURIComponent('userName eq "a\u0000b"')}`);
    expect(filtered.status).toBe(400);
    expect(filtered.body.scimType).toBe('invalidValue');
    const created = await scim('/Users', { method: 'POST', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'nul\u0000user' }) });
    expect(created.status).toBe(400);
    expect(created.body.scimType).toBe('invalidValue');
  });
});

describe('LIKE patterns of 50,000 bytes or more', () => {
  const long = 'a%'.repeat(25_000);
  it('are BAD_USER_INPUT on searchCatalog and on list filters', async () => {
    for (const [query, field] of [
      ['query ($k: String) { searchCatalog(keyword: $k) { totalCount } }', 'keyword'],
      ['query ($k: String) { users(displayName: $k) { totalCount } }', 'displayName'],
    ] as const) {
      const answer = await post({ query, variables: { k: long } });
      expect(codes(answer), query).toEqual(['BAD_USER_INPUT']);
      expect(fields(answer), query).toEqual([field]);
    }
  });

  it('are a SCIM 400 invalidFilter in a substring filter', async () => {
    const answer = await scim('/Users/.search', {
      method: 'POST',
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `displayName co "${'x'.repeat(60_000)}"` }),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.scimType).toBe('invalidFilter');
  });
});

describe('foreign or malformed cursors on searchCatalog', () => {
  const SEARCH = 'query ($after: String, $r: RelevanceFilter) { searchCatalog(keyword: "a", after: $after, relevanceFilter: $r) { totalCount nodes { __typename } } }';
  it.each([
    ['a users cursor (login, id)', encodeCursor(['jerome', '63aec79193ccdf675cc4cbbb']), null],
    ['numbers and objects', encodeCursor([1, {}, []]), null],
    ['a date that is no date', encodeCursor(['yesterday', 'User', 'x']), 'RECENTLY_ADDED'],
    ['an empty list', encodeCursor([]), null],
  ])('%s is BAD_USER_INPUT on after', async (_name, after, relevanceFilter) => {
    const answer = await post({ query: SEARCH, variables: { after, r: relevanceFilter } });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(fields(answer)).toEqual(['after']);
  });

  it('a cursor whose sort value is an object is BAD_USER_INPUT on a keyset list too', async () => {
    const answer = await post({
      query: 'query ($after: String) { users(after: $after, orderBy: DISPLAY_NAME) { totalCount } }',
      variables: { after: encodeCursor([{ $gt: 1 }, 'x']) },
    });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(fields(answer)).toEqual(['after']);
  });
});

describe('role rules: deep, wide, huge numbers', () => {
  const SET = `mutation ($rule: String) { setRoleRule(roleId: "${ROLE}", rule: $rule) { id rule } }`;
  let deep = '{"status":"Active"}';
  for (let i = 0; i < 3000; i++) deep = `{"$not":${deep}}`;
  const wide = JSON.stringify({ $or: Array.from({ length: 5000 }, (_, i) => ({ login: `u${i}` })) });
  const wideIn = JSON.stringify({ login: { $in: Array.from({ length: 50_000 }, (_, i) => `u${i}`) } });
  it.each([
    ['nested 3,000 levels deep', deep],
    ['5,000 alternatives', wide],
    ['an $in list of 50,000 values', wideIn],
    ['a number out of range', '{"department":1e400}'],
    ['a 60,000-byte $like pattern', JSON.stringify({ login: { $like: `%${'a_'.repeat(30_000)}%` } })],
  ])('a rule %s is BAD_USER_INPUT on rule', async (_name, rule) => {
    const answer = await post({ query: SET, variables: { rule } });
    expect(answer.status).toBeLessThan(500);
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(fields(answer)).toEqual(['rule']);
  });

  it('a rule comparing with a (finite) number works on every database', async () => {
    const answer = await post({ query: SET, variables: { rule: '{"$and":[{"status":"Active"},{"employeeNumber":{"$ne":12345}}]}' } });
    expect(answer.body.errors).toBeUndefined();
  });
});

describe('identity profile priority', () => {
  const CREATE = 'mutation ($input: CreateIdentityProfileInput!) { createIdentityProfile(input: $input) { id priority } }';
  it('a priority that leaves no room for the next profile is BAD_USER_INPUT, and the list stays readable', async () => {
    const answer = await post({ query: CREATE, variables: { input: { name: 'Top', priority: 2_147_483_647, authoritativeSource: { id: ADP } } } });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(fields(answer)).toEqual(['input.priority']);
    await post({ query: CREATE, variables: { input: { name: 'Next', authoritativeSource: { id: ADP } } } });
    const list = await post({ query: '{ identityProfiles(first: 100) { nodes { name priority } } }' });
    expect(list.body.errors).toBeUndefined();
  });
});

describe('text longer than its column', () => {
  it('is BAD_USER_INPUT naming the field, on SQLite as on PostgreSQL (varchar(255)), and nothing is written', async () => {
    const count = async () => Number(((await app.orm.em.getConnection().execute('select count(*) as n from approval_group')) as Array<{ n: unknown }>)[0].n);
    const before = await count();
    const answer = await post({
      query: 'mutation ($input: CreateApprovalGroupInput!) { createApprovalGroup(input: $input) { id } }',
      variables: { input: { name: 'g'.repeat(300), memberLogins: [] } },
    });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(fields(answer)).toEqual(['name']);
    expect(await count()).toBe(before);
  });
});

describe('SCIM query parsing', () => {
  it.each(['constructor eq "x"', '__proto__ eq "x"', 'toString pr', 'emails[constructor eq "x"]', 'hasOwnProperty.value eq "x"'])(
    'the filter %s is 400 invalidFilter',
    async (filter) => {
      const answer = await scim(`/Users?filter=${encodeURIComponent(filter)}`);
      expect(answer.status).toBe(400);
      expect(answer.body.scimType).toBe('invalidFilter');
    },
  );

  it.each([
    ['nested 40 levels deep', `${'not ('.repeat(20)}userName pr${')'.repeat(20)}`],
    ['of 500 alternatives', Array.from({ length: 500 }, (_, i) => `userName eq "u${i}"`).join(' or ')],
  ])('a filter %s is 400 invalidFilter', async (_name, filter) => {
    const answer = await scim('/Users/.search', { method: 'POST', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter }) });
    expect(answer.status).toBe(400);
    expect(answer.body.scimType).toBe('invalidFilter');
  });

  it('a filter of 150 alternatives (within the limit) is answered', async () => {
    const filter = Array.from({ length: 150 }, (_, i) => `userName eq "u${i}"`).join(' or ');
    const answer = await scim('/Users/.search', { method: 'POST', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter }) });
    expect(answer.status).toBe(200);
  });

  it('a startIndex beyond any list is an empty page, not an error', async () => {
    for (const startIndex of ['99999999999999999999', '9007199254740993', `1${'0'.repeat(400)}`]) {
      const answer = await scim(`/Users?startIndex=${startIndex}`);
      expect(answer.status, startIndex).toBe(200);
      expect(answer.body.Resources).toEqual([]);
    }
  });
});

describe('the HTTP doors', () => {
  it('a multipart map with a __proto__ or constructor path is 400 BAD_REQUEST', async () => {
    for (const path of ['__proto__', 'variables.__proto__', '__proto__.query', 'constructor.prototype', 'variables.constructor']) {
      const form = new FormData();
      // JSON.parse makes "__proto__" an own key: assigning through it would replace a prototype.
      const query = JSON.stringify('mutation ($f: Upload) { addTaskComment(taskId: "x", userLogin: "y", message: "z", attachment: $f) { id } }');
      form.set('operations', `{"query":${query},"variables":{"f":null,"__proto__":null},"__proto__":null}`);
      form.set('map', JSON.stringify({ 0: [path] }));
      form.set('0', new Blob(['hello']), 'hello.txt');
      const res = await app.fetch('/graphql', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' }, body: form });
      const body = (await res.json()) as Answer['body'];
      expect(res.status, path).toBe(400);
      expect(body.errors?.[0].extensions?.code, path).toBe('BAD_REQUEST');
    }
  });

  it('a persisted query with a malformed hash gets a coded 4xx', async () => {
    for (const persistedQuery of [{ version: 1, sha256Hash: 'not a hash' }, { version: 1, sha256Hash: 12 }, { version: 2, sha256Hash: 'x' }, 'x', { version: 1 }]) {
      const answer = await post({ query: '{ __typename }', extensions: { persistedQuery } });
      expect(answer.status, JSON.stringify(persistedQuery)).toBeGreaterThanOrEqual(400);
      expect(answer.status, JSON.stringify(persistedQuery)).toBeLessThan(500);
      expect(codes(answer)[0], JSON.stringify(persistedQuery)).toMatch(/^[A-Z_]+$/);
      expect(codes(answer)).not.toContain('INTERNAL_SERVER_ERROR');
    }
  });

  it('a subscription operation gets a coded 4xx', async () => {
    for (const query of ['subscription { users { totalCount } }', 'subscription S { __typename }']) {
      const answer = await post({ query });
      expect(answer.status, query).toBeGreaterThanOrEqual(400);
      expect(answer.status, query).toBeLessThan(500);
      expect(codes(answer), query).not.toContain('INTERNAL_SERVER_ERROR');
      expect(codes(answer)[0], query).toMatch(/^[A-Z_]+$/);
    }
  });
});

describe('production mode', () => {
  let prod: TestApp;
  beforeAll(async () => {
    prod = await startTestApp({ config: { env: 'production' } });
  });
  afterAll(async () => {
    await prod?.stop();
  });

  it('validation errors do not suggest field names (the schema stays hidden, as introspection is off)', async () => {
    const client = await prod.client('demo', [Authority.READ_ONLY]);
    const errors = await errorsOf(client.request('{ usrs { totalCount } user(login: "jerome") { logn } }'));
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.message).not.toMatch(/Did you mean/);
      expect(e.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const introspection = await errorsOf(client.request('{ __schema { types { name } } }'));
    expect(introspection[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
