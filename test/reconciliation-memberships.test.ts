import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, type TestApp } from './harness.js';
import { ScimFixture } from './fixtures/scim-fixture.js';
import { User } from '../src/governance/user.entity.js';
import { TargetSystem } from '../src/governance/target-system.entity.js';
import { Entitlement } from '../src/governance/entitlement.entity.js';
import { EntitlementAssignment, UserAccount } from '../src/governance/user-account.entity.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';

/** Issue 12: a SCIM target's group memberships become entitlement assignments, and their removal revokes them. */
const TOKEN = 'membership-fixture-token-51c2';
const PEOPLE = ['amy', 'ben', 'cat', 'dan'];

let app: TestApp;
let admin: GraphQLClient;
let wsId: string;
let seq = 0;
const fixtures: ScimFixture[] = [];

beforeAll(async () => {
  app = await startTestApp();
  wsId = await app.workspace('memberships', null);
  admin = await app.client('memberships');
  const em = app.orm.em.fork();
  for (const login of PEOPLE) em.create(User, { workspace: wsId, login, firstName: login, lastName: 'Test', displayName: `${login} Test`, email: `${login}@corp.example` });
  await em.flush();
});
afterAll(async () => {
  await app?.stop();
});
afterEach(async () => {
  while (fixtures.length) await fixtures.pop()!.stop();
});

const em = () => app.orm.em.fork();

interface Setup {
  systemId: string;
  fixture: ScimFixture;
  /** Entitlements: `wiki` carries the target's group id, `sales` only its display name, `manual` is no group of the target. */
  wiki: string;
  sales: string;
  manual: string;
  account: (login: string) => Promise<string>;
}

/** An application with three entitlements, accounts of amy, ben and cat, and a connected target. */
async function setup(): Promise<Setup> {
  const e = em();
  const name = `Groups App ${++seq}`;
  const system = e.create(TargetSystem, { workspace: wsId, name, displayName: name, integrationLevel: 'Connected' });
  const wiki = e.create(Entitlement, { workspace: wsId, targetSystem: system, name: 'wiki', displayName: 'Wiki Editors', externalId: 'g-wiki' });
  const sales = e.create(Entitlement, { workspace: wsId, targetSystem: system, name: 'sales', displayName: 'Sales' });
  const manual = e.create(Entitlement, { workspace: wsId, targetSystem: system, name: 'manual', displayName: 'Manual Access' });
  for (const login of ['amy', 'ben', 'cat']) {
    e.create(UserAccount, { workspace: wsId, user: await e.findOneOrFail(User, { workspace: wsId, login }), targetSystem: system, login, status: 'Provisioned' });
  }
  await e.flush();
  const fixture = await ScimFixture.start({ token: TOKEN, maxResults: 2 });
  fixtures.push(fixture);
  await admin.request(gql`mutation ($id: ID!, $input: ConnectorInput!) { configureConnector(targetSystemId: $id, input: $input) { id } }`, {
    id: system.id,
    input: { type: 'SCIM', baseUrl: fixture.baseUrl, token: TOKEN },
  });
  return {
    systemId: system.id,
    fixture,
    wiki: wiki.id,
    sales: sales.id,
    manual: manual.id,
    account: async (login) => (await em().findOneOrFail(UserAccount, { targetSystem: system.id, login })).id,
  };
}

const person = (login: string, groups?: unknown[]) => ({
  userName: login,
  displayName: `${login} Test`,
  emails: [{ value: `${login}@corp.example`, primary: true }],
  ...(groups ? { groups } : {}),
});

async function reconcile(systemId: string, condition: string | null, dryRun = false) {
  const started = await admin.request<{ reconcileTargetSystem: { id: string } }>(
    gql`mutation ($id: ID!, $condition: String, $dryRun: Boolean) { reconcileTargetSystem(id: $id, operation: RECONCILE, entityType: ACCOUNT, condition: $condition, dryRun: $dryRun) { id } }`,
    { id: systemId, condition, dryRun },
  );
  await app.jobs.runDue();
  const id = started.reconcileTargetSystem.id;
  const data = await admin.request<{
    reconciliationBatch: { status: string; error: string | null };
    reconciliationEvents: {
      nodes: Array<{
        status: string;
        applied: boolean;
        resourceName: string | null;
        entitlementId: string | null;
        userAccount: { login: string } | null;
        user: { login: string } | null;
        diff: unknown;
      }>;
    };
  }>(
    gql`query ($id: ID!) {
      reconciliationBatch(id: $id) { status error }
      reconciliationEvents(batchId: $id, resourceType: ENTITLEMENT, first: 100) { nodes { status applied resourceName entitlementId userAccount { login } user { login } diff } }
    }`,
    { id },
  );
  expect(data.reconciliationBatch).toEqual({ status: 'COMPLETED', error: null });
  return data.reconciliationEvents.nodes;
}

async function assignments(systemId: string) {
  const rows = await em().find(EntitlementAssignment, { account: { targetSystem: systemId } }, { populate: ['account', 'entitlement'], orderBy: { id: 'asc' } });
  return rows.map((a) => `${a.account.login}:${a.entitlement.name}:${a.status}:${a.provisionMechanism}`).sort();
}

describe('reconciliation: group memberships → entitlement assignments', () => {
  it('updateOnMismatch creates the missing assignments (by externalId, name or display name) and revokes ended memberships', async () => {
    const s = await setup();
    const e = em();
    // ben held Wiki Editors (a group of the target) and Manual Access (no group): only the first follows the target.
    e.create(EntitlementAssignment, { workspace: wsId, account: await s.account('ben'), entitlement: s.wiki, status: 'Provisioned', provisionMechanism: 'Request' });
    e.create(EntitlementAssignment, { workspace: wsId, account: await s.account('ben'), entitlement: s.manual, status: 'Provisioned', provisionMechanism: 'Request' });
    // cat's Sales assignment ended before: the membership brings it back.
    e.create(EntitlementAssignment, { workspace: wsId, account: await s.account('cat'), entitlement: s.sales, status: 'Revoked', provisionMechanism: 'Request' });
    await e.flush();
    s.fixture.addUser(
      person('amy', [
        { value: 'g-wiki', display: 'Wiki Editors' },
        { value: 'x-sales', display: 'Sales' },
        { value: 'g-unknown', display: 'Unknown' },
      ]),
    );
    s.fixture.addUser(person('ben'));
    s.fixture.addUser(person('cat', ['sales']));
    s.fixture.addUser(person('dan', [{ value: 'g-wiki' }]));

    const events = await reconcile(s.systemId, 'updateOnMismatch');
    const summary = events
      .map((ev) => `${ev.status}:${ev.user?.login}:${ev.entitlementId === s.wiki ? 'wiki' : ev.entitlementId === s.sales ? 'sales' : ev.entitlementId}:${ev.applied}`)
      .sort();
    expect(summary).toEqual([
      'ENTITLEMENT_ASSIGNMENT_ADDED:amy:sales:true',
      'ENTITLEMENT_ASSIGNMENT_ADDED:amy:wiki:true',
      'ENTITLEMENT_ASSIGNMENT_ADDED:cat:sales:true',
      // dan had no account: reconciliation links one, and his membership comes with it.
      'ENTITLEMENT_ASSIGNMENT_ADDED:dan:wiki:true',
      'ENTITLEMENT_ASSIGNMENT_REVOKED:ben:wiki:true',
    ]);
    expect(await assignments(s.systemId)).toEqual([
      'amy:sales:Provisioned:Reconciliation',
      'amy:wiki:Provisioned:Reconciliation',
      'ben:manual:Provisioned:Request',
      'ben:wiki:Revoked:Request',
      'cat:sales:Provisioned:Reconciliation',
      'dan:wiki:Provisioned:Reconciliation',
    ]);
    const revoked = await em().findOneOrFail(EntitlementAssignment, { account: await s.account('ben'), entitlement: s.wiki });
    expect((await em().find(AuditEvent, { entityId: revoked.id })).map((a) => a.action)).toEqual(['entitlementAssignment.revoke']);

    // Nothing changed in the target: a second run finds nothing to do.
    expect(await reconcile(s.systemId, 'updateOnMismatch')).toEqual([]);

    // amy leaves Sales: the assignment reconciliation made is revoked although Sales carries no group id.
    s.fixture.userNamed('amy')!.groups = [{ value: 'g-wiki', display: 'Wiki Editors' }];
    const after = await reconcile(s.systemId, 'updateOnMismatch');
    expect(after.map((ev) => [ev.status, ev.user?.login, ev.resourceName, ev.diff])).toEqual([
      ['ENTITLEMENT_ASSIGNMENT_REVOKED', 'amy', 'Sales', { status: { before: 'Provisioned', after: 'Revoked' } }],
    ]);
    expect(await assignments(s.systemId)).toContain('amy:sales:Revoked:Reconciliation');
  });

  it('report-only and dry runs report the memberships and write nothing', async () => {
    const s = await setup();
    const e = em();
    e.create(EntitlementAssignment, { workspace: wsId, account: await s.account('ben'), entitlement: s.wiki, status: 'Provisioned', provisionMechanism: 'Request' });
    await e.flush();
    s.fixture.addUser(person('amy', [{ value: 'g-wiki', display: 'Wiki Editors' }]));
    s.fixture.addUser(person('ben'));
    s.fixture.addUser(person('cat'));
    const before = await assignments(s.systemId);
    const audits = await em().count(AuditEvent, { entityType: 'EntitlementAssignment' });

    for (const [condition, dryRun] of [
      [null, false],
      ['updateOnMismatch', true],
    ] as const) {
      const events = await reconcile(s.systemId, condition, dryRun);
      expect(events.map((ev) => [ev.status, ev.user?.login, ev.applied])).toEqual(
        expect.arrayContaining([
          ['ENTITLEMENT_ASSIGNMENT_ADDED', 'amy', false],
          ['ENTITLEMENT_ASSIGNMENT_REVOKED', 'ben', false],
        ]),
      );
      expect(events).toHaveLength(2);
      expect(await assignments(s.systemId)).toEqual(before);
      expect(await em().count(AuditEvent, { entityType: 'EntitlementAssignment' })).toBe(audits);
    }
  });
});
