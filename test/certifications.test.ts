import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { buildAccounts, buildEntitlements, buildRole, buildTargetSystem, buildUsers } from './factories.js';
import { Authority } from '../src/auth/authorities.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { Certification } from '../src/certifications/certification.entity.js';
import { CertificationCampaign } from '../src/certifications/certification-campaign.entity.js';
import { ReviewItem } from '../src/certifications/review-item.entity.js';
import { AccessRequest } from '../src/requests/access-request.entity.js';
import { TestClock } from '../src/common/clock.js';
import { CertificationStatus } from '../src/certifications/certification.enums.js';

let app: TestApp;
let admin: GraphQLClient;
// Starts at the real time; the escalation test moves it.
const clock = new TestClock(new Date());
beforeAll(async () => {
  app = await startTestApp({ clock });
  admin = await app.client('acme');
});
afterAll(async () => {
  await app?.stop();
});

const CREATE = gql`
  mutation ($input: CreateCertificationInput!) {
    createCertification(input: $input) {
      id name searchTags description type approverType workflowName workflowDescription approver status highRiskUsers userCertificationBy
      userQuery displayUserQuery users highRiskResources certificationBy onlySelected resourceQuery resources { id collection }
      certifierType certifier certifierDisplayName certifierRole repeat commentsOnCertify commentsOnRevoke reassignment selfCertification
      automaticEscalation certificationReminderEmail alternateCertifier alternateCertifierUser alternateCertifierRole triggerCondition
      certificationDurationType certificationDuration createdBy createdOn
    }
  }
`;
type CreateData = {
  createCertification: {
    id: string;
    name: string;
    searchTags: string | null;
    description: string;
    type: string;
    approverType: string;
    workflowName: string;
    workflowDescription: string | null;
    approver: string | null;
    status: string;
    highRiskUsers: boolean;
    userCertificationBy: string;
    userQuery: string | null;
    displayUserQuery: string | null;
    users: unknown;
    highRiskResources: boolean;
    certificationBy: string | null;
    onlySelected: boolean;
    resourceQuery: string | null;
    resources: Array<{ id: string; collection: string }>;
    certifierType: string;
    certifier: string | null;
    certifierDisplayName: string | null;
    certifierRole: string | null;
    repeat: string;
    commentsOnCertify: boolean;
    commentsOnRevoke: boolean;
    reassignment: boolean;
    selfCertification: boolean;
    automaticEscalation: boolean;
    certificationReminderEmail: boolean;
    alternateCertifier: string;
    alternateCertifierUser: string | null;
    alternateCertifierRole: string | null;
    triggerCondition: string | null;
    certificationDurationType: string;
    certificationDuration: number;
    createdBy: string;
    createdOn: string;
  };
};

/** The seed's "myCert" Create payload, in this API's spelling (the seed renders the user query lossily as `$and:[status:Active]`). */
const myCert = () => ({
  name: 'myCert',
  searchTags: null,
  description: 'myCert',
  type: 'USER_ACCESS',
  approverType: 'USER',
  workflowName: 'Certification',
  workflowDescription: 'Default Certification Workflow',
  approver: 'jerome',
  status: 'ACTIVE',
  highRiskUsers: true,
  userCertificationBy: 'QUERY',
  userQuery: '{"$and":[{"status":"Active"}]}',
  displayUserQuery: '$and:[attribute:statuscondition:equalsvalue:Activeoptions:[ActiveDisabled]]',
  highRiskResources: true,
  certificationBy: 'manually',
  onlySelected: true,
  resourceQuery: '$or:[_id:$oid:63aec1a88773337a0e61405acollection:Role]',
  resources: [{ id: '63aec1a88773337a0e61405a', collection: 'ROLE' }],
  certifierType: 'USER',
  certifier: 'jerome',
  certifierDisplayName: 'Jerome Fern',
  repeat: 'Do not repeat',
  commentsOnCertify: true,
  commentsOnRevoke: true,
  reassignment: true,
  selfCertification: true,
  automaticEscalation: true,
  certificationReminderEmail: true,
  alternateCertifier: 'USER_MANAGER',
  alternateCertifierUser: null,
  alternateCertifierRole: null,
  triggerCondition: null,
  certificationDurationType: 'DAYS',
  certificationDuration: 1,
});

/** A second workspace, empty: the demo data set's fixed ids live in acme. */
const otherWorkspace = async () => {
  await app.workspace('globex', null);
  return app.client('globex');
};

const countIn = async (entity: typeof Certification | typeof CertificationCampaign | typeof ReviewItem | typeof AccessRequest, where: object = {}) =>
  app.orm.em.fork().count(entity as never, where as never);

describe('createCertification (seed: Certification Create)', () => {
  it("the seed's myCert example succeeds with every field stored; createdBy is the calling key", async () => {
    const { createCertification: c } = await admin.request<CreateData>(CREATE, { input: myCert() });
    const { resourceQuery, ...rest } = myCert();
    expect(c).toMatchObject({ ...rest, resourceQuery, users: null, certifierRole: null, createdBy: 'test key ORG_ADMIN' });
    expect(c.id).toMatch(/^[0-9a-f]{24}$/);
    const read = await admin.request<{ certification: { name: string; status: string; type: string } }>(gql`query ($id: ID!) { certification(id: $id) { name status type } }`, {
      id: c.id,
    });
    expect(read.certification).toEqual({ name: 'myCert', status: 'ACTIVE', type: 'USER_ACCESS' });
    const events = await app.orm.em.fork().find(AuditEvent, { action: 'certification.create', entityId: c.id });
    expect(events).toHaveLength(1);
  });

  it.each(['name', 'description', 'type', 'approverType', 'workflowName', 'userCertificationBy', 'certifierType', 'repeat', 'alternateCertifier'])(
    'a missing %s is BAD_USER_INPUT on input.%s, nothing written',
    async (field) => {
      const before = await countIn(Certification);
      const input: Record<string, unknown> = { ...myCert(), name: `missing-${field}` };
      delete input[field];
      const [error] = await errorsOf(admin.request(CREATE, { input }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.${field}` });
      expect(await countIn(Certification)).toBe(before);
    },
  );

  it.each(['name', 'description', 'workflowName', 'repeat'])('an empty %s is BAD_USER_INPUT on input.%s', async (field) => {
    const [error] = await errorsOf(admin.request(CREATE, { input: { ...myCert(), name: 'empty', [field]: '  ' } }));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: `input.${field}` });
  });

  it.each([
    ['type', 'User Access'],
    ['approverType', 'GROUP'],
    ['userCertificationBy', 'EMAIL'],
    ['certifierType', 'MANAGER'],
    ['alternateCertifier', '$manager'],
    ['certificationDurationType', 'WEEKS'],
    ['status', 'RETIRED'],
  ])('a wrong %s enum value is BAD_USER_INPUT on input.%s', async (field, value) => {
    const before = await countIn(Certification);
    const [error] = await errorsOf(admin.request(CREATE, { input: { ...myCert(), name: `enum-${field}`, [field]: value } }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.${field}` });
    expect(await countIn(Certification)).toBe(before);
  });

  const conditional: Array<[string, Record<string, unknown>, string, string, RegExp]> = [
    ['approverType USER without approver', { approver: null }, 'BAD_USER_INPUT', 'input.approver', /approverType User needs an approver/],
    ['approverType USER with an unknown approver', { approver: 'nobody' }, 'NOT_FOUND', 'input.approver', /User "nobody"/],
    ['approverType ROLE without approverRole', { approverType: 'ROLE', approver: null }, 'BAD_USER_INPUT', 'input.approverRole', /approverRole/],
    ['approverType NONE with an approver', { approverType: 'NONE' }, 'BAD_USER_INPUT', 'input.approver', /takes no approver/],
    ['certifierType USER without certifier', { certifier: null }, 'BAD_USER_INPUT', 'input.certifier', /certifierType User needs a certifier/],
    ['certifierType USER with an unknown certifier', { certifier: 'ghost' }, 'NOT_FOUND', 'input.certifier', /User "ghost"/],
    ['certifierType ROLE without certifierRole', { certifierType: 'ROLE', certifier: null }, 'BAD_USER_INPUT', 'input.certifierRole', /certifierRole/],
    ['certifierType ROLE with an unknown role', { certifierType: 'ROLE', certifier: null, certifierRole: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, 'NOT_FOUND', 'input.certifierRole', /Role/],
    ['certifierType BENEFICIARY_MANAGER with a certifier', { certifierType: 'BENEFICIARY_MANAGER' }, 'BAD_USER_INPUT', 'input.certifier', /leave certifier empty/],
    ['userCertificationBy QUERY without userQuery', { userQuery: null }, 'BAD_USER_INPUT', 'input.userQuery', /needs a userQuery/],
    ["a userQuery that is not JSON (the seed's rendering)", { userQuery: '$and:[status:Active]' }, 'BAD_USER_INPUT', 'input.userQuery', /not JSON/],
    ['a userQuery naming a column outside the allow-list', { userQuery: '{"password":"x"}' }, 'BAD_USER_INPUT', 'input.userQuery', /unknown user attribute "password"/],
    ['a userQuery with a forbidden operator', { userQuery: '{"status":{"$regex":"A"}}' }, 'BAD_USER_INPUT', 'input.userQuery', /operator \$regex is not allowed/],
    ['a userQuery selecting nobody by itself', { userQuery: '{"$and":[]}' }, 'BAD_USER_INPUT', 'input.userQuery', /selects nobody/],
    ['userCertificationBy NAME without users', { userCertificationBy: 'NAME', userQuery: null }, 'BAD_USER_INPUT', 'input.users', /needs the logins/],
    ['userCertificationBy NAME with an unknown user', { userCertificationBy: 'NAME', userQuery: null, users: ['aaron', 'nobody'] }, 'NOT_FOUND', 'input.users.1', /User "nobody"/],
    ['onlySelected without resources', { resources: null, resourceQuery: null }, 'BAD_USER_INPUT', 'input.resources', /onlySelected needs resources/],
    [
      'RESOURCE_ASSIGNMENT without resources',
      { type: 'RESOURCE_ASSIGNMENT', onlySelected: false, resources: null, resourceQuery: null },
      'BAD_USER_INPUT',
      'input.resources',
      /Resource Assignment certification needs resources/,
    ],
    ['a selected resource that does not exist', { resources: [{ id: 'bbbbbbbbbbbbbbbbbbbbbbbb', collection: 'ENTITLEMENT' }] }, 'NOT_FOUND', 'input.resources.0.id', /Entitlement/],
    [
      'a resourceQuery naming an unknown attribute',
      { resources: null, resourceQuery: '{"owner":"x"}' },
      'BAD_USER_INPUT',
      'input.resourceQuery',
      /unknown resource attribute "owner"/,
    ],
    ['alternateCertifier USER without alternateCertifierUser', { alternateCertifier: 'USER' }, 'BAD_USER_INPUT', 'input.alternateCertifierUser', /alternateCertifierUser/],
    ['alternateCertifier ROLE without alternateCertifierRole', { alternateCertifier: 'ROLE' }, 'BAD_USER_INPUT', 'input.alternateCertifierRole', /alternateCertifierRole/],
    ['a zero duration', { certificationDuration: 0 }, 'BAD_USER_INPUT', 'input.certificationDuration', /at least 1/],
    ['a duration type without a duration', { certificationDuration: null }, 'BAD_USER_INPUT', 'input.certificationDuration', /needs a certificationDuration/],
    ['a name in use', { name: 'myCert' }, 'CONFLICT', 'input.name', /exists already/],
  ];
  it.each(conditional)('%s → %s on its field, nothing written', async (_, change, code, field, message) => {
    const before = await countIn(Certification);
    const [error] = await errorsOf(admin.request(CREATE, { input: { ...myCert(), name: `cond-${field}-${code}`, ...change } }));
    expect(error.extensions).toEqual({ code, field });
    expect(error.message).toMatch(message);
    expect(await countIn(Certification)).toBe(before);
  });

  it('without status a definition is a Draft, with the default duration of 15 days', async () => {
    const { certificationDurationType: _t, certificationDuration: _d, status: _s, ...input } = myCert();
    const { createCertification: c } = await admin.request<CreateData>(CREATE, { input: { ...input, name: 'draft one' } });
    expect(c).toMatchObject({ status: 'DRAFT', certificationDuration: 15, certificationDurationType: 'DAYS' });
  });

  it('only ORG_ADMIN and CATALOG_ADMIN keys create; others are FORBIDDEN', async () => {
    for (const authority of [Authority.REQUESTER, Authority.CERTIFIER, Authority.APPROVER, Authority.READ_ONLY]) {
      const client = await app.client('acme', [authority]);
      const [error] = await errorsOf(client.request(CREATE, { input: { ...myCert(), name: `by ${authority}` } }));
      expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', action: 'certifications:manage' });
    }
    const catalogAdmin = await app.client('acme', [Authority.CATALOG_ADMIN]);
    const { createCertification: c } = await catalogAdmin.request<CreateData>(CREATE, { input: { ...myCert(), name: 'by catalog admin' } });
    expect(c.createdBy).toBe('test key CATALOG_ADMIN');
  });
});

describe('certifications and certification (seed: Certification Fetch)', () => {
  it('lists newest first, filters by status, pages with cursors, max 100', async () => {
    const all = await admin.request<{ certifications: { totalCount: number; nodes: Array<{ name: string; status: string }> } }>(
      gql`{ certifications(first: 100) { totalCount nodes { name status } } }`,
    );
    const active = await admin.request<{ certifications: { totalCount: number; nodes: Array<{ status: string }> } }>(
      gql`{ certifications(status: ACTIVE) { totalCount nodes { status } } }`,
    );
    const drafts = await admin.request<{ certifications: { totalCount: number; nodes: Array<{ status: string }> } }>(
      gql`{ certifications(status: DRAFT) { totalCount nodes { status } } }`,
    );
    expect(active.certifications.totalCount + drafts.certifications.totalCount).toBe(all.certifications.totalCount);
    expect(active.certifications.nodes.every((n) => n.status === 'ACTIVE')).toBe(true);
    expect(drafts.certifications.nodes.map((n) => n.status)).toContain('DRAFT');
    const page1 = await admin.request<{ certifications: { nodes: Array<{ name: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
      gql`{ certifications(first: 1) { nodes { name } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(page1.certifications.nodes[0].name).toBe(all.certifications.nodes[0].name);
    const page2 = await admin.request<{ certifications: { nodes: Array<{ name: string }> } }>(
      gql`query ($after: String) { certifications(first: 1, after: $after) { nodes { name } } }`,
      { after: page1.certifications.pageInfo.endCursor },
    );
    expect(page2.certifications.nodes[0].name).toBe(all.certifications.nodes[1].name);
    const [error] = await errorsOf(admin.request(gql`{ certifications(first: 101) { totalCount } }`));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it("another workspace's certification is null and absent from its list", async () => {
    const { createCertification: c } = await admin.request<CreateData>(CREATE, { input: { ...myCert(), name: 'acme only' } });
    const other = await otherWorkspace();
    const read = await other.request<{ certification: { id: string }; node: { id: string }; certifications: { totalCount: number } }>(
      gql`query ($id: ID!) { certification(id: $id) { id } node(id: $id) { id } certifications { totalCount } }`,
      { id: c.id },
    );
    expect(read).toEqual({ certification: null, node: null, certifications: { totalCount: 0 } });
  });
});

/** A workspace of its own: boss manages cara, ann, ben and sam; ann and ben (Eng) hold access. */
async function scenario(name: string) {
  const ws = await app.workspace(name, null);
  const em = app.orm.em.fork();
  const [boss] = await buildUsers(em, ws, 1, { login: 'boss', displayName: 'Bo Boss' });
  const people = await buildUsers(em, ws, 4, (i) => ({
    login: ['cara', 'ann', 'ben', 'sam'][i],
    displayName: ['Cara Cert', 'Ann Eng', 'Ben Eng', 'Sam Sales'][i],
    department: ['Eng', 'Eng', 'Eng', 'Sales'][i],
    managerLogin: 'boss',
  }));
  const [cara, ann, ben, sam] = people;
  const system = await buildTargetSystem(em, ws, {
    displayName: 'Wiki',
    integrationLevel: 'Connected',
    approvalWorkflow: 'Auto Approval',
    riskLevel: 'low',
    businessOwnerLogin: 'boss',
  });
  const [risky, plain] = await buildEntitlements(em, ws, system, 2, (i) => ({
    displayName: ['Wiki Admin', 'Wiki Reader'][i],
    riskLevel: ['high', 'low'][i],
    approvalWorkflow: 'Manager Grant and Auto Revoke',
    businessOwnerLogin: ['cara', null][i],
  }));
  await buildAccounts(em, ws, [ann, ben], system, undefined, [risky, plain]);
  const role = await buildRole(em, ws, { members: [ann], overrides: { displayName: 'Editors', approvalWorkflow: 'Auto Role Approval', riskLevel: 'low', roleOwnerLogin: 'ben' } });
  const client = await app.client(name);
  return { ws, client, boss, cara, ann, ben, sam, system, risky, plain, role };
}

const eng = (extra: Record<string, unknown> = {}) => ({
  name: 'Eng access review',
  description: 'Quarterly review of Eng access',
  type: 'USER_ACCESS',
  approverType: 'NONE',
  workflowName: 'Certification',
  userCertificationBy: 'QUERY',
  userQuery: '{"department":"Eng"}',
  certifierType: 'USER',
  certifier: 'cara',
  repeat: 'Do not repeat',
  alternateCertifier: 'USER_MANAGER',
  commentsOnRevoke: true,
  status: 'ACTIVE',
  ...extra,
});

const CAMPAIGN = gql`
  fragment Campaign on CertificationCampaign {
    id name status startedAt dueDate
    certification { name }
    impact {
      userCount resourceCount certifierCount taskCount itemCount
      userList { login }
      resourceList { __typename ... on Role { displayName } ... on Entitlement { displayName } ... on TargetSystem { displayName } }
    }
    progress { total decided certified revoked percent }
    tasks { nodes { id certifierLogin status itemCount decidedCount overdue escalatedFrom } }
    items(first: 100) { nodes { id userLogin accessKind resourceCollection resourceName riskLevel certifierLogin decision } }
  }
`;
const RUN = gql`mutation ($id: ID!) { runCertification(id: $id) { ...Campaign } } ${CAMPAIGN}`;
/** A campaign as the Campaign fragment selects it. */
type CampaignData = {
  id: string;
  name: string;
  status: string;
  startedAt: string;
  dueDate: string;
  certification: { name: string };
  impact: {
    userCount: number;
    resourceCount: number;
    certifierCount: number;
    taskCount: number;
    itemCount: number;
    userList: Array<{ login: string }>;
    resourceList: Array<{ __typename: string; displayName?: string }>;
  };
  progress: { total: number; decided: number; certified: number; revoked: number; percent: number };
  tasks: { nodes: Array<{ id: string; certifierLogin: string; status: string; itemCount: number; decidedCount: number; overdue: boolean; escalatedFrom: string | null }> };
  items: {
    nodes: Array<{
      id: string;
      userLogin: string;
      accessKind: string;
      resourceCollection: string;
      resourceName: string;
      riskLevel: string | null;
      certifierLogin: string;
      decision: string | null;
    }>;
  };
};
type RunData = { runCertification: CampaignData };
const READ = gql`query ($id: ID!) { certificationCampaign(id: $id) { ...Campaign } } ${CAMPAIGN}`;
type ReadData = { certificationCampaign: CampaignData };
const DECIDE = gql`
  mutation ($itemId: ID!, $decision: ReviewDecision!, $userLogin: String!, $comment: String) {
    decideReviewItem(itemId: $itemId, decision: $decision, userLogin: $userLogin, comment: $comment) {
      id decision comment decidedBy decidedAt
      revokeRequest { id type status resolution requesterLogin beneficiaryLogin justification summary history { action perpetrator toStatus snapshot } }
    }
  }
`;
type DecideData = {
  decideReviewItem: {
    id: string;
    decision: string | null;
    comment: string | null;
    decidedBy: string | null;
    decidedAt: string | null;
    revokeRequest: {
      id: string;
      type: string;
      status: string;
      resolution: string;
      requesterLogin: string;
      beneficiaryLogin: string | null;
      justification: string | null;
      summary: string;
      history: Array<{ action: string; perpetrator: string; toStatus: string | null; snapshot: { payload: Record<string, unknown> } }>;
    };
  };
};
const REASSIGN = gql`mutation ($itemId: ID!, $toLogin: String!, $userLogin: String!) { reassignReviewItem(itemId: $itemId, toLogin: $toLogin, userLogin: $userLogin) { id certifierLogin previousCertifierLogin task { certifierLogin itemCount } } }`;
type ReassignData = { reassignReviewItem: { id: string; certifierLogin: string; previousCertifierLogin: string | null; task: { certifierLogin: string; itemCount: number } } };

const create = async (client: GraphQLClient, input: Record<string, unknown>) => (await client.request<CreateData>(CREATE, { input })).createCertification;
const itemOf = (campaign: CampaignData, userLogin: string, resourceName: string) => {
  const item = campaign.items.nodes.find((i) => i.userLogin === userLogin && i.resourceName === resourceName);
  if (!item) throw new Error(`no review item for ${userLogin} on ${resourceName}`);
  return item;
};

describe('runCertification and review decisions (seed: Certification Run)', () => {
  it('runs a User Access certification over a query of users; the certifier decides; a revoke removes the access through the request engine', async () => {
    const s = await scenario('certs-run');
    const c = await create(s.client, eng());

    const preview = await s.client.request<{
      previewCertification: { userCount: number; resourceCount: number; certifierCount: number; taskCount: number; itemCount: number; userList: Array<{ login: string }> };
    }>(gql`query ($id: ID!) { previewCertification(id: $id) { userCount resourceCount certifierCount taskCount itemCount userList { login } } }`, { id: c.id });
    expect(preview.previewCertification).toEqual({ userCount: 2, resourceCount: 4, certifierCount: 1, taskCount: 1, itemCount: 7, userList: [{ login: 'ann' }, { login: 'ben' }] });
    expect(await countIn(CertificationCampaign, { workspace: s.ws })).toBe(0); // a preview writes nothing

    const { runCertification: run } = await s.client.request<RunData>(RUN, { id: c.id });
    expect(run).toMatchObject({
      name: 'Eng access review',
      status: 'ACTIVE',
      certification: { name: 'Eng access review' },
      impact: { userCount: 2, resourceCount: 4, certifierCount: 1, taskCount: 1, itemCount: 7 },
      progress: { total: 7, decided: 0, certified: 0, revoked: 0, percent: 0 },
      tasks: { nodes: [{ certifierLogin: 'cara', status: 'OPEN', itemCount: 7, decidedCount: 0, overdue: false, escalatedFrom: null }] },
    });
    expect(run.impact.resourceList.map((r) => `${r.__typename}:${r.displayName}`).sort()).toEqual([
      'Entitlement:Wiki Admin',
      'Entitlement:Wiki Reader',
      'Role:Editors',
      'TargetSystem:Wiki',
    ]);
    expect(new Date(run.dueDate).getTime() - new Date(run.startedAt).getTime()).toBe(15 * 86_400_000);
    expect(run.items.nodes.map((i) => `${i.userLogin}:${i.accessKind}:${i.resourceName}`).sort()).toEqual([
      'ann:ACCOUNT:Wiki',
      'ann:ENTITLEMENT:Wiki Admin',
      'ann:ENTITLEMENT:Wiki Reader',
      'ann:ROLE:Editors',
      'ben:ACCOUNT:Wiki',
      'ben:ENTITLEMENT:Wiki Admin',
      'ben:ENTITLEMENT:Wiki Reader',
    ]);
    expect(run.items.nodes.every((i) => i.certifierLogin === 'cara' && i.decision === null)).toBe(true);

    const annAdmin = itemOf(run, 'ann', 'Wiki Admin');
    // Only the item's certifier decides; the comment the definition asks for on revoke is required.
    const [notCertifier] = await errorsOf(s.client.request(DECIDE, { itemId: annAdmin.id, decision: 'REVOKE', userLogin: 'boss', comment: 'no' }));
    expect(notCertifier.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(notCertifier.message).toMatch(/boss is not the certifier of this review item \(cara is\)/);
    const [noComment] = await errorsOf(s.client.request(DECIDE, { itemId: annAdmin.id, decision: 'REVOKE', userLogin: 'cara' }));
    expect(noComment.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'comment' });
    const [unknown] = await errorsOf(s.client.request(DECIDE, { itemId: annAdmin.id, decision: 'REVOKE', userLogin: 'nobody', comment: 'x' }));
    expect(unknown.extensions).toEqual({ code: 'NOT_FOUND', field: 'userLogin' });
    const [missing] = await errorsOf(s.client.request(DECIDE, { itemId: 'cccccccccccccccccccccccc', decision: 'CERTIFY', userLogin: 'cara' }));
    expect(missing.extensions).toEqual({ code: 'NOT_FOUND', field: 'itemId' });
    const em = app.orm.em.fork();
    expect(await em.findOneOrFail(ReviewItem, annAdmin.id)).toMatchObject({ decision: null, comment: null, revokeRequestId: null });
    expect(await countIn(AccessRequest, { workspace: s.ws })).toBe(0);

    const { decideReviewItem: revoked } = await s.client.request<DecideData>(DECIDE, {
      itemId: annAdmin.id,
      decision: 'REVOKE',
      userLogin: 'cara',
      comment: 'left the admin team',
    });
    expect(revoked).toMatchObject({
      decision: 'REVOKE',
      comment: 'left the admin team',
      decidedBy: 'cara',
      revokeRequest: { type: 'REVOKE', status: 'Completed', resolution: 'Approved', requesterLogin: 'cara', beneficiaryLogin: 'ann', summary: 'Revoke Wiki Admin from Ann Eng' },
    });
    const request = revoked.revokeRequest;
    expect(request.justification).toBe(`Revoked in certification "Eng access review" (campaign ${run.id}, review item ${annAdmin.id}) by cara: left the admin team`);
    expect(request.history[0]).toMatchObject({ action: 'submit', perpetrator: 'cara', toStatus: 'Request Submitted' });
    expect(request.history[0].snapshot.payload.certification).toEqual({
      certificationId: c.id,
      certificationName: 'Eng access review',
      campaignId: run.id,
      reviewItemId: annAdmin.id,
      comment: 'left the admin team',
    });
    expect(request.history.at(-1)).toMatchObject({ action: 'complete', toStatus: 'Completed' });

    // The access is gone from ann's graph; ben keeps his.
    const graph = await s.client.request<{ ann: { entitlements: Array<{ displayName: string }> }; ben: { entitlements: Array<{ displayName: string }> } }>(
      gql`{ ann: user(login: "ann") { entitlements { displayName } } ben: user(login: "ben") { entitlements { displayName } } }`,
    );
    expect(graph.ann.entitlements.map((e) => e.displayName)).toEqual(['Wiki Reader']);
    expect(graph.ben.entitlements.map((e) => e.displayName).sort()).toEqual(['Wiki Admin', 'Wiki Reader']);
    const revokes = await app.orm.em.fork().find(AuditEvent, { workspace: s.ws, action: 'entitlementAssignment.revoke' });
    expect(revokes).toHaveLength(1);
    expect(revokes[0].actor).toBe('key test key ORG_ADMIN acting as cara');

    const [again] = await errorsOf(s.client.request(DECIDE, { itemId: annAdmin.id, decision: 'CERTIFY', userLogin: 'cara' }));
    expect(again.extensions).toEqual({ code: 'CONFLICT', field: 'itemId' });

    // The rest is certified; the last decision completes the task and the campaign.
    const rest = run.items.nodes.filter((i) => i.id !== annAdmin.id);
    for (const [n, item] of rest.entries()) {
      await s.client.request(DECIDE, { itemId: item.id, decision: 'CERTIFY', userLogin: 'cara' });
      if (n === 2) {
        const mid = (await s.client.request<ReadData>(READ, { id: run.id })).certificationCampaign;
        expect(mid.progress).toEqual({ total: 7, decided: 4, certified: 3, revoked: 1, percent: 57 });
        expect(mid.status).toBe('ACTIVE');
      }
    }
    const done = (await s.client.request<ReadData>(READ, { id: run.id })).certificationCampaign;
    expect(done).toMatchObject({
      status: 'COMPLETED',
      progress: { total: 7, decided: 7, certified: 6, revoked: 1, percent: 100 },
      tasks: { nodes: [{ status: 'COMPLETED', decidedCount: 7 }] },
    });
    const [closed] = await errorsOf(s.client.request(DECIDE, { itemId: rest[0].id, decision: 'REVOKE', userLogin: 'cara', comment: 'x' }));
    expect(closed.extensions).toEqual({ code: 'CONFLICT', field: 'itemId' });
    const audits = await app.orm.em.fork().find(AuditEvent, { workspace: s.ws, action: { $in: ['certification.run', 'reviewItem.decide', 'certificationCampaign.complete'] } });
    expect(audits.map((a) => a.action).sort()).toEqual(['certification.run', 'certificationCampaign.complete', ...Array(7).fill('reviewItem.decide')]);

    const filtered = await s.client.request<{
      revoked: { totalCount: number; nodes: Array<{ resourceName: string; revokeRequest: { status: string } }> };
      open: { totalCount: number };
    }>(
      gql`query ($id: ID!) { revoked: reviewItems(campaignId: $id, filter: { decision: REVOKE }) { totalCount nodes { resourceName revokeRequest { status } } } open: reviewItems(campaignId: $id, filter: { undecided: true }) { totalCount } }`,
      { id: run.id },
    );
    expect(filtered).toEqual({ revoked: { totalCount: 1, nodes: [{ resourceName: 'Wiki Admin', revokeRequest: { status: 'Completed' } }] }, open: { totalCount: 0 } });
  });

  it('a revoke whose workflow needs approval waits for it; a second revoke of the same access is refused while it is open', async () => {
    const s = await scenario('certs-approval');
    await s.client.request(gql`mutation { createApprovalGroup(input: { name: "Role Approvers", memberLogins: ["sam"] }) { id } }`);
    const em = app.orm.em.fork();
    const guarded = await buildRole(em, s.ws, { members: [s.ann.id], overrides: { displayName: 'Guarded', approvalWorkflow: 'Group Role Approval', approver1: 'Role Approvers' } });
    const selection = { onlySelected: true, resources: [{ id: guarded.id, collection: 'ROLE' }] };
    const first = (await s.client.request<RunData>(RUN, { id: (await create(s.client, eng({ name: 'guarded 1', ...selection }))).id })).runCertification;
    const second = (await s.client.request<RunData>(RUN, { id: (await create(s.client, eng({ name: 'guarded 2', ...selection }))).id })).runCertification;
    expect(first.items.nodes.map((i) => `${i.userLogin}:${i.resourceName}`)).toEqual(['ann:Guarded']);

    const { decideReviewItem: d } = await s.client.request<DecideData>(DECIDE, { itemId: first.items.nodes[0].id, decision: 'REVOKE', userLogin: 'cara', comment: 'not needed' });
    expect(d.revokeRequest).toMatchObject({ type: 'REVOKE', status: 'Waiting for Approval', resolution: 'Initiated' });
    const held = async () =>
      (await s.client.request<{ user: { roles: Array<{ displayName: string }> } }>(gql`{ user(login: "ann") { roles { displayName } } }`)).user.roles.map((r) => r.displayName);
    expect(await held()).toContain('Guarded');

    const item = second.items.nodes[0];
    const [open] = await errorsOf(s.client.request(DECIDE, { itemId: item.id, decision: 'REVOKE', userLogin: 'cara', comment: 'again' }));
    expect(open.extensions).toEqual({ code: 'CONFLICT', field: 'itemId' });
    expect(open.message).toMatch(/is still open/);
    expect(await app.orm.em.fork().findOneOrFail(ReviewItem, item.id)).toMatchObject({ decision: null, revokeRequestId: null });
    expect(await countIn(AccessRequest, { workspace: s.ws })).toBe(1);

    const task = (await s.client.request<{ request: { tasks: Array<{ id: string }> } }>(gql`query ($id: ID!) { request(id: $id) { tasks { id } } }`, { id: d.revokeRequest.id }))
      .request.tasks[0];
    await s.client.request(gql`mutation ($id: ID!) { performTaskAction(id: $id, action: CLAIM, userLogin: "sam") { status } }`, { id: task.id });
    await s.client.request(gql`mutation ($id: ID!) { performTaskAction(id: $id, action: APPROVE, userLogin: "sam") { status } }`, { id: task.id });
    expect(await held()).not.toContain('Guarded');
  });

  it('only Active certifications run; activateCertification makes a Draft Active', async () => {
    const s = await scenario('certs-draft');
    const c = await create(s.client, eng({ status: 'DRAFT' }));
    const [error] = await errorsOf(s.client.request(RUN, { id: c.id }));
    expect(error.extensions).toEqual({ code: 'CONFLICT', field: 'id' });
    expect(error.message).toMatch(/is Draft; only Active certifications run/);
    expect(await countIn(CertificationCampaign, { workspace: s.ws })).toBe(0);
    const activated = await s.client.request<{ activateCertification: { status: string } }>(gql`mutation ($id: ID!) { activateCertification(id: $id) { status } }`, { id: c.id });
    expect(activated.activateCertification.status).toBe('ACTIVE');
    const [twice] = await errorsOf(s.client.request(gql`mutation ($id: ID!) { activateCertification(id: $id) { status } }`, { id: c.id }));
    expect(twice.extensions).toEqual({ code: 'CONFLICT', field: 'id' });
    expect((await s.client.request<RunData>(RUN, { id: c.id })).runCertification.status).toBe('ACTIVE');
    const [unknown] = await errorsOf(s.client.request(RUN, { id: 'dddddddddddddddddddddddd' }));
    expect(unknown.extensions).toEqual({ code: 'NOT_FOUND', field: 'id' });
  });

  it("certifiers per item: the beneficiary's manager, the resource owner (alternate when missing), the role's first member", async () => {
    const s = await scenario('certs-certifiers');
    const byManager = await create(s.client, eng({ name: 'by manager', certifierType: 'BENEFICIARY_MANAGER', certifier: null }));
    const m = (await s.client.request<RunData>(RUN, { id: byManager.id })).runCertification;
    expect(new Set(m.items.nodes.map((i) => i.certifierLogin))).toEqual(new Set(['boss']));

    // Owners: Wiki Admin → cara, Wiki Reader → its application's owner boss, Wiki → boss, Editors → ben; ben's own
    // items never go to ben without selfCertification.
    const byOwner = await create(s.client, eng({ name: 'by owner', certifierType: 'RESOURCE_OWNER', certifier: null }));
    const o = (await s.client.request<RunData>(RUN, { id: byOwner.id })).runCertification;
    expect(Object.fromEntries(o.items.nodes.map((i) => [`${i.userLogin}:${i.resourceName}`, i.certifierLogin]))).toEqual({
      'ann:Editors': 'ben',
      'ann:Wiki Admin': 'cara',
      'ann:Wiki Reader': 'boss',
      'ann:Wiki': 'boss',
      'ben:Wiki Admin': 'cara',
      'ben:Wiki Reader': 'boss',
      'ben:Wiki': 'boss',
    });
    expect(o.impact).toMatchObject({ certifierCount: 3, taskCount: 3 });
    expect(o.tasks.nodes.map((t) => `${t.certifierLogin}:${t.itemCount}`)).toEqual(['ben:1', 'boss:4', 'cara:2']);

    const certifiers = await buildRole(app.orm.em.fork(), s.ws, { members: [s.cara.id, s.sam.id] });
    const byRole = await create(s.client, eng({ name: 'by role', certifierType: 'ROLE', certifier: null, certifierRole: certifiers.id }));
    const r = (await s.client.request<RunData>(RUN, { id: byRole.id })).runCertification;
    // cara (Eng) now holds the certifier role herself: her own membership goes to the next member, sam.
    const mine = r.items.nodes.filter((i) => i.userLogin === 'cara');
    expect(mine.map((i) => `${i.resourceName}:${i.certifierLogin}`)).toEqual([`${certifiers.displayName}:sam`]);
    expect(new Set(r.items.nodes.filter((i) => i.userLogin !== 'cara').map((i) => i.certifierLogin))).toEqual(new Set(['cara']));
  });

  it("selfCertification false: the certifier's own access goes to the alternate certifier, and is never reassigned to its user", async () => {
    const s = await scenario('certs-self');
    const c = await create(s.client, eng({ userCertificationBy: 'NAME', userQuery: null, users: ['ann', 'ben'], certifier: 'ann', reassignment: true }));
    const run = (await s.client.request<RunData>(RUN, { id: c.id })).runCertification;
    const certifierOf = Object.fromEntries(run.items.nodes.map((i) => [`${i.userLogin}:${i.resourceName}`, i.certifierLogin]));
    expect(certifierOf['ann:Editors']).toBe('boss'); // ann's own access: her manager, the alternate
    expect(certifierOf['ben:Wiki Admin']).toBe('ann');
    const benItem = itemOf(run, 'ben', 'Wiki Admin');
    const [toSelf] = await errorsOf(s.client.request(REASSIGN, { itemId: benItem.id, toLogin: 'ben', userLogin: 'ann' }));
    expect(toSelf.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'toLogin' });

    const selfAllowed = await create(
      s.client,
      eng({ name: 'self allowed', userCertificationBy: 'NAME', userQuery: null, users: ['ann'], certifier: 'ann', selfCertification: true }),
    );
    const own = (await s.client.request<RunData>(RUN, { id: selfAllowed.id })).runCertification;
    expect(new Set(own.items.nodes.map((i) => i.certifierLogin))).toEqual(new Set(['ann']));
    const { decideReviewItem } = await s.client.request<DecideData>(DECIDE, { itemId: own.items.nodes[0].id, decision: 'CERTIFY', userLogin: 'ann' });
    expect(decideReviewItem.decision).toBe('CERTIFY');
  });

  it('reassignment: only when the certification allows it, by the certifier, to an active user; the item moves to their task', async () => {
    const s = await scenario('certs-reassign');
    const fixed = await create(s.client, eng({ name: 'no reassignment' }));
    const f = (await s.client.request<RunData>(RUN, { id: fixed.id })).runCertification;
    const [notAllowed] = await errorsOf(s.client.request(REASSIGN, { itemId: f.items.nodes[0].id, toLogin: 'sam', userLogin: 'cara' }));
    expect(notAllowed.extensions).toEqual({ code: 'FORBIDDEN' });

    const c = await create(s.client, eng({ name: 'with reassignment', reassignment: true }));
    const run = (await s.client.request<RunData>(RUN, { id: c.id })).runCertification;
    const item = itemOf(run, 'ben', 'Wiki Reader');
    const [byOther] = await errorsOf(s.client.request(REASSIGN, { itemId: item.id, toLogin: 'sam', userLogin: 'boss' }));
    expect(byOther.extensions).toEqual({ code: 'FORBIDDEN' });
    const [nobody] = await errorsOf(s.client.request(REASSIGN, { itemId: item.id, toLogin: 'nobody', userLogin: 'cara' }));
    expect(nobody.extensions).toEqual({ code: 'NOT_FOUND', field: 'toLogin' });
    const [same] = await errorsOf(s.client.request(REASSIGN, { itemId: item.id, toLogin: 'cara', userLogin: 'cara' }));
    expect(same.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'toLogin' });

    const { reassignReviewItem: moved } = await s.client.request<ReassignData>(REASSIGN, { itemId: item.id, toLogin: 'sam', userLogin: 'cara' });
    expect(moved).toMatchObject({ certifierLogin: 'sam', previousCertifierLogin: 'cara', task: { certifierLogin: 'sam', itemCount: 1 } });
    const [oldCertifier] = await errorsOf(s.client.request(DECIDE, { itemId: item.id, decision: 'CERTIFY', userLogin: 'cara' }));
    expect(oldCertifier.extensions).toEqual({ code: 'FORBIDDEN' });
    await s.client.request(DECIDE, { itemId: item.id, decision: 'CERTIFY', userLogin: 'sam' });
    const tasks = await s.client.request<{
      certificationTasks: { nodes: Array<{ certifierLogin: string; status: string; itemCount: number; decidedCount: number }> };
      sam: { totalCount: number };
    }>(
      gql`query ($id: ID!) { certificationTasks(campaignId: $id) { nodes { certifierLogin status itemCount decidedCount } } sam: certificationTasks(certifierLogin: "sam") { totalCount } }`,
      { id: run.id },
    );
    expect(tasks.certificationTasks.nodes).toEqual([
      { certifierLogin: 'sam', status: 'COMPLETED', itemCount: 1, decidedCount: 1 },
      { certifierLogin: 'cara', status: 'OPEN', itemCount: 6, decidedCount: 0 },
    ]);
    expect(tasks.sam.totalCount).toBe(1);
  });

  it("automatic escalation: at its due date a task goes to the certifier's manager (a job); without it the task stays overdue", async () => {
    const s = await scenario('certs-escalate');
    const escalating = await create(s.client, eng({ name: 'escalating', automaticEscalation: true }));
    const quiet = await create(s.client, eng({ name: 'quiet' }));
    const e = (await s.client.request<RunData>(RUN, { id: escalating.id })).runCertification;
    const q = (await s.client.request<RunData>(RUN, { id: quiet.id })).runCertification;
    // Nobody reads in between: the escalation is the job's, at the task's due date.
    clock.advance({ days: 14, hours: 23 });
    await app.jobs.runDue();
    expect(await app.orm.em.fork().count(AuditEvent, { workspace: s.ws, action: 'certificationTask.escalate' })).toBe(0);
    clock.advance({ hours: 2 });
    await app.jobs.runDue();
    expect(await app.orm.em.fork().count(AuditEvent, { workspace: s.ws, action: 'certificationTask.escalate' })).toBe(1);

    const after = (await s.client.request<ReadData>(READ, { id: e.id })).certificationCampaign;
    expect(after.tasks.nodes.map((t) => `${t.certifierLogin}:${t.status}:${t.itemCount}:${t.escalatedFrom}:${t.overdue}`)).toEqual([
      'boss:OPEN:7:cara:false',
      'cara:COMPLETED:0:null:false',
    ]);
    expect(after.items.nodes.every((i) => i.certifierLogin === 'boss')).toBe(true);
    const [cara] = await errorsOf(s.client.request(DECIDE, { itemId: after.items.nodes[0].id, decision: 'CERTIFY', userLogin: 'cara' }));
    expect(cara.extensions).toEqual({ code: 'FORBIDDEN' });
    await s.client.request(DECIDE, { itemId: after.items.nodes[0].id, decision: 'CERTIFY', userLogin: 'boss' });

    const untouched = (await s.client.request<ReadData>(READ, { id: q.id })).certificationCampaign;
    expect(untouched.tasks.nodes).toMatchObject([{ certifierLogin: 'cara', status: 'OPEN', overdue: true }]);
    const n = await s.client.request<{ escalateOverdueCertificationTasks: number }>(gql`mutation { escalateOverdueCertificationTasks }`);
    expect(n.escalateOverdueCertificationTasks).toBe(0);
    expect(await app.orm.em.fork().count(AuditEvent, { workspace: s.ws, action: 'certificationTask.escalate' })).toBe(1);
  });

  it('a Resource Assignment certification by resourceQuery reviews the holders of the matching resources only', async () => {
    const s = await scenario('certs-resources');
    const c = await create(s.client, eng({ name: 'risky', type: 'RESOURCE_ASSIGNMENT', resourceQuery: '{"riskLevel":"high"}', userQuery: '{"status":"Active"}' }));
    const run = (await s.client.request<RunData>(RUN, { id: c.id })).runCertification;
    expect(run.items.nodes.map((i) => `${i.userLogin}:${i.resourceName}`).sort()).toEqual(['ann:Wiki Admin', 'ben:Wiki Admin']);
    expect(run.impact).toMatchObject({ userCount: 2, resourceCount: 1, certifierCount: 1, taskCount: 1 });

    const none = await create(s.client, eng({ name: 'nothing', userCertificationBy: 'NAME', userQuery: null, users: ['sam'] }));
    const [empty] = await errorsOf(s.client.request(RUN, { id: none.id }));
    expect(empty.extensions).toEqual({ code: 'CONFLICT', field: 'id' });
  });

  it('authorities: READ_ONLY reads but neither runs nor decides; CATALOG_ADMIN runs but does not decide; CERTIFIER decides', async () => {
    const s = await scenario('certs-keys');
    const c = await create(s.client, eng());
    const readOnly = await app.client('certs-keys', [Authority.READ_ONLY]);
    const catalogAdmin = await app.client('certs-keys', [Authority.CATALOG_ADMIN]);
    // The certifier decides with her own personal key.
    const certifier = await app.client('certs-keys', [Authority.CERTIFIER], { person: 'cara' });
    for (const client of [readOnly, certifier]) {
      const [run] = await errorsOf(client.request(RUN, { id: c.id }));
      expect(run.extensions).toMatchObject({ code: 'FORBIDDEN', action: 'certifications:manage' });
      const [preview] = await errorsOf(client.request(gql`query ($id: ID!) { previewCertification(id: $id) { itemCount } }`, { id: c.id }));
      expect(preview.extensions).toMatchObject({ code: 'FORBIDDEN' });
    }
    const run = (await catalogAdmin.request<RunData>(RUN, { id: c.id })).runCertification;
    const item = run.items.nodes[0];
    for (const client of [readOnly, catalogAdmin]) {
      const [decide] = await errorsOf(client.request(DECIDE, { itemId: item.id, decision: 'CERTIFY', userLogin: 'cara' }));
      expect(decide.extensions).toMatchObject({ code: 'FORBIDDEN', action: 'certifications:decide' });
    }
    const read = await readOnly.request<ReadData>(READ, { id: run.id });
    expect(read.certificationCampaign.id).toBe(run.id);
    expect((await certifier.request<DecideData>(DECIDE, { itemId: item.id, decision: 'CERTIFY', userLogin: 'cara' })).decideReviewItem.decision).toBe('CERTIFY');
    const other = await otherWorkspace();
    const hidden = await other.request<{ certificationCampaign: { id: string }; reviewItem: { id: string } }>(
      gql`query ($id: ID!, $item: ID!) { certificationCampaign(id: $id) { id } reviewItem(id: $item) { id } }`,
      { id: run.id, item: item.id },
    );
    expect(hidden).toEqual({ certificationCampaign: null, reviewItem: null });
    const [foreign] = await errorsOf(other.request(DECIDE, { itemId: item.id, decision: 'CERTIFY', userLogin: 'cara' }));
    expect(foreign.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'itemId' });
  });
});

describe('repeat', () => {
  it('a certification that repeats Monthly runs a new campaign each month by itself, until it is no longer Active', async () => {
    const s = await scenario('certs-repeat');
    const c = await create(s.client, eng({ name: 'monthly', repeat: 'Monthly' }));
    await s.client.request<RunData>(RUN, { id: c.id });
    const campaigns = () => countIn(CertificationCampaign, { workspace: s.ws, certification: c.id });
    expect(await campaigns()).toBe(1);
    clock.advance({ days: 27 });
    await app.jobs.runDue();
    expect(await campaigns()).toBe(1);
    clock.advance({ days: 5 });
    // No request in between: the second campaign is the job's.
    await app.jobs.runDue();
    expect(await campaigns()).toBe(2);
    const second = await app.orm.em.fork().find(CertificationCampaign, { certification: c.id }, { orderBy: { startedAt: 'desc' } });
    expect(second[0].startedBy).toBe('job certification.repeat');
    clock.advance({ days: 32 });
    await app.jobs.runDue();
    expect(await campaigns()).toBe(3);

    await app.orm.em.fork().nativeUpdate(Certification, { id: c.id }, { status: CertificationStatus.DRAFT });
    clock.advance({ days: 32 });
    await app.jobs.runDue();
    expect(await campaigns()).toBe(3);
  });

  it('refuses a repeat it cannot act on, naming the field', async () => {
    const s = await scenario('certs-repeat-bad');
    const [error] = await errorsOf(s.client.request(CREATE, { input: eng({ name: 'odd', repeat: 'now and then' }) }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.repeat' });
  });
});
