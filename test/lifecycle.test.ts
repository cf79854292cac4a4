import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { buildEntitlements, buildRole, buildTargetSystem, buildUsers } from './factories.js';
import { Authority } from '../src/auth/authorities.js';
import { User } from '../src/governance/user.entity.js';

// Joiner, mover and leaver through GraphQL and through the authoritative SCIM directory: the
// birthright rules follow a person's attributes at once, the roles they grant bring their
// entitlements and accounts (mechanism Rule), and a leaver loses everything through revoke
// requests. Everything is read back through the nested user graph and the audit log.

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

interface Catalog {
  workspaceId: string;
  admin: GraphQLClient;
  roles: { eng: string; fin: string; all: string; wiki: string };
  apps: { mail: string; ledger: string; wiki: string };
}

/**
 * A workspace of its own: three Connected applications; roles by rule — Engineering (mailbox),
 * Finance (ledger), everyone active (mailbox too) — and a requestable role (wiki) that the
 * Finance department also gets by rule.
 */
async function catalog(name: string): Promise<Catalog> {
  const workspaceId = await app.workspace(name, null);
  const em = app.orm.em.fork();
  const [boss] = await buildUsers(em, workspaceId, 1, { login: `${name}-boss`, department: 'Management' });
  const connected = { integrationLevel: 'Connected', form: [{ name: 'Email', matchingAttribute: 'email', isRequired: true }] };
  const mail = await buildTargetSystem(em, workspaceId, { ...connected, displayName: 'Mail' });
  const ledger = await buildTargetSystem(em, workspaceId, { ...connected, displayName: 'Ledger' });
  const wiki = await buildTargetSystem(em, workspaceId, { ...connected, displayName: 'Wiki' });
  const [mailbox] = await buildEntitlements(em, workspaceId, mail, 1, { displayName: 'Mailbox' });
  const [books] = await buildEntitlements(em, workspaceId, ledger, 1, { displayName: 'Books' });
  const [pages] = await buildEntitlements(em, workspaceId, wiki, 1, { displayName: 'Pages' });
  const rule = (department: string) => JSON.stringify({ $and: [{ status: 'Active' }, { department }] });
  const eng = await buildRole(em, workspaceId, { entitlements: [mailbox], overrides: { displayName: 'Engineering', rule: rule('Engineering') } });
  const fin = await buildRole(em, workspaceId, { entitlements: [books], overrides: { displayName: 'Finance', rule: rule('Finance') } });
  const all = await buildRole(em, workspaceId, { entitlements: [mailbox], overrides: { displayName: 'Everyone', rule: JSON.stringify({ status: 'Active' }) } });
  const wikiRole = await buildRole(em, workspaceId, {
    entitlements: [pages],
    overrides: { displayName: 'Wiki Editors', rule: rule('Finance'), approvalWorkflow: 'Auto Role Approval' },
  });
  void boss;
  return {
    workspaceId,
    admin: await app.client(name),
    roles: { eng: eng.id, fin: fin.id, all: all.id, wiki: wikiRole.id },
    apps: { mail: mail.id, ledger: ledger.id, wiki: wiki.id },
  };
}

const PERSON = gql`
  query ($login: String!) {
    user(login: $login) {
      id
      login
      status
      department
      terminatedAt
      roles {
        displayName
      }
      accounts {
        status
        provisionMechanism
        form
        targetSystem {
          displayName
        }
        entitlements {
          status
          provisionMechanism
          entitlement {
            displayName
          }
        }
      }
    }
  }
`;

interface Person {
  id: string;
  login: string;
  status: string;
  department: string | null;
  terminatedAt: string | null;
  roles: Array<{ displayName: string }>;
  accounts: Array<{
    status: string;
    provisionMechanism: string;
    form: Record<string, unknown> | null;
    targetSystem: { displayName: string };
    entitlements: Array<{ status: string; provisionMechanism: string; entitlement: { displayName: string } }>;
  }>;
}

async function person(client: GraphQLClient, login: string): Promise<Person> {
  return (await client.request<{ user: Person }>(PERSON, { login })).user;
}

const roleNames = (p: Person) => p.roles.map((r) => r.displayName).sort();
/** `Application: status (mechanism)` per account, and `Entitlement: status (mechanism)` per assignment. */
const access = (p: Person) =>
  Object.fromEntries(
    p.accounts.map((a) => [
      a.targetSystem.displayName,
      { account: `${a.status} (${a.provisionMechanism})`, entitlements: a.entitlements.map((e) => `${e.entitlement.displayName}: ${e.status} (${e.provisionMechanism})`).sort() },
    ]),
  );

async function auditActions(client: GraphQLClient, entityId: string): Promise<string[]> {
  const { auditEvents } = await client.request<{ auditEvents: { nodes: Array<{ action: string }> } }>(
    gql`
      query ($entityId: ID!) {
        auditEvents(entityId: $entityId, first: 100) {
          nodes {
            action
          }
        }
      }
    `,
    { entityId },
  );
  return auditEvents.nodes.map((n) => n.action).reverse();
}

const CREATE = gql`
  mutation ($input: CreateUserInput!) {
    createUser(input: $input) {
      id
      login
      displayName
      status
    }
  }
`;
const UPDATE = gql`
  mutation ($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      id
      department
    }
  }
`;
const TERMINATE = gql`
  mutation ($id: ID!, $reason: String) {
    terminateUser(id: $id, reason: $reason) {
      id
      status
      terminatedAt
    }
  }
`;

describe('joiner, mover, leaver through GraphQL', () => {
  let c: Catalog;
  beforeAll(async () => {
    c = await catalog('life-graphql');
  });

  it('a joiner holds the roles their attributes match, with the entitlements and accounts those roles grant (mechanism Rule)', async () => {
    const { createUser } = await c.admin.request<{ createUser: { id: string; displayName: string; status: string } }>(CREATE, {
      input: { login: 'nina', firstName: 'Nina', lastName: 'Berg', email: 'nina@example.test', department: 'Engineering', userType: 'Employee' },
    });
    expect(createUser).toMatchObject({ displayName: 'Nina Berg', status: 'Active' });
    const nina = await person(c.admin, 'nina');
    expect(roleNames(nina)).toEqual(['Engineering', 'Everyone']);
    expect(access(nina)).toEqual({ Mail: { account: 'Provisioned (Rule)', entitlements: ['Mailbox: Provisioned (Rule)'] } });
    // The account form is filled from the person, as for a request.
    expect(nina.accounts[0].form).toEqual({ Email: 'nina@example.test' });
  });

  it('a mover loses the roles of the old department and gains those of the new one; access another source grants stays', async () => {
    const nina = await person(c.admin, 'nina');
    // Nina asks for the wiki role (granted at once by its workflow): a REQUEST membership.
    await c.admin.request(
      gql`
        mutation ($input: SubmitCartInput!) {
          submitCart(input: $input) {
            result
          }
        }
      `,
      { input: { cart: { requester: { login: 'nina' }, cartItems: [{ beneficiaries: { login: 'nina' }, entityId: c.roles.wiki, entityType: 'ROLE', type: 'CREATE' }] } } },
    );
    await c.admin.request(UPDATE, { id: nina.id, input: { department: 'Finance', jobTitle: 'Controller' } });
    const moved = await person(c.admin, 'nina');
    expect(roleNames(moved)).toEqual(['Everyone', 'Finance', 'Wiki Editors']);
    expect(access(moved)).toEqual({
      // Everyone still grants the mailbox that Engineering granted too.
      Mail: { account: 'Provisioned (Rule)', entitlements: ['Mailbox: Provisioned (Rule)'] },
      Ledger: { account: 'Provisioned (Rule)', entitlements: ['Books: Provisioned (Rule)'] },
      Wiki: { account: 'Provisioned (Role)', entitlements: ['Pages: Provisioned (Role)'] },
    });

    // Back to Engineering: the rule no longer grants Wiki Editors, the request still does.
    await c.admin.request(UPDATE, { id: nina.id, input: { department: 'Engineering' } });
    const back = await person(c.admin, 'nina');
    expect(roleNames(back)).toEqual(['Engineering', 'Everyone', 'Wiki Editors']);
    expect(access(back)).toEqual({
      Mail: { account: 'Provisioned (Rule)', entitlements: ['Mailbox: Provisioned (Rule)'] },
      // The account the Finance rule opened goes with its last entitlement.
      Ledger: { account: 'Revoked (Rule)', entitlements: ['Books: Revoked (Rule)'] },
      Wiki: { account: 'Provisioned (Role)', entitlements: ['Pages: Provisioned (Role)'] },
    });
  });

  it('a leaver loses every role, account and entitlement through revoke requests and becomes Inactive', async () => {
    const nina = await person(c.admin, 'nina');
    const { terminateUser } = await c.admin.request<{ terminateUser: { status: string; terminatedAt: string } }>(TERMINATE, { id: nina.id, reason: 'resigned' });
    expect(terminateUser.status).toBe('Inactive');
    expect(Date.parse(terminateUser.terminatedAt)).not.toBeNaN();
    const gone = await person(c.admin, 'nina');
    expect(gone.roles).toEqual([]);
    expect(access(gone)).toEqual({
      Mail: { account: 'Revoked (Rule)', entitlements: ['Mailbox: Revoked (Rule)'] },
      Ledger: { account: 'Revoked (Rule)', entitlements: ['Books: Revoked (Rule)'] },
      Wiki: { account: 'Revoked (Role)', entitlements: ['Pages: Revoked (Role)'] },
    });

    // The requested role and each account ended by a request of the Leaver workflow, completed without approval.
    const { requests } = await c.admin.request<{
      requests: { nodes: Array<{ title: string; workflowName: string; status: string; resolution: string; beneficiaryLogin: string }> };
    }>(gql`
      {
        requests(type: REVOKE, first: 20) {
          nodes {
            title
            workflowName
            status
            resolution
            beneficiaryLogin
          }
        }
      }
    `);
    const leaver = requests.nodes.filter((r) => r.beneficiaryLogin === 'nina');
    expect(leaver.map((r) => r.title).sort()).toEqual(['Mail', 'Wiki', 'Wiki Editors']);
    for (const r of leaver) expect(r).toMatchObject({ workflowName: 'Leaver', status: 'Completed', resolution: 'Approved' });

    const trail = await auditActions(c.admin, nina.id);
    expect(trail.filter((a) => a.startsWith('user.') && !a.startsWith('user.role.'))).toEqual(['user.create', 'user.update', 'user.update', 'user.terminate']);
    expect(trail.filter((a) => a === 'user.role.add').length).toBeGreaterThanOrEqual(4);
    expect(trail.filter((a) => a === 'user.role.remove').length).toBeGreaterThanOrEqual(4);

    // Terminated is terminated: a second termination is a conflict, and a change needs a rehire.
    expect((await errorsOf(c.admin.request(TERMINATE, { id: nina.id })))[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect((await errorsOf(c.admin.request(UPDATE, { id: nina.id, input: { department: 'Finance' } })))[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
  });

  it('a rehire (status Active) gets the birthright access of their attributes again', async () => {
    const nina = await person(c.admin, 'nina');
    await c.admin.request(UPDATE, { id: nina.id, input: { status: 'Active' } });
    const back = await person(c.admin, 'nina');
    expect(back.terminatedAt).toBeNull();
    expect(roleNames(back)).toEqual(['Engineering', 'Everyone']);
    expect(access(back).Mail).toEqual({ account: 'Provisioned (Rule)', entitlements: ['Mailbox: Provisioned (Rule)'] });
    expect((await auditActions(c.admin, nina.id)).filter((a) => a === 'user.rehire')).toHaveLength(1);
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const bad = async (input: Record<string, unknown>) => (await errorsOf(c.admin.request(CREATE, { input })))[0].extensions;
    expect(await bad({ login: 'nina' })).toMatchObject({ code: 'CONFLICT', field: 'input.login' });
    expect(await bad({ login: '  ' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.login' });
    expect(await bad({ login: 'has space' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.login' });
    expect(await bad({ login: 'omar', status: 'Terminated' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.status' });
    expect(await bad({ login: 'omar', email: 'not-an-address' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
    expect(await bad({ login: 'omar', managerLogin: 'nobody' })).toMatchObject({ code: 'NOT_FOUND', field: 'input.managerLogin' });
    expect(await bad({ login: 'omar', managerLogin: 'omar' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.managerLogin' });
    expect(await app.orm.em.fork().count(User, { workspace: c.workspaceId, login: 'omar' })).toBe(0);

    const nina = await person(c.admin, 'nina');
    const update = async (id: string, input: Record<string, unknown>) => (await errorsOf(c.admin.request(UPDATE, { id, input })))[0].extensions;
    expect(await update(nina.id, { displayName: '' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.displayName' });
    expect(await update(nina.id, { department: 'Finance', managerLogin: 'nobody' })).toMatchObject({ code: 'NOT_FOUND', field: 'input.managerLogin' });
    expect((await person(c.admin, 'nina')).department).toBe('Engineering');
    expect(await update('000000000000000000000000', { department: 'Finance' })).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('only ORG_ADMIN manages people; a person cannot terminate themselves', async () => {
    for (const authority of [Authority.CATALOG_ADMIN, Authority.READ_ONLY, Authority.SCIM_PROVISIONER, Authority.REQUESTER]) {
      const client = await app.client('life-graphql', [authority]);
      expect((await errorsOf(client.request(CREATE, { input: { login: `x-${authority}` } })))[0].extensions?.code).toBe('FORBIDDEN');
    }
    const nina = await person(c.admin, 'nina');
    const readOnly = await app.client('life-graphql', [Authority.READ_ONLY]);
    expect((await errorsOf(readOnly.request(TERMINATE, { id: nina.id })))[0].extensions?.code).toBe('FORBIDDEN');
    const self = await app.client('life-graphql', [Authority.ORG_ADMIN], { person: 'nina' });
    expect((await errorsOf(self.request(TERMINATE, { id: nina.id })))[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'id' });
    expect((await person(c.admin, 'nina')).status).toBe('Active');
  });
});

describe('birthright rules provision what their roles grant', () => {
  it('setting a rule gives the people it matches the role’s entitlements and accounts; removing it revokes them', async () => {
    const c = await catalog('life-rule');
    const em = app.orm.em.fork();
    const [ada] = await buildUsers(em, c.workspaceId, 1, { login: 'ada', department: 'Research', email: 'ada@example.test' });
    const setRule = gql`
      mutation ($roleId: ID!, $rule: String) {
        setRoleRule(roleId: $roleId, rule: $rule) {
          id
        }
      }
    `;
    await c.admin.request(setRule, { roleId: c.roles.fin, rule: JSON.stringify({ department: 'Research' }) });
    const ruled = await person(c.admin, 'ada');
    expect(roleNames(ruled)).toContain('Finance');
    expect(access(ruled).Ledger).toEqual({ account: 'Provisioned (Rule)', entitlements: ['Books: Provisioned (Rule)'] });
    await c.admin.request(setRule, { roleId: c.roles.fin, rule: null });
    const unruled = await person(c.admin, 'ada');
    expect(roleNames(unruled)).not.toContain('Finance');
    expect(access(unruled).Ledger).toEqual({ account: 'Revoked (Rule)', entitlements: ['Books: Revoked (Rule)'] });
    void ada;
  });
});

describe('joiner, mover, leaver through the authoritative SCIM directory', () => {
  let c: Catalog;
  let token: string;
  const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  const scim = async (method: string, path: string, body?: unknown) => {
    const response = await app.fetch(`/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (response.status === 204 ? null : await response.json()) as Record<string, unknown> };
  };
  const patch = (id: string, operations: unknown[]) => scim('PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });
  const omar = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    userName: 'omar',
    name: { givenName: 'Omar', familyName: 'Haddad' },
    emails: [{ value: 'omar@example.test', type: 'work', primary: true }],
    title: 'Engineer',
    active: true,
    [ENTERPRISE]: { department: 'Engineering', employeeNumber: 'E-77' },
  };

  beforeAll(async () => {
    c = await catalog('life-scim');
    token = await app.token('life-scim', [Authority.SCIM_PROVISIONER]);
  });

  it('a SCIM user is no person of the workspace while the directory is not authoritative', async () => {
    const created = await scim('POST', '/Users', { ...omar, userName: 'visitor' });
    expect(created.status).toBe(201);
    expect((await c.admin.request<{ user: null }>(PERSON, { login: 'visitor' })).user).toBeNull();
  });

  it('once it is, a SCIM create is a joiner, an update a mover, active: false a leaver', async () => {
    const { setAuthoritativeSource } = await c.admin.request<{ setAuthoritativeSource: string }>(gql`
      mutation {
        setAuthoritativeSource(source: SCIM)
      }
    `);
    expect(setAuthoritativeSource).toBe('SCIM');
    expect((await (await app.client('life-scim', [Authority.READ_ONLY])).request<{ authoritativeSource: string }>(gql`{ authoritativeSource }`)).authoritativeSource).toBe('SCIM');

    const created = await scim('POST', '/Users', omar);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const joined = await person(c.admin, 'omar');
    expect(joined).toMatchObject({ status: 'Active', department: 'Engineering' });
    expect(roleNames(joined)).toEqual(['Engineering', 'Everyone']);
    expect(access(joined)).toEqual({ Mail: { account: 'Provisioned (Rule)', entitlements: ['Mailbox: Provisioned (Rule)'] } });

    const moved = await patch(id, [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Finance' }]);
    expect([200, 204]).toContain(moved.status);
    const mover = await person(c.admin, 'omar');
    expect(mover.department).toBe('Finance');
    expect(roleNames(mover)).toEqual(['Everyone', 'Finance', 'Wiki Editors']);
    expect(access(mover)).toEqual({
      Mail: { account: 'Provisioned (Rule)', entitlements: ['Mailbox: Provisioned (Rule)'] },
      Ledger: { account: 'Provisioned (Rule)', entitlements: ['Books: Provisioned (Rule)'] },
      Wiki: { account: 'Provisioned (Rule)', entitlements: ['Pages: Provisioned (Rule)'] },
    });

    const left = await patch(id, [{ op: 'replace', value: { active: false } }]);
    expect([200, 204]).toContain(left.status);
    const leaver = await person(c.admin, 'omar');
    expect(leaver.status).toBe('Inactive');
    expect(leaver.terminatedAt).not.toBeNull();
    expect(leaver.roles).toEqual([]);
    for (const account of leaver.accounts) {
      expect(account.status).toBe('Revoked');
      for (const e of account.entitlements) expect(e.status).toBe('Revoked');
    }

    const trail = await auditActions(c.admin, joined.id);
    expect(trail.filter((a) => a.startsWith('user.') && !a.startsWith('user.role.'))).toEqual(['user.create', 'user.update', 'user.terminate']);
    const { auditEvents } = await c.admin.request<{ auditEvents: { nodes: Array<{ after: Record<string, unknown> }> } }>(
      gql`
        query ($id: ID!) {
          auditEvents(entityId: $id, action: "user.terminate") {
            nodes {
              after
            }
          }
        }
      `,
      { id: joined.id },
    );
    expect(auditEvents.nodes[0].after).toMatchObject({ via: 'SCIM', scimUser: id, reason: 'deactivated by the SCIM directory' });
  });
});
