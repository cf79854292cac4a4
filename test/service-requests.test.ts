import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { ensureDemoWorkspace } from '../src/db/demo/seed-demo.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { AccessRequest } from '../src/requests/access-request.entity.js';
import { Authority } from '../src/auth/authorities.js';
import { createApiKey } from '../src/auth/api-key.service.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { User } from '../src/governance/user.entity.js';

// IDHub's catalog offers ServiceRequest beside Entitlement, Role, User and TargetSystem: a
// requestable service that grants no access, fulfilled by a performer group with the item's form.
const LAPTOP = '710000000000000000000001';
let app: TestApp;
const people: Record<string, GraphQLClient> = {};

beforeAll(async () => {
  app = await startTestApp();
  const { workspace } = await ensureDemoWorkspace(app.orm, app.config);
  const em = app.orm.em.fork();
  for (const [login, authorities] of [
    ['jerome', [Authority.REQUESTER]],
    ['zachary', [Authority.ORG_ADMIN]],
    ['travis', [Authority.APPROVER]],
  ] as const) {
    const person = await em.findOneOrFail(User, { workspace: workspace.id, login });
    const { token } = await createApiKey(em, em.getReference(Workspace, workspace.id), `${login}'s key`, [...authorities], person);
    people[login] = new GraphQLClient(app.url, { headers: { authorization: `Bearer ${token}` } });
  }
});
afterAll(async () => {
  await app?.stop();
});

const SUBMIT = gql`mutation ($item: CartItemInput!) { submitCart(input: { cart: { cartItems: [$item] }, justification: "mine broke" }) { requests { id status entity { __typename ... on ServiceRequest { displayName } } } } }`;
const item = (form: Record<string, unknown> | null, type = 'CREATE') => ({
  beneficiaries: { login: 'jerome', ...(form ? { form } : {}) },
  entityId: LAPTOP,
  entityType: 'SERVICE_REQUEST',
  type,
});

describe('service requests (seed 002: catalog collection ServiceRequest)', () => {
  it('searchCatalog(collection: SERVICE_REQUEST) lists the services, and node(id) reads one with its performer group', async () => {
    const data = await people.zachary.request<{ searchCatalog: { totalCount: number; nodes: Array<Record<string, unknown>> }; node: Record<string, unknown> }>(gql`{
      searchCatalog(collection: SERVICE_REQUEST) { totalCount nodes { __typename ... on ServiceRequest { displayName performer status } } }
      node(id: "${LAPTOP}") { ... on ServiceRequest { name form performerGroup { name } } }
    }`);
    expect(data.searchCatalog.totalCount).toBe(2);
    expect(data.searchCatalog.nodes).toEqual([
      { __typename: 'ServiceRequest', displayName: 'Laptop Replacement', performer: 'Manual Fulfiller', status: 'ACTIVE' },
      { __typename: 'ServiceRequest', displayName: 'Parking Badge', performer: 'Access Manager', status: 'ACTIVE' },
    ]);
    expect(data.node).toMatchObject({ name: 'Laptop Replacement', performerGroup: { name: 'Manual Fulfiller' } });
    const tagged = await people.zachary.request<{ searchCatalog: { nodes: Array<{ __typename: string }> } }>(gql`{ searchCatalog(keyword: "laptop") { nodes { __typename } } }`);
    expect(tagged.searchCatalog.nodes).toEqual([{ __typename: 'ServiceRequest' }]);
  });

  it('is requested through the cart, approved by the manager, fulfilled by a member of the performer group with the form, and audited; no access is granted', async () => {
    const ACCESS = gql`{ user(login: "jerome") { accessList { applicationCount entitlementCount } roles { id } } }`;
    const before = await people.zachary.request(ACCESS);
    const submitted = await people.jerome.request<{ submitCart: { requests: Array<{ id: string; status: string; entity: unknown }> } }>(SUBMIT, {
      item: item({ Reason: 'screen broken' }),
    });
    const request = submitted.submitCart.requests[0];
    expect(request).toMatchObject({ status: 'Waiting for Manager Approval', entity: { __typename: 'ServiceRequest', displayName: 'Laptop Replacement' } });

    const TASKS = gql`query ($r: ID!) { tasks(filter: { requestId: $r }) { nodes { id type status assignee assigneeType form payload } } }`;
    const approval = (await people.zachary.request<{ tasks: { nodes: Array<{ id: string; assignee: string }> } }>(TASKS, { r: request.id })).tasks.nodes[0];
    expect(approval.assignee).toBe('zachary');
    await people.zachary.request(gql`mutation ($id: ID!) { performTaskAction(id: $id, action: APPROVE) { id } }`, { id: approval.id });

    const tasks = (await people.zachary.request<{ tasks: { nodes: Array<Record<string, unknown>> } }>(TASKS, { r: request.id })).tasks.nodes;
    const fulfilment = tasks.find((t) => t.type === 'FULFILMENT_TASK')!;
    // The form carries the requester's answer and the value taken from the person (matchingAttribute).
    expect(fulfilment).toMatchObject({
      status: 'ASSIGNED',
      assignee: 'Manual Fulfiller',
      assigneeType: 'Group',
      form: { Reason: 'screen broken', 'Delivery Address': '2468 Hiddenview Drive' },
    });
    expect((fulfilment.payload as { service: unknown }).service).toMatchObject({ serviceRequestId: LAPTOP, name: 'Laptop Replacement' });
    expect((await app.orm.em.fork().findOneOrFail(AccessRequest, request.id)).status).toBe('Waiting for Fulfilment');

    await people.travis.request(gql`mutation ($id: ID!) { performTaskAction(id: $id, action: CLAIM) { id } }`, { id: fulfilment.id });
    await people.travis.request(gql`mutation ($id: ID!) { performTaskAction(id: $id, action: COMPLETE) { id } }`, { id: fulfilment.id });
    const done = await app.orm.em.fork().findOneOrFail(AccessRequest, request.id);
    expect(done).toMatchObject({ status: 'Completed', resolution: 'Approved' });
    const audit = await app.orm.em.fork().find(AuditEvent, { entityId: LAPTOP, action: 'serviceRequest.fulfil' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorPerson: 'travis', after: { beneficiary: 'jerome', form: { Reason: 'screen broken' } } });
    expect(await people.zachary.request(ACCESS)).toEqual(before);

    // It grants nothing to hold, so it may be requested again once the last request ended.
    const again = await people.jerome.request<{ submitCart: { requests: Array<{ status: string }> } }>(SUBMIT, { item: item({ Reason: 'dropped again' }) });
    expect(again.submitCart.requests[0].status).toBe('Waiting for Manager Approval');
  });

  it.each([
    ['without the required answer', item(null), 'BAD_USER_INPUT', 'input.cart.cartItems.0.beneficiaries.form', /needs "Reason"/],
    ['as a revoke', item({ Reason: 'x' }, 'REVOKE'), 'BAD_USER_INPUT', 'input.cart.cartItems.0.type', /is a service/],
    ['with an unknown id', { ...item({ Reason: 'x' }), entityId: 'ffffffffffffffffffffffff' }, 'NOT_FOUND', 'input.cart.cartItems.0.entityId', /ServiceRequest/],
  ])('a cart item %s is refused, writing nothing', async (_, bad, code, field, message) => {
    const before = await app.orm.em.fork().count(AccessRequest, {});
    const errors = await errorsOf(people.zachary.request(SUBMIT, { item: { ...bad, beneficiaries: { ...bad.beneficiaries, login: 'aaron' } } }));
    expect(errors[0].extensions).toMatchObject({ code, field });
    expect(errors[0].message).toMatch(message);
    expect(await app.orm.em.fork().count(AccessRequest, {})).toBe(before);
  });
});
