import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { ScimFixture } from './fixtures/scim-fixture.js';
import { SCIM_SCHEMAS } from '../src/reconciliation/scim-client.js';
import { Authority } from '../src/auth/authorities.js';
import { TargetSystem } from '../src/governance/target-system.entity.js';
import { User } from '../src/governance/user.entity.js';
import { EntitlementAssignment, UserAccount } from '../src/governance/user-account.entity.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';

/**
 * Issue 12: PROVISION from workspace A into workspace B's /scim/v2 of the same running gateway,
 * over HTTP, with a SCIM_PROVISIONER key of B as the connector token of A's application; then a
 * reconciliation of A's application against B reads the people back, and B's group memberships
 * become (and stop being) entitlement assignments in A.
 */
let app: TestApp;
let adminA: GraphQLClient;
let wsA: string;
let scimToken: string;
let systemId: string;
const PEOPLE = ['derrick', 'zachary'];

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function scimB(method: string, path: string, body?: unknown) {
  const res = await app.fetch(`/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function run(operation: 'RECONCILE' | 'PROVISION', entityType: 'ACCOUNT' | 'ENTITLEMENT', condition: string | null = 'updateOnMismatch') {
  const started = await adminA.request<{ reconcileTargetSystem: { id: string; status: string } }>(
    gql`mutation ($id: ID!, $operation: ReconciliationOperation!, $entityType: ReconciliationEntityType!, $condition: String) {
      reconcileTargetSystem(id: $id, operation: $operation, entityType: $entityType, condition: $condition) { id status }
    }`,
    { id: systemId, operation, entityType, condition },
  );
  expect(started.reconcileTargetSystem.status).toBe('INITIATED');
  await app.jobs.runDue();
  const { reconciliationBatch: batch } = await adminA.request<{
    reconciliationBatch: { id: string; status: string; error: string | null; counts: Array<{ status: string; count: number }> };
  }>(gql`query ($id: ID!) { reconciliationBatch(id: $id) { id status error counts { status count } } }`, { id: started.reconcileTargetSystem.id });
  return { ...batch, count: (status: string) => batch.counts.find((c) => c.status === status)?.count ?? 0 };
}

/** The entitlements of one person's account on the application, read back through the nested user graph. */
async function heldThroughGraph(login: string) {
  const { user } = await adminA.request<{
    user: { accounts: Array<{ targetSystem: { id: string }; entitlements: Array<{ status: string; provisionMechanism: string | null; entitlement: { displayName: string } }> }> };
  }>(gql`query ($login: String) { user(login: $login) { accounts { targetSystem { id } entitlements { status provisionMechanism entitlement { displayName } } } } }`, { login });
  return user.accounts.filter((a) => a.targetSystem.id === systemId).flatMap((a) => a.entitlements);
}

beforeAll(async () => {
  app = await startTestApp();
  wsA = await app.workspace('provision-a');
  await app.workspace('provision-b', null);
  adminA = await app.client('provision-a');
  scimToken = await app.token('provision-b', [Authority.SCIM_PROVISIONER]);
  const em = app.orm.em.fork();
  const system = em.create(TargetSystem, { workspace: wsA, name: 'Directory B', displayName: 'Directory B', integrationLevel: 'Disconnected' });
  for (const login of PEOPLE) {
    const person = await em.findOneOrFail(User, { workspace: wsA, login });
    em.create(UserAccount, { workspace: wsA, user: person, targetSystem: system, login, status: 'Provisioned', provisionMechanism: 'Request' });
  }
  await em.flush();
  systemId = system.id;
});
afterAll(async () => {
  await app?.stop();
});

describe("PROVISION into another workspace's /scim/v2 of the same gateway", () => {
  it('creates the people in B (userType mapped), reads them back, and turns B group memberships into assignments', async () => {
    const people = await app.orm.em.fork().find(User, { workspace: wsA, login: { $in: PEOPLE } });
    expect(people.map((p) => p.userType)).toEqual(['Employee', 'Employee']);
    await adminA.request(gql`mutation ($id: ID!, $input: ConnectorInput!) { configureConnector(targetSystemId: $id, input: $input) { id } }`, {
      id: systemId,
      input: { type: 'SCIM', baseUrl: `${app.origin}/scim/v2`, token: scimToken },
    });

    const provisioned = await run('PROVISION', 'ACCOUNT', null);
    expect(provisioned.error).toBeNull();
    expect(provisioned.status).toBe('COMPLETED');
    expect(provisioned.count('ACCOUNT_PROVISIONED')).toBe(2);
    expect(provisioned.count('PROVISIONING_FAILED')).toBe(0);

    const listed = await scimB('GET', `/Users?filter=${encodeURIComponent('userName eq "derrick"')}`);
    expect(listed.status).toBe(200);
    expect(listed.body.totalResults).toBe(1);
    const derrickInB = listed.body.Resources[0];
    expect(derrickInB).toMatchObject({ userName: 'derrick', userType: 'USER', active: true, emails: [{ value: 'derrick@iamsath.com', primary: true }] });

    // B's directory groups the people; A learns B's groups as entitlements of the application.
    const group = await scimB('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Wiki Editors', members: [{ value: derrickInB.id }] });
    expect(group.status).toBe(201);
    const groups = await run('RECONCILE', 'ENTITLEMENT');
    expect(groups.status).toBe('COMPLETED');
    expect(groups.count('NEW_ENTITLEMENT_CREATED')).toBeGreaterThanOrEqual(1);

    const first = await run('RECONCILE', 'ACCOUNT');
    expect(first.status).toBe('COMPLETED');
    expect(first.count('EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE') + first.count('EXISTING_USER_ACCOUNT_RECONCILED_UPDATED')).toBe(2);
    expect(first.count('ENTITLEMENT_ASSIGNMENT_ADDED')).toBe(1);
    expect(await heldThroughGraph('derrick')).toEqual([{ status: 'Provisioned', provisionMechanism: 'Reconciliation', entitlement: { displayName: 'Wiki Editors' } }]);
    expect(await heldThroughGraph('zachary')).toEqual([]);

    // The membership ends in B: the next run revokes the assignment, audited.
    const removed = await scimB('PATCH', `/Groups/${group.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${derrickInB.id}"]` }] });
    expect([200, 204]).toContain(removed.status);
    const second = await run('RECONCILE', 'ACCOUNT');
    expect(second.count('ENTITLEMENT_ASSIGNMENT_REVOKED')).toBe(1);
    expect(await heldThroughGraph('derrick')).toEqual([{ status: 'Revoked', provisionMechanism: 'Reconciliation', entitlement: { displayName: 'Wiki Editors' } }]);
    const em = app.orm.em.fork();
    const [assignment] = await em.find(EntitlementAssignment, { account: { targetSystem: systemId, login: 'derrick' } });
    const trail = await em.find(AuditEvent, { workspace: wsA, entityId: assignment.id }, { orderBy: { at: 'asc', id: 'asc' } });
    expect(trail.map((a) => a.action)).toEqual(['entitlementAssignment.provision', 'entitlementAssignment.revoke']);
  });

  it("sends the person through the connector's attributeMapping; a bad mapping is refused naming the field and changes nothing", async () => {
    const token = 'mapping-fixture-token-9d1e';
    const fixture = await ScimFixture.start({ token });
    try {
      const em = app.orm.em.fork();
      const system = em.create(TargetSystem, { workspace: wsA, name: 'Mapped Directory', displayName: 'Mapped Directory', integrationLevel: 'Disconnected' });
      em.create(UserAccount, {
        workspace: wsA,
        user: await em.findOneOrFail(User, { workspace: wsA, login: 'derrick' }),
        targetSystem: system,
        login: 'derrick',
        status: 'Provisioned',
      });
      await em.flush();
      const CONFIGURE = gql`mutation ($id: ID!, $input: ConnectorInput!) { configureConnector(targetSystemId: $id, input: $input) { connectorAttributeMapping } }`;
      const input = (attributeMapping: unknown) => ({ type: 'SCIM', baseUrl: fixture.baseUrl, token, attributeMapping });

      const [bad] = await errorsOf(adminA.request(CONFIGURE, { id: system.id, input: input({ userType: { attribute: 'userType', values: { Employee: 3 } } }) }));
      expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.attributeMapping.userType.values.Employee' });
      const [unknown] = await errorsOf(adminA.request(CONFIGURE, { id: system.id, input: input({ salary: 'title' }) }));
      expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.attributeMapping.salary' });
      const unchanged = await app.orm.em.fork().findOneOrFail(TargetSystem, system.id);
      expect([unchanged.connectorType, unchanged.connectorAttributeMapping ?? null]).toEqual(['DISCONNECTED', null]);

      const mapping = { userType: { attribute: 'userType', values: { Employee: 'Staff' } }, department: 'title', jobTitle: null };
      const configured = await adminA.request<{ configureConnector: { connectorAttributeMapping: unknown } }>(CONFIGURE, { id: system.id, input: input(mapping) });
      expect(configured.configureConnector.connectorAttributeMapping).toEqual({ ...mapping, department: { attribute: 'title' }, jobTitle: { attribute: null } });

      const saved = systemId;
      systemId = system.id;
      try {
        const batch = await run('PROVISION', 'ACCOUNT', null);
        expect(batch.count('ACCOUNT_PROVISIONED')).toBe(1);
      } finally {
        systemId = saved;
      }
      const [post] = fixture.requests.filter((r) => r.method === 'POST');
      const derrick = await app.orm.em.fork().findOneOrFail(User, { workspace: wsA, login: 'derrick' });
      expect(post.body).toMatchObject({ userName: 'derrick', userType: 'Staff', title: derrick.department });
      expect((post.body as Record<string, unknown>)[SCIM_SCHEMAS.enterpriseUser]).not.toHaveProperty('department');
    } finally {
      await fixture.stop();
    }
  });
});
