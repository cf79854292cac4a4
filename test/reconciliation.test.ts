import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { ScimFixture, type ScimFixtureOptions } from './fixtures/scim-fixture.js';
import { Authority } from '../src/auth/authorities.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { User } from '../src/governance/user.entity.js';
import { TargetSystem } from '../src/governance/target-system.entity.js';
import { Entitlement } from '../src/governance/entitlement.entity.js';
import { EntitlementAssignment, UserAccount } from '../src/governance/user-account.entity.js';
import { ReconciliationBatch } from '../src/reconciliation/reconciliation-batch.entity.js';
import { ReconciliationEvent } from '../src/reconciliation/reconciliation-event.entity.js';
import { ReconciliationMark } from '../src/reconciliation/reconciliation-mark.entity.js';
import { ConnectorType, ReconciliationBatchStatus, ReconciliationEventStatus } from '../src/reconciliation/reconciliation.enums.js';
import { SCIM_SCHEMAS, type ScimUser } from '../src/reconciliation/scim-client.js';
import { connectorTokenContext } from '../src/reconciliation/connector-secrets.js';
import { secretBox } from '../src/common/secrets.js';
import { TestClock } from '../src/common/clock.js';

const TOKEN = 'scim-fixture-token-7f3a9c';
/** The account form of the seed's applications: recon key User Login → login. */
const FORM = [
  { name: 'User Login', dataType: 'string', matchingAttribute: 'login', isReconKey: true, isAccountName: true },
  { name: 'Email', dataType: 'string', matchingAttribute: 'email', isReconKey: false },
  { name: 'First Name', dataType: 'string', matchingAttribute: 'firstName', isReconKey: false },
  { name: 'Last Name', dataType: 'string', matchingAttribute: 'lastName', isReconKey: false },
];
const PEOPLE = [
  ['alice', 'Alice', 'Adams'],
  ['bob', 'Bob', 'Brown'],
  ['carol', 'Carol', 'Clark'],
  ['dave', 'Dave', 'Davis'],
  ['erin', 'Erin', 'Evans'],
  ['frank', 'Frank', 'Fox'],
] as const;

let app: TestApp;
let admin: GraphQLClient;
let wsId: string;
let systemSeq = 0;
const fixtures: ScimFixture[] = [];

// Starts at the real time; the schedule test moves it.
const clock = new TestClock(new Date());

beforeAll(async () => {
  app = await startTestApp({ clock });
  wsId = await app.workspace('recon', null);
  admin = await app.client('recon');
  const em = app.orm.em.fork();
  for (const [login, firstName, lastName] of PEOPLE) {
    em.create(User, { workspace: wsId, login, firstName, lastName, displayName: `${firstName} ${lastName}`, email: `${login}@corp.example` });
  }
  await em.flush();
});
afterAll(async () => {
  await app?.stop();
});
afterEach(async () => {
  while (fixtures.length) await fixtures.pop()!.stop();
});

async function fixture(options: Partial<ScimFixtureOptions> = {}): Promise<ScimFixture> {
  const f = await ScimFixture.start({ token: TOKEN, maxResults: 2, ...options });
  fixtures.push(f);
  return f;
}

const em = () => app.orm.em.fork();
const userId = async (login: string) => (await em().findOneOrFail(User, { workspace: wsId, login })).id;

/** A new application of the test workspace, with the seed's form unless told otherwise. */
async function makeSystem(overrides: Partial<TargetSystem> = {}, workspace = wsId): Promise<string> {
  const e = em();
  const name = `App ${++systemSeq}`;
  const system = e.create(TargetSystem, { workspace, name, displayName: name, form: FORM, integrationLevel: 'Connected', itOwnerLogin: 'dave', riskLevel: 'low', ...overrides });
  await e.flush();
  return system.id;
}

/** A gateway account whose form matches what the fixture user of the same login carries. */
async function makeAccount(systemId: string, login: string, form: Record<string, string | null> = formOf(login), status = 'Provisioned'): Promise<string> {
  const e = em();
  const account = e.create(UserAccount, { workspace: wsId, user: await userId(login), targetSystem: systemId, login, status, form });
  await e.flush();
  return account.id;
}

function formOf(login: string): Record<string, string | null> {
  const [, first, last] = PEOPLE.find((p) => p[0] === login)!;
  return { 'User Login': login, Email: `${login}@corp.example`, 'First Name': first, 'Last Name': last };
}

/** The target's copy of a person, as a SCIM user. */
function scimPerson(login: string, changes: Record<string, unknown> = {}) {
  const found = PEOPLE.find((p) => p[0] === login);
  const [first, last] = found ? [found[1], found[2]] : ['Zed', 'Nobody'];
  return {
    userName: login,
    displayName: `${first} ${last}`,
    name: { givenName: first, familyName: last },
    emails: [{ value: `${login}@corp.example`, primary: true }],
    active: true,
    ...changes,
  };
}

async function connect(systemId: string, f: ScimFixture, token = TOKEN, client = admin, extra: Record<string, unknown> = {}) {
  return client.request<{ configureConnector: { id: string; connectorType: string; connectorBaseUrl: string | null; integrationLevel: string } }>(
    gql`mutation ($id: ID!, $input: ConnectorInput!) { configureConnector(targetSystemId: $id, input: $input) { id connectorType connectorBaseUrl integrationLevel } }`,
    {
      id: systemId,
      input: { type: 'SCIM', baseUrl: f.baseUrl, token, ...extra },
    },
  );
}

const RECONCILE = gql`
  mutation ($id: ID!, $operation: ReconciliationOperation!, $entityType: ReconciliationEntityType!, $condition: String, $dryRun: Boolean) {
    reconcileTargetSystem(id: $id, operation: $operation, entityType: $entityType, condition: $condition, dryRun: $dryRun) { id status endDate }
  }
`;
const BATCH = gql`
  query ($id: ID!) {
    reconciliationBatch(id: $id) {
      id targetSystemId targetSystemName tenantName resourceType operation entityType condition dryRun status startDate endDate error eventCount
      counts { status count }
      targetSystem { id displayName }
    }
  }
`;
type ReconcileData = {
  reconcileTargetSystem: {
    id: string;
    targetSystemId: string;
    targetSystemName: string;
    tenantName: string;
    resourceType: string;
    operation: string;
    entityType: string;
    condition: string | null;
    dryRun: boolean;
    status: string;
    startDate: string;
    endDate: string | null;
    error: string | null;
    eventCount: number;
    counts: Array<{ status: string; count: number }>;
    targetSystem: { id: string; displayName: string };
  };
};

/** Starts a run (answered at once, Initiated), lets its job run, and reads the batch as it ended. */
async function reconcile(id: string, vars: { operation?: string; entityType?: string; condition?: string | null; dryRun?: boolean } = {}, client = admin) {
  const started = await client.request<{ reconcileTargetSystem: { id: string; status: string; endDate: string | null } }>(RECONCILE, {
    id,
    operation: 'RECONCILE',
    entityType: 'ACCOUNT',
    ...vars,
  });
  expect(started.reconcileTargetSystem).toMatchObject({ status: 'INITIATED', endDate: null });
  await app.jobs.runDue();
  const data = await client.request<{ reconciliationBatch: ReconcileData['reconcileTargetSystem'] }>(BATCH, { id: started.reconcileTargetSystem.id });
  return data.reconciliationBatch;
}

const EVENTS = gql`
  query ($batchId: ID!, $status: ReconciliationEventStatus, $resourceType: ReconciliationResourceType, $first: Int) {
    reconciliationEvents(batchId: $batchId, status: $status, resourceType: $resourceType, first: $first) {
      totalCount
      nodes {
        reconciliationBatchId rowNumber resourceType eventType status resourceId resourceName resourceDisplayName
        userId userAccountId entitlementId applied diff message resourceFromTargetSystem
        lastModified numberOfEntitlements resourceInIdhubBeforeModification userAccountBeforeModification
        user { login } userAccount { login status } entitlement { displayName retired }
      }
    }
  }
`;
type EventsData = {
  reconciliationEvents: {
    totalCount: number;
    nodes: Array<{
      reconciliationBatchId: string;
      rowNumber: number;
      resourceType: string;
      eventType: string;
      status: string;
      resourceId: string | null;
      resourceName: string | null;
      resourceDisplayName: string | null;
      userId: string | null;
      userAccountId: string | null;
      entitlementId: string | null;
      applied: boolean;
      diff: unknown;
      message: string | null;
      resourceFromTargetSystem: unknown;
      lastModified: string | null;
      numberOfEntitlements: number | null;
      resourceInIdhubBeforeModification: unknown;
      userAccountBeforeModification: unknown;
      user: { login: string };
      userAccount: { login: string; status: string };
      entitlement: { displayName: string; retired: boolean };
    }>;
  };
};

async function events(batchId: string, vars: Record<string, unknown> = {}, client = admin) {
  const data = await client.request<EventsData>(EVENTS, { batchId, first: 100, ...vars });
  return data.reconciliationEvents;
}

const byName = (nodes: EventsData['reconciliationEvents']['nodes']) => Object.fromEntries(nodes.map((n) => [n.resourceName, n]));

describe('reconcile accounts', () => {
  it('links, updates, finds orphans and missing accounts with condition updateOnMismatch, page by page', async () => {
    const systemId = await makeSystem();
    await makeAccount(systemId, 'alice');
    const bobAccount = await makeAccount(systemId, 'bob');
    const frankAccount = await makeAccount(systemId, 'frank');
    const f = await fixture();
    f.addUser(scimPerson('alice'));
    const bob = f.addUser(scimPerson('bob', { emails: [{ value: 'robert@corp.example', primary: true }] }));
    f.addUser(scimPerson('carol'));
    f.addUser(scimPerson('zed'));
    // One of three accounts goes: over the default safety threshold (20 %), so this application allows half.
    await connect(systemId, f, TOKEN, admin, { safetyThresholdPercent: 50 });
    // While the target is being read, the batch is Running and its start is audited.
    const during: unknown[] = [];
    f.beforeAnswer = async (request) => {
      if (request.query.startIndex !== '1') return;
      const b = await em().findOneOrFail(ReconciliationBatch, { targetSystem: systemId });
      const start = await em().findOneOrFail(AuditEvent, { entityId: b.id, action: 'reconciliation.start' });
      during.push(b.status, b.endDate, start.after);
    };

    const batch = await reconcile(systemId, { condition: 'updateOnMismatch' });
    expect(during).toEqual([
      'Running',
      null,
      { status: 'Initiated', targetSystemId: systemId, operation: 'reconcile', entityType: 'Account', condition: 'updateOnMismatch', dryRun: false },
    ]);
    expect(batch).toMatchObject({
      targetSystemId: systemId,
      targetSystemName: expect.stringMatching(/^App \d+$/),
      tenantName: 'recon',
      resourceType: 'account',
      operation: 'RECONCILE',
      entityType: 'ACCOUNT',
      condition: 'updateOnMismatch',
      dryRun: false,
      status: 'COMPLETED',
      error: null,
      eventCount: 5,
      targetSystem: { id: systemId },
    });
    expect(new Date(batch.endDate!).getTime()).toBeGreaterThanOrEqual(new Date(batch.startDate).getTime());
    expect(batch.counts).toEqual([
      { status: 'EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE', count: 1 },
      { status: 'EXISTING_USER_ACCOUNT_RECONCILED_UPDATED', count: 1 },
      { status: 'NEW_USER_ACCOUNT_LINKED', count: 1 },
      { status: 'ORPHAN_ACCOUNT_FOUND', count: 1 },
      { status: 'USER_ACCOUNT_MISSING_IN_TARGET', count: 1 },
    ]);
    // The fixture pages by 2: the client read the 4 target accounts in 2 requests.
    expect(f.requests.map((r) => r.query.startIndex)).toEqual(['1', '3']);

    const list = await events(batch.id);
    expect(list.totalCount).toBe(5);
    expect(list.nodes.map((n) => n.rowNumber)).toEqual([1, 2, 3, 4, 5]);
    const e = byName(list.nodes);
    expect(e.alice).toMatchObject({
      status: 'EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE',
      applied: false,
      diff: null,
      user: { login: 'alice' },
      resourceType: 'USER',
      eventType: 'TargetSystemAccount',
      reconciliationBatchId: batch.id,
    });
    expect(e.bob).toMatchObject({
      status: 'EXISTING_USER_ACCOUNT_RECONCILED_UPDATED',
      applied: true,
      resourceId: bob.id,
      resourceDisplayName: 'Bob Brown',
      userAccountId: bobAccount,
      diff: { Email: { before: 'bob@corp.example', after: 'robert@corp.example' } },
      resourceFromTargetSystem: expect.objectContaining({ userName: 'bob', id: bob.id }),
    });
    expect(e.carol).toMatchObject({ status: 'NEW_USER_ACCOUNT_LINKED', applied: true, user: { login: 'carol' }, userAccount: { login: 'carol', status: 'Provisioned' } });
    expect(e.zed).toMatchObject({ status: 'ORPHAN_ACCOUNT_FOUND', applied: false, userId: null, userAccountId: null, message: 'No person matches the recon key' });
    expect(e.frank).toMatchObject({
      status: 'USER_ACCOUNT_MISSING_IN_TARGET',
      applied: true,
      userAccountId: frankAccount,
      userAccount: { status: 'Deprovisioned' },
      diff: { status: { before: 'Provisioned', after: 'Deprovisioned' } },
    });

    // The before-images (seed: resourceInIdhubBeforeModification, userAccountBeforeModification)
    // hold the gateway's person and account as the event found them, before the change.
    expect(e.bob).toMatchObject({
      numberOfEntitlements: 0,
      lastModified: expect.any(String),
      resourceInIdhubBeforeModification: { collection: 'User', login: 'bob' },
      userAccountBeforeModification: { collection: 'UserAccount', id: bobAccount, login: 'bob', status: 'Provisioned', form: formOf('bob') },
    });
    expect(e.frank.userAccountBeforeModification).toMatchObject({ id: frankAccount, status: 'Provisioned' });
    expect(e.carol).toMatchObject({ resourceInIdhubBeforeModification: { login: 'carol' }, userAccountBeforeModification: null });
    expect(e.zed).toMatchObject({ resourceInIdhubBeforeModification: null, userAccountBeforeModification: null });

    const db = em();
    expect(await db.findOneOrFail(UserAccount, bobAccount)).toMatchObject({ sync: true, lastSyncedOn: expect.any(Date), updatedOn: expect.any(Date) });
    expect(await db.findOneOrFail(UserAccount, frankAccount)).toMatchObject({ sync: false, updatedOn: expect.any(Date) });
    expect((await db.findOneOrFail(UserAccount, bobAccount)).form).toEqual({ ...formOf('bob'), Email: 'robert@corp.example' });
    expect((await db.findOneOrFail(UserAccount, frankAccount)).status).toBe('Deprovisioned');
    const carol = await db.findOneOrFail(UserAccount, { targetSystem: systemId, login: 'carol' });
    expect(carol).toMatchObject({ status: 'Provisioned', provisionMechanism: 'Connected Reconciliation', form: formOf('carol') });
    expect(carol.user.id).toBe(await userId('carol'));
    expect(await db.count(UserAccount, { targetSystem: systemId })).toBe(4); // zed stays an orphan in the target only
    expect(await db.count(ReconciliationMark, {})).toBe(0);

    const audit = await db.find(AuditEvent, { entityId: batch.id }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['reconciliation.start', 'reconciliation.complete']);
    expect(audit[1].after).toMatchObject({ status: 'Completed', eventCount: 5 });
  });

  it('without the condition, mismatches are only reported; new accounts are still linked', async () => {
    const systemId = await makeSystem();
    const bobAccount = await makeAccount(systemId, 'bob', { ...formOf('bob'), 'First Name': 'Bobby' });
    const frankAccount = await makeAccount(systemId, 'frank');
    const f = await fixture();
    f.addUser(scimPerson('bob'));
    f.addUser(scimPerson('carol'));
    await connect(systemId, f);

    const batch = await reconcile(systemId, { condition: 'just report' });
    expect(batch.status).toBe('COMPLETED');
    const e = byName((await events(batch.id)).nodes);
    expect(e.bob).toMatchObject({ status: 'EXISTING_USER_ACCOUNT_MISMATCH_FOUND', applied: false, diff: { 'First Name': { before: 'Bobby', after: 'Bob' } } });
    expect(e.frank).toMatchObject({ status: 'USER_ACCOUNT_MISSING_IN_TARGET', applied: false, diff: null });
    expect(e.carol).toMatchObject({ status: 'NEW_USER_ACCOUNT_LINKED', applied: true });

    const db = em();
    expect((await db.findOneOrFail(UserAccount, bobAccount)).form).toMatchObject({ 'First Name': 'Bobby' });
    expect((await db.findOneOrFail(UserAccount, frankAccount)).status).toBe('Provisioned');
  });

  it('a dry run reports what would happen and changes nothing', async () => {
    const systemId = await makeSystem();
    const bobAccount = await makeAccount(systemId, 'bob', { ...formOf('bob'), 'Last Name': 'Braun' });
    const frankAccount = await makeAccount(systemId, 'frank');
    const f = await fixture();
    f.addUser(scimPerson('bob'));
    f.addUser(scimPerson('carol'));
    await connect(systemId, f);
    const before = await snapshot(systemId);

    const batch = await reconcile(systemId, { condition: 'updateOnMismatch', dryRun: true });
    expect(batch).toMatchObject({ dryRun: true, status: 'COMPLETED', eventCount: 3 });
    const e = byName((await events(batch.id)).nodes);
    expect(e.bob).toMatchObject({ status: 'EXISTING_USER_ACCOUNT_RECONCILED_UPDATED', applied: false, diff: { 'Last Name': { before: 'Braun', after: 'Brown' } } });
    expect(e.carol).toMatchObject({ status: 'NEW_USER_ACCOUNT_LINKED', applied: false, userId: await userId('carol'), userAccountId: null });
    expect(e.frank).toMatchObject({ status: 'USER_ACCOUNT_MISSING_IN_TARGET', applied: false, userAccountId: frankAccount });

    expect(await snapshot(systemId)).toEqual(before);
    expect((await em().findOneOrFail(UserAccount, bobAccount)).form).toMatchObject({ 'Last Name': 'Braun' });
    expect(f.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('an account that reappears in the target is Provisioned again', async () => {
    const systemId = await makeSystem();
    const account = await makeAccount(systemId, 'dave', formOf('dave'), 'Deprovisioned');
    const f = await fixture();
    f.addUser(scimPerson('dave'));
    await connect(systemId, f);
    const batch = await reconcile(systemId, { condition: 'updateOnMismatch' });
    const [event] = (await events(batch.id)).nodes;
    expect(event).toMatchObject({ status: 'EXISTING_USER_ACCOUNT_RECONCILED_UPDATED', diff: { status: { before: 'Deprovisioned', after: 'Provisioned' } } });
    expect((await em().findOneOrFail(UserAccount, account)).status).toBe('Provisioned');
  });

  it('without a recon key, userName matches a login or else an email; several matches make an orphan', async () => {
    const systemId = await makeSystem({ form: null });
    const e0 = em();
    e0.create(User, { workspace: wsId, login: 'twin1', displayName: 'Twin One', email: 'twin@corp.example' });
    e0.create(User, { workspace: wsId, login: 'twin2', displayName: 'Twin Two', email: 'twin@corp.example' });
    await e0.flush();
    const f = await fixture();
    f.addUser(scimPerson('erin'));
    f.addUser({ userName: 'frank@corp.example', displayName: 'Frank Fox' });
    f.addUser({ userName: 'twin@corp.example' });
    await connect(systemId, f);
    const batch = await reconcile(systemId);
    const e = byName((await events(batch.id)).nodes);
    expect(e.erin).toMatchObject({ status: 'NEW_USER_ACCOUNT_LINKED', user: { login: 'erin' } });
    expect(e['frank@corp.example']).toMatchObject({ status: 'NEW_USER_ACCOUNT_LINKED', user: { login: 'frank' }, userAccount: { login: 'frank@corp.example' } });
    expect(e['twin@corp.example']).toMatchObject({ status: 'ORPHAN_ACCOUNT_FOUND', message: '2 people match the recon key' });
    // The default form (the demo applications' attribute names) is what the new account holds.
    const frank = await em().findOneOrFail(UserAccount, { targetSystem: systemId, login: 'frank@corp.example' });
    expect(frank.form).toEqual({ 'User Login': 'frank@corp.example', Email: null, 'First Name': null, 'Last Name': null });
  });

  it('matches on the recon key the form names through idhubFieldName (seed shape: one form object)', async () => {
    const systemId = await makeSystem({ form: { name: 'mail', idhubFieldName: 'email', matchingAttribute: 'email', isReconKey: true } });
    const f = await fixture();
    f.addUser({
      userName: 'E-0042',
      emails: [
        { value: 'home@else.example', type: 'home' },
        { value: 'erin@corp.example', primary: true },
      ],
    });
    await connect(systemId, f);
    const batch = await reconcile(systemId);
    const [event] = (await events(batch.id)).nodes;
    expect(event).toMatchObject({ status: 'NEW_USER_ACCOUNT_LINKED', user: { login: 'erin' }, userAccount: { login: 'E-0042' } });
  });
});

describe('reconcile entitlements', () => {
  it('creates new groups as entitlements, keeps known ones and retires the gone ones (updateOnMismatch)', async () => {
    const systemId = await makeSystem({ approvalWorkflow: 'Auto Approval', searchTags: 'Connected Source of Truth' });
    const db = em();
    const sales = db.create(Entitlement, { workspace: wsId, targetSystem: systemId, name: 'grp-sales', displayName: 'GROUP~Sales' });
    const support = db.create(Entitlement, { workspace: wsId, targetSystem: systemId, name: 'support-local', displayName: 'GROUP~Support' });
    const legacy = db.create(Entitlement, { workspace: wsId, targetSystem: systemId, name: 'grp-legacy', displayName: 'GROUP~Legacy' });
    await db.flush();
    const f = await fixture();
    f.addGroup('GROUP~Sales renamed', 'grp-sales');
    f.addGroup('GROUP~Support');
    const marketing = f.addGroup('GROUP~Marketing Content Specialist');
    await connect(systemId, f);

    const batch = await reconcile(systemId, { entityType: 'ENTITLEMENT', condition: 'updateOnMismatch' });
    expect(batch).toMatchObject({ status: 'COMPLETED', resourceType: 'entitlement', entityType: 'ENTITLEMENT', eventCount: 4 });
    expect(f.requests.every((r) => r.path === '/scim/v2/Groups')).toBe(true);
    const list = await events(batch.id, { resourceType: 'ENTITLEMENT' });
    const e = Object.fromEntries(list.nodes.map((n) => [n.entitlementId ?? n.resourceName, n]));
    expect(e[sales.id]).toMatchObject({ status: 'EXISTING_ENTITLEMENT_RECONCILED_NO_CHANGE', eventType: 'TargetSystemEntitlement', resourceId: 'grp-sales' });
    expect(e[support.id]).toMatchObject({ status: 'EXISTING_ENTITLEMENT_RECONCILED_NO_CHANGE' });
    expect(e[legacy.id]).toMatchObject({ status: 'ENTITLEMENT_REMOVED', applied: true, entitlement: { displayName: 'GROUP~Legacy', retired: true } });
    const created = list.nodes.find((n) => n.status === 'NEW_ENTITLEMENT_CREATED');
    expect(created).toMatchObject({ applied: true, resourceId: marketing.id, entitlement: { displayName: 'GROUP~Marketing Content Specialist', retired: false } });

    const row = await em().findOneOrFail(Entitlement, created!.entitlementId!);
    expect(row).toMatchObject({
      name: marketing.id,
      itOwnerLogin: 'dave',
      approvalWorkflow: 'Auto Approval',
      riskLevel: 'low',
      searchTags: 'Connected Source of Truth',
      retired: false,
    });
    expect(await em().findOneOrFail(Entitlement, legacy.id)).toMatchObject({ retired: true, disabled: true });
  });

  it('without the condition a gone group is reported and the entitlement stays', async () => {
    const systemId = await makeSystem();
    const db = em();
    const legacy = db.create(Entitlement, { workspace: wsId, targetSystem: systemId, name: 'grp-old', displayName: 'Old' });
    await db.flush();
    await connect(systemId, await fixture());
    const batch = await reconcile(systemId, { entityType: 'ENTITLEMENT' });
    const [event] = (await events(batch.id)).nodes;
    expect(event).toMatchObject({ status: 'ENTITLEMENT_REMOVED', applied: false, entitlementId: legacy.id });
    expect(await em().findOneOrFail(Entitlement, legacy.id)).toMatchObject({ retired: false });
  });
});

describe('provision accounts', () => {
  it('creates in the target the accounts it lacks and records the ones it refuses', async () => {
    const systemId = await makeSystem();
    await makeAccount(systemId, 'alice');
    const bobAccount = await makeAccount(systemId, 'bob');
    await makeAccount(systemId, 'carol', formOf('carol'), 'Deprovisioned');
    const daveAccount = await makeAccount(systemId, 'dave');
    const f = await fixture();
    f.addUser(scimPerson('alice'));
    f.addUser(scimPerson('DAVE')); // SCIM userNames are case-insensitive: "dave" is taken
    await connect(systemId, f);

    const batch = await reconcile(systemId, { operation: 'PROVISION' });
    expect(batch).toMatchObject({ operation: 'PROVISION', status: 'COMPLETED', eventCount: 2 });
    const e = byName((await events(batch.id)).nodes);
    const created = f.userNamed('bob')!;
    expect(created).toMatchObject({
      externalId: await userId('bob'),
      displayName: 'Bob Brown',
      name: { givenName: 'Bob', familyName: 'Brown' },
      emails: [{ value: 'bob@corp.example', primary: true, type: 'work' }],
      active: true,
    });
    expect(e.bob).toMatchObject({ status: 'ACCOUNT_PROVISIONED', applied: true, resourceId: created.id, userAccountId: bobAccount });
    expect(e.dave).toMatchObject({
      status: 'PROVISIONING_FAILED',
      applied: false,
      userAccountId: daveAccount,
      message: 'SCIM POST /Users failed with HTTP 409 (uniqueness): userName dave is already taken',
    });
    expect(f.users.size).toBe(3); // alice, DAVE, and the new bob; carol is Deprovisioned
    const posts = f.requests.filter((r) => r.method === 'POST');
    expect(posts.map((p) => (p.body as ScimUser).userName).sort()).toEqual(['bob', 'dave']);
    expect((posts[0].body as ScimUser).schemas).toContain(SCIM_SCHEMAS.user);
  });

  it('a target that stops accepting the token ends the batch Failed, keeping the accounts already pushed', async () => {
    const systemId = await makeSystem();
    await makeAccount(systemId, 'alice');
    await makeAccount(systemId, 'bob');
    await makeAccount(systemId, 'carol');
    const f = await fixture();
    await connect(systemId, f);
    f.beforeAnswer = (request) => {
      if (request.method === 'POST' && f.requests.filter((r) => r.method === 'POST').length === 2) f.failure = { status: 403, detail: 'Token revoked' };
    };
    const batch = await reconcile(systemId, { operation: 'PROVISION' });
    expect(batch).toMatchObject({
      status: 'FAILED',
      eventCount: 1,
      counts: [{ status: 'ACCOUNT_PROVISIONED', count: 1 }],
      error: 'SCIM POST /Users failed with HTTP 403: Token revoked',
    });
    expect((await events(batch.id)).nodes).toMatchObject([{ resourceName: 'alice', status: 'ACCOUNT_PROVISIONED', applied: true }]);
    expect(f.requests.filter((r) => r.method === 'POST')).toHaveLength(2); // carol was not tried
  });

  it('a dry run pushes nothing', async () => {
    const systemId = await makeSystem();
    await makeAccount(systemId, 'erin');
    const f = await fixture();
    await connect(systemId, f);
    const batch = await reconcile(systemId, { operation: 'PROVISION', dryRun: true });
    const [event] = (await events(batch.id)).nodes;
    expect(event).toMatchObject({ status: 'ACCOUNT_PROVISIONED', applied: false, resourceName: 'erin' });
    expect(f.users.size).toBe(0);
    expect(f.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('provision pushes accounts only', async () => {
    const systemId = await makeSystem();
    await connect(systemId, await fixture());
    const errors = await errorsOf(reconcile(systemId, { operation: 'PROVISION', entityType: 'ENTITLEMENT' }));
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'entityType' });
    expect(await em().count(ReconciliationBatch, { targetSystem: systemId })).toBe(0);
  });
});

/** Everything a run could change for one application, to compare before and after. */
async function snapshot(systemId: string) {
  const db = em();
  const accounts = await db.find(UserAccount, { targetSystem: systemId }, { orderBy: { id: 'asc' } });
  const entitlements = await db.find(Entitlement, { targetSystem: systemId }, { orderBy: { id: 'asc' } });
  return {
    accounts: accounts.map((a) => ({ id: a.id, login: a.login, status: a.status, form: a.form, user: a.user.id })),
    entitlements: entitlements.map((e) => ({ id: e.id, name: e.name, retired: e.retired, disabled: e.disabled })),
    users: await db.count(User, { workspace: wsId }),
  };
}

describe('connector configuration', () => {
  const CONFIGURE = gql`mutation ($id: ID!, $input: ConnectorInput!) { configureConnector(targetSystemId: $id, input: $input) { id connectorType connectorBaseUrl integrationLevel } }`;
  type ConfigureData = { configureConnector: { id: string; connectorType: string; connectorBaseUrl: string | null; integrationLevel: string } };

  it('stores a SCIM connector, makes the application Connected, and audits without the token', async () => {
    const systemId = await makeSystem({ integrationLevel: 'Disconnected' });
    const data = await admin.request<ConfigureData>(CONFIGURE, { id: systemId, input: { type: 'SCIM', baseUrl: 'https://scim.example.com/scim/v2/', token: 'first-token' } });
    expect(data.configureConnector).toEqual({ id: systemId, connectorType: 'SCIM', connectorBaseUrl: 'https://scim.example.com/scim/v2', integrationLevel: 'Connected' });
    const stored = await em().findOneOrFail(TargetSystem, systemId);
    expect(stored.connectorType).toBe(ConnectorType.SCIM);
    expect(secretBox(app.config.secrets).open(stored.connectorToken!, connectorTokenContext(systemId))).toBe('first-token');

    // Omitting the token keeps the stored one while the base URL stays the same.
    await admin.request(CONFIGURE, { id: systemId, input: { type: 'SCIM', baseUrl: 'https://scim.example.com/scim/v2' } });
    expect(await em().findOneOrFail(TargetSystem, systemId)).toMatchObject({ connectorBaseUrl: 'https://scim.example.com/scim/v2', connectorToken: stored.connectorToken });

    const off = await admin.request<ConfigureData>(CONFIGURE, { id: systemId, input: { type: 'DISCONNECTED' } });
    expect(off.configureConnector).toMatchObject({ connectorType: 'DISCONNECTED', connectorBaseUrl: null, integrationLevel: 'Disconnected' });
    expect((await em().findOneOrFail(TargetSystem, systemId)).connectorToken).toBeNull();

    const log = await em().find(AuditEvent, { entityId: systemId, action: 'targetSystem.connector.configure' }, { orderBy: { id: 'asc' } });
    expect(log).toHaveLength(3);
    const settings = { trustedReconciliation: false, isCredentialManager: false, schedule: null, safetyThresholdPercent: 20, attributeMapping: null };
    expect(log[0].before).toEqual({ connectorType: 'DISCONNECTED', connectorBaseUrl: null, integrationLevel: 'Disconnected', tokenSet: false, ...settings });
    expect(log[0].after).toEqual({
      connectorType: 'SCIM',
      connectorBaseUrl: 'https://scim.example.com/scim/v2',
      integrationLevel: 'Connected',
      tokenSet: true,
      tokenReplaced: true,
      ...settings,
    });
    expect(log[1].after).toMatchObject({ tokenSet: true, tokenReplaced: false });
    expect(JSON.stringify(log)).not.toContain('first-token');
  });

  it('rejects bad connector input naming the field, and writes nothing', async () => {
    const systemId = await makeSystem({ integrationLevel: 'Disconnected' });
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ type: 'SCIM', token: 't' }, 'input.baseUrl', /needs the base URL/],
      [{ type: 'SCIM', baseUrl: 'not a url', token: 't' }, 'input.baseUrl', /Not an absolute URL/],
      [{ type: 'SCIM', baseUrl: 'ftp://scim.example.com', token: 't' }, 'input.baseUrl', /must use https/],
      [{ type: 'SCIM', baseUrl: 'http://scim.example.com/v2', token: 't' }, 'input.baseUrl', /plain http is accepted only for localhost/],
      [{ type: 'SCIM', baseUrl: 'https://user:pw@scim.example.com', token: 't' }, 'input.baseUrl', /credentials/],
      [{ type: 'SCIM', baseUrl: 'https://scim.example.com?x=1', token: 't' }, 'input.baseUrl', /no query/],
      [{ type: 'SCIM', baseUrl: 'https://scim.example.com' }, 'input.token', /needs a bearer token/],
      [{ type: 'SCIM', baseUrl: 'https://scim.example.com', token: 'two words' }, 'input.token', /without spaces/],
      [{ type: 'DISCONNECTED', baseUrl: 'https://scim.example.com' }, 'input.baseUrl', /no connector URL/],
      [{ type: 'DISCONNECTED', token: 'x' }, 'input.token', /no connector token/],
    ];
    for (const [input, field, message] of cases) {
      const errors = await errorsOf(admin.request(CONFIGURE, { id: systemId, input }));
      expect(errors[0].extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(errors[0].message).toMatch(message);
    }
    const missing = await errorsOf(admin.request(CONFIGURE, { id: '0123456789abcdef01234567', input: { type: 'DISCONNECTED' } }));
    expect(missing[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'targetSystemId' });
    expect(await em().findOneOrFail(TargetSystem, systemId)).toMatchObject({ connectorType: 'DISCONNECTED', connectorBaseUrl: null, connectorToken: null });
    expect(await em().count(AuditEvent, { entityId: systemId })).toBe(0);
  });

  it('the token is never returned: no field exposes it, and no response carries it', async () => {
    const systemId = await makeSystem();
    const f = await fixture();
    await connect(systemId, f);
    type Named = { name: string };
    const intro = await admin.request<{ __schema: { types: Array<{ name: string; fields: Named[] | null; inputFields: Named[] | null }> } }>(
      gql`{ __schema { types { name fields { name } inputFields { name } } } }`,
    );
    const ts = intro.__schema.types.find((t) => t.name === 'TargetSystem')!;
    const fields = ts.fields!.map((x) => x.name);
    expect(fields).toEqual(expect.arrayContaining(['connectorType', 'connectorBaseUrl']));
    const outputFields = intro.__schema.types.flatMap((t) => (t.fields ?? []).map((x) => `${t.name}.${x.name}`));
    expect(outputFields.filter((n: string) => /token|secret|password/i.test(n))).toEqual([]);

    // Every scalar field of the application, its batches and events, and the audit log.
    const scalars = ts.fields!.map((x) => x.name).filter((n: string) => !['businessOwner', 'itOwner', 'entitlements', 'accounts', 'identityProfiles'].includes(n));
    const batch = await reconcile(systemId);
    const everything = await admin.request<{ node: Record<string, unknown> }>(
      gql`
      query ($id: ID!, $batch: ID!) {
        node(id: $id) { ... on TargetSystem { ${scalars.join(' ')} } }
        reconciliationBatch(id: $batch) { id error targetSystem { ${scalars.join(' ')} } events { nodes { resourceFromTargetSystem diff message } } }
        auditEvents(first: 100) { nodes { before after } }
      }
    `,
      { id: systemId, batch: batch.id },
    );
    expect(everything.node.connectorBaseUrl).toBe(f.baseUrl);
    expect(JSON.stringify(everything)).not.toContain(TOKEN);
  });
});

describe('refusals and failures', () => {
  it('a Disconnected application cannot be reconciled: CONFLICT naming id, nothing written', async () => {
    const manual = await makeSystem({ integrationLevel: 'Disconnected' });
    const noConnector = await makeSystem({ integrationLevel: 'Connected' });
    const starts = () => em().count(AuditEvent, { action: 'reconciliation.start' });
    const startsBefore = await starts();
    for (const id of [manual, noConnector]) {
      const errors = await errorsOf(reconcile(id));
      expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
      expect(errors[0].message).toMatch(/is Disconnected: it has no connector to reconcile through/);
    }
    // A connector configured and then switched off is Disconnected again.
    const f = await fixture();
    await connect(manual, f);
    await admin.request(gql`mutation ($id: ID!) { configureConnector(targetSystemId: $id, input: { type: DISCONNECTED }) { id } }`, { id: manual });
    expect((await errorsOf(reconcile(manual)))[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(await em().count(ReconciliationBatch, { targetSystem: { $in: [manual, noConnector] } })).toBe(0);
    expect(await starts()).toBe(startsBefore);
    expect(f.requests).toHaveLength(0);
  });

  it('an unknown or malformed id is NOT_FOUND naming id', async () => {
    for (const id of ['0123456789abcdef01234567', 'nope']) {
      expect((await errorsOf(reconcile(id)))[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    }
  });

  it('a recon key that cannot be matched refuses the run before it starts', async () => {
    const systemId = await makeSystem({ form: [{ name: 'Manager', matchingAttribute: 'managerLogin', isReconKey: true }] });
    await connect(systemId, await fixture());
    const errors = await errorsOf(reconcile(systemId));
    expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(errors[0].message).toMatch(/recon key "Manager" .* names "managerLogin", which cannot be matched/);
    expect(await em().count(ReconciliationBatch, { targetSystem: systemId })).toBe(0);
  });

  it('a retired application or one with a run under way cannot be reconciled', async () => {
    const retired = await makeSystem({ retired: true, disabled: true });
    const busy = await makeSystem();
    const f = await fixture();
    await connect(retired, f);
    await connect(busy, f);
    const db = em();
    db.create(ReconciliationBatch, {
      workspace: wsId,
      targetSystem: busy,
      targetSystemName: 'x',
      tenantName: 'recon',
      operation: 'reconcile' as never,
      entityType: 'Account' as never,
      resourceType: 'account',
      status: ReconciliationBatchStatus.RUNNING,
    });
    await db.flush();
    const a = await errorsOf(reconcile(retired));
    expect(a[0]).toMatchObject({ extensions: { code: 'CONFLICT', field: 'id' }, message: expect.stringMatching(/is retired/) });
    const b = await errorsOf(reconcile(busy));
    expect(b[0]).toMatchObject({ extensions: { code: 'CONFLICT', field: 'id' }, message: expect.stringMatching(/already under way/) });
    expect(await em().count(ReconciliationBatch, { targetSystem: { $in: [retired, busy] } })).toBe(1);
    expect(f.requests).toHaveLength(0);
  });

  it('a token the target refuses ends the batch Failed with the SCIM error recorded', async () => {
    const systemId = await makeSystem();
    await makeAccount(systemId, 'alice');
    const f = await fixture();
    f.addUser(scimPerson('alice'));
    await connect(systemId, f, 'wrong-token');
    const before = await snapshot(systemId);
    const batch = await reconcile(systemId, { condition: 'updateOnMismatch' });
    expect(batch).toMatchObject({
      status: 'FAILED',
      eventCount: 0,
      counts: [],
      error: 'SCIM GET /Users failed with HTTP 401: Authorization failure: the bearer token is not valid',
    });
    expect(batch.endDate).not.toBeNull();
    expect(f.requests[0].authorization).toBe('Bearer wrong-token');
    expect(await snapshot(systemId)).toEqual(before); // in particular alice's account is not "missing"
    const audit = await em().find(AuditEvent, { entityId: batch.id }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['reconciliation.start', 'reconciliation.fail']);
    expect(audit[1].after).toMatchObject({ status: 'Failed', error: batch.error });
    // The failed run does not block the next one.
    await connect(systemId, f);
    expect((await reconcile(systemId)).status).toBe('COMPLETED');
  });

  it('a target that fails halfway keeps the pages already done and fails the batch', async () => {
    const systemId = await makeSystem();
    const f = await fixture();
    for (const login of ['alice', 'bob', 'carol']) f.addUser(scimPerson(login));
    await connect(systemId, f);
    f.beforeAnswer = () => {
      if (f.requests.length === 2) f.failure = { status: 503, detail: 'Service Unavailable' };
    };
    const batch = await reconcile(systemId);
    expect(batch).toMatchObject({ status: 'FAILED', eventCount: 2, error: 'SCIM GET /Users failed with HTTP 503: Service Unavailable' });
    expect((await events(batch.id)).nodes.map((n) => n.resourceName)).toEqual(['alice', 'bob']);
    // Missing-account detection never ran on a partial listing.
    expect(await em().count(ReconciliationEvent, { batch: batch.id, status: ReconciliationEventStatus.USER_ACCOUNT_MISSING_IN_TARGET })).toBe(0);
  });

  it('needs reconciliation:run to reconcile and connectors:configure to configure (FORBIDDEN, nothing written)', async () => {
    const systemId = await makeSystem();
    const f = await fixture();
    for (const authorities of [[Authority.READ_ONLY], [Authority.REQUESTER], [Authority.SCIM_PROVISIONER]]) {
      const client = await app.client('recon', authorities);
      const a = await errorsOf(connect(systemId, f, TOKEN, client));
      expect(a[0].extensions).toMatchObject({ code: 'FORBIDDEN', action: 'connectors:configure' });
      const b = await errorsOf(reconcile(systemId, {}, client));
      expect(b[0].extensions).toMatchObject({ code: 'FORBIDDEN', action: 'reconciliation:run' });
    }
    expect(await em().findOneOrFail(TargetSystem, systemId)).toMatchObject({ connectorType: 'DISCONNECTED' });
    const catalogAdmin = await app.client('recon', [Authority.CATALOG_ADMIN]);
    await connect(systemId, f, TOKEN, catalogAdmin);
    expect((await reconcile(systemId, {}, catalogAdmin)).status).toBe('COMPLETED');
    expect(await em().count(ReconciliationBatch, { targetSystem: systemId })).toBe(1);
  });

  it('reading runs needs reconciliation:read (READ_ONLY may, REQUESTER may not)', async () => {
    const systemId = await makeSystem();
    await connect(systemId, await fixture());
    const batch = await reconcile(systemId);
    const reader = await app.client('recon', [Authority.READ_ONLY]);
    const ok = await reader.request<{ reconciliationBatch: { id: string; status: string } }>(gql`query ($id: ID!) { reconciliationBatch(id: $id) { id status } }`, {
      id: batch.id,
    });
    expect(ok.reconciliationBatch).toEqual({ id: batch.id, status: 'COMPLETED' });
    const requester = await app.client('recon', [Authority.REQUESTER]);
    for (const query of [
      gql`query ($id: ID!) { reconciliationBatch(id: $id) { id } }`,
      gql`query ($id: ID!) { reconciliationEvents(batchId: $id) { totalCount } }`,
      gql`{ reconciliationBatches { totalCount } }`,
    ]) {
      const errors = await errorsOf(requester.request(query, { id: batch.id }));
      expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', action: 'reconciliation:read' });
    }
  });
});

describe('workspaces', () => {
  it("another workspace can neither configure, reconcile nor read this workspace's application and runs", async () => {
    const systemId = await makeSystem();
    const f = await fixture();
    f.addUser(scimPerson('alice'));
    await connect(systemId, f);
    const batch = await reconcile(systemId);
    const requestsBefore = f.requests.length;

    const other = await app.client('other-recon', [Authority.ORG_ADMIN]);
    const a = await errorsOf(reconcile(systemId, {}, other));
    expect(a[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const b = await errorsOf(connect(systemId, f, 'hijack', other));
    expect(b[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'targetSystemId' });
    const read = await other.request<{
      reconciliationBatch: { id: string };
      reconciliationEvents: { totalCount: number; nodes: Array<{ id: string }> };
      reconciliationBatches: { totalCount: number };
      all: { totalCount: number };
    }>(
      gql`
      query ($id: ID!, $ts: ID!) {
        reconciliationBatch(id: $id) { id }
        reconciliationEvents(batchId: $id) { totalCount nodes { id } }
        reconciliationBatches(targetSystemId: $ts) { totalCount }
        all: reconciliationBatches { totalCount }
      }
    `,
      { id: batch.id, ts: systemId },
    );
    expect(read).toEqual({ reconciliationBatch: null, reconciliationEvents: { totalCount: 0, nodes: [] }, reconciliationBatches: { totalCount: 0 }, all: { totalCount: 0 } });
    expect(f.requests).toHaveLength(requestsBefore);
    expect(await em().count(ReconciliationBatch, { targetSystem: systemId })).toBe(1);
    const sealed = (await em().findOneOrFail(TargetSystem, systemId)).connectorToken!;
    expect(secretBox(app.config.secrets).open(sealed, connectorTokenContext(systemId))).toBe(TOKEN);
  });
});

describe('reading runs', () => {
  it('lists runs newest first per application, and pages events in row order through the batch', async () => {
    const systemId = await makeSystem();
    const f = await fixture();
    for (const login of ['alice', 'bob', 'carol', 'dave', 'erin']) f.addUser(scimPerson(login));
    await connect(systemId, f);
    const first = await reconcile(systemId);
    const second = await reconcile(systemId, { dryRun: true });
    const data = await admin.request<{
      reconciliationBatches: { totalCount: number; nodes: Array<{ id: string; dryRun: boolean }> };
      page1: { events: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ rowNumber: number; resourceName: string | null }> } };
    }>(
      gql`
      query ($ts: ID!) {
        reconciliationBatches(targetSystemId: $ts, first: 10) { totalCount nodes { id dryRun } }
        page1: reconciliationBatch(id: "${second.id}") { events(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { rowNumber resourceName } } }
      }
    `,
      { ts: systemId },
    );
    expect(data.reconciliationBatches).toEqual({
      totalCount: 2,
      nodes: [
        { id: second.id, dryRun: true },
        { id: first.id, dryRun: false },
      ],
    });
    expect(data.page1.events).toMatchObject({
      totalCount: 5,
      pageInfo: { hasNextPage: true },
      nodes: [
        { rowNumber: 1, resourceName: 'alice' },
        { rowNumber: 2, resourceName: 'bob' },
      ],
    });
    const next = await admin.request<{ reconciliationEvents: { nodes: Array<{ rowNumber: number }> } }>(
      gql`query ($id: ID!, $after: String) { reconciliationEvents(batchId: $id, first: 2, after: $after) { nodes { rowNumber } } }`,
      {
        id: second.id,
        after: (
          await admin.request<{ reconciliationEvents: { pageInfo: { endCursor: string | null } } }>(
            gql`query ($id: ID!) { reconciliationEvents(batchId: $id, first: 2) { pageInfo { endCursor } } }`,
            { id: second.id },
          )
        ).reconciliationEvents.pageInfo.endCursor,
      },
    );
    expect(next.reconciliationEvents.nodes).toEqual([{ rowNumber: 3 }, { rowNumber: 4 }]);
    const filtered = await events(first.id, { status: 'EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE' });
    expect(filtered.totalCount).toBe(0);
    expect((await events(second.id, { status: 'EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE' })).totalCount).toBe(5);
    expect((await errorsOf(events(first.id, { first: 101 })))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('runs as jobs', () => {
  it('answers at once with the batch Initiated; the job moves it Running, then Completed', async () => {
    const systemId = await makeSystem();
    const f = await fixture();
    f.addUser(scimPerson('alice'));
    await connect(systemId, f);
    const started = await admin.request<{ reconcileTargetSystem: { id: string; status: string } }>(RECONCILE, { id: systemId, operation: 'RECONCILE', entityType: 'ACCOUNT' });
    expect(started.reconcileTargetSystem.status).toBe('INITIATED');
    // Nothing has read the target yet: the run happens in the job, not in the request.
    expect(f.requests).toEqual([]);
    const seen: string[] = [];
    f.beforeAnswer = async () => {
      seen.push((await em().findOneOrFail(ReconciliationBatch, started.reconcileTargetSystem.id)).status);
    };
    await app.jobs.runDue();
    expect(seen[0]).toBe('Running');
    expect((await em().findOneOrFail(ReconciliationBatch, started.reconcileTargetSystem.id)).status).toBe('Completed');
  });

  it('the safety threshold stops a run against a target that suddenly returns nothing, before deprovisioning anyone', async () => {
    const systemId = await makeSystem();
    const logins = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const accounts = await Promise.all(logins.map((login) => makeAccount(systemId, login)));
    const f = await fixture();
    for (const login of logins) f.addUser(scimPerson(login));
    await connect(systemId, f);
    expect((await reconcile(systemId, { condition: 'updateOnMismatch' })).status).toBe('COMPLETED');

    f.users.clear();
    const stopped = await reconcile(systemId, { condition: 'updateOnMismatch' });
    expect(stopped.status).toBe('FAILED');
    expect(stopped.error).toBe("Safety threshold: the run would deprovision 5 of 5 active accounts (100 %), more than the application's limit of 20 %; nothing was deprovisioned");
    const [event] = (await events(stopped.id, { status: 'SAFETY_THRESHOLD_EXCEEDED' })).nodes;
    expect(event).toMatchObject({ status: 'SAFETY_THRESHOLD_EXCEEDED', applied: false, message: stopped.error });
    const statuses = await em().find(UserAccount, { id: { $in: accounts } });
    expect(statuses.map((a) => a.status)).toEqual(logins.map(() => 'Provisioned'));
    expect(await em().count(AuditEvent, { entityId: stopped.id, action: 'reconciliation.fail' })).toBe(1);

    // One of five (20 %) is within the limit: that run deprovisions.
    for (const login of logins.slice(1)) f.addUser(scimPerson(login));
    const within = await reconcile(systemId, { condition: 'updateOnMismatch' });
    expect(within.status).toBe('COMPLETED');
    expect((await em().findOneOrFail(UserAccount, accounts[0])).status).toBe('Deprovisioned');
  });

  it('a batch left Running by a process that died is failed when its job runs again, and a new run can start', async () => {
    const systemId = await makeSystem();
    const f = await fixture();
    f.addUser(scimPerson('alice'));
    await connect(systemId, f);
    const started = await admin.request<{ reconcileTargetSystem: { id: string } }>(RECONCILE, { id: systemId, operation: 'RECONCILE', entityType: 'ACCOUNT' });
    const id = started.reconcileTargetSystem.id;
    // What a process killed mid-run leaves behind: the batch Running, its job claimed by it.
    await em().nativeUpdate(ReconciliationBatch, { id }, { status: ReconciliationBatchStatus.RUNNING });
    const blocked = await errorsOf(admin.request(RECONCILE, { id: systemId, operation: 'RECONCILE', entityType: 'ACCOUNT' }));
    expect(blocked[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    await app.jobs.runDue();
    const failed = await em().findOneOrFail(ReconciliationBatch, id);
    expect(failed.status).toBe('Failed');
    expect(failed.error).toMatch(/interrupted/);
    expect((await reconcile(systemId)).status).toBe('COMPLETED');
  });

  it('a recon schedule runs the reconciliation by itself each period, until it is set to Do not repeat', async () => {
    const systemId = await makeSystem();
    const f = await fixture();
    f.addUser(scimPerson('alice'));
    await connect(systemId, f, TOKEN, admin, { schedule: { repeat: 'Daily' } });
    const runs = () => em().count(ReconciliationBatch, { targetSystem: systemId, status: ReconciliationBatchStatus.COMPLETED });
    await app.jobs.runDue();
    expect(await runs()).toBe(0);
    clock.advance({ hours: 24 });
    // The schedule's job starts the batch; the batch's own job runs it in the same pass.
    await app.jobs.runDue();
    expect(await runs()).toBe(1);
    expect(f.requests.filter((r) => r.method === 'GET')).not.toHaveLength(0);
    clock.advance({ hours: 24 });
    await app.jobs.runDue();
    expect(await runs()).toBe(2);
    const [latest] = await em().find(ReconciliationBatch, { targetSystem: systemId }, { orderBy: { startDate: 'desc' } });
    expect(latest.condition).toBe('updateOnMismatch');

    await connect(systemId, f, TOKEN, admin, { schedule: { repeat: 'Do not repeat' } });
    clock.advance({ hours: 24 });
    await app.jobs.runDue();
    expect(await runs()).toBe(2);
    const [bad] = await errorsOf(connect(systemId, f, TOKEN, admin, { schedule: { repeat: 'now and then' } }));
    expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.schedule.repeat' });
  });

  it('an account missing in the target takes its entitlement assignments with it (updateOnMismatch)', async () => {
    const systemId = await makeSystem();
    const logins = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const accounts = await Promise.all(logins.map((login) => makeAccount(systemId, login)));
    const e = em();
    const entitlement = e.create(Entitlement, { workspace: wsId, targetSystem: systemId, name: 'wiki-editors', displayName: 'Wiki Editors' });
    const assignment = e.create(EntitlementAssignment, { workspace: wsId, account: accounts[0], entitlement });
    const kept = e.create(EntitlementAssignment, { workspace: wsId, account: accounts[1], entitlement });
    await e.flush();
    const f = await fixture();
    for (const login of logins.slice(1)) f.addUser(scimPerson(login));
    await connect(systemId, f);
    const batch = await reconcile(systemId, { condition: 'updateOnMismatch' });
    expect(batch.status).toBe('COMPLETED');
    expect((await em().findOneOrFail(EntitlementAssignment, assignment.id)).status).toBe('Deprovisioned');
    expect((await em().findOneOrFail(EntitlementAssignment, kept.id)).status).toBe('Provisioned');
    const [missing] = (await events(batch.id, { status: 'USER_ACCOUNT_MISSING_IN_TARGET' })).nodes;
    expect(missing.diff).toEqual({ status: { before: 'Provisioned', after: 'Deprovisioned' }, activeEntitlements: { before: 1, after: 0 } });
  });
});
