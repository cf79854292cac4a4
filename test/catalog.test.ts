import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { Role } from '../src/governance/role.entity.js';

let app: TestApp;
let admin: GraphQLClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await app.client('acme');
});
afterAll(async () => {
  await app?.stop();
});

describe('seed 002 replays', () => {
  it('searching "Aaron" finds Aaron King with his roles and applications', async () => {
    const data = await admin.request<{
      searchCatalog: {
        totalCount: number;
        nodes: Array<{
          __typename: string;
          id?: string;
          login?: string;
          displayName?: string;
          jobTitle?: string | null;
          department?: string | null;
          managerLogin?: string | null;
          homeAddressCity?: string | null;
          officeAddressZipcode?: string | null;
          manager?: { displayName: string };
          roles?: Array<{ displayName: string; rule: string | null; approvalWorkflow: string | null }>;
          accounts?: Array<{ targetSystem: { displayName: string; integrationLevel: string }; entitlements: Array<{ entitlement: { displayName: string } }> }>;
        }>;
      };
    }>(gql`
      {
        searchCatalog(keyword: "Aaron") {
          totalCount
          nodes {
            __typename
            ... on User {
              id login displayName jobTitle department managerLogin homeAddressCity officeAddressZipcode
              manager { displayName }
              roles { displayName rule approvalWorkflow }
              accounts { targetSystem { displayName integrationLevel } entitlements { entitlement { displayName } } }
            }
          }
        }
      }
    `);
    expect(data.searchCatalog.totalCount).toBe(1);
    const aaron = data.searchCatalog.nodes[0];
    expect(aaron).toMatchObject({
      __typename: 'User',
      id: '63aec79393ccdf675cc4ccf4',
      login: 'aaron',
      displayName: 'Aaron King',
      jobTitle: 'Inside Sales Representative',
      department: 'Sales',
      managerLogin: 'spencer',
      homeAddressCity: 'Arlington Heights',
      manager: { displayName: 'Spencer Hunter' },
    });
    expect(aaron.roles!.map((r) => r.displayName)).toContain('All Employees');
    const apps = aaron.accounts!.map((a) => a.targetSystem.displayName);
    expect(apps).toHaveLength(8); // seed: applicationCount 8
    expect(apps).toEqual(expect.arrayContaining(['ADP', 'Salesforce']));
  });

  it('search is case-insensitive and narrows by collection and tag', async () => {
    const data = await admin.request<{
      roles: { nodes: Array<{ __typename: string; displayName?: string }> };
      hr: { nodes: Array<{ __typename: string; displayName?: string }> };
      apps: { totalCount: number; nodes: Array<{ displayName?: string }> };
    }>(gql`
      {
        roles: searchCatalog(keyword: "EMPLOYEES", collection: ROLE) { nodes { __typename ... on Role { displayName } } }
        hr: searchCatalog(tag: "hr") { nodes { __typename ... on TargetSystem { displayName } ... on Entitlement { displayName } ... on Role { displayName } } }
        apps: searchCatalog(keyword: "sales", collection: TARGET_SYSTEM) { totalCount nodes { ... on TargetSystem { displayName } } }
      }
    `);
    expect(data.roles.nodes).toEqual([{ __typename: 'Role', displayName: 'All Employees' }]);
    expect(data.hr.nodes.map((n) => n.displayName)).toContain('ADP');
    expect(data.hr.nodes.every((n) => n.__typename !== 'User')).toBe(true);
    expect(data.apps).toEqual({ totalCount: 1, nodes: [{ displayName: 'Salesforce' }] });
  });

  it('search pages with cursors without repeating or skipping items', async () => {
    type Page = { searchCatalog: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ id: string }> } };
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 20; i++) {
      const page: Page = await admin.request<Page>(
        gql`query ($after: String) { searchCatalog(keyword: "a", first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ... on User { id } ... on Role { id } ... on TargetSystem { id } ... on Entitlement { id } ... on ServiceRequest { id } } } }`,
        { after },
      );
      total = page.searchCatalog.totalCount;
      seen.push(...page.searchCatalog.nodes.map((n) => n.id));
      if (!page.searchCatalog.pageInfo.hasNextPage) break;
      after = page.searchCatalog.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(14);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('roles(displayName: "All Employees") returns the seed role with its birthright rule and members', async () => {
    const data = await admin.request<{
      roles: {
        totalCount: number;
        nodes: Array<{
          id: string;
          displayName: string;
          rule: string | null;
          isCertifiable: boolean | null;
          roleOwnerLogin: string | null;
          performer: string | null;
          approvalWorkflow: string | null;
          status: string;
          owner: { login: string };
          entitlements: Array<{ displayName: string; targetSystem: { displayName: string } }>;
          targetSystems: Array<{ displayName: string }>;
          members: { totalCount: number; nodes: Array<{ login: string; department: string | null; status: string }> };
        }>;
      };
    }>(gql`
      {
        roles(displayName: "All Employees") {
          totalCount
          nodes {
            id displayName rule isCertifiable roleOwnerLogin performer approvalWorkflow status
            owner { login }
            entitlements { displayName targetSystem { displayName } }
            targetSystems { displayName }
            members(first: 100) { totalCount nodes { login department status } }
          }
        }
      }
    `);
    expect(data.roles.totalCount).toBe(1);
    const role = data.roles.nodes[0];
    expect(role).toMatchObject({
      id: '63af039793ccdf675cc7aa10',
      rule: '{"$and":[{"status":"Active"},{"department":{"$nin":["CO"]}}]}',
      roleOwnerLogin: 'samantha',
      owner: { login: 'samantha' },
      approvalWorkflow: 'Auto Role Approval',
      status: 'ACTIVE',
    });
    expect(role.targetSystems.map((t) => t.displayName).sort()).toEqual(['ADP', 'Salesforce']);
    // The rule decides membership: active people outside department CO.
    expect(role.members.totalCount).toBeGreaterThan(0);
    for (const m of role.members.nodes) {
      expect(m.status).toBe('Active');
      expect(m.department).not.toBe('CO');
    }
    const logins = role.members.nodes.map((m) => m.login);
    expect(logins).toContain('aaron');
    expect(logins).not.toContain('derrick');
    expect(logins).not.toContain('kevin'); // Inactive
  });

  it('userAccounts(login: "steve") shows the Salesforce account with its entitlement provisioned by Role', async () => {
    const data = await admin.request<{
      userAccounts: {
        nodes: Array<{
          login: string;
          status: string;
          provisionMechanism: string | null;
          provisionedDate: string | null;
          form: unknown;
          user: { id: string; login: string };
          targetSystem: { id: string; displayName: string };
          entitlements: Array<{
            status: string;
            provisionMechanism: string | null;
            provisionedDate: string | null;
            entitlement: { id: string; displayName: string };
            associatedRoles: Array<{ displayName: string }>;
          }>;
        }>;
      };
    }>(gql`
      {
        userAccounts(login: "steve") {
          nodes {
            login status provisionMechanism provisionedDate form
            user { id login }
            targetSystem { id displayName }
            entitlements { status provisionMechanism provisionedDate entitlement { id displayName } associatedRoles { displayName } }
          }
        }
      }
    `);
    const salesforce = data.userAccounts.nodes.find((a) => a.targetSystem.displayName === 'Salesforce');
    expect(salesforce).toMatchObject({
      status: 'Provisioned',
      provisionMechanism: 'Role',
      provisionedDate: '2023-03-07T07:20:40.855Z',
      user: { id: '63aec79193ccdf675cc4cbbb', login: 'steve' },
      targetSystem: { id: '63aefd2f93ccdf675cc7509f' },
      form: expect.objectContaining({ Email: 'steve@iamsath.com', 'User Login': 'steve' }),
    });
    const marketing = salesforce!.entitlements.find((e) => e.entitlement.id === '63aefd2f93ccdf675cc750b7');
    expect(marketing).toMatchObject({
      status: 'Provisioned',
      provisionMechanism: 'Role',
      entitlement: { displayName: 'Salesforce Marketing User' },
      associatedRoles: [{ displayName: 'Marketing Content Specialist' }],
    });
  });

  it('userAccounts filters by userId and status', async () => {
    const data = await admin.request<{ a: { totalCount: number }; b: { totalCount: number } }>(
      gql`{ a: userAccounts(userId: "63aec79193ccdf675cc4cbbb", status: "Provisioned") { totalCount } b: userAccounts(userId: "63aec79193ccdf675cc4cbbb", status: "Deprovisioned") { totalCount } }`,
    );
    expect(data.a.totalCount).toBeGreaterThan(0);
    expect(data.b.totalCount).toBe(0);
  });

  it('retiring "Chief Officer" is audited, and enabling it afterwards fails', async () => {
    const id = '63af055393ccdf675cc899ac';
    const retired = await admin.request<{ operateRole: { id: string; displayName: string; disabled: boolean; retired: boolean; status: string } }>(
      gql`mutation ($id: ID!) { operateRole(roleId: $id, operation: RETIRE) { id displayName disabled retired status } }`,
      { id },
    );
    expect(retired.operateRole).toEqual({ id, displayName: 'Chief Officer', disabled: true, retired: true, status: 'RETIRED' });

    const errors = await errorsOf(admin.request(gql`mutation ($id: ID!) { operateRole(roleId: $id, operation: ENABLE) { id } }`, { id }));
    expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'operation' });
    expect(errors[0].message).toMatch(/retired/);

    const role = await app.orm.em.fork().findOneOrFail(Role, id);
    expect(role.retired).toBe(true);
    expect(role.disabled).toBe(true);

    const log = await admin.request<{
      auditEvents: { totalCount: number; nodes: Array<{ action: string; entityType: string; before: unknown; after: unknown; actor: string; at: string }> };
    }>(gql`query ($id: ID!) { auditEvents(entityId: $id) { totalCount nodes { action entityType before after actor at } } }`, { id });
    expect(log.auditEvents.totalCount).toBe(1);
    expect(log.auditEvents.nodes[0]).toMatchObject({
      action: 'role.retire',
      entityType: 'Role',
      before: { disabled: false, retired: false },
      after: { disabled: true, retired: true },
    });
  });

  it('disables and enables an application, auditing each change', async () => {
    const id = '63af022493ccdf675cc795e1'; // Zendesk
    const off = await admin.request<{ operateTargetSystem: { disabled: boolean; status: string } }>(
      gql`mutation ($id: ID!) { operateTargetSystem(targetSystemId: $id, operation: DISABLE) { disabled status } }`,
      { id },
    );
    expect(off.operateTargetSystem).toEqual({ disabled: true, status: 'DISABLED' });
    const on = await admin.request<{ operateTargetSystem: { disabled: boolean; status: string } }>(
      gql`mutation ($id: ID!) { operateTargetSystem(targetSystemId: $id, operation: ENABLE) { disabled status } }`,
      { id },
    );
    expect(on.operateTargetSystem).toEqual({ disabled: false, status: 'ACTIVE' });
    const events = await app.orm.em.fork().find(AuditEvent, { entityId: id }, { orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['targetSystem.disable', 'targetSystem.enable']);
  });
});

describe('catalog lists', () => {
  it('pages users by login with a default and a maximum page size', async () => {
    const first = await admin.request<{
      users: { totalCount: number; edges: Array<{ cursor: string; node: { login: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    }>(gql`{ users { totalCount edges { cursor node { login } } pageInfo { hasNextPage endCursor } } }`);
    expect(first.users.edges).toHaveLength(
      app.config.defaultPageSize > first.users.totalCount ? first.users.totalCount : Math.min(app.config.defaultPageSize, first.users.totalCount),
    );
    const logins = first.users.edges.map((e) => e.node.login);
    expect([...logins].sort()).toEqual(logins);
    const next = await admin.request<{ users: { nodes: Array<{ login: string }> } }>(gql`query ($after: String) { users(first: 2, after: $after) { nodes { login } } }`, {
      after: first.users.pageInfo.endCursor,
    });
    if (first.users.pageInfo.hasNextPage) expect(next.users.nodes[0].login > logins.at(-1)!).toBe(true);
  });

  it.each([true, false])('pages users by createdOn with cursors, planner %s: every user once, in order', async (planner) => {
    app.config.sqlPlanner = planner;
    try {
      const all = await admin.request<{ users: { nodes: Array<{ login: string; createdOn: string }> } }>(
        gql`{ users(first: 100, orderBy: CREATED_ON) { nodes { login createdOn } } }`,
      );
      type Page = { users: { nodes: Array<{ login: string; createdOn: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
      const seen: Array<{ login: string; createdOn: string }> = [];
      let after: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page: Page = await admin.request<Page>(
          gql`query ($after: String) { users(first: 4, orderBy: CREATED_ON, after: $after) { nodes { login createdOn } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        seen.push(...page.users.nodes);
        if (!page.users.pageInfo.hasNextPage) break;
        after = page.users.pageInfo.endCursor;
      }
      expect(seen).toEqual(all.users.nodes);
      expect(seen.map((u) => u.createdOn)).toEqual([...seen.map((u) => u.createdOn)].sort());
    } finally {
      app.config.sqlPlanner = true;
    }
  });

  it('targetSystems(displayName) and entitlements(targetSystemId) read the catalog', async () => {
    const data = await admin.request<{
      targetSystems: {
        nodes: Array<{
          id: string;
          displayName: string;
          integrationLevel: string;
          performer: string | null;
          approvalWorkflow: string | null;
          businessOwnerLogin: string | null;
          businessOwner: { login: string };
          itOwner: { login: string };
          entitlements: Array<{ displayName: string }>;
          accounts: { totalCount: number; nodes: Array<{ login: string }> };
        }>;
      };
    }>(gql`{
      targetSystems(displayName: "buf") { nodes { id displayName integrationLevel performer approvalWorkflow businessOwnerLogin businessOwner { login } itOwner { login } entitlements { displayName } accounts(first: 2) { totalCount nodes { login } } } }
    }`);
    const buffer = data.targetSystems.nodes[0];
    expect(buffer).toMatchObject({
      id: '63aee3b793ccdf675cc62d3d',
      displayName: 'Buffer',
      integrationLevel: 'Disconnected',
      performer: 'Manual Fulfiller',
      approvalWorkflow: 'Manager and BO Grant and Auto Revoke',
    });
    expect(buffer.businessOwner?.login).toBe(buffer.businessOwnerLogin);
    expect(buffer.entitlements.length).toBeGreaterThan(0);
    const ents = await admin.request<{ entitlements: { totalCount: number; nodes: Array<{ targetSystem: { id: string } }> } }>(
      gql`query ($id: ID!) { entitlements(targetSystemId: $id) { totalCount nodes { targetSystem { id } } } }`,
      { id: buffer.id },
    );
    expect(ents.entitlements.totalCount).toBe(buffer.entitlements.length);
    expect(ents.entitlements.nodes.every((e) => e.targetSystem.id === buffer.id)).toBe(true);
  });

  it('user(login) and user(id) agree, and directReports are the people managed', async () => {
    const data = await admin.request<{ a: { id: string; directReports: { totalCount: number; nodes: Array<{ login: string; managerLogin: string | null }> } } }>(
      gql`{ a: user(login: "spencer") { id directReports { totalCount nodes { login managerLogin } } } }`,
    );
    const b = await admin.request<{ user: { login: string } }>(gql`query ($id: ID!) { user(id: $id) { login } }`, { id: data.a.id });
    expect(b.user.login).toBe('spencer');
    expect(data.a.directReports.nodes.map((n) => n.login)).toContain('aaron');
    expect(data.a.directReports.nodes.every((n) => n.managerLogin === 'spencer')).toBe(true);
  });

  it('node(id) fetches any object type', async () => {
    const data = await admin.request<{
      u: { __typename: string; id: string; login?: string };
      r: { __typename: string; displayName?: string };
      t: { __typename: string; displayName?: string };
      e: { __typename: string; displayName?: string };
      none: { id: string };
      junk: { id: string };
    }>(gql`{
      u: node(id: "63aec79393ccdf675cc4ccf4") { __typename id ... on User { login } }
      r: node(id: "63af039793ccdf675cc7aa10") { __typename ... on Role { displayName } }
      t: node(id: "63aee3b793ccdf675cc62d3d") { __typename ... on TargetSystem { displayName } }
      e: node(id: "63aefd2f93ccdf675cc750b7") { __typename ... on Entitlement { displayName } }
      none: node(id: "ffffffffffffffffffffffff") { id }
      junk: node(id: "not-an-id") { id }
    }`);
    expect(data).toEqual({
      u: { __typename: 'User', id: '63aec79393ccdf675cc4ccf4', login: 'aaron' },
      r: { __typename: 'Role', displayName: 'All Employees' },
      t: { __typename: 'TargetSystem', displayName: 'Buffer' },
      e: { __typename: 'Entitlement', displayName: 'Salesforce Marketing User' },
      none: null,
      junk: null,
    });
  });
});

describe('birthright rules', () => {
  it('setting a rule recomputes members in the database', async () => {
    const role = await admin.request<{ roles: { nodes: Array<{ id: string }> } }>(gql`{ roles(displayName: "Marketing Content Specialist") { nodes { id } } }`);
    const id = role.roles.nodes[0].id;
    const set = await admin.request<{ setRoleRule: { rule: string | null; members: { nodes: Array<{ login: string; department: string | null }> } } }>(
      gql`mutation ($id: ID!, $rule: String) { setRoleRule(roleId: $id, rule: $rule) { rule members(first: 100) { nodes { login department } } } }`,
      {
        id,
        rule: '{"$or":[{"department":"Marketing"},{"login":{"$in":["aaron"]}}]}',
      },
    );
    const members = set.setRoleRule.members.nodes;
    expect(members.map((m) => m.login)).toEqual(expect.arrayContaining(['aaron', 'steve']));
    expect(members.every((m) => m.department === 'Marketing' || m.login === 'aaron')).toBe(true);
    // and the reverse edge agrees
    const aaron = await admin.request<{ user: { roles: Array<{ id: string }> } }>(gql`{ user(login: "aaron") { roles { id } } }`);
    expect(aaron.user.roles.map((r) => r.id)).toContain(id);
  });

  it.each([
    ['not json', 'neither JSON nor the seed notation'],
    ['$and:[status:Active', 'neither JSON nor the seed notation'],
    ['$and:[password:x]', 'unknown user attribute "password"'],
    ['{"$where":"1=1"}', 'operator \\$where is not allowed'],
    ['{"password":"x"}', 'unknown user attribute "password"'],
    ['{"status":{"$regex":"A.*"}}', 'operator \\$regex is not allowed'],
    ['{"$and":[{"department":{"$in":"CO"}}]}', 'expected a list'],
    ['[1,2]', 'top level must be an object'],
  ])('rejects the invalid rule %s with BAD_USER_INPUT on field rule, writing nothing', async (rule, message) => {
    const id = '63af039793ccdf675cc7aa10';
    const before = await app.orm.em.fork().count(AuditEvent, {});
    const errors = await errorsOf(admin.request(gql`mutation ($id: ID!, $rule: String) { setRoleRule(roleId: $id, rule: $rule) { id } }`, { id, rule }));
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rule' });
    expect(errors[0].message).toMatch(new RegExp(message));
    const stored = await app.orm.em.fork().findOneOrFail(Role, id);
    expect(stored.rule).toBe('{"$and":[{"status":"Active"},{"department":{"$nin":["CO"]}}]}');
    expect(await app.orm.em.fork().count(AuditEvent, {})).toBe(before);
  });
});
