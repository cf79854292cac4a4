import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { AccessRequest } from '../src/requests/access-request.entity.js';
import { TargetSystem } from '../src/governance/target-system.entity.js';
import { Role } from '../src/governance/role.entity.js';
import { User } from '../src/governance/user.entity.js';
import { demoData } from '../src/db/demo/demo-data.js';

let app: TestApp;
let admin: GraphQLClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await app.client('acme');
});
afterAll(async () => {
  await app?.stop();
});

const ONBOARD = gql`
  mutation ($input: OnboardingRequestInput!) {
    submitOnboardingRequest(input: $input) {
      id requestType type entityType entityId title summary status resolution workflowName justification requesterLogin beneficiaryLogin payload
      tasks { id name assignee assigneeType status }
    }
  }
`;
type OnboardData = {
  submitOnboardingRequest: {
    id: string;
    requestType: string;
    type: string;
    entityType: string;
    entityId: string | null;
    title: string;
    summary: string;
    status: string;
    resolution: string;
    workflowName: string;
    justification: string | null;
    requesterLogin: string;
    beneficiaryLogin: string | null;
    payload: unknown;
    tasks: Array<{ id: string; name: string; assignee: string; assigneeType: string; status: string }>;
  };
};
const ACT = gql`mutation ($id: ID!, $action: TaskAction!, $user: String!) { performTaskAction(id: $id, action: $action, userLogin: $user) { status request { status resolution entityId } } }`;
type ActData = { performTaskAction: { status: string; request: { status: string; resolution: string; entityId: string | null } } };
const act = (id: string, action: string, user: string) => admin.request<ActData>(ACT, { id, action, user }).then((d) => d.performTaskAction);
const zachary = { login: 'zachary', displayName: 'Zachary Graham', email: 'zachary@iamsath.com' };

/** The seed's "Create Application / Role" sample, as GraphQL input. */
/** The onboarding input these tests send, and change into wrong ones. */
interface OnboardingInput {
  entityType: string;
  justification: string;
  requester: { login: string; displayName?: string; email?: string };
  payload: {
    targetSystem: {
      name: string;
      displayName: string;
      description: string;
      businessOwner: string;
      ITOwner: string;
      integrationLevel: string;
      trustedReconciliation: boolean;
      approvalWorkflow: string;
      approvalWorkflowDisplayName: string;
      performer: string | null;
      riskLevel: string;
      isRequestable: boolean;
      form: Record<string, Record<string, unknown>>;
      schedule: { repeat: string };
      entitlements: Array<{ name: string; displayName?: string; description?: string; approvalWorkflow?: string; performer?: string; riskLevel?: string; isRequestable?: boolean }>;
    };
    role?: { name: string; approvalWorkflow: string };
  };
}

const testag = (): OnboardingInput => ({
  entityType: 'APPLICATION',
  justification: 'creating application',
  requester: zachary,
  payload: {
    targetSystem: {
      name: 'testag',
      displayName: 'testag',
      description: 'testag',
      businessOwner: 'jerome',
      ITOwner: 'jerome',
      integrationLevel: 'Disconnected',
      trustedReconciliation: true,
      approvalWorkflow: 'Auto Approval',
      approvalWorkflowDisplayName: 'Auto Approval',
      performer: 'Access Manager',
      riskLevel: 'low',
      isRequestable: true,
      form: {
        0: {
          dataType: 'datetime',
          isAccountName: true,
          isMultiValue: true,
          isReconKey: true,
          isRequired: true,
          matchingAttribute: null,
          name: 'accessRevokeDate',
          syncDirection: 'no-sync',
        },
        1: { name: 'User Login', dataType: 'string', syncDirection: 'no-sync', matchingAttribute: 'login', isRequired: true, isReconKey: true, isAccountName: true },
      },
      schedule: { repeat: 'Do not repeat' },
      entitlements: [
        {
          displayName: 'testUser',
          name: 'testUser',
          description: 'this is test ent',
          approvalWorkflow: 'Auto Approval',
          performer: 'Access Manager',
          riskLevel: 'low',
          isRequestable: true,
        },
      ],
    },
  },
});

async function counts() {
  const em = app.orm.em.fork();
  return { requests: await em.count(AccessRequest, {}), systems: await em.count(TargetSystem, {}), roles: await em.count(Role, {}) };
}

describe('submitOnboardingRequest (seed: Create Application / Role)', () => {
  it('the seed sample: testag goes through AIMS Approval; once approved it is in the catalog with its entitlement, and can be requested', async () => {
    const r = (await admin.request<OnboardData>(ONBOARD, { input: testag() })).submitOnboardingRequest;
    expect(r).toMatchObject({
      requestType: 'Catalog',
      type: 'CREATE',
      entityType: 'APPLICATION',
      entityId: null,
      title: 'testag',
      summary: 'New Application Request - testag',
      status: 'Waiting for Approval',
      resolution: 'Initiated',
      workflowName: 'AIMS Approval',
      justification: 'creating application',
      requesterLogin: 'zachary',
      beneficiaryLogin: null,
      tasks: [{ name: 'Catalog Approval Task', assignee: 'Access Manager', assigneeType: 'Group', status: 'ASSIGNED' }],
    });
    expect(r.payload).toMatchObject({
      type: 'create',
      requester: { login: 'zachary' },
      targetSystem: { name: 'testag', businessOwner: 'jerome', entitlements: [{ name: 'testUser' }] },
    });
    const before = await admin.request<{ searchCatalog: { totalCount: number } }>(gql`{ searchCatalog(keyword: "testag") { totalCount } }`);
    expect(before.searchCatalog.totalCount).toBe(0);

    await act(r.tasks[0].id, 'CLAIM', 'jerome');
    const approved = await act(r.tasks[0].id, 'APPROVE', 'jerome');
    expect(approved.request).toMatchObject({ status: 'Completed', resolution: 'Approved', entityId: expect.stringMatching(/^[0-9a-f]{24}$/) });

    const read = await admin.request<{
      request: {
        entity: {
          __typename: string;
          id?: string;
          displayName?: string;
          integrationLevel?: string;
          performer?: string | null;
          approvalWorkflow?: string | null;
          trustedReconciliation?: boolean;
          form?: unknown;
          businessOwner?: { login: string };
          itOwner?: { login: string };
          entitlements?: Array<{ displayName: string; description: string | null; approvalWorkflow: string | null; performer: string | null }>;
        };
      };
    }>(
      gql`query ($id: ID!) { request(id: $id) { entity { __typename ... on TargetSystem { id displayName integrationLevel performer approvalWorkflow trustedReconciliation form businessOwner { login } itOwner { login } entitlements { displayName description approvalWorkflow performer } } } } }`,
      { id: r.id },
    );
    const ts = read.request.entity;
    expect(ts).toMatchObject({
      __typename: 'TargetSystem',
      id: approved.request.entityId,
      displayName: 'testag',
      integrationLevel: 'Disconnected',
      performer: 'Access Manager',
      approvalWorkflow: 'Auto Approval',
      trustedReconciliation: true,
      businessOwner: { login: 'jerome' },
      itOwner: { login: 'jerome' },
      entitlements: [{ displayName: 'testUser', description: 'this is test ent', approvalWorkflow: 'Auto Approval', performer: 'Access Manager' }],
    });
    const found = await admin.request<{ searchCatalog: { nodes: Array<{ id?: string }> }; targetSystems: { totalCount: number } }>(
      gql`{ searchCatalog(keyword: "testag") { nodes { ... on TargetSystem { id } } } targetSystems(displayName: "testag") { totalCount } }`,
    );
    expect(found.searchCatalog.nodes).toEqual([{ id: ts.id }]);
    expect(found.targetSystems.totalCount).toBe(1);
    const log = await admin.request<{ auditEvents: { nodes: Array<{ action: string; actor: string }> } }>(
      gql`query ($id: ID!) { auditEvents(entityId: $id) { nodes { action actor } } }`,
      { id: ts.id },
    );
    expect(log.auditEvents.nodes).toEqual([{ action: 'targetSystem.create', actor: 'key test key ORG_ADMIN acting as jerome' }]);

    // Requesting the new application: its form needs accessRevokeDate, which no person attribute supplies.
    const SUBMIT = gql`mutation ($input: SubmitCartInput!) { submitCart(input: $input) { requests { id status tasks { id assignee type } } } }`;
    type SubmitData = { submitCart: { requests: Array<{ id: string; status: string; tasks: Array<{ id: string; assignee: string; type: string }> }> } };
    const item = (form?: object) => ({
      cart: { requester: { login: 'aaron' }, cartItems: [{ beneficiaries: { login: 'aaron', form }, entityId: ts.id, entityType: 'TARGET_SYSTEM' }] },
    });
    const missing = await errorsOf(admin.request(SUBMIT, { input: item() }));
    expect(missing[0]).toMatchObject({
      message: 'testag needs "accessRevokeDate" in the account form',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.cart.cartItems.0.beneficiaries.form' },
    });
    const requested = (await admin.request<SubmitData>(SUBMIT, { input: item({ accessRevokeDate: '2026-12-31' }) })).submitCart.requests[0];
    expect(requested.status).toBe('Waiting for Fulfilment'); // Auto Approval, Disconnected: straight to its performer
    expect(requested.tasks).toEqual([{ id: expect.any(String), assignee: 'Access Manager', type: 'FULFILMENT_TASK' }]);
    await act(requested.tasks[0].id, 'CLAIM', 'michael');
    expect((await act(requested.tasks[0].id, 'COMPLETE', 'michael')).request.status).toBe('Completed');
    const aaron = await admin.request<{ user: { accounts: Array<{ status: string; form: unknown; targetSystem: { displayName: string } }> } }>(
      gql`{ user(login: "aaron") { accounts { status form targetSystem { displayName } } } }`,
    );
    expect(aaron.user.accounts.find((a) => a.targetSystem.displayName === 'testag')).toEqual({
      status: 'Provisioned',
      form: { accessRevokeDate: '2026-12-31', 'User Login': 'aaron' },
      targetSystem: { displayName: 'testag' },
    });
  });

  it('a role onboarding: the requester may not approve it himself; another Access Manager does; the role exists with its entitlements', async () => {
    const input = {
      entityType: 'ROLE',
      justification: 'submitting role for approval',
      requester: { login: 'jerome', displayName: 'Jerome Fern', email: 'jerome@iamsath.com' },
      payload: {
        role: {
          name: 'newtestr',
          displayName: 'newtestr',
          description: 'newtestr',
          approvalWorkflow: 'Auto Role Approval',
          approvalWorkflowDisplayName: 'Auto Role Approval',
          isCertifiable: true,
          isRequestable: true,
          performer: 'jerome',
          riskLevel: 'low',
          roleOwnerLogin: 'jerome',
          rule: '{"$and":[]}',
          searchTags: 'roletag',
          entitlementIds: ['6c0000000000000000000012', '6c0000000000000000000011'],
        },
      },
    };
    const r = (await admin.request<OnboardData>(ONBOARD, { input })).submitOnboardingRequest;
    expect(r).toMatchObject({ summary: 'New Role Request - newtestr', entityType: 'ROLE', status: 'Waiting for Approval' });
    const own = await errorsOf(act(r.tasks[0].id, 'CLAIM', 'jerome'));
    expect(own[0]).toMatchObject({
      message: expect.stringMatching(/^jerome is the requester of request \w+ and may not act on its tasks/),
      extensions: { code: 'FORBIDDEN', rule: 'SEPARATION_OF_DUTIES' },
    });
    await act(r.tasks[0].id, 'CLAIM', 'michael');
    await act(r.tasks[0].id, 'APPROVE', 'michael');
    const roles = await admin.request<{
      roles: {
        nodes: Array<{
          name: string;
          rule: string | null;
          roleOwnerLogin: string | null;
          approvalWorkflow: string | null;
          status: string;
          entitlements: Array<{ displayName: string }>;
          targetSystems: Array<{ displayName: string }>;
          members: { totalCount: number };
        }>;
      };
    }>(
      gql`{ roles(displayName: "newtestr") { nodes { name rule roleOwnerLogin approvalWorkflow status entitlements { displayName } targetSystems { displayName } members { totalCount } } } }`,
    );
    expect(roles.roles.nodes).toEqual([
      {
        name: 'newtestr',
        rule: '{"$and":[]}',
        roleOwnerLogin: 'jerome',
        approvalWorkflow: 'Auto Role Approval',
        status: 'ACTIVE',
        entitlements: [{ displayName: 'AWS PowerUserAccess' }, { displayName: 'AWS ReadOnlyAccess' }],
        targetSystems: [{ displayName: 'Amazon Web Services' }],
        members: { totalCount: 0 },
      },
    ]);
  });

  it('a rejected onboarding creates nothing', async () => {
    const input = testag();
    input.payload.targetSystem.name = 'rejected-app';
    const r = (await admin.request<OnboardData>(ONBOARD, { input })).submitOnboardingRequest;
    const before = await counts();
    await act(r.tasks[0].id, 'CLAIM', 'michael');
    expect((await act(r.tasks[0].id, 'REJECT', 'michael')).request).toMatchObject({ status: 'Rejected', resolution: 'Rejected', entityId: null });
    expect(await counts()).toEqual(before);
  });

  const bad: Array<[string, (i: OnboardingInput) => void, string, string, RegExp]> = [
    ['an empty justification', (i) => (i.justification = ' '), 'BAD_USER_INPUT', 'input.justification', /justification is required/],
    ['an unknown requester', (i) => (i.requester = { login: 'nobody' }), 'NOT_FOUND', 'input.requester.login', /User "nobody" was not found/],
    ['no application payload', (i) => Object.assign(i, { payload: {} }), 'BAD_USER_INPUT', 'input.payload.targetSystem', /needs payload.targetSystem/],
    [
      'a role payload on an application',
      (i) => (i.payload.role = { name: 'x', approvalWorkflow: 'Auto Role Approval' }),
      'BAD_USER_INPUT',
      'input.payload.role',
      /does not belong/,
    ],
    [
      'an unknown workflow (AIMS Approval is not an entity workflow)',
      (i) => (i.payload.targetSystem.approvalWorkflow = 'AIMS Approval'),
      'BAD_USER_INPUT',
      'input.payload.targetSystem.approvalWorkflow',
      /Unknown approval workflow "AIMS Approval"/,
    ],
    [
      'an unknown entitlement workflow',
      (i) => (i.payload.targetSystem.entitlements[0].approvalWorkflow = 'Manager Approval'),
      'BAD_USER_INPUT',
      'input.payload.targetSystem.entitlements.0.approvalWorkflow',
      /Unknown approval workflow "Manager Approval"/,
    ],
    [
      'a group workflow without approver groups',
      (i) => (i.payload.targetSystem.approvalWorkflow = 'Group Approval'),
      'BAD_USER_INPUT',
      'input.payload.targetSystem.approvalWorkflow',
      /needs approver groups/,
    ],
    [
      'a name taken by an application',
      (i) => (i.payload.targetSystem.name = 'Buffer'),
      'CONFLICT',
      'input.payload.targetSystem.name',
      /An application named "Buffer" exists already/,
    ],
    ['an unknown business owner', (i) => (i.payload.targetSystem.businessOwner = 'ghost'), 'NOT_FOUND', 'input.payload.targetSystem.businessOwner', /User "ghost"/],
    [
      'a Disconnected application without performer',
      (i) => (i.payload.targetSystem.performer = null),
      'BAD_USER_INPUT',
      'input.payload.targetSystem.performer',
      /needs a performer/,
    ],
    [
      'an unknown performer',
      (i) => (i.payload.targetSystem.performer = 'Nobody Group'),
      'BAD_USER_INPUT',
      'input.payload.targetSystem.performer',
      /neither an approval group nor a user/,
    ],
    ['a bad integration level', (i) => (i.payload.targetSystem.integrationLevel = 'Sometimes'), 'BAD_USER_INPUT', 'input.payload.targetSystem.integrationLevel', /Connected/],
    [
      'a duplicate entitlement',
      (i) => i.payload.targetSystem.entitlements.push({ name: 'testUser' }),
      'BAD_USER_INPUT',
      'input.payload.targetSystem.entitlements.1.name',
      /appears twice/,
    ],
  ];
  it.each(bad)('refuses %s, writing nothing', async (_name, change, code, field, message) => {
    const input = testag();
    input.payload.targetSystem.name = 'another-app';
    change(input);
    const before = await counts();
    const errors = await errorsOf(admin.request(ONBOARD, { input }));
    expect(errors[0].extensions).toMatchObject({ code, field });
    expect(errors[0].message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it('refuses role payload errors: invalid rule, unknown entitlement, a taken name; and a second open onboarding of one name', async () => {
    const role = (over: object) => ({
      entityType: 'ROLE',
      justification: 'j',
      requester: zachary,
      payload: { role: { name: 'r1', approvalWorkflow: 'Auto Role Approval', ...over } },
    });
    const rule = await errorsOf(admin.request(ONBOARD, { input: role({ rule: '{"password":"x"}' }) }));
    expect(rule[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.payload.role.rule' });
    const ent = await errorsOf(admin.request(ONBOARD, { input: role({ entitlementIds: ['6c0000000000000000000001', 'ffffffffffffffffffffffff'] }) }));
    expect(ent[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.payload.role.entitlementIds.1' });
    const taken = await errorsOf(admin.request(ONBOARD, { input: role({ name: 'All Employees' }) }));
    expect(taken[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.payload.role.name' });
    const cart = await errorsOf(admin.request(ONBOARD, { input: { ...role({}), entityType: 'ENTITLEMENT' } }));
    expect(cart[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.entityType' });

    await admin.request(ONBOARD, { input: role({ name: 'pending-role' }) });
    const twice = await errorsOf(admin.request(ONBOARD, { input: role({ name: 'pending-role' }) }));
    expect(twice[0]).toMatchObject({
      message: expect.stringMatching(/to onboard "pending-role" is still open/),
      extensions: { code: 'CONFLICT', field: 'input.payload.role.name' },
    });
  });
});

describe('workflow names in data sets', () => {
  it('loading a data set with an unknown workflow name fails, and loads nothing', async () => {
    const data = structuredClone(demoData);
    data.targetSystems.find((t) => t.name === 'Buffer')!.approvalWorkflow = 'Manager Approval';
    const error = await app.workspace('broken', data).catch((e) => e);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'targetSystems[Buffer].approvalWorkflow' });
    expect(error.message).toMatch(/Unknown approval workflow "Manager Approval"/);
    expect(await app.orm.em.fork().count(User, { workspace: { name: 'broken' } })).toBe(0);
  });

  it('…and so does a group workflow whose application names no approver group', async () => {
    const data = structuredClone(demoData);
    delete data.targetSystems.find((t) => t.name === 'Zendesk')!.approver1;
    data.targetSystems.find((t) => t.name === 'Zendesk')!.approver2 = undefined;
    data.targetSystems.find((t) => t.name === 'Zendesk')!.approver3 = undefined;
    const error = await app.workspace('broken-2', data).catch((e) => e);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'targetSystems[Zendesk].approvalWorkflow' });
  });
});
