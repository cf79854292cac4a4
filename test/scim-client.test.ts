import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { ScimClient, ScimError, SCIM_SCHEMAS, type ScimUser } from '../src/reconciliation/scim-client.js';
import { ScimFixture } from './fixtures/scim-fixture.js';

const TOKEN = 'fixture-secret-token';
let fixture: ScimFixture;
let client: ScimClient;

beforeEach(async () => {
  fixture = await ScimFixture.start({ token: TOKEN, maxResults: 3 });
  client = new ScimClient({ baseUrl: fixture.baseUrl, token: TOKEN, timeoutMs: 2_000 });
});
afterEach(async () => {
  await fixture.stop();
});

async function failure(promise: Promise<unknown>): Promise<ScimError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected a ScimError');
}

describe('ScimClient (RFC 7644) against a SCIM service on 127.0.0.1', () => {
  it('lists Users page by page with startIndex/count, following a service that returns fewer than asked', async () => {
    for (let i = 0; i < 7; i++) fixture.addUser({ userName: `u${i}` });
    const pages: Array<{ startIndex: number; names: string[]; total: number }> = [];
    for await (const page of client.list<ScimUser>('Users', { count: 5 })) {
      pages.push({ startIndex: page.startIndex, names: page.resources.map((u) => u.userName), total: page.totalResults });
    }
    expect(pages).toEqual([
      { startIndex: 1, names: ['u0', 'u1', 'u2'], total: 7 },
      { startIndex: 4, names: ['u3', 'u4', 'u5'], total: 7 },
      { startIndex: 7, names: ['u6'], total: 7 },
    ]);
    expect(fixture.requests.map((r) => [r.method, r.path, r.query.startIndex, r.query.count])).toEqual([
      ['GET', '/scim/v2/Users', '1', '5'],
      ['GET', '/scim/v2/Users', '4', '5'],
      ['GET', '/scim/v2/Users', '7', '5'],
    ]);
    expect(fixture.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('asks for the next page only when the caller wants it', async () => {
    for (let i = 0; i < 7; i++) fixture.addUser({ userName: `u${i}` });
    for await (const page of client.list<ScimUser>('Users', { count: 3 })) {
      expect(page.resources).toHaveLength(3);
      break;
    }
    expect(fixture.requests).toHaveLength(1);
  });

  it('an empty service is one request and one empty page', async () => {
    const pages = [];
    for await (const page of client.list('Groups')) pages.push(page);
    expect(pages).toEqual([{ resources: [], startIndex: 1, totalResults: 0 }]);
  });

  it('creates, reads, patches and deletes a user', async () => {
    const created = await client.create<ScimUser>('Users', { schemas: [SCIM_SCHEMAS.user], userName: 'zoe', active: true, name: { givenName: 'Zoe' } });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fixture.requests[0]).toMatchObject({ method: 'POST', path: '/scim/v2/Users', body: { userName: 'zoe' } });

    const patched = await client.patch<ScimUser>('Users', created.id, [
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'name.givenName', value: 'Zoë' },
    ]);
    expect(patched).toMatchObject({ id: created.id, active: false, name: { givenName: 'Zoë' } });
    expect(fixture.requests[1].body).toEqual({
      schemas: [SCIM_SCHEMAS.patchOp],
      Operations: [
        { op: 'replace', path: 'active', value: false },
        { op: 'replace', path: 'name.givenName', value: 'Zoë' },
      ],
    });
    expect((await client.get<ScimUser>('Users', created.id)).active).toBe(false);

    await client.delete('Users', created.id);
    const gone = await failure(client.get('Users', created.id));
    expect(gone).toMatchObject({ status: 404 });
    expect(gone.message).toBe(`SCIM GET /Users/${created.id} failed with HTTP 404: Resource ${created.id} not found`);
  });

  it('turns SCIM error bodies into ScimError with status, scimType and detail', async () => {
    fixture.addUser({ userName: 'taken' });
    const dup = await failure(client.create('Users', { userName: 'TAKEN' }));
    expect(dup).toMatchObject({ status: 409, scimType: 'uniqueness', detail: 'userName TAKEN is already taken' });
    expect(dup.message).toBe('SCIM POST /Users failed with HTTP 409 (uniqueness): userName TAKEN is already taken');

    const bad = await failure(client.create('Users', { displayName: 'no userName' } as never));
    expect(bad).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });

  it('a wrong token is a 401 ScimError that does not repeat the token', async () => {
    const wrong = new ScimClient({ baseUrl: fixture.baseUrl, token: 'not-the-token' });
    const error = await failure(wrong.list('Users').next());
    expect(error).toMatchObject({ status: 401, detail: 'Authorization failure: the bearer token is not valid' });
    expect(error.message).not.toContain('not-the-token');
  });

  it('gives up after the time limit', async () => {
    fixture.delayMs = 500;
    const impatient = new ScimClient({ baseUrl: fixture.baseUrl, token: TOKEN, timeoutMs: 100 });
    const error = await failure(impatient.get('Users', 'x'));
    expect(error).toMatchObject({ status: null, scimType: 'timeout' });
    expect(error.message).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+ within 100 ms/);
  });

  it('reports an unreachable service and a malformed list', async () => {
    const port = new URL(fixture.baseUrl).port;
    await fixture.stop();
    const offline = await failure(new ScimClient({ baseUrl: `http://127.0.0.1:${port}/scim/v2`, token: TOKEN }).get('Users', 'x'));
    expect(offline).toMatchObject({ status: null, scimType: 'network' });
    expect(offline.message).toMatch(/is unreachable \(ECONNREFUSED\)/);

    fixture = await ScimFixture.start({ token: TOKEN });
    fixture.listOverride = { schemas: [SCIM_SCHEMAS.listResponse], Resources: 'nope' };
    const malformed = await failure(new ScimClient({ baseUrl: fixture.baseUrl, token: TOKEN }).list('Users').next());
    expect(malformed).toMatchObject({ scimType: 'protocol' });
  });
});
