import { describe, it, expect, afterAll } from 'vitest';
import { gql, GraphQLClient } from 'graphql-request';
import { startTestApp, type TestApp } from './harness.js';
import { ensureDemoWorkspace, rotateDevelopmentKey } from '../src/db/demo/seed-demo.js';
import { createApiKey } from '../src/auth/api-key.service.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { User } from '../src/governance/user.entity.js';
import { Authority } from '../src/auth/authorities.js';

/**
 * Seed replay: the examples of ../shared/seeds, each sent against a fresh demo workspace as a
 * new user would send it (the development key of the demo person), with names translated
 * mechanically: snake_case and kebab-case → camelCase, the REST path → the GraphQL operation
 * of PRODUCT.md, the requester → the credential's person. The documented response fields must
 * be present with the documented values or shapes.
 */
interface Demo {
  app: TestApp;
  /** The development key's client (Zachary Graham, ORG_ADMIN), as `npm start` prints it. */
  dev: GraphQLClient;
  /** A personal key of another demo person, for examples the seed sends as them. */
  as(login: string, authorities: Authority[]): Promise<GraphQLClient>;
}

const started: TestApp[] = [];
async function freshDemo(): Promise<Demo> {
  const app = await startTestApp();
  started.push(app);
  const { workspace } = await ensureDemoWorkspace(app.orm, app.config);
  const client = (token: string) => new GraphQLClient(app.url, { headers: { authorization: `Bearer ${token}` } });
  return {
    app,
    dev: client(await rotateDevelopmentKey(app.orm, workspace)),
    async as(login, authorities) {
      const em = app.orm.em.fork();
      const person = await em.findOneOrFail(User, { workspace: workspace.id, login });
      return client((await createApiKey(em, em.getReference(Workspace, workspace.id), `${login} replay`, authorities, person)).token);
    },
  };
}

const replayed: Record<string, number> = {};
function replay(seed: string, example: string, run: (demo: Demo) => Promise<void>) {
  it(`${seed}: ${example}`, async () => {
    const demo = await freshDemo();
    try {
      await run(demo);
      replayed[seed] = (replayed[seed] ?? 0) + 1;
    } finally {
      await demo.app.stop();
      started.splice(started.indexOf(demo.app), 1);
    }
  }, 120_000);
}

afterAll(async () => {
  for (const app of started) await app.stop();
  const lines = Object.entries(replayed)
    .sort()
    .map(([seed, n]) => `  ${seed}: ${n} example${n === 1 ? '' : 's'} replayed`);
  process.stdout.write(`seed replay\n${lines.join('\n')}\n`);
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ID = /^[0-9a-f]{24}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---- Seam (seeds 000, 001): POST /user_identities/enrollment_automations/launch -------------
const SEAM_BODY = {
  userIdentityId: '5c945ab5-c75e-4bcb-8e5f-9410061c401f',
  credentialManagerAcsSystemId: '6737e186-8d54-48ce-a7da-a0be4d252172',
  acsCredentialPoolId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  createCredentialManagerUser: true,
};
const LAUNCH = gql`mutation ($input: LaunchEnrollmentAutomationInput!) { launchEnrollmentAutomation(input: $input) {
  ok userIdentityId enrollmentAutomationId acsCredentialProvisioningAutomationId credentialManagerAcsSystemId isRunning workspaceId createdAt
  userIdentity { userIdentityId } credentialManager { acsSystemId } } }`;
async function launchAsDocumented(demo: Demo) {
  const { launchEnrollmentAutomation: a } = await demo.dev.request<{ launchEnrollmentAutomation: Record<string, unknown> }>(LAUNCH, { input: SEAM_BODY });
  expect(a).toMatchObject({
    ok: true,
    userIdentityId: expect.stringMatching(ID),
    enrollmentAutomationId: expect.stringMatching(ID),
    acsCredentialProvisioningAutomationId: expect.stringMatching(UUID),
    credentialManagerAcsSystemId: expect.stringMatching(ID),
    isRunning: true,
    workspaceId: expect.stringMatching(ID),
    createdAt: expect.stringMatching(ISO),
    // The seed's own uuids name the same person and system.
    userIdentity: { userIdentityId: SEAM_BODY.userIdentityId },
    credentialManager: { acsSystemId: SEAM_BODY.credentialManagerAcsSystemId },
  });
}

describe('seed 000 (Seam SDK samples)', () => {
  replay('000', 'the JavaScript sample seam.userIdentities.enrollmentAutomations.launch', launchAsDocumented);
  replay('000', 'the Python sample seam.user_identities.enrollment_automations.launch', launchAsDocumented);
});

describe('seed 001 (Seam body schema)', () => {
  replay('001', 'launch with the documented body; the response carries ok', launchAsDocumented);
});

// ---- IDHub (seed 002) ---------------------------------------------------------------------
describe('seed 002 (IDHub)', () => {
  replay('002', 'Catalog Search: keyword Aaron finds Aaron King with his access list', async ({ dev }) => {
    const data = await dev.request<{ searchCatalog: { nodes: Array<Record<string, unknown>> } }>(gql`{
      searchCatalog(keyword: "Aaron") { nodes { __typename ... on User { id lastName displayName jobTitle login managerLogin department homeAddressCity homeAddressState
        createDate provisionedDate createdOn accessList { applicationCount entitlementCount } manager { displayName } roles { displayName rule isCertifiable } } } }
    }`);
    const aaron = data.searchCatalog.nodes.find((n) => n.login === 'aaron');
    expect(aaron).toMatchObject({
      __typename: 'User',
      id: '63aec79393ccdf675cc4ccf4',
      lastName: 'King',
      displayName: 'Aaron King',
      jobTitle: 'Inside Sales Representative',
      managerLogin: 'spencer',
      department: 'Sales',
      homeAddressCity: 'Arlington Heights',
      homeAddressState: 'Illinois',
      createDate: '11-11-2022',
      provisionedDate: '11-11-2022',
      createdOn: '2022-12-30T11:12:19.430Z',
      accessList: { applicationCount: expect.any(Number), entitlementCount: expect.any(Number) },
      manager: { displayName: 'Spencer Hunter' },
    });
    expect(aaron?.roles).toContainEqual({ displayName: 'All Employees', rule: '{"$and":[{"status":"Active"},{"department":{"$nin":["CO"]}}]}', isCertifiable: true });
  });

  replay('002', 'Catalog Search: collection ServiceRequest', async ({ dev }) => {
    const data = await dev.request<{ searchCatalog: { totalCount: number; nodes: Array<{ __typename: string }> } }>(
      gql`{ searchCatalog(collection: SERVICE_REQUEST) { totalCount nodes { __typename } } }`,
    );
    expect(data.searchCatalog.totalCount).toBeGreaterThan(0);
    expect(new Set(data.searchCatalog.nodes.map((n) => n.__typename))).toEqual(new Set(['ServiceRequest']));
  });

  replay('002', 'Request Fetch by Type: type create', async ({ dev }) => {
    const data = await dev.request<{ requests: { totalCount: number; pageInfo: { hasNextPage: boolean } } }>(
      gql`{ requests(type: CREATE, first: 10) { totalCount pageInfo { hasNextPage } } }`,
    );
    expect(data.requests).toMatchObject({ totalCount: expect.any(Number), pageInfo: { hasNextPage: expect.any(Boolean) } });
  });

  replay('002', 'Request Create: the cart of jerome (requester from his key); answers correlationId and result', async (demo) => {
    const jerome = await demo.as('jerome', [Authority.REQUESTER]);
    const data = await jerome.request<{ createCart: { correlationId: string; result: boolean; cart: { name: string; owner: string | null } } }>(
      gql`mutation ($input: CreateCartInput!) { createCart(input: $input) { correlationId result cart { name owner } } }`,
      {
        input: {
          cartItems: [
            {
              beneficiaries: { login: 'jerome', employeeNumber: 'IAMSATHE026', displayName: 'Jerome Fern', accountName: 'jerome@gmail.com' },
              entityId: '63aee3b793ccdf675cc62d3d',
              entityType: 'TARGET_SYSTEM',
              type: 'CREATE',
            },
          ],
          owner: 'User/63aec79793ccdf675cc4d018',
          name: 'default',
        },
      },
    );
    expect(data.createCart).toMatchObject({ correlationId: expect.stringMatching(ID), result: true, cart: { name: 'default' } });
  });

  replay('002', 'Request Submit and Task Fetch: the request waits for the manager; his task lists it', async (demo) => {
    const jerome = await demo.as('jerome', [Authority.REQUESTER]);
    const submitted = await jerome.request<{ submitCart: { correlationId: string; result: boolean; requests: Array<Record<string, unknown>> } }>(gql`mutation {
      submitCart(input: { justification: "hhjh", cart: { cartItems: [{ beneficiaries: { login: "jerome",
        form: { email: "jerome@iamsath.com", firstName: "Jerome", lastName: "Fern", login: "jerome" } }, entityId: "63aee3b793ccdf675cc62d3d", entityType: TARGET_SYSTEM }] } }) {
        correlationId result requests { id requestId requestType resolution status title workflowName justification } } }`);
    expect(submitted.submitCart).toMatchObject({ correlationId: expect.stringMatching(ID), result: true });
    const request = submitted.submitCart.requests[0];
    expect(request).toMatchObject({ requestType: 'Access', resolution: 'Initiated', title: 'Buffer', justification: 'hhjh', status: 'Waiting for Manager Approval' });
    const tasks = await demo.dev.request<{ tasks: { nodes: Array<Record<string, unknown>> } }>(gql`{ tasks(filter: { userLogin: "zachary", status: ASSIGNED }) {
      nodes { title type status assignee possibleActions { action } request { requestId } } } }`);
    expect(tasks.tasks.nodes).toContainEqual(
      expect.objectContaining({ title: 'Buffer', type: 'APPROVAL_TASK', status: 'ASSIGNED', assignee: 'zachary', request: { requestId: request.requestId } }),
    );
  });

  replay('002', 'User Account Fetch: login jerome, status Provisioned', async ({ dev }) => {
    const data = await dev.request<{ userAccounts: { nodes: Array<Record<string, unknown>> } }>(gql`{
      userAccounts(login: "jerome", status: "Provisioned") { nodes { login status provisionMechanism sync updatedOn lastSyncedOn targetSystem { displayName }
        entitlements { status provisionMechanism formValues entitlement { displayName } } } } }`);
    expect(data.userAccounts.nodes.length).toBeGreaterThan(0);
    for (const account of data.userAccounts.nodes) expect(account).toMatchObject({ status: 'Provisioned', sync: expect.any(Boolean) });
  });

  replay('002', 'Roles Fetch All: displayName All Employees', async ({ dev }) => {
    const data = await dev.request<{ roles: { nodes: Array<Record<string, unknown>> } }>(gql`{ roles(displayName: "All Employees") { nodes {
      id displayName description rule ruleForm riskLevel roleOwnerLogin isRequestable isCertifiable approvalWorkflow createdOn } } }`);
    expect(data.roles.nodes[0]).toMatchObject({
      id: '63af039793ccdf675cc7aa10',
      displayName: 'All Employees',
      description: 'This Role is assigned to all Employees.',
      rule: '{"$and":[{"status":"Active"},{"department":{"$nin":["CO"]}}]}',
      riskLevel: 'low',
      roleOwnerLogin: 'samantha',
      isRequestable: true,
      isCertifiable: true,
      approvalWorkflow: 'Auto Role Approval',
    });
  });

  replay('002', "Role Operation: a role with the seed's notation rule $and:[department:CO], disabled", async ({ dev }) => {
    const roles = await dev.request<{ roles: { nodes: Array<{ id: string }> } }>(gql`{ roles(displayName: "Chief Officer") { nodes { id } } }`);
    const id = roles.roles.nodes[0].id;
    const set = await dev.request<{ setRoleRule: { rule: string; members: { nodes: Array<{ department: string }> } } }>(
      gql`mutation ($id: ID!) { setRoleRule(roleId: $id, rule: "$and:[department:CO]") { rule members(first: 50) { nodes { department } } } }`,
      { id },
    );
    expect(set.setRoleRule.rule).toBe('$and:[department:CO]');
    expect(set.setRoleRule.members.nodes.length).toBeGreaterThan(0);
    expect(set.setRoleRule.members.nodes.every((m) => m.department === 'CO')).toBe(true);
    const op = await dev.request<{ operateRole: { disabled: boolean; status: string } }>(
      gql`mutation ($id: ID!) { operateRole(roleId: $id, operation: DISABLE) { disabled status } }`,
      { id },
    );
    expect(op.operateRole).toEqual({ disabled: true, status: 'DISABLED' });
  });

  replay('002', 'Applications Fetch All: displayName Buffer', async ({ dev }) => {
    const data = await dev.request<{ targetSystems: { nodes: Array<Record<string, unknown>> } }>(gql`{ targetSystems(displayName: "Buffer") { nodes {
      id name performer requestFormId requestFormName riskLevel schedule trustedReconciliation integrationLevel isRequestable workflowRequestFormId } } }`);
    expect(data.targetSystems.nodes[0]).toMatchObject({
      id: '63aee3b793ccdf675cc62d3d',
      name: 'Buffer',
      performer: 'Manual Fulfiller',
      requestFormId: '63bd3906473f7335b8f88ac4',
      requestFormName: 'Buffer Form',
      riskLevel: 'medium',
      schedule: { repeat: 'Do not repeat' },
      integrationLevel: 'Disconnected',
      isRequestable: true,
      workflowRequestFormId: null,
    });
  });

  replay('002', 'Application Operation: EntraID enabled, with isDefaultAttr and its group entitlements', async ({ dev }) => {
    const data = await dev.request<{
      operateTargetSystem: Record<string, unknown>;
    }>(gql`mutation { operateTargetSystem(targetSystemId: "64ad77dafdfcc6b382aeaceb", operation: ENABLE) {
      displayName disabled isDefaultAttr requestFormId requestFormName trustedReconciliation staleCheckEnabled staleDays entitlements { name externalId form formValues } } }`);
    expect(data.operateTargetSystem).toMatchObject({
      displayName: 'EntraID',
      disabled: false,
      isDefaultAttr: true,
      requestFormId: null,
      requestFormName: null,
      staleCheckEnabled: true,
      staleDays: 5,
    });
    expect(data.operateTargetSystem.entitlements).toContainEqual({
      name: 'GROUP~9874b4bc-0f02-42c1-821b-c8bfbc91a8bd',
      externalId: '9874b4bc-0f02-42c1-821b-c8bfbc91a8bd',
      form: expect.objectContaining({ name: 'role', dataType: 'checkbox', readOnly: true, required: true }),
      formValues: { role: 'Member' },
    });
  });

  replay('002', 'Certification Create: the documented body, userQuery in the seed notation, with its form echoes', async ({ dev }) => {
    const data = await dev.request<{ createCertification: Record<string, unknown> }>(
      gql`mutation ($input: CreateCertificationInput!) { createCertification(input: $input) { name status userQuery certifier certifierDisplayName certifierToggle
        alternateCertifierType createdBy createdByDisplayName workflowUser { login } certifyUser { displayName } frequentlyUsedRule } }`,
      {
        input: {
          name: 'myCert',
          description: 'This is test atlassian certification',
          type: 'USER_ACCESS',
          approverType: 'USER',
          workflowName: 'Certification',
          workflowDescription: 'Default Certification Workflow',
          approver: 'jerome',
          workflowUser: { login: 'jerome', displayName: 'Jerome Fern' },
          status: 'ACTIVE',
          highRiskUsers: true,
          userCertificationBy: 'QUERY',
          userQuery: '$and:[status:Active]',
          displayUserQuery: '$and:[attribute:statuscondition:equalsvalue:Activeoptions:[ActiveDisabled]]',
          highRiskResources: true,
          certificationBy: 'manually',
          certifierType: 'USER',
          certifier: 'jerome',
          certifierDisplayName: 'Jerome Fern',
          certifierToggle: 'user',
          certifyUser: { login: 'jerome' },
          repeat: 'Do not repeat',
          commentsOnCertify: true,
          commentsOnRevoke: true,
          reassignment: true,
          selfCertification: true,
          automaticEscalation: true,
          certificationReminderEmail: true,
          alternateCertifier: 'USER',
          alternateCertifierUser: 'jerome',
          alternateCertifierToggle: 'user',
          alternateCertifierType: 'User',
          frequentlyUsedRule: { value: null },
          certificationDurationType: 'DAYS',
          certificationDuration: 1,
        },
      },
    );
    expect(data.createCertification).toEqual({
      name: 'myCert',
      status: 'ACTIVE',
      userQuery: '$and:[status:Active]',
      certifier: 'jerome',
      certifierDisplayName: 'Jerome Fern',
      certifierToggle: 'user',
      alternateCertifierType: 'User',
      createdBy: 'zachary',
      createdByDisplayName: 'Zachary Graham',
      workflowUser: { login: 'jerome' },
      certifyUser: { displayName: 'Jerome Fern' },
      frequentlyUsedRule: { value: null },
    });
  });

  replay('002', 'Certification Fetch: status Active', async ({ dev }) => {
    const data = await dev.request<{ certifications: { totalCount: number; nodes: Array<{ status: string }> } }>(
      gql`{ certifications(status: ACTIVE) { totalCount nodes { status } } }`,
    );
    expect(data.certifications.nodes.every((c) => c.status === 'ACTIVE')).toBe(true);
  });

  replay('002', 'Create Application: the payload key target-system (targetSystem) for testag', async ({ dev }) => {
    const data = await dev.request<{ submitOnboardingRequest: Record<string, unknown> }>(
      gql`mutation ($input: OnboardingRequestInput!) { submitOnboardingRequest(input: $input) { requestType entityType status resolution summary payload } }`,
      {
        input: {
          entityType: 'APPLICATION',
          justification: 'creating application',
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
              form: { '0': { dataType: 'datetime', isAccountName: true, isReconKey: true, isRequired: true, name: 'accessRevokeDate', syncDirection: 'no-sync' } },
            },
          },
        },
      },
    );
    expect(data.submitOnboardingRequest).toMatchObject({ requestType: 'Catalog', entityType: 'APPLICATION', resolution: 'Initiated', summary: 'New Application Request - testag' });
    expect((data.submitOnboardingRequest.payload as { targetSystem: { form: unknown } }).targetSystem.form).toMatchObject({ '0': { name: 'accessRevokeDate' } });
  });
});

// ---- SailPoint (seed 003): POST /identity-profiles ------------------------------------------
describe('seed 003 (SailPoint)', () => {
  replay('003', 'Create an Identity Profile with every documented field', async ({ dev }) => {
    const data = await dev.request<{ createIdentityProfile: Record<string, unknown> }>(gql`mutation { createIdentityProfile(input: {
      name: "My custom flat file profile", description: "My custom flat file profile", owner: { type: IDENTITY, id: "63aec79893ccdf675cc4d124" }, priority: 10,
      authoritativeSource: { type: SOURCE, id: "63aed43793ccdf675cc58246" }, identityRefreshRequired: true,
      identityAttributeConfig: { enabled: true, attributeTransforms: [{ identityAttributeName: "email", transformDefinition: { type: "accountAttribute", attributes: { attributeName: "e-mail" } } }] },
      identityExceptionReportReference: { taskResultId: "3fa85f64-5717-4562-b3fc-2c963f66afa6", reportName: "My annual report" }, hasTimeBasedAttr: true }) {
      id name created modified description priority identityRefreshRequired identityCount hasTimeBasedAttr owner { type id name } authoritativeSource { type id name } } }`);
    expect(data.createIdentityProfile).toMatchObject({
      id: expect.stringMatching(ID),
      name: 'My custom flat file profile',
      created: expect.stringMatching(ISO),
      modified: expect.stringMatching(ISO),
      priority: 10,
      identityRefreshRequired: true,
      identityCount: expect.any(Number),
      hasTimeBasedAttr: true,
      owner: { type: 'IDENTITY', id: '63aec79893ccdf675cc4d124', name: 'Zachary Graham' },
      authoritativeSource: { type: 'SOURCE', id: '63aed43793ccdf675cc58246', name: 'ADP' },
    });
  });
});

// ---- F5 (seed 004): POST .../scim/v2/Users ---------------------------------------------------
describe('seed 004 (F5 SCIM)', () => {
  replay('004', 'Create User with Role Assignment: the documented body', async ({ dev }) => {
    const data = await dev.request<{ createScimUser: Record<string, unknown> }>(
      gql`mutation ($input: CreateScimUserInput!) { createScimUser(input: $input) { active displayName externalId userName userType roleNames emails { primary type value }
        name { familyName formatted givenName honorificPrefix honorificSuffix middleName } meta { created lastModified location resourceType version } } }`,
      {
        input: {
          active: true,
          displayName: 'example',
          emails: [{ primary: true, type: 'example', value: 'example' }],
          externalId: 'example',
          groups: [{ display: 'example', id: 'example' }],
          name: { familyName: 'example', formatted: 'example', givenName: 'example', honorificPrefix: 'example', honorificSuffix: 'example', middleName: 'example' },
          roles: ['example'],
          schemas: ['example'],
          userName: 'example',
          userType: 'USER',
        },
      },
    );
    expect(data.createScimUser).toMatchObject({
      active: true,
      displayName: 'example',
      externalId: 'example',
      userName: 'example',
      userType: 'USER',
      roleNames: ['example'],
      emails: [{ primary: true, type: 'example', value: 'example' }],
      meta: {
        created: expect.stringMatching(ISO),
        lastModified: expect.stringMatching(ISO),
        location: expect.stringMatching(/^\/scim\/v2\/Users\//),
        resourceType: 'User',
        version: 'W/"1"',
      },
    });
  });
});
