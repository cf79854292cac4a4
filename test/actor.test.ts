import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { gql, GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { Authority } from '../src/auth/authorities.js';
import { ActorRule, decideActor } from '../src/auth/actor.js';
import { can, type Viewer } from '../src/auth/viewer.js';
import { DomainError } from '../src/errors.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { AccessRequest } from '../src/requests/access-request.entity.js';
import { Task } from '../src/requests/task.entity.js';
import { Cart } from '../src/requests/cart.entity.js';
import { HistoryEntry } from '../src/requests/history-entry.entity.js';
import { EntitlementAssignment } from '../src/governance/user-account.entity.js';

// The demo data's people: spencer manages aaron, ali manages steve, zachary manages jerome and michael; kevin is Inactive.
const SALESFORCE_SALES_USER = '6c0000000000000000000005'; // Manager Grant and Auto Revoke
const JIRA_SOFTWARE_USER = '64c8a4ddfdfcc6b382d82267'; // Manager Grant and Auto Revoke
const AWS_DEVELOPER = '63af258b93ccdf675ccab0da'; // a role: Group Role Approval, Approval Group 2 (spencer, liz)

let app: TestApp;
let admin: GraphQLClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await app.client('acme');
});
afterAll(async () => {
  await app?.stop();
});

const SUBMIT = gql`
  mutation ($input: SubmitCartInput!) {
    submitCart(input: $input) { requests { id requestId status requesterLogin beneficiaryLogin tasks { id assignee status } } }
  }
`;
type SubmitData = {
  submitCart: {
    requests: Array<{
      id: string;
      requestId: string;
      status: string;
      requesterLogin: string;
      beneficiaryLogin: string;
      tasks: Array<{ id: string; assignee: string; status: string }>;
    }>;
  };
};
const ACT = gql`
  mutation ($id: ID!, $action: TaskAction!, $user: String) {
    performTaskAction(id: $id, action: $action, userLogin: $user) { id status outcome request { status resolution } }
  }
`;
type ActData = { performTaskAction: { id: string; status: string; outcome: string | null; request: { status: string; resolution: string } } };

/** A cart of one item; `requester` omitted means: the credential's person. */
function submit(client: GraphQLClient, beneficiary: string, entityId: string, requester?: string) {
  const cart = { ...(requester ? { requester: { login: requester } } : {}), cartItems: [{ beneficiaries: { login: beneficiary }, entityId, entityType: 'ENTITLEMENT' }] };
  return client.request<SubmitData>(SUBMIT, { input: { justification: 'needed', cart } }).then((d) => d.submitCart.requests[0]);
}
const act = (client: GraphQLClient, id: string, action: string, user?: string) => client.request<ActData>(ACT, { id, action, user }).then((d) => d.performTaskAction);
const CANCEL = gql`mutation ($id: ID!, $user: String) { cancelRequest(id: $id, userLogin: $user) { status } }`;

async function held(login: string) {
  const data = await admin.request<{ user: { entitlements: Array<{ id: string }> } }>(gql`query ($l: String!) { user(login: $l) { entitlements { id } } }`, { l: login });
  return data.user.entitlements.map((e) => e.id);
}

/** Everything a refused call must leave as it was. */
async function snapshot() {
  const em = app.orm.em.fork();
  return {
    requests: (await em.find(AccessRequest, {}, { orderBy: { id: 'asc' } })).map((r) => `${r.id}:${r.status}`),
    tasks: (await em.find(Task, {}, { orderBy: { id: 'asc' } })).map((t) => `${t.id}:${t.status}:${t.version}:${t.assignee}:${t.claimedBy}`),
    history: await em.count(HistoryEntry, {}),
    audit: await em.count(AuditEvent, {}),
    carts: await em.count(Cart, {}),
    assignments: (await em.find(EntitlementAssignment, {})).map((a) => `${a.id}:${a.status}`).sort(),
  };
}

describe('the actor comes from the credential (through HTTP)', () => {
  it('the attack of the issue: a REQUESTER-only service key can neither submit for a person nor approve by naming the manager; nothing changes', async () => {
    const requesterKey = await app.client('acme', [Authority.REQUESTER]);
    const before = await snapshot();
    const submitted = await errorsOf(submit(requesterKey, 'aaron', SALESFORCE_SALES_USER, 'aaron'));
    expect(submitted[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: ActorRule.ACT_AS_REQUIRED, field: 'input.cart.requester.login' });
    expect(await snapshot()).toEqual(before);

    // aaron asks for himself with his own key; the REQUESTER key then names his manager.
    const aaron = await app.client('acme', [Authority.REQUESTER], { person: 'aaron' });
    const r = await submit(aaron, 'aaron', SALESFORCE_SALES_USER, 'aaron');
    expect(r).toMatchObject({ status: 'Waiting for Manager Approval', requesterLogin: 'aaron', tasks: [{ assignee: 'spencer', status: 'ASSIGNED' }] });
    const pending = await snapshot();
    const approved = await errorsOf(act(requesterKey, r.tasks[0].id, 'APPROVE', 'spencer'));
    expect(approved[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: ActorRule.ACT_AS_REQUIRED, field: 'userLogin' });
    expect(await snapshot()).toEqual(pending);
    expect(await held('aaron')).not.toContain(SALESFORCE_SALES_USER);
    await admin.request(CANCEL, { id: r.id, user: 'aaron' });
  });

  it('self-approval with a personal key: requesting for oneself, then approving as the manager, is refused; nothing changes', async () => {
    const aaron = await app.client('acme', [Authority.REQUESTER, Authority.APPROVER], { person: 'aaron' });
    const r = await submit(aaron, 'aaron', SALESFORCE_SALES_USER, 'aaron');
    const before = await snapshot();
    const asManager = await errorsOf(act(aaron, r.tasks[0].id, 'APPROVE', 'spencer'));
    expect(asManager[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: ActorRule.PERSONAL_CREDENTIAL, field: 'userLogin' });
    expect(asManager[0].message).toMatch(/belongs to aaron .* cannot act as spencer/);
    const asHimself = await errorsOf(act(aaron, r.tasks[0].id, 'APPROVE'));
    expect(asHimself[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'SEPARATION_OF_DUTIES' });
    expect(await snapshot()).toEqual(before);
    expect(await held('aaron')).not.toContain(SALESFORCE_SALES_USER);
    await act(await app.client('acme', [Authority.APPROVER], { person: 'spencer' }), r.tasks[0].id, 'REJECT');
  });

  it('an approver approving their own request is refused (separation of duties), whatever the credential', async () => {
    // spencer (aaron's manager) requests for aaron: the manager stage goes up to samantha, his manager.
    const spencer = await app.client('acme', [Authority.REQUESTER, Authority.APPROVER], { person: 'spencer' });
    const r = await submit(spencer, 'aaron', SALESFORCE_SALES_USER, 'spencer');
    expect(r).toMatchObject({ requesterLogin: 'spencer', beneficiaryLogin: 'aaron', tasks: [{ assignee: 'samantha' }] });
    const before = await snapshot();
    for (const client of [spencer, admin]) {
      const errors = await errorsOf(act(client, r.tasks[0].id, 'APPROVE', 'spencer'));
      expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'SEPARATION_OF_DUTIES' });
      expect(errors[0].message).toMatch(/^spencer is the requester of request \w+ and may not act on its tasks/);
    }
    expect(await snapshot()).toEqual(before);
    expect(await held('aaron')).not.toContain(SALESFORCE_SALES_USER);
    await spencer.request(CANCEL, { id: r.id });

    // A group task: spencer is a member of Approval Group 2, which approves AWS Developer.
    const group = await spencer.request<SubmitData>(SUBMIT, {
      input: { cart: { cartItems: [{ beneficiaries: { login: 'aaron' }, entityId: AWS_DEVELOPER, entityType: 'ROLE' }] } },
    });
    const task = group.submitCart.requests[0].tasks[0];
    expect(task.assignee).toBe('Approval Group 2');
    const offered = await spencer.request<{ task: { possibleActions: unknown[] } }>(gql`query ($id: ID!) { task(id: $id) { possibleActions { action } } }`, { id: task.id });
    expect(offered.task.possibleActions).toEqual([]);
    const pending = await snapshot();
    const claim = await errorsOf(act(spencer, task.id, 'CLAIM'));
    expect(claim[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'SEPARATION_OF_DUTIES' });
    expect(await snapshot()).toEqual(pending);
    const liz = await app.client('acme', [Authority.APPROVER], { person: 'liz' });
    await act(liz, task.id, 'CLAIM');
    expect(await act(liz, task.id, 'APPROVE')).toMatchObject({ status: 'COMPLETED' });
  });

  it('a personal key acts as its person without naming anyone; naming someone else is refused on every person-level mutation', async () => {
    const aaron = await app.client('acme', [Authority.REQUESTER], { person: 'aaron' });
    const spencer = await app.client('acme', [Authority.APPROVER, Authority.CERTIFIER], { person: 'spencer' });
    const r = await submit(aaron, 'aaron', JIRA_SOFTWARE_USER);
    const task = r.tasks[0].id;
    const before = await snapshot();
    const refusals = await Promise.all([
      errorsOf(act(spencer, task, 'APPROVE', 'zachary')),
      errorsOf(spencer.request(gql`mutation ($t: ID!) { addTaskComment(taskId: $t, userLogin: "zachary", message: "hi") { id } }`, { t: task })),
      errorsOf(aaron.request(CANCEL, { id: r.id, user: 'spencer' })),
      errorsOf(
        aaron.request(
          gql`mutation { createCart(input: { requester: { login: "spencer" }, cartItems: [{ beneficiaries: { login: "aaron" }, entityId: "${JIRA_SOFTWARE_USER}", entityType: ENTITLEMENT }] }) { result } }`,
        ),
      ),
      errorsOf(spencer.request(gql`mutation { decideReviewItem(itemId: "ffffffffffffffffffffffff", decision: CERTIFY, userLogin: "zachary") { id } }`)),
      errorsOf(spencer.request(gql`query ($t: ID!) { task(id: $t) { possibleActions(userLogin: "zachary") { action } } }`, { t: task })),
    ]);
    for (const errors of refusals) expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: ActorRule.PERSONAL_CREDENTIAL });
    expect(await snapshot()).toEqual(before);

    // Without an argument (or naming themselves) the key acts as spencer.
    const offered = await spencer.request<{ task: { possibleActions: Array<{ action: string }> } }>(gql`query ($t: ID!) { task(id: $t) { possibleActions { action } } }`, {
      t: task,
    });
    expect(offered.task.possibleActions.map((a) => a.action)).toEqual(['APPROVE', 'REJECT', 'ESCALATE', 'REASSIGN']);
    const comment = await spencer.request<{ addTaskComment: { comments: Array<{ userLogin: string }> } }>(
      gql`mutation ($t: ID!) { addTaskComment(taskId: $t, message: "looks fine") { comments { userLogin } } }`,
      { t: task },
    );
    expect(comment.addTaskComment.comments).toEqual([{ userLogin: 'spencer' }]);
    expect(await act(spencer, task, 'APPROVE', 'spencer')).toMatchObject({ status: 'COMPLETED', request: { status: 'Completed', resolution: 'Approved' } });
    const audit = await admin.request<{ auditEvents: { nodes: Array<{ action: string; actor: string; actorPerson: string | null; actingAs: boolean }> } }>(
      gql`query ($id: ID!) { auditEvents(entityId: $id, action: "task.approve") { nodes { action actor actorPerson actingAs } } }`,
      { id: task },
    );
    expect(audit.auditEvents.nodes).toEqual([{ action: 'task.approve', actor: 'spencer (via test key APPROVER+CERTIFIER of spencer)', actorPerson: 'spencer', actingAs: false }]);
  });

  it('a service key without ACT_AS takes no person-level action; one with ACT_AS acts for the named person, and the audit records the key and the person', async () => {
    const aaron = await app.client('acme', [Authority.REQUESTER], { person: 'aaron' });
    const r = await submit(aaron, 'aaron', SALESFORCE_SALES_USER, 'aaron');
    const task = r.tasks[0].id;
    const plain = await app.client('acme', [Authority.APPROVER, Authority.REQUESTER, Authority.CERTIFIER]);
    const before = await snapshot();
    const refusals = await Promise.all([
      errorsOf(act(plain, task, 'APPROVE', 'spencer')),
      errorsOf(act(plain, task, 'APPROVE')),
      errorsOf(plain.request(gql`mutation ($t: ID!) { addTaskComment(taskId: $t, userLogin: "spencer", message: "hi") { id } }`, { t: task })),
      errorsOf(plain.request(CANCEL, { id: r.id, user: 'aaron' })),
      errorsOf(plain.request(gql`mutation { decideReviewItem(itemId: "ffffffffffffffffffffffff", decision: CERTIFY, userLogin: "spencer") { id } }`)),
      errorsOf(plain.request(gql`query ($t: ID!) { task(id: $t) { possibleActions(userLogin: "spencer") { action } } }`, { t: task })),
    ]);
    for (const errors of refusals) expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: ActorRule.ACT_AS_REQUIRED, action: 'people:actAs' });
    expect(await snapshot()).toEqual(before);

    const token = await app.token('acme', [Authority.APPROVER, Authority.ACT_AS]);
    const keyId = token.split('_')[1];
    const actAs = new GraphQLClient(app.url, { headers: { authorization: `Bearer ${token}` } });
    const missing = await errorsOf(act(actAs, task, 'APPROVE'));
    expect(missing[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userLogin' });
    expect(await act(actAs, task, 'APPROVE', 'spencer')).toMatchObject({ status: 'COMPLETED', request: { status: 'Completed', resolution: 'Approved' } });
    expect(await held('aaron')).toContain(SALESFORCE_SALES_USER);
    const audit = await admin.request<{
      auditEvents: { nodes: Array<{ action: string; actor: string; actorPerson: string | null; actorKeyId: string | null; actingAs: boolean }> };
    }>(gql`query ($id: ID!) { auditEvents(entityId: $id, action: "task.approve") { nodes { action actor actorPerson actorKeyId actingAs } } }`, { id: task });
    expect(audit.auditEvents.nodes).toEqual([
      { action: 'task.approve', actor: 'key test key APPROVER+ACT_AS acting as spencer', actorPerson: 'spencer', actorKeyId: keyId, actingAs: true },
    ]);
  });
});

describe('the request policy (through HTTP)', () => {
  it('the requester must be an active person: an inactive one is refused, nothing written', async () => {
    const before = await snapshot();
    const errors = await errorsOf(submit(admin, 'aaron', JIRA_SOFTWARE_USER, 'kevin'));
    expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: ActorRule.ACTIVE_PERSON, field: 'input.cart.requester.login' });
    expect(await snapshot()).toEqual(before);
  });

  it('requesting for someone else: refused to others, allowed to the manager and to REQUEST_FOR_OTHERS', async () => {
    const jerome = await app.client('acme', [Authority.REQUESTER], { person: 'jerome' });
    const before = await snapshot();
    const errors = await errorsOf(submit(jerome, 'steve', JIRA_SOFTWARE_USER));
    expect(errors[0]).toMatchObject({
      message: 'jerome may not request for steve: only the beneficiary, their manager, or a credential with REQUEST_FOR_OTHERS may (rule: request for others)',
      extensions: { code: 'FORBIDDEN', rule: 'REQUEST_FOR_OTHERS', field: 'input.cart.cartItems.0.beneficiaries.login' },
    });
    // The same through an ACT_AS key acting for jerome.
    const helper = await app.client('acme', [Authority.REQUESTER, Authority.ACT_AS]);
    expect((await errorsOf(submit(helper, 'steve', JIRA_SOFTWARE_USER, 'jerome')))[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'REQUEST_FOR_OTHERS' });
    expect(await snapshot()).toEqual(before);

    const ali = await app.client('acme', [Authority.REQUESTER], { person: 'ali' });
    const byManager = await submit(ali, 'steve', JIRA_SOFTWARE_USER);
    expect(byManager).toMatchObject({ requesterLogin: 'ali', beneficiaryLogin: 'steve' });
    await ali.request(CANCEL, { id: byManager.id });
    const desk = await app.client('acme', [Authority.REQUESTER, Authority.REQUEST_FOR_OTHERS], { person: 'jerome' });
    expect(await submit(desk, 'steve', JIRA_SOFTWARE_USER)).toMatchObject({ requesterLogin: 'jerome', beneficiaryLogin: 'steve' });
  });
});

describe('routing away from the parties of a request', () => {
  it('a stage that would go to the requester goes to their manager; with nobody above, the submit is a CONFLICT and writes nothing', async () => {
    const zachary = await app.client('acme', [Authority.REQUESTER], { person: 'zachary' });
    const r = await submit(zachary, 'michael', SALESFORCE_SALES_USER);
    expect(r).toMatchObject({ requesterLogin: 'zachary', tasks: [{ assignee: 'derrick' }] });
    await zachary.request(CANCEL, { id: r.id });
    // derrick, the CEO, has no manager: his request for zachary has nobody to approve it.
    const derrick = await app.client('acme', [Authority.REQUESTER], { person: 'derrick' });
    const before = await snapshot();
    const errors = await errorsOf(submit(derrick, 'zachary', SALESFORCE_SALES_USER));
    expect(errors[0]).toMatchObject({ extensions: { code: 'CONFLICT', field: 'input.cart.cartItems.0.entityId' } });
    expect(errors[0].message).toMatch(/would go to derrick, a party of the request, and nobody above them can decide it/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('decideActor (the rule, as a function)', () => {
  const logins = fc.constantFrom('aaron', 'spencer', 'zachary', 'kevin');
  const viewers = fc.record({
    person: fc.option(logins, { nil: null }),
    authorities: fc.subarray(Object.values(Authority)),
  });

  it('a personal credential always acts as its person; a service key only for the named person and only with people:actAs', () => {
    fc.assert(
      fc.property(viewers, fc.option(logins, { nil: null }), ({ person, authorities }, named) => {
        const viewer: Viewer = {
          apiKeyId: 'k',
          apiKeyName: 'k',
          workspaceId: 'w',
          authorities,
          person: person ? { id: 'p', login: person } : null,
        };
        let decision: ReturnType<typeof decideActor> | DomainError;
        try {
          decision = decideActor(viewer, named, 'userLogin');
        } catch (error) {
          decision = error as DomainError;
        }
        if (person) {
          if (named === null || named === person) expect(decision).toEqual({ login: person, actingAs: false });
          else expect(decision).toMatchObject({ code: 'FORBIDDEN', field: 'userLogin', details: { rule: ActorRule.PERSONAL_CREDENTIAL } });
        } else if (!can(viewer, 'people:actAs')) {
          expect(decision).toMatchObject({ code: 'FORBIDDEN', details: { rule: ActorRule.ACT_AS_REQUIRED } });
        } else if (named === null) {
          expect(decision).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userLogin' });
        } else {
          expect(decision).toEqual({ login: named, actingAs: true });
        }
      }),
    );
  });
});
