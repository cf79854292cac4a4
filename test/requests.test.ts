import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { Authority } from '../src/auth/authorities.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { AccessRequest } from '../src/requests/access-request.entity.js';
import { Task } from '../src/requests/task.entity.js';
import { Cart } from '../src/requests/cart.entity.js';
import { HistoryEntry } from '../src/requests/history-entry.entity.js';
import { EntitlementAssignment, UserAccount } from '../src/governance/user-account.entity.js';
import { RoleMember } from '../src/governance/role.entity.js';
import { Context } from '../src/context.js';
import { DomainError } from '../src/errors.js';
import { RequestFlow } from '../src/requests/request-flow.js';
import { TaskStatus } from '../src/requests/workflow.js';
import { TestClock } from '../src/common/clock.js';

// Seed ids (demo data).
const ID = {
  buffer: '63aee3b793ccdf675cc62d3d',
  zendesk: '63af022493ccdf675cc795e1',
  googleWorkspace: '63aec73493ccdf675cc4c210',
  googleWorkspaceUser: '6c000000000000000000000f',
  salesforceSalesUser: '6c0000000000000000000005',
  docusignSender: '6c000000000000000000000d',
  jiraSoftwareUser: '64c8a4ddfdfcc6b382d82267',
  awsPowerUser: '6c0000000000000000000012',
  allEmployees: '63af039793ccdf675cc7aa10',
  chiefOfficer: '63af055393ccdf675cc899ac',
  awsDeveloper: '63af258b93ccdf675ccab0da',
};

/** Each block boots its own app: the demo data keeps the seed's ids, so one database holds it once. */
let app: TestApp;
afterAll(async () => {
  await app?.stop();
});

const REQUEST_FIELDS = `
  id requestId correlationId status resolution requestType type entityType entityId title summary workflowName justification
  requesterLogin beneficiaryLogin payload approvalStages
  history { perpetrator action fromStatus toStatus diff snapshot timestamp }
  tasks { id type name status assignee assigneeType claimedBy outcome version expiry expiryDate }
`;
/** A request as REQUEST_FIELDS selects it. */
type AccessRequestData = {
  id: string;
  requestId: string;
  correlationId: string;
  status: string;
  resolution: string;
  requestType: string;
  type: string;
  entityType: string;
  entityId: string | null;
  title: string;
  summary: string;
  workflowName: string;
  justification: string | null;
  requesterLogin: string;
  beneficiaryLogin: string | null;
  payload: unknown;
  approvalStages: Array<{ assignee: string; assigneeType: string; taskName: string }>;
  history: Array<{ perpetrator: string; action: string; fromStatus: string | null; toStatus: string | null; diff: unknown; snapshot: unknown; timestamp: string }>;
  tasks: Array<{
    id: string;
    type: string;
    name: string;
    status: string;
    assignee: string;
    assigneeType: string;
    claimedBy: string | null;
    outcome: string | null;
    version: number;
    expiry: number;
    expiryDate: string;
  }>;
};

const SUBMIT = gql`
  mutation ($input: SubmitCartInput!) {
    submitCart(input: $input) {
      correlationId result
      cart { id status correlationId cartItems { entityName type entityType beneficiaries { login } } }
      requests { ${REQUEST_FIELDS} }
    }
  }
`;
type SubmitData = {
  submitCart: {
    correlationId: string;
    result: boolean;
    cart: { id: string; status: string; correlationId: string; cartItems: Array<{ entityName: string; type: string; entityType: string; beneficiaries: { login: string } }> };
    requests: Array<AccessRequestData>;
  };
};

const ACT = gql`
  mutation ($id: ID!, $action: TaskAction!, $user: String!, $comment: String, $assignee: String) {
    performTaskAction(id: $id, action: $action, userLogin: $user, comment: $comment, assignee: $assignee) {
      id status outcome assignee assigneeType claimedBy version
      request { status resolution }
    }
  }
`;
type ActData = {
  performTaskAction: {
    id: string;
    status: string;
    outcome: string | null;
    assignee: string;
    assigneeType: string;
    claimedBy: string | null;
    version: number;
    request: { status: string; resolution: string };
  };
};

const REQUEST = gql`query ($id: ID!) { request(id: $id) { ${REQUEST_FIELDS} } }`;
type RequestData = { request: AccessRequestData };

interface Item {
  login: string;
  entityId: string;
  entityType: 'ROLE' | 'ENTITLEMENT' | 'TARGET_SYSTEM';
  type?: 'CREATE' | 'MODIFY' | 'REVOKE';
  form?: Record<string, unknown>;
}

const cartOf = (items: Item[], requester: string) => ({
  requester: { login: requester },
  cartItems: items.map((i) => ({ beneficiaries: { login: i.login, form: i.form }, entityId: i.entityId, entityType: i.entityType, type: i.type ?? 'CREATE' })),
});

async function submit(client: GraphQLClient, items: Item[], requester = 'jerome') {
  const data = await client.request<SubmitData>(SUBMIT, { input: { justification: 'needed for my work', cart: cartOf(items, requester) } });
  return data.submitCart;
}

async function submitOne(client: GraphQLClient, item: Item, requester = 'jerome') {
  return (await submit(client, [item], requester)).requests[0];
}

async function act(client: GraphQLClient, id: string, action: string, user: string, extra: { comment?: string; assignee?: string } = {}) {
  return (await client.request<ActData>(ACT, { id, action, user, ...extra })).performTaskAction;
}

async function readRequest(client: GraphQLClient, id: string) {
  return (await client.request<RequestData>(REQUEST, { id })).request;
}

/** The one open task of a request. */
async function openTask(client: GraphQLClient, requestId: string) {
  const r = await readRequest(client, requestId);
  const open = r.tasks.filter((t) => t.status === 'ASSIGNED' || t.status === 'CLAIMED');
  expect(open).toHaveLength(1);
  return open[0];
}

/** What a person holds, read through the nested graph. */
async function holdings(client: GraphQLClient, login: string) {
  const data = await client.request<{
    user: {
      roles: Array<{ displayName: string }>;
      accounts: Array<{
        login: string;
        status: string;
        provisionMechanism: string | null;
        form: Record<string, unknown>;
        targetSystem: { displayName: string };
        entitlements: Array<{ status: string; provisionMechanism: string | null; entitlement: { displayName: string } }>;
      }>;
    };
  }>(
    gql`
    query ($login: String!) {
      user(login: $login) {
        roles { displayName }
        accounts { login status provisionMechanism form targetSystem { displayName } entitlements { status provisionMechanism entitlement { displayName } } }
      }
    }
  `,
    { login },
  );
  const accounts: Record<string, { status: string; mechanism: string | null; login: string; form: Record<string, unknown> }> = {};
  const entitlements: Record<string, string> = {};
  for (const a of data.user.accounts) {
    accounts[a.targetSystem.displayName] = { status: a.status, mechanism: a.provisionMechanism, login: a.login, form: a.form };
    for (const e of a.entitlements) entitlements[e.entitlement.displayName] = `${e.status}/${e.provisionMechanism}`;
  }
  return { roles: data.user.roles.map((r) => r.displayName), accounts, entitlements };
}

const statuses = (r: { history: Array<{ toStatus: string | null }> }) => r.history.map((h) => h.toStatus);

describe('workflows, from cart to provisioned access', () => {
  let admin: GraphQLClient;
  beforeAll(async () => {
    await app?.stop();
    app = await startTestApp();
    admin = await app.client('acme');
  });

  it('Auto Approval: Google Workspace User for spencer is provisioned at once on the Connected application', async () => {
    expect((await holdings(admin, 'spencer')).accounts['Google Workspace']).toBeUndefined();
    const result = await submit(admin, [{ login: 'spencer', entityId: ID.googleWorkspaceUser, entityType: 'ENTITLEMENT' }], 'spencer');
    expect(result).toMatchObject({
      result: true,
      cart: { status: 'Submitted', cartItems: [{ entityName: 'Google Workspace User', type: 'CREATE', entityType: 'ENTITLEMENT', beneficiaries: { login: 'spencer' } }] },
    });
    expect(result.correlationId).toMatch(/^[0-9a-f]{24}$/);
    const [r] = result.requests;
    expect(r).toMatchObject({
      correlationId: result.correlationId,
      status: 'Completed',
      resolution: 'Approved',
      requestType: 'Access',
      type: 'CREATE',
      entityType: 'ENTITLEMENT',
      entityId: ID.googleWorkspaceUser,
      workflowName: 'Auto Approval',
      summary: 'Grant Google Workspace User to Spencer Hunter',
      justification: 'needed for my work',
      approvalStages: [],
      tasks: [],
    });
    expect(statuses(r)).toEqual(['Request Submitted', 'Completed']);
    expect(r.history[0]).toMatchObject({ perpetrator: 'spencer', action: 'submit', fromStatus: null });
    expect(r.history[1]).toMatchObject({ action: 'complete', fromStatus: 'Request Submitted', diff: { status: 'Completed', resolution: 'Approved' } });
    expect(r.payload).toMatchObject({ beneficiary: { login: 'spencer', displayName: 'Spencer Hunter' }, entityType: 'Entitlement', type: 'create' });

    const held = await holdings(admin, 'spencer');
    expect(held.accounts['Google Workspace']).toMatchObject({ status: 'Provisioned', mechanism: 'Request', login: 'spencer' });
    // The account form is built from the application's form and the person's attributes.
    expect(held.accounts['Google Workspace'].form).toMatchObject({
      'First Name': 'Spencer',
      'Last Name': 'Hunter',
      'Primary Email': 'spencer@iamsath.com',
      'Org Unit Path': 'Sales',
    });
    expect(held.entitlements['Google Workspace User']).toBe('Provisioned/Request');
  });

  it('the mutation payload shows the new access at once: loaders primed earlier in the operation are cleared by the write', async () => {
    const data = await admin.request<{
      before: { members: Array<{ accounts: Array<{ targetSystem: { displayName: string } }> }> };
      after: {
        requests: Array<{
          status: string;
          beneficiary: { accounts: Array<{ targetSystem: { displayName: string }; entitlements: Array<{ status: string; entitlement: { displayName: string } }> }> };
        }>;
      };
    }>(gql`
      mutation {
        before: createApprovalGroup(input: { name: "Watchers", memberLogins: ["michael"] }) { members { accounts { targetSystem { displayName } } } }
        after: submitCart(input: { cart: { requester: { login: "michael" }, cartItems: [{ beneficiaries: { login: "michael" }, entityId: "${ID.googleWorkspaceUser}", entityType: ENTITLEMENT }] } }) {
          requests { status beneficiary { accounts { targetSystem { displayName } entitlements { status entitlement { displayName } } } } }
        }
      }
    `);
    expect(data.before.members[0].accounts.map((a) => a.targetSystem.displayName)).not.toContain('Google Workspace');
    const [r] = data.after.requests;
    expect(r.status).toBe('Completed');
    expect(r.beneficiary.accounts.find((a) => a.targetSystem.displayName === 'Google Workspace')).toEqual({
      targetSystem: { displayName: 'Google Workspace' },
      entitlements: [{ status: 'Provisioned', entitlement: { displayName: 'Google Workspace User' } }],
    });
  });

  it('Auto Role Approval: All Employees for zachary grants the role, provisions Salesforce at once, and ADP after the Manual Fulfiller completes', async () => {
    const r = await submitOne(admin, { login: 'zachary', entityId: ID.allEmployees, entityType: 'ROLE' }, 'derrick');
    expect(r).toMatchObject({ workflowName: 'Auto Role Approval', status: 'Waiting for Fulfilment', resolution: 'Initiated' });
    expect(r.tasks).toEqual([
      expect.objectContaining({ type: 'FULFILMENT_TASK', name: 'Fulfilment Task', status: 'ASSIGNED', assignee: 'Manual Fulfiller', assigneeType: 'Group' }),
    ]);

    let held = await holdings(admin, 'zachary');
    expect(held.roles).toContain('All Employees');
    expect(held.accounts.Salesforce).toMatchObject({ status: 'Provisioned', mechanism: 'Role' });
    expect(held.entitlements['Salesforce Read Only']).toBe('Provisioned/Role');
    expect(held.accounts.ADP).toBeUndefined();

    const task = r.tasks[0];
    expect(await act(admin, task.id, 'CLAIM', 'travis')).toMatchObject({ status: 'CLAIMED', claimedBy: 'travis', version: 2 });
    expect(await act(admin, task.id, 'COMPLETE', 'travis', { comment: 'account created in ADP' })).toMatchObject({
      status: 'COMPLETED',
      outcome: 'COMPLETE',
      version: 3,
      request: { status: 'Completed', resolution: 'Approved' },
    });
    held = await holdings(admin, 'zachary');
    expect(held.accounts.ADP).toMatchObject({ status: 'Provisioned', mechanism: 'Role' });
    expect(held.entitlements['ADP Standard User']).toBe('Provisioned/Role');
    const done = await readRequest(admin, r.id);
    expect(statuses(done)).toEqual(['Request Submitted', 'Waiting for Fulfilment', 'Completed']);
  });

  it('Manager Grant and Auto Revoke: spencer approves Salesforce Sales User for aaron; the revoke needs no approval', async () => {
    const r = await submitOne(admin, { login: 'aaron', entityId: ID.salesforceSalesUser, entityType: 'ENTITLEMENT' }, 'aaron');
    expect(r).toMatchObject({
      status: 'Waiting for Manager Approval',
      resolution: 'Initiated',
      approvalStages: [{ assignee: 'spencer', assigneeType: 'User', taskName: 'Manager Approval Task' }],
    });
    const task = r.tasks[0];
    expect(task).toMatchObject({ type: 'APPROVAL_TASK', name: 'Manager Approval Task', assignee: 'spencer', assigneeType: 'User', status: 'ASSIGNED', expiry: 15 });
    expect(new Date(task.expiryDate).getTime() - Date.now()).toBeGreaterThan(14 * 86_400_000);

    const offered = await admin.request<{
      task: { all: Array<{ action: string; displayName: string }>; spencer: Array<{ action: string }>; aaron: Array<{ action: string }>; ali: Array<{ action: string }> };
    }>(
      gql`query ($id: ID!) { task(id: $id) { all: possibleActions { action displayName } spencer: possibleActions(userLogin: "spencer") { action } aaron: possibleActions(userLogin: "aaron") { action } ali: possibleActions(userLogin: "ali") { action } } }`,
      { id: task.id },
    );
    expect(offered.task.all).toEqual([
      { action: 'APPROVE', displayName: 'Approve' },
      { action: 'REJECT', displayName: 'Reject' },
      { action: 'ESCALATE', displayName: 'Escalate' },
      { action: 'REASSIGN', displayName: 'Reassign' },
    ]);
    expect(offered.task.spencer.map((a) => a.action)).toEqual(['APPROVE', 'REJECT', 'ESCALATE', 'REASSIGN']);
    expect(offered.task.aaron).toEqual([]); // the beneficiary never decides his own request
    expect(offered.task.ali).toEqual([]);

    expect((await holdings(admin, 'aaron')).entitlements['Salesforce Sales User']).toBeUndefined();
    expect(await act(admin, task.id, 'APPROVE', 'spencer', { comment: 'ok' })).toMatchObject({
      status: 'COMPLETED',
      outcome: 'APPROVE',
      request: { status: 'Completed', resolution: 'Approved' },
    });
    expect((await holdings(admin, 'aaron')).entitlements['Salesforce Sales User']).toBe('Provisioned/Request');

    const revoke = await submitOne(admin, { login: 'aaron', entityId: ID.salesforceSalesUser, entityType: 'ENTITLEMENT', type: 'REVOKE' }, 'spencer');
    expect(revoke).toMatchObject({ type: 'REVOKE', status: 'Completed', resolution: 'Approved', tasks: [], summary: 'Revoke Salesforce Sales User from Aaron King' });
    const held = await holdings(admin, 'aaron');
    expect(held.entitlements['Salesforce Sales User']).toBe('Revoked/Request');
    expect(held.accounts.Salesforce.status).toBe('Provisioned'); // the account stays; only the entitlement goes
    const ents = await admin.request<{ user: { entitlements: Array<{ displayName: string }> } }>(gql`{ user(login: "aaron") { entitlements { displayName } } }`);
    expect(ents.user.entitlements.map((e) => e.displayName)).not.toContain('Salesforce Sales User');
  });

  it('Manager and BO Grant and Auto Revoke — the seed example: Jerome Fern requests Buffer; Zachary Graham, then the business owner, then the Manual Fulfiller', async () => {
    const r = await submitOne(admin, {
      login: 'jerome',
      entityId: ID.buffer,
      entityType: 'TARGET_SYSTEM',
      form: { 'What social media channels do you need access to?': 'LinkedIn, Twitter' },
    });
    expect(r).toMatchObject({ title: 'Buffer', workflowName: 'Manager and BO Grant and Auto Revoke', status: 'Waiting for Manager Approval' });
    expect(r.payload).toMatchObject({
      beneficiary: { displayName: 'Jerome Fern', employeeNumber: 'IAMSATHE026', login: 'jerome' },
      entityId: ID.buffer,
      entityType: 'TargetSystem',
      type: 'create',
      form: {
        'First Name': 'Jerome',
        'Last Name': 'Fern',
        Email: 'jerome@iamsath.com',
        'User Login': 'jerome',
        'What social media channels do you need access to?': 'LinkedIn, Twitter',
      },
    });

    const manager = r.tasks[0];
    expect(manager).toMatchObject({ name: 'Manager Approval Task', assignee: 'zachary' });
    await act(admin, manager.id, 'APPROVE', 'zachary');
    let now = await readRequest(admin, r.id);
    expect(now.status).toBe('Waiting for Business Owner Approval');
    const owner = await openTask(admin, r.id);
    expect(owner).toMatchObject({ name: 'Business Owner Approval Task', assignee: 'ali', assigneeType: 'User' });
    await act(admin, owner.id, 'APPROVE', 'ali');

    now = await readRequest(admin, r.id);
    expect(now.status).toBe('Waiting for Fulfilment');
    expect((await holdings(admin, 'jerome')).accounts.Buffer).toBeUndefined(); // Disconnected: not before fulfilment
    const fulfil = await openTask(admin, r.id);
    expect(fulfil).toMatchObject({ type: 'FULFILMENT_TASK', assignee: 'Manual Fulfiller', assigneeType: 'Group' });
    await act(admin, fulfil.id, 'CLAIM', 'rachel');
    await act(admin, fulfil.id, 'COMPLETE', 'rachel');

    now = await readRequest(admin, r.id);
    expect(now).toMatchObject({ status: 'Completed', resolution: 'Approved' });
    expect(statuses(now)).toEqual(['Request Submitted', 'Waiting for Manager Approval', 'Waiting for Business Owner Approval', 'Waiting for Fulfilment', 'Completed']);
    expect(now.history.map((h) => h.perpetrator)).toEqual(['jerome', 'jerome', 'zachary', 'ali', 'rachel']);
    expect(now.tasks.map((t) => [t.name, t.status, t.outcome])).toEqual([
      ['Manager Approval Task', 'COMPLETED', 'APPROVE'],
      ['Business Owner Approval Task', 'COMPLETED', 'APPROVE'],
      ['Fulfilment Task', 'COMPLETED', 'COMPLETE'],
    ]);
    const held = await holdings(admin, 'jerome');
    expect(held.accounts.Buffer).toMatchObject({ status: 'Provisioned', mechanism: 'Request', login: 'jerome' });
    expect(held.accounts.Buffer.form['What social media channels do you need access to?']).toBe('LinkedIn, Twitter');

    // Every step is in the audit log of the foundation.
    const log = await admin.request<{ auditEvents: { nodes: Array<{ action: string; actor: string }> } }>(
      gql`query ($id: ID!) { auditEvents(entityId: $id, first: 50) { nodes { action actor } } }`,
      { id: r.id },
    );
    expect(log.auditEvents.nodes.map((e) => e.action).reverse()).toEqual(['request.submit', 'request.stage', 'request.stage', 'request.fulfilment', 'request.complete']);
    const approve = await admin.request<{ auditEvents: { nodes: Array<{ action: string; actor: string }> } }>(
      gql`query ($id: ID!) { auditEvents(entityId: $id) { nodes { action actor } } }`,
      { id: manager.id },
    );
    expect(approve.auditEvents.nodes.map((e) => e.action).reverse()).toEqual(['task.create', 'task.approve']);
    expect(approve.auditEvents.nodes[0].actor).toBe('key test key ORG_ADMIN acting as zachary');

    // The revoke is automatic, but Buffer is Disconnected: the fulfiller removes the account.
    const revoke = await submitOne(admin, { login: 'jerome', entityId: ID.buffer, entityType: 'TARGET_SYSTEM', type: 'REVOKE' });
    expect(revoke).toMatchObject({ status: 'Waiting for Fulfilment', approvalStages: [] });
    const deprovision = revoke.tasks[0];
    await act(admin, deprovision.id, 'CLAIM', 'travis');
    await act(admin, deprovision.id, 'COMPLETE', 'travis');
    expect((await readRequest(admin, revoke.id)).status).toBe('Completed');
    expect((await holdings(admin, 'jerome')).accounts.Buffer.status).toBe('Revoked');
  });

  it('Group Approval: Zendesk for steve goes through Approval Group 2, Approval Group 3 and CEO, each claimed by one member', async () => {
    const r = await submitOne(admin, { login: 'steve', entityId: ID.zendesk, entityType: 'TARGET_SYSTEM' }, 'ali');
    expect(r.approvalStages.map((s) => s.assignee)).toEqual(['Approval Group 2', 'Approval Group 3', 'CEO']);
    expect(r.status).toBe('Waiting for Approval');
    for (const [group, member] of [
      ['Approval Group 2', 'liz'],
      ['Approval Group 3', 'samantha'],
      ['CEO', 'derrick'],
    ]) {
      const task = await openTask(admin, r.id);
      expect(task).toMatchObject({ name: 'Group Approval Task', assignee: group, assigneeType: 'Group', status: 'ASSIGNED' });
      const offers = await admin.request<{
        task: { member: Array<{ action: string }>; outsider: Array<{ action: string }>; assigneeGroup: { name: string; members: Array<{ login: string }> } };
      }>(
        gql`query ($id: ID!, $m: String!) { task(id: $id) { member: possibleActions(userLogin: $m) { action } outsider: possibleActions(userLogin: "aaron") { action } assigneeGroup { name members { login } } } }`,
        { id: task.id, m: member },
      );
      expect(offers.task.member).toEqual([{ action: 'CLAIM' }]);
      expect(offers.task.outsider).toEqual([]);
      expect(offers.task.assigneeGroup.members.map((m) => m.login)).toContain(member);
      expect(await act(admin, task.id, 'CLAIM', member)).toMatchObject({ status: 'CLAIMED', claimedBy: member });
      expect(await act(admin, task.id, 'APPROVE', member)).toMatchObject({ status: 'COMPLETED', outcome: 'APPROVE', claimedBy: member });
    }
    expect((await readRequest(admin, r.id)).status).toBe('Waiting for Fulfilment');
    const fulfil = await openTask(admin, r.id);
    await act(admin, fulfil.id, 'CLAIM', 'travis');
    await act(admin, fulfil.id, 'COMPLETE', 'travis');
    expect(await readRequest(admin, r.id)).toMatchObject({ status: 'Completed', resolution: 'Approved' });
    expect((await holdings(admin, 'steve')).accounts.Zendesk).toMatchObject({ status: 'Provisioned', mechanism: 'Request' });
  });

  it('Group Role Approval: AWS Developer for rachel; revoking it from travis removes its entitlement too', async () => {
    const r = await submitOne(admin, { login: 'rachel', entityId: ID.awsDeveloper, entityType: 'ROLE' }, 'michael');
    expect(r).toMatchObject({ workflowName: 'Group Role Approval', status: 'Waiting for Approval', approvalStages: [{ assignee: 'Approval Group 2' }] });
    await act(admin, r.tasks[0].id, 'CLAIM', 'spencer');
    await act(admin, r.tasks[0].id, 'APPROVE', 'spencer');
    expect(await readRequest(admin, r.id)).toMatchObject({ status: 'Completed', resolution: 'Approved' });
    const held = await holdings(admin, 'rachel');
    expect(held.roles).toContain('AWS Developer');
    expect(held.entitlements['AWS PowerUserAccess']).toBe('Provisioned/Role');

    expect((await holdings(admin, 'travis')).entitlements['AWS PowerUserAccess']).toBe('Provisioned/Role');
    const revoke = await submitOne(admin, { login: 'travis', entityId: ID.awsDeveloper, entityType: 'ROLE', type: 'REVOKE' }, 'michael');
    expect(revoke).toMatchObject({ status: 'Waiting for Approval', summary: 'Revoke AWS Developer from Travis Cole' });
    await act(admin, revoke.tasks[0].id, 'CLAIM', 'liz');
    await act(admin, revoke.tasks[0].id, 'APPROVE', 'liz');
    expect((await readRequest(admin, revoke.id)).status).toBe('Completed');
    const after = await holdings(admin, 'travis');
    expect(after.roles).not.toContain('AWS Developer');
    expect(after.entitlements['AWS PowerUserAccess']).toBe('Revoked/Role');
    expect(after.entitlements['AWS ReadOnlyAccess']).toBe('Provisioned/Role'); // granted by IT Operations, kept
  });

  it('MODIFY (the seed cart: jerome, AWS Developer, type modify) updates the account form after approval', async () => {
    const r = await submitOne(admin, {
      login: 'jerome',
      entityId: ID.awsDeveloper,
      entityType: 'ROLE',
      type: 'MODIFY',
      form: { Email: 'jerome@gmail.com', 'Phone Number': '847-547-5478' },
    });
    expect(r).toMatchObject({ type: 'MODIFY', status: 'Waiting for Approval' });
    await act(admin, r.tasks[0].id, 'CLAIM', 'liz');
    await act(admin, r.tasks[0].id, 'APPROVE', 'liz');
    const held = await holdings(admin, 'jerome');
    expect(held.accounts['Amazon Web Services'].form).toMatchObject({ Email: 'jerome@gmail.com', 'Phone Number': '847-547-5478' });
    expect(held.roles).toContain('AWS Developer');
  });
});

describe('reject, expiry, cancel, escalate, reassign', () => {
  let admin: GraphQLClient;
  // Starts at the real time, so dates the other tests compare stay current; expiry tests move it.
  const clock = new TestClock(new Date());
  beforeAll(async () => {
    await app?.stop();
    app = await startTestApp({ clock });
    admin = await app.client('acme');
  });

  it('a manager rejection ends the request; nothing is provisioned', async () => {
    const r = await submitOne(admin, { login: 'aaron', entityId: ID.docusignSender, entityType: 'ENTITLEMENT' }, 'aaron');
    expect(await act(admin, r.tasks[0].id, 'REJECT', 'spencer', { comment: 'not needed for sales' })).toMatchObject({
      status: 'COMPLETED',
      outcome: 'REJECT',
      request: { status: 'Rejected', resolution: 'Rejected' },
    });
    const done = await readRequest(admin, r.id);
    expect(done.tasks).toHaveLength(1);
    expect(done.history.at(-1)).toMatchObject({ action: 'reject', perpetrator: 'spencer', toStatus: 'Rejected' });
    expect((await holdings(admin, 'aaron')).entitlements['Docusign Sender']).toBeUndefined();
    const comments = await admin.request<{ task: { comments: Array<{ comment: string; userLogin: string; attachment: { id: string } }> } }>(
      gql`query ($id: ID!) { task(id: $id) { comments { comment userLogin attachment { id } } } }`,
      { id: r.tasks[0].id },
    );
    expect(comments.task.comments).toEqual([{ comment: 'not needed for sales', userLogin: 'spencer', attachment: null }]);

    // The seed's task views: a person's completed rejects, and (here none) completed approvals.
    const views = await admin.request<{ rejects: { nodes: Array<{ id: string; outcome: string | null }> }; approvals: { nodes: Array<{ id: string }> } }>(gql`{
      rejects: tasks(filter: { status: COMPLETED, userLogin: "spencer", outcome: REJECT }) { nodes { id outcome } }
      approvals: tasks(filter: { status: COMPLETED, userLogin: "spencer", outcome: APPROVE }) { nodes { id } }
    }`);
    expect(views.rejects.nodes).toEqual([{ id: r.tasks[0].id, outcome: 'REJECT' }]);
    expect(views.approvals.nodes).toEqual([]);
  });

  it('a task expires at its expiry date with no request arriving (its job), with its request, and can no longer be decided', async () => {
    const r = await submitOne(admin, { login: 'steve', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' }, 'steve');
    const taskId = r.tasks[0].id;
    const stored = () => app.orm.em.fork().findOneOrFail(Task, taskId);
    clock.advance({ days: 14, hours: 23 });
    expect(await app.jobs.runDue()).toBe(0);
    expect((await stored()).status).toBe(TaskStatus.ASSIGNED);
    clock.advance({ hours: 1 });
    // No GraphQL request between the clock's move and the job: the expiry is the job's doing.
    expect(await app.jobs.runDue()).toBeGreaterThanOrEqual(1);
    expect((await stored()).status).toBe(TaskStatus.EXPIRED);

    const expired = await admin.request<{
      tasks: {
        totalCount: number;
        nodes: Array<{ id: string; status: string; outcome: string | null; possibleActions: Array<{ action: string }>; request: { status: string; resolution: string } }>;
      };
    }>(gql`{ tasks(filter: { status: EXPIRED, userLogin: "ali" }) { totalCount nodes { id status outcome possibleActions { action } request { status resolution } } } }`);
    expect(expired.tasks).toEqual({
      totalCount: 1,
      nodes: [{ id: taskId, status: 'EXPIRED', outcome: 'EXPIRED', possibleActions: [], request: { status: 'Expired', resolution: 'Expired' } }],
    });

    const errors = await errorsOf(act(admin, taskId, 'APPROVE', 'ali'));
    expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(errors[0].message).toMatch(/is Expired; it can no longer be acted on/);
    expect((await holdings(admin, 'steve')).accounts.Atlassian).toBeUndefined();
    expect((await readRequest(admin, r.id)).history.at(-1)).toMatchObject({ action: 'expire', perpetrator: 'system', toStatus: 'Expired' });
  });

  it('reads never write: a task past its date reads as it is until its job runs; acting on it is refused and writes nothing', async () => {
    const r = await submitOne(admin, { login: 'liz', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' }, 'liz');
    const taskId = r.tasks[0].id;
    clock.advance({ days: 16 });
    const before = await app.orm.em.fork().count(HistoryEntry, {});
    const read = await admin.request<{ task: { status: string } }>(gql`query ($id: ID!) { task(id: $id) { status } }`, { id: taskId });
    expect(read.task.status).toBe('ASSIGNED');
    const errors = await errorsOf(act(admin, taskId, 'APPROVE', 'jerome'));
    expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(errors[0].message).toMatch(/expired at .*; it can no longer be acted on/);
    expect(await app.orm.em.fork().count(HistoryEntry, {})).toBe(before);
    await app.jobs.runDue();
    const stored = await app.orm.em.fork().findOneOrFail(AccessRequest, r.id);
    expect([stored.status, stored.resolution]).toEqual(['Expired', 'Expired']);
  });

  it('the requester cancels an open request; its task is cancelled; a stranger may not', async () => {
    const r = await submitOne(admin, { login: 'rachel', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' }, 'rachel');
    const CANCEL = gql`mutation ($id: ID!, $u: String!) { cancelRequest(id: $id, userLogin: $u, comment: "no longer needed") { status resolution tasks { status outcome } } }`;
    type CancelData = { cancelRequest: { status: string; resolution: string; tasks: Array<{ status: string; outcome: string | null }> } };
    const denied = await errorsOf(admin.request(CANCEL, { id: r.id, u: 'aaron' }));
    expect(denied[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    const cancelled = await admin.request<CancelData>(CANCEL, { id: r.id, u: 'rachel' });
    expect(cancelled.cancelRequest).toEqual({ status: 'Cancelled', resolution: 'Cancelled', tasks: [{ status: 'CANCELLED', outcome: 'CANCELLED' }] });
    const again = await errorsOf(admin.request(CANCEL, { id: r.id, u: 'rachel' }));
    expect(again[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
  });

  it("ESCALATE hands a task to the assignee's manager; REASSIGN to a named user; RELEASE returns a claimed task to its group", async () => {
    const r = await submitOne(admin, { login: 'travis', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' }, 'travis');
    const id = r.tasks[0].id;
    expect(r.tasks[0].assignee).toBe('michael');
    expect(await act(admin, id, 'ESCALATE', 'michael', { comment: 'on leave' })).toMatchObject({ status: 'ASSIGNED', assignee: 'zachary', assigneeType: 'User' });
    const missing = await errorsOf(act(admin, id, 'REASSIGN', 'zachary'));
    expect(missing[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assignee' });
    const self = await errorsOf(act(admin, id, 'REASSIGN', 'zachary', { assignee: 'travis' }));
    expect(self[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assignee' });
    expect(await act(admin, id, 'REASSIGN', 'zachary', { assignee: 'jerome' })).toMatchObject({ assignee: 'jerome', assigneeType: 'User', status: 'ASSIGNED' });
    expect(await act(admin, id, 'APPROVE', 'jerome')).toMatchObject({ status: 'COMPLETED', request: { status: 'Completed' } });
    const history = await admin.request<{ task: { version: number; history: Array<{ action: string; perpetrator: string; diff: unknown }> } }>(
      gql`query ($id: ID!) { task(id: $id) { version history { action perpetrator diff } } }`,
      { id },
    );
    expect(history.task.history.map((h) => [h.action, h.perpetrator])).toEqual([
      ['create', 'test key ORG_ADMIN'],
      ['escalate', 'michael'],
      ['reassign', 'zachary'],
      ['approve', 'jerome'],
    ]);
    expect(history.task.history[1].diff).toMatchObject({ assignee: 'zachary', version: 2 });
    expect(history.task.version).toBe(4);

    // aaron requests for himself: spencer, a member of the group, may then hold the task.
    const group = await submitOne(admin, { login: 'aaron', entityId: ID.awsDeveloper, entityType: 'ROLE' }, 'aaron');
    const gid = group.tasks[0].id;
    await act(admin, gid, 'CLAIM', 'liz');
    expect(await act(admin, gid, 'RELEASE', 'liz')).toMatchObject({ status: 'ASSIGNED', claimedBy: null, assignee: 'Approval Group 2' });
    expect(await act(admin, gid, 'CLAIM', 'spencer')).toMatchObject({ status: 'CLAIMED', claimedBy: 'spencer' });
  });

  it("ESCALATE of a group task goes to the group's escalation assignee", async () => {
    // Marketing Content Specialist: Group Role Approval with Approval Group 1 (escalation: samantha).
    const r = await submitOne(admin, { login: 'aaron', entityId: '6d0000000000000000000001', entityType: 'ROLE' }, 'aaron');
    const id = r.tasks[0].id;
    await act(admin, id, 'CLAIM', 'ali');
    expect(await act(admin, id, 'ESCALATE', 'ali')).toMatchObject({ assignee: 'samantha', assigneeType: 'User', claimedBy: null });
  });
});

describe('deny cases: each with its code, and nothing changed', () => {
  let admin: GraphQLClient;
  let pending: AccessRequestData;
  beforeAll(async () => {
    await app?.stop();
    app = await startTestApp();
    admin = await app.client('acme');
    pending = await submitOne(admin, { login: 'aaron', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' }, 'aaron');
  });

  /** Rows a denied call must not have touched. */
  async function snapshot() {
    const em = app.orm.em.fork();
    return {
      requests: await em.count(AccessRequest, {}),
      tasks: (await em.find(Task, {}, { orderBy: { id: 'asc' } })).map((t) => `${t.id}:${t.status}:${t.version}:${t.assignee}:${t.claimedBy}`),
      history: await em.count(HistoryEntry, {}),
      audit: await em.count(AuditEvent, {}),
      carts: await em.count(Cart, {}),
      accounts: await em.count(UserAccount, {}),
      assignments: (await em.find(EntitlementAssignment, {})).map((a) => `${a.id}:${a.status}`).sort(),
      members: await em.count(RoleMember, {}),
    };
  }

  it('a non-assignee approving is FORBIDDEN', async () => {
    const before = await snapshot();
    const errors = await errorsOf(act(admin, pending.tasks[0].id, 'APPROVE', 'zachary'));
    expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(errors[0].message).toBe('zachary is not the assignee of this task (assigned to spencer)');
    expect(await snapshot()).toEqual(before);
  });

  it('the beneficiary deciding his own request is FORBIDDEN', async () => {
    const before = await snapshot();
    const errors = await errorsOf(act(admin, pending.tasks[0].id, 'APPROVE', 'aaron'));
    expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(await snapshot()).toEqual(before);
  });

  it('an action not in possibleActions is a CONFLICT on field action', async () => {
    const before = await snapshot();
    const claim = await errorsOf(act(admin, pending.tasks[0].id, 'CLAIM', 'spencer'));
    expect(claim[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'action' });
    expect(claim[0].message).toBe('CLAIM is not possible on this Assigned task; possible actions: APPROVE, REJECT, ESCALATE, REASSIGN');
    const complete = await errorsOf(act(admin, pending.tasks[0].id, 'COMPLETE', 'spencer'));
    expect(complete[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'action' });
    expect(await snapshot()).toEqual(before);
  });

  it('approving an unclaimed group task (before CLAIM) is a CONFLICT; a non-member claiming is FORBIDDEN', async () => {
    const r = await submitOne(admin, { login: 'steve', entityId: ID.awsDeveloper, entityType: 'ROLE' }, 'steve');
    const before = await snapshot();
    const approve = await errorsOf(act(admin, r.tasks[0].id, 'APPROVE', 'liz'));
    expect(approve[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'action' });
    expect(approve[0].message).toMatch(/possible actions: CLAIM$/);
    const outsider = await errorsOf(act(admin, r.tasks[0].id, 'CLAIM', 'ali'));
    expect(outsider[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(outsider[0].message).toBe('ali is not a member of Approval Group 2, the group this task is offered to');
    expect(await snapshot()).toEqual(before);
    await act(admin, r.tasks[0].id, 'CLAIM', 'liz');
    const other = await errorsOf(act(admin, r.tasks[0].id, 'APPROVE', 'spencer'));
    expect(other[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(other[0].message).toBe('This task is claimed by liz; only they may act on it');
  });

  it('deciding a completed task is a CONFLICT', async () => {
    const r = await submitOne(admin, { login: 'steve', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' }, 'steve');
    await act(admin, r.tasks[0].id, 'APPROVE', 'ali');
    const before = await snapshot();
    for (const action of ['APPROVE', 'REJECT']) {
      const errors = await errorsOf(act(admin, r.tasks[0].id, action, 'ali'));
      expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
      expect(errors[0].message).toMatch(/is Completed; it can no longer be acted on/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('requesting a retired role is BAD_USER_INPUT naming the item; no cart or request is written', async () => {
    await admin.request(gql`mutation ($id: ID!) { operateRole(roleId: $id, operation: RETIRE) { id } }`, { id: ID.chiefOfficer });
    const before = await snapshot();
    const create = await errorsOf(
      admin.request(gql`mutation ($input: CreateCartInput!) { createCart(input: $input) { correlationId } }`, {
        input: cartOf(
          [
            { login: 'rachel', entityId: ID.googleWorkspaceUser, entityType: 'ENTITLEMENT' },
            { login: 'rachel', entityId: ID.chiefOfficer, entityType: 'ROLE' },
          ],
          'rachel',
        ),
      }),
    );
    expect(create[0]).toMatchObject({ message: 'Chief Officer is retired and cannot be requested', extensions: { code: 'BAD_USER_INPUT', field: 'input.cartItems.1.entityId' } });
    expect(await snapshot()).toEqual(before);
  });

  it('a submit that fails half way writes nothing (the first item had already provisioned)', async () => {
    const before = await snapshot();
    const errors = await errorsOf(
      submit(
        admin,
        [
          { login: 'liz', entityId: ID.googleWorkspaceUser, entityType: 'ENTITLEMENT' }, // Auto Approval, Connected: provisions at once
          { login: 'liz', entityId: ID.chiefOfficer, entityType: 'ROLE' },
        ],
        'liz',
      ),
    );
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.cart.cartItems.1.entityId' });
    expect(await snapshot()).toEqual(before);
    expect((await holdings(admin, 'liz')).accounts['Google Workspace']).toBeUndefined();
  });

  it.each([
    [
      'revoking access not held',
      { login: 'steve', entityId: ID.googleWorkspaceUser, entityType: 'ENTITLEMENT', type: 'REVOKE' },
      'BAD_USER_INPUT',
      /Steve Clark does not have Google Workspace User, so there is nothing to revoke/,
    ],
    [
      'modifying access not held',
      { login: 'liz', entityId: ID.buffer, entityType: 'TARGET_SYSTEM', type: 'MODIFY' },
      'BAD_USER_INPUT',
      /Liz Morgan does not have Buffer, so there is nothing to modify/,
    ],
    ['granting access already held', { login: 'aaron', entityId: ID.allEmployees, entityType: 'ROLE' }, 'CONFLICT', /Aaron King already has All Employees/],
    [
      'revoking a role held by its birthright rule',
      { login: 'aaron', entityId: ID.allEmployees, entityType: 'ROLE', type: 'REVOKE' },
      'BAD_USER_INPUT',
      /through its birthright rule/,
    ],
    [
      'revoking an entitlement a held role grants',
      { login: 'jerome', entityId: ID.awsPowerUser, entityType: 'ENTITLEMENT', type: 'REVOKE' },
      'BAD_USER_INPUT',
      /through the role AWS Developer; revoke the role instead/,
    ],
    ['requesting a non-requestable entitlement', { login: 'aaron', entityId: '63aec73493ccdf675cc4c221', entityType: 'ENTITLEMENT' }, 'BAD_USER_INPUT', /is not requestable/],
    ['requesting a disabled entitlement', { login: 'jerome', entityId: '63aee4dc93ccdf675cc63be7', entityType: 'ENTITLEMENT' }, 'BAD_USER_INPUT', /is disabled/],
    [
      'requesting an entitlement of a disabled application',
      { login: 'aaron', entityId: '6c0000000000000000000016', entityType: 'ENTITLEMENT' },
      'BAD_USER_INPUT',
      /Its application EntraID is disabled/,
    ],
    ['an unknown entity', { login: 'aaron', entityId: 'ffffffffffffffffffffffff', entityType: 'ROLE' }, 'NOT_FOUND', /Role "ffffffffffffffffffffffff" was not found/],
    ['granting to an inactive person', { login: 'kevin', entityId: ID.googleWorkspaceUser, entityType: 'ENTITLEMENT' }, 'BAD_USER_INPUT', /Kevin Walsh is Inactive/],
    ['a person without a manager under a manager workflow', { login: 'derrick', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' }, 'CONFLICT', /no manager to approve it/],
  ] as const)('%s is refused', async (_name, item, code, message) => {
    const before = await snapshot();
    const errors = await errorsOf(submit(admin, [item as Item], 'zachary'));
    expect(errors[0].extensions?.code).toBe(code);
    expect(errors[0].message).toMatch(message);
    expect(errors[0].extensions?.field).toMatch(/^input\.cart\.cartItems\.0\./);
    expect(await snapshot()).toEqual(before);
  });

  it('a second request for what is already requested is a CONFLICT', async () => {
    const errors = await errorsOf(submitOne(admin, { login: 'aaron', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' }, 'spencer'));
    expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.cart.cartItems.0.entityId' });
    expect(errors[0].message).toMatch(new RegExp(`Request ${pending.requestId} .* is still open`));
  });

  it('authorities: READ_ONLY may read but not submit nor act; APPROVER acts; REQUESTER submits', async () => {
    const reader = await app.client('acme', [Authority.READ_ONLY]);
    // Personal keys: the requester and the approver act as themselves.
    const approver = await app.client('acme', [Authority.APPROVER], { person: 'zachary' });
    const requester = await app.client('acme', [Authority.REQUESTER], { person: 'michael' });
    const before = await snapshot();
    expect((await errorsOf(submit(reader, [{ login: 'nina', entityId: ID.buffer, entityType: 'TARGET_SYSTEM' }])))[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      action: 'requests:submit',
    });
    expect((await errorsOf(act(reader, pending.tasks[0].id, 'APPROVE', 'spencer')))[0].extensions).toMatchObject({ code: 'FORBIDDEN', action: 'tasks:act' });
    expect((await errorsOf(submit(approver, [{ login: 'nina', entityId: ID.buffer, entityType: 'TARGET_SYSTEM' }])))[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(await snapshot()).toEqual(before);
    expect((await reader.request<RequestData>(REQUEST, { id: pending.id })).request.id).toBe(pending.id);
    const r = await submitOne(requester, { login: 'michael', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' }, 'michael');
    expect(await act(approver, r.tasks[0].id, 'APPROVE', 'zachary')).toMatchObject({ status: 'COMPLETED' });
  });

  it('another workspace sees none of it', async () => {
    await app.workspace('other', null);
    const other = await app.client('other');
    const data = await other.request<{ request: { id: string }; task: { id: string }; tasks: { totalCount: number }; requests: { totalCount: number } }>(
      gql`query ($id: ID!, $t: ID!) { request(id: $id) { id } task(id: $t) { id } tasks { totalCount } requests { totalCount } }`,
      { id: pending.id, t: pending.tasks[0].id },
    );
    expect(data).toEqual({ request: null, task: null, tasks: { totalCount: 0 }, requests: { totalCount: 0 } });
    const errors = await errorsOf(act(other, pending.tasks[0].id, 'APPROVE', 'spencer'));
    expect(errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('carts', () => {
  let admin: GraphQLClient;
  beforeAll(async () => {
    await app?.stop();
    app = await startTestApp();
    admin = await app.client('acme');
  });

  it('createCart returns the seed response (correlationId, result) and the cart; submitCart by id submits it once', async () => {
    const created = await admin.request<{
      createCart: {
        correlationId: string;
        result: boolean;
        cart: {
          id: string;
          name: string;
          owner: string;
          status: string;
          requester: { login: string; displayName: string | null; employeeNumber: string | null };
          cartItems: Array<{
            entityId: string;
            entityType: string;
            type: string;
            entityName: string;
            beneficiaries: { login: string; employeeNumber: string | null; displayName: string | null; form: unknown };
          }>;
        };
      };
    }>(
      gql`mutation ($input: CreateCartInput!) { createCart(input: $input) { correlationId result cart { id name owner status requester { login displayName employeeNumber } cartItems { entityId entityType type entityName beneficiaries { login employeeNumber displayName form } } } } }`,
      {
        input: {
          requester: { login: 'jerome', employeeNumber: 'IAMSATHE026', displayName: 'Jerome Fern' },
          cartItems: [
            {
              beneficiaries: {
                login: 'jerome',
                employeeNumber: 'IAMSATHE026',
                displayName: 'Jerome Fern',
                accountName: 'jerome@gmail.com',
                form: { Email: 'jerome@gmail.com', 'First Name': 'Jerome', 'Last Name': 'Fern', 'Phone Number': '847-547-5478', 'User Login': 'jerome' },
              },
              entityId: ID.awsDeveloper,
              entityType: 'ROLE',
              type: 'MODIFY',
            },
          ],
          owner: 'User/63aec79793ccdf675cc4d018',
          name: 'default',
        },
      },
    );
    const c = created.createCart;
    expect(c).toMatchObject({
      result: true,
      cart: { name: 'default', owner: 'User/63aec79793ccdf675cc4d018', status: 'Open', requester: { login: 'jerome', displayName: 'Jerome Fern', employeeNumber: 'IAMSATHE026' } },
    });
    expect(c.cart.cartItems[0]).toMatchObject({
      entityId: ID.awsDeveloper,
      entityType: 'ROLE',
      type: 'MODIFY',
      entityName: 'AWS Developer',
      beneficiaries: { login: 'jerome', form: { Email: 'jerome@gmail.com' } },
    });
    expect(await app.orm.em.fork().count(AccessRequest, { correlationId: c.correlationId })).toBe(0);

    const SUBMIT_BY_ID = gql`mutation ($id: ID!) { submitCart(input: { cartId: $id, justification: "Submitting Request for Access to AWS Application", archive: true }) { correlationId cart { status archived justification requests { id } } requests { id status justification } } }`;
    type SubmitByIdData = {
      submitCart: {
        correlationId: string;
        cart: { status: string; archived: boolean; justification: string | null; requests: Array<{ id: string }> };
        requests: Array<{ id: string; status: string; justification: string | null }>;
      };
    };
    const submitted = await admin.request<SubmitByIdData>(SUBMIT_BY_ID, { id: c.cart.id });
    expect(submitted.submitCart).toMatchObject({
      correlationId: c.correlationId,
      cart: { status: 'Submitted', archived: true, justification: 'Submitting Request for Access to AWS Application' },
    });
    expect(submitted.submitCart.requests).toEqual([{ id: expect.any(String), status: 'Waiting for Approval', justification: 'Submitting Request for Access to AWS Application' }]);
    expect(submitted.submitCart.cart.requests).toEqual([{ id: submitted.submitCart.requests[0].id }]);

    const again = await errorsOf(admin.request(SUBMIT_BY_ID, { id: c.cart.id }));
    expect(again[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.cartId' });
  });

  it('checks input shape: exactly one of cartId and cart; a known requester; a matching employee number; duplicate items', async () => {
    const both = await errorsOf(admin.request(SUBMIT, { input: {} }));
    expect(both[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.cartId' });
    const nobody = await errorsOf(submit(admin, [{ login: 'aaron', entityId: ID.buffer, entityType: 'TARGET_SYSTEM' }], 'nobody'));
    expect(nobody[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.cart.requester.login' });
    const wrongNumber = await errorsOf(
      admin.request(SUBMIT, {
        input: {
          cart: {
            requester: { login: 'jerome' },
            cartItems: [{ beneficiaries: { login: 'jerome', employeeNumber: 'IAMSATHE999' }, entityId: ID.buffer, entityType: 'TARGET_SYSTEM' }],
          },
        },
      }),
    );
    expect(wrongNumber[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.cart.cartItems.0.beneficiaries.employeeNumber' });
    const empty = await errorsOf(admin.request(SUBMIT, { input: { cart: { requester: { login: 'jerome' }, cartItems: [] } } }));
    expect(empty[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.cart.cartItems' });
    const twice = await errorsOf(
      admin.request(gql`mutation ($input: CreateCartInput!) { createCart(input: $input) { result } }`, {
        input: cartOf(
          [
            { login: 'nina', entityId: ID.buffer, entityType: 'TARGET_SYSTEM' },
            { login: 'nina', entityId: ID.buffer, entityType: 'TARGET_SYSTEM' },
          ],
          'ali',
        ),
      }),
    );
    // nina is Inactive: the first item fails before the duplicate is seen
    expect(twice[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.cartItems.0.beneficiaries.login' });
    const dup = await errorsOf(
      admin.request(gql`mutation ($input: CreateCartInput!) { createCart(input: $input) { result } }`, {
        input: cartOf(
          [
            { login: 'steve', entityId: ID.buffer, entityType: 'TARGET_SYSTEM', type: 'REVOKE' },
            { login: 'steve', entityId: ID.buffer, entityType: 'TARGET_SYSTEM', type: 'REVOKE' },
          ],
          'ali',
        ),
      }),
    );
    expect(dup[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.cartItems.1.entityId' });
  });

  it('one cart, several items: one request each, sharing the correlationId', async () => {
    const result = await submit(
      admin,
      [
        { login: 'michael', entityId: ID.googleWorkspaceUser, entityType: 'ENTITLEMENT' },
        { login: 'rachel', entityId: ID.googleWorkspaceUser, entityType: 'ENTITLEMENT' },
        { login: 'travis', entityId: ID.salesforceSalesUser, entityType: 'ENTITLEMENT' },
      ],
      'michael',
    );
    expect(result.requests.map((r) => [r.beneficiaryLogin, r.status, r.correlationId])).toEqual([
      ['michael', 'Completed', result.correlationId],
      ['rachel', 'Completed', result.correlationId],
      ['travis', 'Waiting for Manager Approval', result.correlationId],
    ]);
    expect(new Set(result.requests.map((r) => r.requestId)).size).toBe(3);
  });
});

describe('requests and tasks queries', () => {
  let admin: GraphQLClient;
  beforeAll(async () => {
    await app?.stop();
    app = await startTestApp();
    admin = await app.client('acme');
    await submit(
      admin,
      [
        { login: 'aaron', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' },
        { login: 'steve', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' },
        { login: 'rachel', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' },
        { login: 'aaron', entityId: ID.salesforceSalesUser, entityType: 'ENTITLEMENT' },
      ],
      'aaron',
    );
    await submitOne(admin, { login: 'jerome', entityId: ID.googleWorkspaceUser, entityType: 'ENTITLEMENT', type: 'REVOKE' }, 'jerome');
  });

  it('requests(type, status) filters and pages newest first with edges to beneficiary and entity', async () => {
    const creates = await admin.request<{
      requests: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: Array<{
          id: string;
          type: string;
          beneficiary: { login: string };
          requester: { login: string };
          entity: { __typename: string; displayName?: string; targetSystem?: { displayName: string } };
        }>;
      };
    }>(
      gql`{ requests(type: CREATE, first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { id type beneficiary { login } requester { login } entity { __typename ... on Entitlement { displayName targetSystem { displayName } } } } } }`,
    );
    expect(creates.requests.totalCount).toBe(4);
    expect(creates.requests.pageInfo.hasNextPage).toBe(true);
    expect(creates.requests.nodes[0]).toMatchObject({
      type: 'CREATE',
      beneficiary: { login: 'aaron' },
      requester: { login: 'aaron' },
      entity: { __typename: 'Entitlement', displayName: 'Salesforce Sales User', targetSystem: { displayName: 'Salesforce' } },
    });
    const next = await admin.request<{ requests: { nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean } } }>(
      gql`query ($after: String) { requests(type: CREATE, first: 2, after: $after) { nodes { id } pageInfo { hasNextPage } } }`,
      { after: creates.requests.pageInfo.endCursor },
    );
    expect(next.requests.nodes).toHaveLength(2);
    expect(next.requests.pageInfo.hasNextPage).toBe(false);
    const ids = [...creates.requests.nodes, ...next.requests.nodes].map((n) => n.id);
    expect([...ids].sort().reverse()).toEqual(ids);

    const revokes = await admin.request<{ requests: { totalCount: number; nodes: Array<{ status: string; resolution: string; beneficiaryLogin: string | null }> } }>(
      gql`{ requests(type: REVOKE) { totalCount nodes { status resolution beneficiaryLogin } } }`,
    );
    expect(revokes.requests).toEqual({ totalCount: 1, nodes: [{ status: 'Completed', resolution: 'Approved', beneficiaryLogin: 'jerome' }] });
    const waiting = await admin.request<{ requests: { totalCount: number } }>(gql`{ requests(status: "Waiting for Manager Approval") { totalCount } }`);
    expect(waiting.requests.totalCount).toBe(4);
    const tooMany = await errorsOf(admin.request(gql`{ requests(first: 101) { totalCount } }`));
    expect(tooMany[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('tasks(filter) by assignee login, status, type and request', async () => {
    const spencer = await admin.request<{
      tasks: { totalCount: number; nodes: Array<{ assignee: string; title: string; payload: unknown; form: unknown; request: { beneficiary: { login: string } } }> };
    }>(
      gql`{ tasks(filter: { userLogin: "spencer", status: ASSIGNED, type: APPROVAL_TASK }) { totalCount nodes { assignee title payload form request { beneficiary { login } } } } }`,
    );
    expect(spencer.tasks.totalCount).toBe(2);
    expect(spencer.tasks.nodes.every((t) => t.assignee === 'spencer' && t.request.beneficiary.login === 'aaron')).toBe(true);
    expect(spencer.tasks.nodes[0].payload).toMatchObject({ beneficiary: { login: 'aaron' }, entityType: 'Entitlement', type: 'create', requestId: expect.any(String) });
    expect(spencer.tasks.nodes[0].form).toBe(null); // aaron has his Atlassian and Salesforce accounts: no account form
    const ali = await admin.request<{ tasks: { totalCount: number; nodes: Array<{ form: unknown }> }; completed: { totalCount: number }; fulfil: { totalCount: number } }>(
      gql`{ tasks(filter: { userLogin: "ali" }) { totalCount nodes { form } } completed: tasks(filter: { status: COMPLETED }) { totalCount } fulfil: tasks(filter: { type: FULFILMENT_TASK }) { totalCount } }`,
    );
    expect(ali).toEqual({
      tasks: { totalCount: 1, nodes: [{ form: { 'First Name': 'Steve', 'Last Name': 'Clark', Email: 'steve@iamsath.com' } }] },
      completed: { totalCount: 0 },
      fulfil: { totalCount: 0 },
    });
    const one = await admin.request<{ requests: { nodes: Array<{ id: string }> } }>(gql`{ requests(first: 1) { nodes { id } } }`);
    const byRequest = await admin.request<{ tasks: { totalCount: number } }>(gql`query ($r: ID!) { tasks(filter: { requestId: $r }) { totalCount } }`, {
      r: one.requests.nodes[0].id,
    });
    expect(byRequest.tasks.totalCount).toBe(0); // the newest is the automatic revoke
    const bad = await errorsOf(admin.request(gql`{ tasks(filter: { requestId: "x" }) { totalCount } }`));
    expect(bad[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.requestId' });
  });

  it('request errors keep their own codes (not masked as internal errors)', async () => {
    const invalid = await errorsOf(admin.request(gql`{ tasks { nodes { nope } } }`));
    expect(invalid[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    const badEnum = await errorsOf(admin.request(gql`query ($s: TaskStatus) { tasks(filter: { status: $s }) { totalCount } }`, { s: 'Done' }));
    expect(badEnum[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 's' });
  });

  it("a group member sees the group's open tasks under their login", async () => {
    const r = await submitOne(admin, { login: 'michael', entityId: ID.awsDeveloper, entityType: 'ROLE' }, 'michael');
    const data = await admin.request<{ liz: { nodes: Array<{ id: string; assignee: string }> }; ali: { nodes: Array<{ id: string }> } }>(
      gql`{ liz: tasks(filter: { userLogin: "liz" }) { nodes { id assignee } } ali: tasks(filter: { userLogin: "ali", type: APPROVAL_TASK }) { nodes { id } } }`,
    );
    expect(data.liz.nodes).toEqual([{ id: r.tasks[0].id, assignee: 'Approval Group 2' }]);
    expect(data.ali.nodes.map((n) => n.id)).not.toContain(r.tasks[0].id);
  });

  it('nested reads are batched: the statement count does not grow with the number of tasks', async () => {
    const query = (first: number) =>
      admin.request(
        gql`query ($first: Int) { tasks(first: $first) { nodes { id possibleActions(userLogin: "spencer") { action } comments { comment } history { action } request { status beneficiary { login accounts { targetSystem { displayName } } } history { toStatus } tasks { id } } } } }`,
        { first },
      );
    await query(1);
    app.statements.reset();
    await query(1);
    const one = app.statements.value();
    app.statements.reset();
    await query(6);
    expect(app.statements.value()).toBe(one);
  });
});

describe('approval groups', () => {
  let admin: GraphQLClient;
  beforeAll(async () => {
    await app?.stop();
    app = await startTestApp();
    admin = await app.client('acme');
  });

  it('lists the seeded groups with their members', async () => {
    const data = await admin.request<{
      approvalGroups: { totalCount: number; nodes: Array<{ name: string; escalationAssignee: string | null; members: Array<{ login: string }> }> };
    }>(gql`{ approvalGroups(name: "group") { totalCount nodes { name escalationAssignee members { login } } } }`);
    expect(data.approvalGroups).toEqual({
      totalCount: 3,
      nodes: [
        { name: 'Approval Group 1', escalationAssignee: 'samantha', members: [{ login: 'ali' }, { login: 'michael' }] },
        { name: 'Approval Group 2', escalationAssignee: null, members: [{ login: 'liz' }, { login: 'spencer' }] },
        { name: 'Approval Group 3', escalationAssignee: null, members: [{ login: 'samantha' }, { login: 'zachary' }] },
      ],
    });
  });

  it('creates a group and replaces members; membership decides who may claim', async () => {
    const CREATE = gql`mutation ($input: CreateApprovalGroupInput!) { createApprovalGroup(input: $input) { id name members { login } } }`;
    type CreateData = { createApprovalGroup: { id: string; name: string; members: Array<{ login: string }> } };
    const created = await admin.request<CreateData>(CREATE, { input: { name: 'Approval Group 4', memberLogins: ['aaron', 'steve'], escalationAssignee: 'spencer' } });
    expect(created.createApprovalGroup).toMatchObject({ name: 'Approval Group 4', members: [{ login: 'aaron' }, { login: 'steve' }] });
    expect((await errorsOf(admin.request(CREATE, { input: { name: 'CEO', memberLogins: [] } })))[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
    expect((await errorsOf(admin.request(CREATE, { input: { name: 'G5', memberLogins: ['aaron', 'ghost'] } })))[0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.memberLogins.1',
    });
    const reader = await app.client('acme', [Authority.READ_ONLY]);
    expect((await errorsOf(reader.request(CREATE, { input: { name: 'G6', memberLogins: [] } })))[0].extensions).toMatchObject({ code: 'FORBIDDEN' });

    const groups = await admin.request<{ approvalGroups: { nodes: Array<{ id: string }> } }>(gql`{ approvalGroups(name: "Approval Group 2") { nodes { id } } }`);
    await admin.request(gql`mutation ($id: ID!) { setApprovalGroupMembers(groupId: $id, memberLogins: ["aaron"]) { members { login } } }`, {
      id: groups.approvalGroups.nodes[0].id,
    });
    const r = await submitOne(admin, { login: 'steve', entityId: ID.awsDeveloper, entityType: 'ROLE' }, 'ali');
    expect((await errorsOf(act(admin, r.tasks[0].id, 'CLAIM', 'liz')))[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(await act(admin, r.tasks[0].id, 'CLAIM', 'aaron')).toMatchObject({ claimedBy: 'aaron' });
    const log = await admin.request<{ auditEvents: { nodes: Array<{ action: string; before: unknown; after: unknown }> } }>(
      gql`query ($id: ID!) { auditEvents(entityId: $id) { nodes { action before after } } }`,
      { id: groups.approvalGroups.nodes[0].id },
    );
    expect(log.auditEvents.nodes).toEqual([{ action: 'approvalGroup.members.set', before: { members: ['liz', 'spencer'] }, after: { members: ['aaron'] } }]);
  });
});

describe('racing approvers (concurrent requests against the running server)', () => {
  let admin: GraphQLClient;
  beforeAll(async () => {
    await app?.stop();
    app = await startTestApp();
    admin = await app.client('acme');
  });

  it.each(['aaron', 'steve', 'rachel', 'travis', 'liz'])("two APPROVE of %s's manager task at once: exactly one applies, the other is a CONFLICT", async (login) => {
    const r = await submitOne(admin, { login, entityId: ID.salesforceSalesUser, entityType: 'ENTITLEMENT' }, login);
    const task = r.tasks[0];
    const results = await Promise.allSettled([act(admin, task.id, 'APPROVE', task.assignee), act(admin, task.id, 'APPROVE', task.assignee)]);
    const ok = results.filter((x) => x.status === 'fulfilled');
    const failed = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    const errors = await errorsOf(Promise.reject(failed[0].reason));
    expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    // Lost the version compare-and-set, or (when the transactions ran one after the other) read the decided task.
    expect(errors[0].message).toMatch(/was changed by someone else at the same time|is Completed; it can no longer be acted on/);

    const em = app.orm.em.fork();
    const stored = await em.findOneOrFail(Task, task.id);
    expect([stored.status, stored.outcome, stored.version]).toEqual(['Completed', 'APPROVE', 2]);
    expect(await em.count(HistoryEntry, { subjectId: task.id, action: 'approve' })).toBe(1);
    expect(await em.count(AuditEvent, { entityId: task.id, action: 'task.approve' })).toBe(1);
    expect(await em.count(HistoryEntry, { subjectId: r.id, action: 'complete' })).toBe(1);
    expect((await holdings(admin, login)).entitlements['Salesforce Sales User']).toBe('Provisioned/Request');
  });

  it('the compare-and-set itself: a change made from a stale version is refused and writes nothing', async () => {
    const open = await submitOne(admin, { login: 'ali', entityId: ID.jiraSoftwareUser, entityType: 'ENTITLEMENT' }, 'ali');
    const workspace = (await app.orm.em.fork().findOneOrFail(Task, open.tasks[0].id)).workspace.id;
    const ctx = new Context('test', { apiKeyId: 'k', apiKeyName: 'test', workspaceId: workspace, authorities: [Authority.ORG_ADMIN], person: null }, app.orm.em.fork(), app.config);
    const stale = await ctx.em.findOneOrFail(Task, open.tasks[0].id);
    // Another approver's change lands between this read and this write.
    await app.orm.em.fork().nativeUpdate(Task, { id: stale.id }, { version: 2 });
    const error = await ctx
      .transaction((em) => new RequestFlow(em, ctx.scope).changeTask(stale, { status: TaskStatus.COMPLETED, outcome: 'APPROVE' }, 'approve', 'samantha'))
      .catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect([error.code, error.field]).toEqual(['CONFLICT', 'id']);
    const stored = await app.orm.em.fork().findOneOrFail(Task, stale.id);
    expect([stored.status, stored.version]).toEqual(['Assigned', 2]);
    expect(await app.orm.em.fork().count(HistoryEntry, { subjectId: stale.id, action: 'approve' })).toBe(0);
  });

  it('two members claiming one group task at once: one holds it', async () => {
    for (const login of ['aaron', 'steve', 'michael']) {
      const r = await submitOne(admin, { login, entityId: ID.awsDeveloper, entityType: 'ROLE' }, login);
      const id = r.tasks[0].id;
      const results = await Promise.allSettled([act(admin, id, 'CLAIM', 'liz'), act(admin, id, 'CLAIM', 'spencer')]);
      const winners = results.filter((x): x is PromiseFulfilledResult<ActData['performTaskAction']> => x.status === 'fulfilled').map((x) => x.value.claimedBy);
      expect(winners).toHaveLength(1);
      const rejected = results.find((x): x is PromiseRejectedResult => x.status === 'rejected')!;
      const errors = await errorsOf(Promise.reject(rejected.reason));
      // The loser either lost the version race (CONFLICT) or read the claimed task (FORBIDDEN: claimed by the winner).
      expect(['CONFLICT', 'FORBIDDEN']).toContain(errors[0].extensions?.code);
      const stored = await app.orm.em.fork().findOneOrFail(Task, id);
      expect([stored.status, stored.claimedBy, stored.version]).toEqual(['Claimed', winners[0], 2]);
    }
  });
});
