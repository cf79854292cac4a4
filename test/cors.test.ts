import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from './harness.js';
import { Authority } from '../src/auth/authorities.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { createApiKey } from '../src/auth/api-key.service.js';

const FRONT_END = 'https://front.example.com';
const OTHER = 'https://evil.example.net';

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startTestApp({ config: { corsOrigins: [FRONT_END] } });
  const id = await app.workspace('acme');
  const em = app.orm.em.fork();
  token = (await createApiKey(em, em.getReference(Workspace, id), 'cors', [Authority.ORG_ADMIN])).token;
});
afterAll(async () => {
  await app?.stop();
});

const preflight = (path: string, origin: string, method = 'POST', headers = 'authorization,content-type') =>
  app.fetch(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });

const listed = (value: string | null) => (value ?? '').split(',').map((s) => s.trim().toLowerCase());

describe('CORS over HTTP', () => {
  it('answers a preflight from an allowed origin: methods, headers incl. authorization and content-type, max-age', async () => {
    const res = await preflight('/graphql', FRONT_END);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(FRONT_END);
    expect(listed(res.headers.get('access-control-allow-methods'))).toEqual(['get', 'post']);
    expect(listed(res.headers.get('access-control-allow-headers'))).toEqual(expect.arrayContaining(['authorization', 'content-type', 'apollo-require-preflight']));
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(listed(res.headers.get('vary'))).toContain('origin');
  });

  it('gives another origin no Access-Control-Allow-Origin, so its browser blocks the call', async () => {
    const pre = await preflight('/graphql', OTHER);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await app.fetch('/graphql', {
      method: 'POST',
      headers: { origin: OTHER, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"query":"{ __typename }"}',
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the preflighted JSON POST of an allowed origin through, with its headers exposed', async () => {
    const res = await app.fetch('/graphql', {
      method: 'POST',
      headers: { origin: FRONT_END, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ users(first: 1) { totalCount } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(FRONT_END);
    expect(listed(res.headers.get('access-control-expose-headers'))).toContain('x-request-id');
    const body = (await res.json()) as { data: { users: { totalCount: number } } };
    expect(body.data.users.totalCount).toBeGreaterThan(0);
  });

  it("keeps Apollo's CSRF prevention: a request a browser sends without a preflight is refused, even from an allowed origin", async () => {
    const get = await app.fetch(`/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: FRONT_END, authorization: `Bearer ${token}` } });
    expect(get.status).toBe(400);
    expect(await get.text()).toContain('CSRF');
    const plain = await app.fetch('/graphql', {
      method: 'POST',
      headers: { origin: FRONT_END, 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: '{"query":"{ __typename }"}',
    });
    expect(plain.status).toBe(400);
  });

  it('answers SCIM preflights the same way, with the methods and headers SCIM needs', async () => {
    const res = await preflight('/scim/v2/Users/abc', FRONT_END, 'PATCH', 'authorization,content-type,if-match');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(FRONT_END);
    expect(listed(res.headers.get('access-control-allow-methods'))).toEqual(['get', 'post', 'put', 'patch', 'delete']);
    expect(listed(res.headers.get('access-control-allow-headers'))).toEqual(expect.arrayContaining(['authorization', 'content-type', 'if-match']));
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect((await preflight('/scim/v2/Users', OTHER, 'GET')).headers.get('access-control-allow-origin')).toBeNull();

    const list = await app.fetch('/scim/v2/Users', { headers: { origin: FRONT_END, authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    expect(list.headers.get('access-control-allow-origin')).toBe(FRONT_END);
    expect(listed(list.headers.get('access-control-expose-headers'))).toEqual(expect.arrayContaining(['etag', 'location']));
  });
});

/** Debian's Chromium, when installed (.ci/run installs it). */
function chromium(): string | null {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      execFileSync('which', [name], { stdio: 'pipe' });
      return name;
    } catch {
      // not this one
    }
  }
  return null;
}
const browser = chromium();
if (!browser) console.warn('skipping the browser CORS test: Chromium is not installed (apt-get install -y chromium)');

/** A front-end page that calls the gateway with fetch and an API key, and writes what it got into the page. */
function frontEndPage(gateway: string, key: string): string {
  const call = (id: string, url: string, init: RequestInit) =>
    `fetch(${JSON.stringify(url)}, ${JSON.stringify(init)}).then((r) => r.text()).then((t) => { document.getElementById('${id}').textContent = 'ok ' + t; })` +
    `.catch((e) => { document.getElementById('${id}').textContent = 'blocked ' + e.name; });`;
  const auth = { authorization: `Bearer ${key}` };
  return `<!doctype html><html><body><pre id="graphql">pending</pre><pre id="scim">pending</pre><script>
${call('graphql', `${gateway}/graphql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ users(first: 1) { totalCount } }' }) })}
${call('scim', `${gateway}/scim/v2/Users?count=1`, { headers: auth })}
</script></body></html>`;
}

describe.skipIf(!browser)('CORS in a browser (headless Chromium)', () => {
  let gateway: TestApp;
  let key: string;
  const pages: http.Server[] = [];

  /** Serves the front-end page on 127.0.0.1 on a port of its own: another origin than the gateway's. */
  async function servePage(): Promise<string> {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(frontEndPage(gateway.origin, key)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    pages.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function load(url: string): Promise<{ graphql: string; scim: string }> {
    const { stdout } = await promisify(execFile)(
      browser!,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--virtual-time-budget=15000', '--dump-dom', `${url}/`],
      { timeout: 60_000 },
    );
    const text = (id: string) => stdout.match(new RegExp(`<pre id="${id}">([^<]*)</pre>`))?.[1] ?? `(no #${id} in ${stdout.slice(0, 200)})`;
    return { graphql: text('graphql'), scim: text('scim') };
  }

  let allowed: string;
  let other: string;
  beforeAll(async () => {
    // The allowed page's origin is known only once it listens: the gateway is started after it.
    allowed = await servePage();
    other = await servePage();
    gateway = await startTestApp({ config: { corsOrigins: [allowed] } });
    const id = await gateway.workspace('browser');
    const em = gateway.orm.em.fork();
    key = (await createApiKey(em, em.getReference(Workspace, id), 'browser', [Authority.ORG_ADMIN])).token;
  });
  afterAll(async () => {
    await gateway?.stop();
    for (const server of pages) server.close();
  });

  it('a page of an allowed origin gets data over GraphQL and SCIM; a page of another origin is blocked by the browser', { timeout: 150_000 }, async () => {
    const ok = await load(allowed);
    expect(ok.graphql).toMatch(/^ok \{"data":\{"users":\{"totalCount":[1-9]/);
    expect(ok.scim).toMatch(/^ok \{"schemas":\["urn:ietf:params:scim:api:messages:2.0:ListResponse"\],"totalResults":0,/);
    const blocked = await load(other);
    expect(blocked).toEqual({ graphql: 'blocked TypeError', scim: 'blocked TypeError' });
  });
});
