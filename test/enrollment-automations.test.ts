import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { buildAccounts, buildTargetSystem, buildUsers } from './factories.js';
import { Authority } from '../src/auth/authorities.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { UserAccount } from '../src/governance/user-account.entity.js';
import { EnrollmentAutomation } from '../src/enrollment/enrollment-automation.entity.js';

// Demo data (seed 002 ids). EntraID and Google Workspace are the demo's credential managers.
const STEVE = '63aec79193ccdf675cc4cbbb'; // no account on EntraID or Google Workspace
const AARON = '63aec79393ccdf675cc4ccf4'; // accounts on both
const JEROME = '63aec79793ccdf675cc4d018';
const ENTRA = '64ad77dafdfcc6b382aeaceb';
const ENTRA_UUID = '6737e186-8d54-48ce-a7da-a0be4d252172';
const GOOGLE = '63aec73493ccdf675cc4c210';
const ADP = '63aed43793ccdf675cc58246';
const POOL = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const FIELDS = `
  id enrollmentAutomationId userIdentityId acsCredentialProvisioningAutomationId credentialManagerAcsSystemId
  credentialManagerAcsUserId acsCredentialPoolId isRunning workspaceId createdAt stoppedAt
`;
/** An automation as FIELDS selects it. */
type AutomationData = {
  id: string;
  enrollmentAutomationId: string;
  userIdentityId: string;
  acsCredentialProvisioningAutomationId: string;
  credentialManagerAcsSystemId: string;
  credentialManagerAcsUserId: string | null;
  acsCredentialPoolId: string | null;
  isRunning: boolean;
  workspaceId: string;
  createdAt: string;
  stoppedAt: string | null;
};
const LAUNCH = gql`mutation ($input: LaunchEnrollmentAutomationInput!) { launchEnrollmentAutomation(input: $input) { ${FIELDS} } }`;
type LaunchData = { launchEnrollmentAutomation: AutomationData };
const DELETE = gql`mutation ($id: ID!) { deleteEnrollmentAutomation(enrollmentAutomationId: $id) { ${FIELDS} } }`;
type DeleteData = { deleteEnrollmentAutomation: AutomationData };
const GET = gql`query ($id: ID!) { enrollmentAutomation(enrollmentAutomationId: $id) { ${FIELDS} } }`;
type GetData = { enrollmentAutomation: AutomationData };
const LIST = gql`query ($user: ID!, $running: Boolean, $first: Int, $after: String) {
  enrollmentAutomations(userIdentityId: $user, isRunning: $running, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id isRunning } }
}`;
type ListData = { enrollmentAutomations: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ id: string; isRunning: boolean }> } };

let app: TestApp;
let admin: GraphQLClient;
let demo: string;
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
const counts = async () => ({ automations: await em().count(EnrollmentAutomation, {}), accounts: await em().count(UserAccount, {}), events: await em().count(AuditEvent, {}) });

/** Runs a failing request and checks it wrote no automation, no account and no audit event. */
async function failsWithoutWriting(request: () => Promise<unknown>) {
  const before = await counts();
  const errors = await errorsOf(request());
  expect(await counts()).toEqual(before);
  return errors[0];
}

const accountOf = async (userId: string, systemId: string) => (await em().findOneOrFail(UserAccount, { user: userId, targetSystem: systemId })).id;

describe('seeds 000/001 replay: launchEnrollmentAutomation', () => {
  it('launches for a user identity with a credential manager, creating the credential manager user, and answers with the documented fields', async () => {
    // The seed's request, with demo ids: Steve Clark, EntraID, the seed's credential pool.
    const input = { userIdentityId: STEVE, credentialManagerAcsSystemId: ENTRA, acsCredentialPoolId: POOL, createCredentialManagerUser: true };
    const started = Date.now();
    const { launchEnrollmentAutomation: a } = await admin.request<LaunchData>(LAUNCH, { input });

    expect(a).toMatchObject({
      // Steve carries no Seam uuid, so his 24-hex id; EntraID carries the seed's ACS system uuid.
      userIdentityId: STEVE,
      credentialManagerAcsSystemId: ENTRA_UUID,
      acsCredentialPoolId: POOL,
      isRunning: true,
      workspaceId: demo,
      stoppedAt: null,
    });
    // Seam's samples give the automation the same uuid as its provisioning automation.
    expect(a.enrollmentAutomationId).toMatch(UUID);
    expect(a.enrollmentAutomationId).toBe(a.acsCredentialProvisioningAutomationId);
    expect(a.id).toMatch(/^[0-9a-f]{24}$/);
    expect(a.acsCredentialProvisioningAutomationId).toMatch(UUID);
    expect(Date.parse(a.createdAt)).toBeGreaterThanOrEqual(started - 1000);

    // A new ACS user: Steve's account on EntraID, provisioned by the enrollment.
    const account = await em().findOneOrFail(UserAccount, { user: STEVE, targetSystem: ENTRA });
    expect(a.credentialManagerAcsUserId).toBe(account.id);
    expect(account).toMatchObject({ login: 'steve@iamsath.com', status: 'Provisioned', provisionMechanism: 'Enrollment' });

    const events = await em().find(AuditEvent, { entityId: { $in: [a.id, account.id] } }, { orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action).sort()).toEqual(['enrollmentAutomation.launch', 'userAccount.create']);
    expect(events.find((e) => e.action === 'enrollmentAutomation.launch')!.after).toMatchObject({ userIdentityId: STEVE, credentialManagerAcsSystemId: ENTRA, isRunning: true });
  });

  it('uses the given credential manager ACS user, or else the existing account of the user', async () => {
    const googleAccount = await accountOf(AARON, GOOGLE);
    const given = await admin.request<LaunchData>(LAUNCH, {
      input: { userIdentityId: AARON, credentialManagerAcsSystemId: GOOGLE, credentialManagerAcsUserId: googleAccount, createCredentialManagerUser: false },
    });
    expect(given.launchEnrollmentAutomation).toMatchObject({ credentialManagerAcsUserId: googleAccount, acsCredentialPoolId: null });

    const implied = await admin.request<LaunchData>(LAUNCH, { input: { userIdentityId: AARON, credentialManagerAcsSystemId: GOOGLE } });
    expect(implied.launchEnrollmentAutomation.credentialManagerAcsUserId).toBe(googleAccount);

    const none = await admin.request<LaunchData>(LAUNCH, { input: { userIdentityId: STEVE, credentialManagerAcsSystemId: GOOGLE } });
    expect(none.launchEnrollmentAutomation.credentialManagerAcsUserId).toBeNull();
    expect(await em().count(UserAccount, { user: STEVE, targetSystem: GOOGLE })).toBe(0);
  });
});

describe('launchEnrollmentAutomation: every documented rule is enforced, nothing is written on failure', () => {
  it.each([
    ['userIdentityId', { credentialManagerAcsSystemId: ENTRA }, 'input.userIdentityId'],
    ['credentialManagerAcsSystemId', { userIdentityId: STEVE }, 'input.credentialManagerAcsSystemId'],
  ])('a missing %s is a BAD_USER_INPUT naming it', async (name, input, field) => {
    const error = await failsWithoutWriting(() => admin.request(LAUNCH, { input }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toMatch(new RegExp(`Field "${name}" of required type "ID!" was not provided`));
  });

  it('createCredentialManagerUser and credentialManagerAcsUserId together are a BAD_USER_INPUT naming both', async () => {
    const googleAccount = await accountOf(AARON, GOOGLE);
    const error = await failsWithoutWriting(() =>
      admin.request(LAUNCH, {
        input: { userIdentityId: AARON, credentialManagerAcsSystemId: GOOGLE, createCredentialManagerUser: true, credentialManagerAcsUserId: googleAccount },
      }),
    );
    expect(error.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.createCredentialManagerUser',
      fields: ['input.createCredentialManagerUser', 'input.credentialManagerAcsUserId'],
    });
    expect(error.message).toMatch(/createCredentialManagerUser and credentialManagerAcsUserId are mutually exclusive/);
  });

  it.each([
    ['an unknown user identity', { userIdentityId: 'ffffffffffffffffffffffff' }, 'NOT_FOUND', 'input.userIdentityId', /User "ffffffffffffffffffffffff" was not found/],
    ['an unknown ACS system', { credentialManagerAcsSystemId: 'ffffffffffffffffffffffff' }, 'NOT_FOUND', 'input.credentialManagerAcsSystemId', /TargetSystem/],
    ['a system id that is a person', { credentialManagerAcsSystemId: AARON }, 'NOT_FOUND', 'input.credentialManagerAcsSystemId', /TargetSystem/],
    ['a uuid no user identity carries', { userIdentityId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', 'input.userIdentityId', /User "00000000-/],
    ['a user identity id that is neither an id nor a uuid', { userIdentityId: 'steve' }, 'BAD_USER_INPUT', 'input.userIdentityId', /24 hex characters\) or a Seam uuid/],
    ['a uuid no ACS system carries', { credentialManagerAcsSystemId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', 'input.credentialManagerAcsSystemId', /TargetSystem/],
    [
      'an application that is no credential manager',
      { credentialManagerAcsSystemId: ADP },
      'BAD_USER_INPUT',
      'input.credentialManagerAcsSystemId',
      /ADP is not a credential manager/,
    ],
    ['a credential pool id that is no uuid', { acsCredentialPoolId: 'pool-1' }, 'BAD_USER_INPUT', 'input.acsCredentialPoolId', /must be a uuid/],
    ['an unknown ACS user', { credentialManagerAcsUserId: 'ffffffffffffffffffffffff' }, 'NOT_FOUND', 'input.credentialManagerAcsUserId', /UserAccount/],
  ])('%s is refused', async (_, change, code, field, message) => {
    const input = { userIdentityId: STEVE, credentialManagerAcsSystemId: GOOGLE, ...change };
    const error = await failsWithoutWriting(() => admin.request(LAUNCH, { input }));
    expect(error.extensions).toMatchObject({ code, field });
    expect(error.message).toMatch(message);
  });

  it('an ACS user must be an account of that user on that system', async () => {
    const jeromesGoogle = await accountOf(JEROME, GOOGLE);
    const aaronsAdp = await accountOf(AARON, ADP);
    for (const accountId of [jeromesGoogle, aaronsAdp]) {
      const error = await failsWithoutWriting(() =>
        admin.request(LAUNCH, { input: { userIdentityId: AARON, credentialManagerAcsSystemId: GOOGLE, credentialManagerAcsUserId: accountId } }),
      );
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.credentialManagerAcsUserId' });
      expect(error.message).toMatch(/is not an account of aaron on Google Workspace/);
    }
  });

  it('creating a credential manager user the user already has is a CONFLICT that points to credentialManagerAcsUserId', async () => {
    const error = await failsWithoutWriting(() =>
      admin.request(LAUNCH, { input: { userIdentityId: AARON, credentialManagerAcsSystemId: GOOGLE, createCredentialManagerUser: true } }),
    );
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.createCredentialManagerUser' });
    expect(error.message).toMatch(/aaron already has an account on Google Workspace .*pass it as credentialManagerAcsUserId/);
  });

  it.each([[Authority.READ_ONLY], [Authority.REQUESTER], [Authority.SCIM_PROVISIONER], [Authority.APPROVER]])('a %s key may not launch (FORBIDDEN)', async (authority) => {
    const client = await app.client('acme', [authority]);
    const error = await failsWithoutWriting(() => client.request(LAUNCH, { input: { userIdentityId: STEVE, credentialManagerAcsSystemId: GOOGLE } }));
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', action: 'enrollment:write' });
  });

  it('a CATALOG_ADMIN key may launch', async () => {
    const client = await app.client('acme', [Authority.CATALOG_ADMIN]);
    const data = await client.request<LaunchData>(LAUNCH, { input: { userIdentityId: JEROME, credentialManagerAcsSystemId: GOOGLE } });
    expect(data.launchEnrollmentAutomation).toMatchObject({ userIdentityId: JEROME, isRunning: true });
  });
});

describe('enrollmentAutomation, enrollmentAutomations, deleteEnrollmentAutomation', () => {
  let userId: string;
  let systemId: string;
  const launched: string[] = [];
  const launchedUuids: string[] = [];

  beforeAll(async () => {
    // A person of the demo workspace with three automations on a fresh credential manager.
    const [person] = await buildUsers(em(), demo, 1);
    const system = await buildTargetSystem(em(), demo, { isCredentialManager: true });
    await buildAccounts(em(), demo, [person], system);
    userId = person.id;
    systemId = system.id;
    for (let i = 0; i < 3; i++) {
      const data = await admin.request<LaunchData>(LAUNCH, { input: { userIdentityId: userId, credentialManagerAcsSystemId: systemId } });
      launched.push(data.launchEnrollmentAutomation.id);
      launchedUuids.push(data.launchEnrollmentAutomation.enrollmentAutomationId);
    }
  });

  it('reads one by id (a READ_ONLY key may) and lists a user identity’s automations in pages', async () => {
    const reader = await app.client('acme', [Authority.READ_ONLY]);
    const one = await reader.request<GetData>(GET, { id: launched[0] });
    expect(one.enrollmentAutomation).toMatchObject({ id: launched[0], userIdentityId: userId, credentialManagerAcsSystemId: systemId, isRunning: true });
    // The Seam uuid finds the same automation.
    const byUuid = await reader.request<GetData>(GET, { id: launchedUuids[0] });
    expect(byUuid.enrollmentAutomation).toMatchObject({ id: launched[0], enrollmentAutomationId: launchedUuids[0] });

    const page1 = await reader.request<ListData>(LIST, { user: userId, first: 2 });
    expect(page1.enrollmentAutomations).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const page2 = await reader.request<ListData>(LIST, { user: userId, first: 2, after: page1.enrollmentAutomations.pageInfo.endCursor });
    const ids = [...page1.enrollmentAutomations.nodes, ...page2.enrollmentAutomations.nodes].map((n) => n.id);
    expect(ids).toEqual(launched);
    expect(page2.enrollmentAutomations.pageInfo.hasNextPage).toBe(false);

    const junk = await reader.request<{ a: { id: string }; b: { id: string } }>(
      gql`{ a: enrollmentAutomation(enrollmentAutomationId: "ffffffffffffffffffffffff") { id } b: enrollmentAutomation(enrollmentAutomationId: "05505650-aa57-49ab-8f19-429738758895") { id } }`,
    );
    expect(junk).toEqual({ a: null, b: null });
  });

  it('a key without any authority may not read automations (FORBIDDEN)', async () => {
    const nobody = await app.client('acme', []);
    const errors = await errorsOf(nobody.request(GET, { id: launched[0] }));
    expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', action: 'enrollment:read' });
  });

  it('delete stops the automation, audited once; repeating it changes nothing', async () => {
    const reader = await app.client('acme', [Authority.READ_ONLY]);
    const denied = await failsWithoutWriting(() => reader.request(DELETE, { id: launched[1] }));
    expect(denied.extensions).toMatchObject({ code: 'FORBIDDEN', action: 'enrollment:write' });

    const { deleteEnrollmentAutomation: stopped } = await admin.request<DeleteData>(DELETE, { id: launched[1] });
    expect(stopped).toMatchObject({ id: launched[1], isRunning: false });
    expect(Date.parse(stopped.stoppedAt!)).toBeGreaterThanOrEqual(Date.parse(stopped.createdAt));
    const stored = await em().findOneOrFail(EnrollmentAutomation, launched[1]);
    expect(stored.isRunning).toBe(false);

    const again = await admin.request<DeleteData>(DELETE, { id: launched[1] });
    expect(again.deleteEnrollmentAutomation.stoppedAt).toBe(stopped.stoppedAt);
    const events = await em().find(AuditEvent, { entityId: launched[1] }, { orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['enrollmentAutomation.launch', 'enrollmentAutomation.stop']);
    expect(events[1]).toMatchObject({ before: { isRunning: true, stoppedAt: null }, after: { isRunning: false } });

    const running = await admin.request<ListData>(LIST, { user: userId, running: true });
    expect(running.enrollmentAutomations.nodes.map((n) => n.id)).toEqual([launched[0], launched[2]]);
    const stoppedOnes = await admin.request<ListData>(LIST, { user: userId, running: false });
    expect(stoppedOnes.enrollmentAutomations.nodes.map((n) => n.id)).toEqual([launched[1]]);

    const missing = await failsWithoutWriting(() => admin.request(DELETE, { id: 'ffffffffffffffffffffffff' }));
    expect(missing.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'enrollmentAutomationId' });
  });

  it('edges: the automation reaches its user, credential manager and ACS user; the user and node(id) reach the automation', async () => {
    const data = await admin.request<{
      enrollmentAutomation: {
        userIdentity: { id: string };
        credentialManager: { id: string; isCredentialManager: boolean };
        credentialManagerAcsUser: { id: string; user: { id: string }; targetSystem: { id: string } };
      };
      user: { enrollmentAutomations: Array<{ id: string; isRunning: boolean }> };
      node: { __typename: string; id: string };
    }>(
      gql`query ($id: ID!, $user: ID!) {
      enrollmentAutomation(enrollmentAutomationId: $id) {
        userIdentity { id } credentialManager { id isCredentialManager } credentialManagerAcsUser { id user { id } targetSystem { id } }
      }
      user(id: $user) { enrollmentAutomations { id isRunning } }
      node(id: $id) { __typename id }
    }`,
      { id: launched[0], user: userId },
    );
    expect(data.enrollmentAutomation).toMatchObject({
      userIdentity: { id: userId },
      credentialManager: { id: systemId, isCredentialManager: true },
      credentialManagerAcsUser: { user: { id: userId }, targetSystem: { id: systemId } },
    });
    expect(data.user.enrollmentAutomations.map((a) => a.id)).toEqual(launched);
    expect(data.node).toEqual({ __typename: 'EnrollmentAutomation', id: launched[0] });
  });
});

describe('workspaces are isolated', () => {
  it('a key of another workspace cannot read, stop or use this workspace’s automations, people, systems or accounts', async () => {
    const { launchEnrollmentAutomation: a } = await admin.request<LaunchData>(LAUNCH, { input: { userIdentityId: JEROME, credentialManagerAcsSystemId: ENTRA } });

    const read = await otherAdmin.request<{ enrollmentAutomation: { id: string }; enrollmentAutomations: { totalCount: number } }>(
      gql`query ($id: ID!, $user: ID!) { enrollmentAutomation(enrollmentAutomationId: $id) { id } enrollmentAutomations(userIdentityId: $user) { totalCount } }`,
      { id: a.id, user: JEROME },
    );
    expect(read).toEqual({ enrollmentAutomation: null, enrollmentAutomations: { totalCount: 0 } });
    const stop = await failsWithoutWriting(() => otherAdmin.request(DELETE, { id: a.id }));
    expect(stop.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'enrollmentAutomationId' });
    const byUuid = await otherAdmin.request<GetData>(GET, { id: a.enrollmentAutomationId });
    expect(byUuid.enrollmentAutomation).toBeNull();
    const stopByUuid = await failsWithoutWriting(() => otherAdmin.request(DELETE, { id: a.enrollmentAutomationId }));
    expect(stopByUuid.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'enrollmentAutomationId' });
    expect((await em().findOneOrFail(EnrollmentAutomation, a.id)).isRunning).toBe(true);

    const [person] = await buildUsers(em(), other, 1);
    const manager = await buildTargetSystem(em(), other, { isCredentialManager: true });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ userIdentityId: JEROME, credentialManagerAcsSystemId: manager.id }, 'input.userIdentityId'],
      [{ userIdentityId: person.id, credentialManagerAcsSystemId: ENTRA }, 'input.credentialManagerAcsSystemId'],
      [{ userIdentityId: person.id, credentialManagerAcsSystemId: manager.id, credentialManagerAcsUserId: await accountOf(JEROME, ENTRA) }, 'input.credentialManagerAcsUserId'],
    ];
    for (const [input, field] of cases) {
      const error = await failsWithoutWriting(() => otherAdmin.request(LAUNCH, { input }));
      expect(error.extensions).toMatchObject({ code: 'NOT_FOUND', field });
    }
  });
});
