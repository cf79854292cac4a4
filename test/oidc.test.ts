import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { GraphQLClient } from 'graphql-request';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { startTestApp, type TestApp } from './harness.js';
import { startIssuer, newSigningKey, type LocalIssuer } from './fixtures/oidc-issuer.js';
import { buildRole, buildUsers } from './factories.js';
import { loadConfig } from '../src/config.js';
import { Authority } from '../src/auth/authorities.js';
import type { User } from '../src/governance/user.entity.js';
import { runWorkspacesCli } from '../src/cli/workspaces-command.js';
import { DomainError } from '../src/errors.js';

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  text: string;
}
interface MeAnswer {
  me: { workspaceId: string; credentialKind: string; credential: string; authorities: string[]; person: { login: string; displayName: string } | null };
}

const JEROME = '63aec79793ccdf675cc4d018';
const ME = '{ me { workspaceId credentialKind credential authorities person { login displayName } } }';

let app: TestApp;
let issuerA: LocalIssuer;
let issuerB: LocalIssuer;
let stranger: LocalIssuer;
let demoId: string;
let betaId: string;
let betaPeople: User[];
let inactive: User;
let approvers: string;

/** Runs the workspaces command line against the test database; returns its exit code and output. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runWorkspacesCli(argv, async () => ({ em: app.orm.em.fork(), close: async () => {} }), {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

async function post(token: string, query: string, path = '/graphql'): Promise<Answer> {
  const res = await app.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  const text = await res.text();
  return { status: res.status, text, ...(JSON.parse(text) as object) };
}

/** A token refused: HTTP 401, UNAUTHENTICATED, the given reason, nothing of the server's insides. */
async function expectRefused(token: string, reason: RegExp): Promise<void> {
  const answer = await post(token, ME);
  expect(answer.status).toBe(401);
  expect(answer.data ?? null).toBeNull();
  expect(answer.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect(answer.errors?.[0].message).toMatch(reason);
  expect(answer.text).not.toMatch(/stack|select |app_user|at .*\.ts|BEGIN PUBLIC KEY/i);
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  app = await startTestApp({ config: { oidc: { ...loadConfig({ NODE_ENV: 'test' }).oidc, jwksCooldownMs: 200 } } });
  [issuerA, issuerB, stranger] = await Promise.all([startIssuer(), startIssuer(), startIssuer()]);
  demoId = await app.workspace('oidc-demo');
  betaId = await app.workspace('oidc-beta', null);
  const em = app.orm.em.fork();
  betaPeople = await buildUsers(em, betaId, 2);
  [inactive] = await buildUsers(em, demoId, 1, { status: 'Inactive' });
  approvers = (await buildRole(em, demoId, { members: [JEROME] })).displayName;

  const demo = await cli(
    'sign-in',
    '--workspace',
    'oidc-demo',
    '--issuer',
    issuerA.url,
    '--audience',
    'frontend-a',
    '--authority',
    'READ_ONLY',
    '--claim-authority',
    'groups=gw-requesters:REQUESTER',
    '--role-authority',
    `${approvers}:APPROVER`,
  );
  expect(demo.err).toBe('');
  expect(demo.code).toBe(0);
  const beta = await cli(
    'sign-in',
    '--workspace',
    'oidc-beta',
    '--issuer',
    issuerB.url,
    '--audience',
    'frontend-b',
    '--person-claim',
    'preferred_username',
    '--authority',
    'READ_ONLY',
  );
  expect(beta.code).toBe(0);
});
afterAll(async () => {
  await Promise.all([issuerA, issuerB, stranger].map((i) => i?.stop()));
  await app?.stop();
});

describe('a sign-in token of the workspace issuer', () => {
  it('acts as its person: me names the person, the credential and the configured authorities', async () => {
    const token = await issuerA.sign({ aud: 'frontend-a', email: 'Jerome@IamSath.com', email_verified: true });
    const client = new GraphQLClient(app.url, { headers: { authorization: `Bearer ${token}` } });
    const { me } = await client.request<MeAnswer>(ME);
    expect(me).toEqual({
      workspaceId: demoId,
      credentialKind: 'SIGN_IN_TOKEN',
      credential: 'sign-in of jerome',
      // READ_ONLY for everyone; APPROVER as a member of the mapped role; no REQUESTER without the group.
      authorities: ['READ_ONLY', 'APPROVER'],
      person: { login: 'jerome', displayName: 'Jerome Fern' },
    });
    const read = await client.request<{ user: { displayName: string; roles: Array<{ displayName: string }> } }>('{ user(login: "jerome") { displayName roles { displayName } } }');
    expect(read.user.displayName).toBe('Jerome Fern');
    expect(read.user.roles.map((r) => r.displayName)).toContain(approvers);
  });

  it('gets the authorities of a claim value it carries', async () => {
    const token = await issuerA.sign({ aud: ['frontend-a', 'other'], email: 'jerome@iamsath.com', groups: ['staff', 'gw-requesters'] });
    const answer = await post(token, ME);
    expect((answer.data as unknown as MeAnswer).me.authorities.sort()).toEqual(['APPROVER', 'READ_ONLY', 'REQUESTER']);
  });

  it('acts as a person who is no member of the mapped role without its authorities', async () => {
    const [person] = await buildUsers(app.orm.em.fork(), demoId, 1);
    const answer = await post(await issuerA.sign({ aud: 'frontend-a', email: person.email }), ME);
    expect((answer.data as unknown as MeAnswer).me).toMatchObject({ authorities: ['READ_ONLY'], person: { login: person.login } });
  });

  it('is accepted by SCIM over HTTP too (same authenticator)', async () => {
    const token = await issuerA.sign({ aud: 'frontend-a', email: 'jerome@iamsath.com' });
    const ok = await app.fetch('/scim/v2/Users?count=1', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const tampered = `${token.slice(0, -4)}AAAA`;
    const refused = await app.fetch('/scim/v2/Users?count=1', { headers: { authorization: `Bearer ${tampered}` } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/signature/);
  });

  it('allows a small clock skew on expiry, and no more', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await post(await issuerA.sign({ aud: 'frontend-a', email: 'jerome@iamsath.com' }, { expiresIn: now - 10 }), ME)).status).toBe(200);
    await expectRefused(await issuerA.sign({ aud: 'frontend-a', email: 'jerome@iamsath.com' }, { expiresIn: now - 120 }), /expired/);
    await expectRefused(await issuerA.sign({ aud: 'frontend-a', email: 'jerome@iamsath.com' }, { notBefore: now + 600 }), /not valid yet/);
  });

  it('an API key is a credential of its own kind', async () => {
    const client = await app.client('oidc-demo', [Authority.READ_ONLY]);
    const { me } = await client.request<MeAnswer>(ME);
    expect(me).toMatchObject({ workspaceId: demoId, credentialKind: 'API_KEY', authorities: ['READ_ONLY'], person: null });
  });
});

describe('refused tokens are 401 UNAUTHENTICATED', () => {
  const claims = { aud: 'frontend-a', email: 'jerome@iamsath.com' };

  it('expired', async () => {
    await expectRefused(await issuerA.sign(claims, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }), /^The sign-in token has expired$/);
  });

  it('for another audience', async () => {
    await expectRefused(await issuerA.sign({ ...claims, aud: 'someone-else' }), /audience/);
  });

  it('of an issuer no workspace accepts', async () => {
    await expectRefused(await stranger.sign(claims), /^No workspace accepts sign-in tokens of this issuer$/);
  });

  it("claiming a workspace's issuer, signed by another key", async () => {
    // Signed by B's key, kid and all, but claiming to be A: A's key set has no such key.
    await expectRefused(await issuerB.sign(claims, { issuer: issuerA.url }), /key its issuer does not publish/);
    // Same kid as A's current key, different key material.
    const impostor = await newSigningKey();
    await expectRefused(await issuerA.sign(claims, { key: { ...impostor, kid: issuerA.key.kid } }), /signature is not valid/);
  });

  it('unsigned (alg none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: issuerA.url, sub: 's', iat: now, exp: now + 600 })}.`;
    await expectRefused(unsigned, /not signed with an accepted algorithm/);
  });

  it('signed with a shared secret (HS256, the key-confusion attack)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(issuerA.key.publicJwk));
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: issuerA.key.kid }).setIssuer(issuerA.url).setSubject('s').setExpirationTime('1h').sign(secret);
    await expectRefused(token, /not signed with an accepted algorithm/);
  });

  it('tampered: a claim changed after signing, or the signature changed', async () => {
    const token = await issuerA.sign({ ...claims, email: 'liz@iamsath.com' });
    const [header, payload, signature] = token.split('.');
    const forged = b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), email: 'jerome@iamsath.com' });
    await expectRefused(`${header}.${forged}.${signature}`, /signature is not valid/);
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    await expectRefused(`${header}.${payload}.${flipped}`, /signature is not valid/);
  });

  it('malformed, or without a person to act as', async () => {
    await expectRefused('eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln', /Malformed sign-in token/);
    await expectRefused(await issuerA.sign({ aud: 'frontend-a' }), /no email claim/);
    await expectRefused(await issuerA.sign({ ...claims, email_verified: false }), /not verified/);
  });

  it('a person who is not in the workspace', async () => {
    // A person of workspace beta, in a token of demo's issuer.
    await expectRefused(await issuerA.sign({ ...claims, email: betaPeople[0].email }), /not known in this workspace/);
    await expectRefused(await issuerA.sign({ ...claims, email: 'nobody@example.test' }), /not known in this workspace/);
  });

  it('an inactive person', async () => {
    await expectRefused(await issuerA.sign({ ...claims, email: inactive.email }), /^The person of the sign-in token is not active$/);
  });
});

describe('workspace isolation', () => {
  it("a token of one workspace's issuer reads that workspace only", async () => {
    const token = await issuerB.sign({ aud: 'frontend-b', preferred_username: betaPeople[1].login });
    const answer = await post(
      token,
      `{ me { workspaceId person { login } } users(first: 10) { totalCount nodes { login } } user(login: "jerome") { id } node(id: "${JEROME}") { id } }`,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      me: { workspaceId: betaId, person: { login: betaPeople[1].login } },
      users: { totalCount: 2, nodes: expect.arrayContaining(betaPeople.map((p) => ({ login: p.login }))) },
      user: null,
      node: null,
    });
    // And demo's issuer never names beta's people (above), nor beta's issuer demo's.
    await expectRefused(await issuerB.sign({ aud: 'frontend-b', preferred_username: 'jerome' }), /not known in this workspace/);
    await expectRefused(await issuerB.sign({ aud: 'frontend-a', preferred_username: betaPeople[1].login }), /audience/);
  });

  it('two workspaces sharing an issuer are told apart by audience, never both', async () => {
    const gammaId = await app.workspace('oidc-gamma', null);
    // Gamma has its own person with Jerome's address.
    const [twin] = await buildUsers(app.orm.em.fork(), gammaId, 1, { email: 'jerome@iamsath.com' });
    expect((await cli('sign-in', '--workspace', 'oidc-gamma', '--issuer', issuerA.url, '--audience', 'frontend-g', '--authority', 'READ_ONLY')).code).toBe(0);
    const asGamma = await post(await issuerA.sign({ aud: 'frontend-g', email: 'jerome@iamsath.com' }), '{ me { workspaceId person { login } } }');
    expect(asGamma.data).toEqual({ me: { workspaceId: gammaId, person: { login: twin.login } } });
    const asDemo = await post(await issuerA.sign({ aud: 'frontend-a', email: 'jerome@iamsath.com' }), '{ me { workspaceId person { login } } }');
    expect(asDemo.data).toEqual({ me: { workspaceId: demoId, person: { login: 'jerome' } } });
    await expectRefused(await issuerA.sign({ aud: ['frontend-a', 'frontend-g'], email: 'jerome@iamsath.com' }), /audience/);
    await expectRefused(await issuerA.sign({ aud: 'frontend-x', email: 'jerome@iamsath.com' }), /audience/);
  });
});

describe('keys', () => {
  it('are fetched once and cached, then a rotated key is picked up after the refetch cooldown', async () => {
    const claims = { aud: 'frontend-a', email: 'jerome@iamsath.com' };
    expect((await post(await issuerA.sign(claims), ME)).status).toBe(200);
    const fetched = { ...issuerA.fetches };
    for (let i = 0; i < 3; i++) expect((await post(await issuerA.sign({ ...claims, n: i }), ME)).status).toBe(200);
    expect(issuerA.fetches).toEqual(fetched);
    // The discovery document once for the whole file; the key set once per refetch (earlier tests'
    // unknown kids caused some), not once per token.
    expect(fetched.discovery).toBe(1);

    const old = issuerA.key;
    await issuerA.rotate();
    await new Promise((resolve) => setTimeout(resolve, 250)); // OIDC_JWKS_COOLDOWN_MS is 200 here
    const rotated = await post(await issuerA.sign(claims), ME);
    expect(rotated.status).toBe(200);
    expect((rotated.data as unknown as MeAnswer).me.person?.login).toBe('jerome');
    expect(issuerA.fetches.jwks).toBe(fetched.jwks + 1);
    // The old key is no longer published: a (new) token signed with it is refused.
    await expectRefused(await issuerA.sign({ ...claims, n: 'old' }, { key: old }), /key its issuer does not publish/);
  });

  it('garbage shaped like a token is always UNAUTHENTICATED, never an internal error', async () => {
    const segment = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 1, maxLength: 60 });
    const header = fc.constantFrom(b64({ alg: 'RS256' }), b64({ alg: 'none' }), b64({ alg: 'RS256', kid: 'nope' }), 'e30');
    const payload = fc.oneof(
      segment,
      fc
        .record({ iss: fc.constantFrom(issuerA.url, issuerB.url, 'x', ''), aud: fc.constantFrom('frontend-a', 'frontend-b'), exp: fc.integer(), email: fc.string() })
        .map((p) => b64(p)),
    );
    await fc.assert(
      fc.asyncProperty(header, payload, fc.oneof(segment, fc.constant('')), async (h, p, s) => {
        try {
          await app.authenticator.authenticate(`Bearer ${h}.${p}.${s}`);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe('UNAUTHENTICATED');
          return;
        }
        throw new Error('accepted');
      }),
      { numRuns: 150 },
    );
  });
});

describe('the workspaces command line', () => {
  it('shows the settings', async () => {
    const shown = await cli('show', '--workspace', 'oidc-demo');
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`issuer            ${issuerA.url}`);
    expect(shown.out).toContain('person            claim email → User.email');
    expect(shown.out).toContain('claim groups = "gw-requesters" → REQUESTER');
    expect(shown.out).toContain(`member of role "${approvers}"`);
  });

  it('--help prints usage', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage:\n {2}npm run workspaces -- sign-in --workspace <name> --issuer <url> --audience/);
  });

  it('refuses unknown flags and bad values with one line and a non-zero exit', async () => {
    const base = ['sign-in', '--workspace', 'oidc-demo', '--issuer', issuerA.url, '--audience', 'frontend-a'];
    const cases: Array<[string[], RegExp]> = [
      [['sign-in', '--workspace', 'oidc-demo', '--colour', 'red'], /^unknown option --colour \(see --help\)$/],
      [['frobnicate', '--workspace', 'oidc-demo'], /^unknown command "frobnicate"/],
      [[], /^missing command/],
      [['sign-in', '--workspace', 'oidc-demo', '--issuer'], /^option --issuer needs a value/],
      [[...base.slice(0, 4), 'http://idp.example.com', '--audience', 'x'], /^--issuer: must be an https URL \(http only on localhost\)/],
      [[...base.slice(0, 4), 'not a url', '--audience', 'x'], /^--issuer: "not a url" is not a URL$/],
      [base.slice(0, 5), /^--audience: is required/],
      [[...base, '--authority', 'GOD'], /^--authority: unknown authority "GOD"/],
      [[...base, '--match', 'shoeSize'], /^--match: must be one of email, login, employeeNumber/],
      [[...base, '--person-claim', 'employee_id'], /^--match: is required for claim employee_id/],
      [[...base, '--claim-authority', 'groups:ORG_ADMIN'], /^--claim-authority: expected <claim>=<value>:<AUTHORITY>/],
      [[...base, '--role-authority', 'No Such Role:REQUESTER'], /^--role-authority: no role "No Such Role" in workspace oidc-demo$/],
      [[...base.slice(0, 2), 'nowhere', ...base.slice(3)], /^no workspace named "nowhere"$/],
      [['sign-in', '--workspace', 'oidc-beta', '--issuer', issuerA.url, '--audience', 'frontend-a'], /^--audience: workspace oidc-demo already accepts tokens of this issuer/],
      [['show', '--workspace', 'oidc-demo', '--issuer', issuerA.url], /^--issuer belongs to sign-in, not show$/],
    ];
    for (const [argv, message] of cases) {
      const run = await cli(...argv);
      expect(run.code, argv.join(' ')).not.toBe(0);
      expect(run.err.trim(), argv.join(' ')).toMatch(message);
      expect(run.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(run.out).toBe('');
    }
    // Nothing of the refused commands was written.
    expect((await cli('show', '--workspace', 'oidc-beta')).out).toContain(`issuer            ${issuerB.url}`);
  });
});
