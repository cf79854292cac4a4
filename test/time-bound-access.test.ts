import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { buildEntitlements, buildRole, buildTargetSystem, buildUsers } from './factories.js';
import { TestClock } from '../src/common/clock.js';
import { RoleMember } from '../src/governance/role.entity.js';

// Time-bound access: a cart item's start and end dates (or the seed form's accessRevokeDate).
// The grant happens at the start and the revoke at the end, by jobs at the controllable
// clock's time: no request arrives in between.

let app: TestApp;
let admin: GraphQLClient;
let workspaceId: string;
const clock = new TestClock(new Date());
const ids = { vault: '', archive: '', secrets: '', ops: '', opsApp: '', tess: '' };

const DAY = 86_400_000;
const inDays = (days: number) => new Date(clock.now().getTime() + days * DAY).toISOString();

beforeAll(async () => {
  app = await startTestApp({ clock });
  workspaceId = await app.workspace('timebound', null);
  const em = app.orm.em.fork();
  const [tess] = await buildUsers(em, workspaceId, 1, { login: 'tess', email: 'tess@example.test' });
  // The seed's application form: accessRevokeDate is the account's end date.
  const vault = await buildTargetSystem(em, workspaceId, {
    displayName: 'Vault',
    integrationLevel: 'Connected',
    approvalWorkflow: 'Auto Approval',
    form: { '0': { name: 'accessRevokeDate', dataType: 'datetime', isRequired: false } },
  });
  const archive = await buildTargetSystem(em, workspaceId, {
    displayName: 'Archive',
    integrationLevel: 'Connected',
    approvalWorkflow: 'Auto Approval',
    form: { '0': { name: 'accessRevokeDate', dataType: 'datetime', isRequired: true } },
  });
  const [secrets] = await buildEntitlements(em, workspaceId, vault, 1, { displayName: 'Secrets', approvalWorkflow: 'Auto Approval' });
  const opsApp = await buildTargetSystem(em, workspaceId, { displayName: 'Pager', integrationLevel: 'Connected' });
  const [pager] = await buildEntitlements(em, workspaceId, opsApp, 1, { displayName: 'On call' });
  const ops = await buildRole(em, workspaceId, { entitlements: [pager], overrides: { displayName: 'Operations', approvalWorkflow: 'Auto Role Approval' } });
  Object.assign(ids, { vault: vault.id, archive: archive.id, secrets: secrets.id, ops: ops.id, opsApp: opsApp.id, tess: tess.id });
  admin = await app.client('timebound');
});
afterAll(async () => {
  await app?.stop();
});

const SUBMIT = gql`
  mutation ($input: SubmitCartInput!) {
    submitCart(input: $input) {
      requests {
        id
        requestId
        status
      }
      cart {
        cartItems {
          startDate
          endDate
        }
      }
    }
  }
`;
interface Submitted {
  submitCart: { requests: Array<{ id: string; requestId: string; status: string }>; cart: { cartItems: Array<{ startDate: string | null; endDate: string | null }> } };
}
const submit = (item: Record<string, unknown>) =>
  admin.request<Submitted>(SUBMIT, { input: { cart: { requester: { login: 'tess' }, cartItems: [{ beneficiaries: { login: 'tess' }, type: 'CREATE', ...item }] } } });

const TESS = gql`
  {
    user(login: "tess") {
      roles {
        displayName
      }
      accounts {
        status
        expiresAt
        targetSystem {
          displayName
        }
        entitlements {
          status
          provisionMechanism
          expiresAt
          entitlement {
            displayName
          }
        }
      }
    }
  }
`;
interface Tess {
  roles: Array<{ displayName: string }>;
  accounts: Array<{
    status: string;
    expiresAt: string | null;
    targetSystem: { displayName: string };
    entitlements: Array<{ status: string; provisionMechanism: string; expiresAt: string | null; entitlement: { displayName: string } }>;
  }>;
}
const tess = async () => (await admin.request<{ user: Tess }>(TESS)).user;
const assignment = (t: Tess, name: string) => t.accounts.flatMap((a) => a.entitlements).find((e) => e.entitlement.displayName === name);
const account = (t: Tess, app: string) => t.accounts.find((a) => a.targetSystem.displayName === app);

async function revokesByTheClock(): Promise<Array<{ title: string; workflowName: string; status: string; requesterLogin: string; justification: string }>> {
  const { requests } = await admin.request<{
    requests: { nodes: Array<{ title: string; workflowName: string; status: string; requesterLogin: string; justification: string }> };
  }>(gql`
    {
      requests(type: REVOKE, first: 50) {
        nodes {
          title
          workflowName
          status
          requesterLogin
          justification
        }
      }
    }
  `);
  return requests.nodes.filter((r) => r.workflowName === 'Access Period End');
}

describe('time-bound access', () => {
  it('an entitlement granted until an end date is revoked by a job at that date, with no request arriving', async () => {
    const end = inDays(2);
    const { submitCart } = await submit({ entityId: ids.secrets, entityType: 'ENTITLEMENT', endDate: end });
    expect(submitCart.requests[0].status).toBe('Completed');
    expect(submitCart.cart.cartItems[0]).toEqual({ startDate: null, endDate: end });
    expect(assignment(await tess(), 'Secrets')).toMatchObject({ status: 'Provisioned', provisionMechanism: 'Request', expiresAt: end });

    clock.advance({ days: 1 });
    await app.jobs.runDue();
    expect(assignment(await tess(), 'Secrets')?.status).toBe('Provisioned');
    expect(await revokesByTheClock()).toEqual([]);

    clock.advance({ days: 1, minutes: 1 });
    await app.jobs.runDue();
    expect(assignment(await tess(), 'Secrets')?.status).toBe('Revoked');
    const [revoke] = await revokesByTheClock();
    expect(revoke).toMatchObject({ title: 'Secrets', status: 'Completed', requesterLogin: 'system' });
    expect(revoke.justification).toContain(end);

    const { auditEvents } = await admin.request<{ auditEvents: { nodes: Array<{ entityId: string; after: Record<string, unknown> }> } }>(gql`
      {
        auditEvents(action: "access.expire") {
          nodes {
            entityId
            after
          }
        }
      }
    `);
    expect(auditEvents.nodes).toHaveLength(1);
    expect(auditEvents.nodes[0]).toMatchObject({ entityId: submitCart.requests[0].id, after: { beneficiary: 'tess', endDate: end } });
  });

  it("the seed form's accessRevokeDate is the end date of an application's account", async () => {
    const end = inDays(3);
    await submit({ entityId: ids.archive, entityType: 'TARGET_SYSTEM', beneficiaries: { login: 'tess', form: { accessRevokeDate: end } } });
    expect(account(await tess(), 'Archive')).toMatchObject({ status: 'Provisioned', expiresAt: end });
    clock.advance({ days: 3, seconds: 1 });
    await app.jobs.runDue();
    expect(account(await tess(), 'Archive')?.status).toBe('Revoked');
    expect((await revokesByTheClock()).map((r) => r.title)).toContain('Archive');
  });

  it('a role granted from a start date to an end date is held only in between', async () => {
    const start = inDays(1);
    const end = inDays(2);
    const { submitCart } = await submit({ entityId: ids.ops, entityType: 'ROLE', startDate: start, endDate: end });
    expect(submitCart.requests[0].status).toBe('Waiting for Start Date');
    expect((await tess()).roles).toEqual([]);

    clock.advance({ days: 1, seconds: 1 });
    await app.jobs.runDue();
    const during = await tess();
    expect(during.roles.map((r) => r.displayName)).toEqual(['Operations']);
    expect(assignment(during, 'On call')).toMatchObject({ status: 'Provisioned', provisionMechanism: 'Role', expiresAt: end });
    const member = await app.orm.em.fork().findOneOrFail(RoleMember, { role: ids.ops, user: ids.tess });
    expect(member.expiresAt?.toISOString()).toBe(end);
    const { user } = await admin.request<{ user: { roleMemberships: unknown[] } }>(gql`
      {
        user(login: "tess") {
          roleMemberships {
            roleName
            source
            expiresAt
          }
        }
      }
    `);
    expect(user.roleMemberships).toEqual([{ roleName: 'Operations', source: 'REQUEST', expiresAt: end }]);
    const { request } = await admin.request<{ request: { status: string } }>(gql`query ($id: ID!) { request(id: $id) { status } }`, { id: submitCart.requests[0].id });
    expect(request.status).toBe('Completed');

    clock.advance({ days: 1 });
    await app.jobs.runDue();
    const after = await tess();
    expect(after.roles).toEqual([]);
    expect(assignment(after, 'On call')?.status).toBe('Revoked');
    expect((await revokesByTheClock()).map((r) => r.title)).toContain('Operations');
  });

  it('checks the dates, naming the field', async () => {
    const field = async (item: Record<string, unknown>) => (await errorsOf(submit(item)))[0].extensions;
    const at = (name: string) => `input.cart.cartItems.0.${name}`;
    const grant = { entityId: ids.secrets, entityType: 'ENTITLEMENT' };
    expect(await field({ ...grant, endDate: inDays(-1) })).toMatchObject({ code: 'BAD_USER_INPUT', field: at('endDate') });
    expect(await field({ ...grant, startDate: inDays(-1) })).toMatchObject({ code: 'BAD_USER_INPUT', field: at('startDate') });
    expect(await field({ ...grant, startDate: inDays(2), endDate: inDays(1) })).toMatchObject({ code: 'BAD_USER_INPUT', field: at('endDate') });
    expect(await field({ ...grant, startDate: inDays(1), endDate: inDays(1) })).toMatchObject({ code: 'BAD_USER_INPUT', field: at('endDate') });
    expect(await field({ entityId: ids.archive, entityType: 'TARGET_SYSTEM', beneficiaries: { login: 'tess', form: { accessRevokeDate: 'next tuesday' } } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: at('beneficiaries.form.accessRevokeDate'),
    });
    expect(await field({ entityId: ids.archive, entityType: 'TARGET_SYSTEM', beneficiaries: { login: 'tess', form: { accessRevokeDate: inDays(-2) } } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: at('beneficiaries.form.accessRevokeDate'),
    });
    expect(
      await field({ entityId: ids.archive, entityType: 'TARGET_SYSTEM', endDate: inDays(4), beneficiaries: { login: 'tess', form: { accessRevokeDate: inDays(5) } } }),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: at('endDate'),
    });
    expect(await field({ ...grant, type: 'REVOKE', endDate: inDays(1) })).toMatchObject({ code: 'BAD_USER_INPUT', field: at('endDate') });
    // Nothing was written: Tess holds no vault access.
    expect(assignment(await tess(), 'Secrets')?.status).toBe('Revoked');
  });
});
