import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, type TestApp } from './harness.js';
import { buildAccounts, buildEnrollmentAutomations, buildEntitlements, buildIdentityProfile, buildRole, buildTargetSystem, buildUsers } from './factories.js';

const ZACHARY = '63aec79893ccdf675cc4d124';

/** A person's whole access graph across the four domains, in one round trip. */
const ACCESS_GRAPH = gql`
  query ($department: String) {
    users(department: $department, first: 100) {
      nodes {
        login
        roles { displayName entitlements { displayName targetSystem { displayName } } }
        entitlements { displayName }
        accounts { login targetSystem { displayName isCredentialManager } entitlements { entitlement { displayName } } }
        identityProfile {
          name priority identityCount
          owner { name user { login } }
          authoritativeSource { name targetSystem { displayName identityProfiles { name } } }
          identities(first: 3) { totalCount nodes { login } }
        }
        enrollmentAutomations { isRunning credentialManager { displayName } credentialManagerAcsUser { login } userIdentity { login } }
      }
    }
  }
`;
type AccessGraphData = {
  users: {
    nodes: Array<{
      login: string;
      roles: Array<{ displayName: string; entitlements: Array<{ displayName: string; targetSystem: { displayName: string } }> }>;
      entitlements: Array<{ displayName: string }>;
      accounts: Array<{ login: string; targetSystem: { displayName: string; isCredentialManager: boolean }; entitlements: Array<{ entitlement: { displayName: string } }> }>;
      identityProfile: {
        name: string;
        priority: number;
        identityCount: number;
        owner: { name: string | null; user: { login: string } };
        authoritativeSource: { name: string | null; targetSystem: { displayName: string; identityProfiles: Array<{ name: string }> } };
        identities: { totalCount: number; nodes: Array<{ login: string }> };
      };
      enrollmentAutomations: Array<{
        isRunning: boolean;
        credentialManager: { displayName: string };
        credentialManagerAcsUser: { login: string };
        userIdentity: { login: string };
      }>;
    }>;
  };
};

let app: TestApp;
let admin: GraphQLClient;

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.client('acme');
  const ws = await app.workspace('acme');
  const em = app.orm.em.fork();
  const vault = await buildTargetSystem(em, ws, { displayName: 'Vault', isCredentialManager: true });
  const entitlements = await buildEntitlements(em, ws, vault, 2);
  await buildIdentityProfile(em, ws, vault, { name: 'Vault people', priority: 1, owner: ZACHARY });
  for (const size of [10, 50]) {
    const people = await buildUsers(em, ws, size, { department: `Batch${size}` });
    const accounts = await buildAccounts(em, ws, people, vault, undefined, entitlements);
    await buildRole(em, ws, { entitlements, members: people });
    await buildEnrollmentAutomations(em, ws, people, vault, (i) => ({ credentialManagerAcsUser: accounts[i] }));
  }
});
afterAll(async () => {
  await app?.stop();
});

async function measure(department: string): Promise<{ statements: number; people: AccessGraphData['users']['nodes'] }> {
  app.statements.reset();
  const data = await admin.request<AccessGraphData>(ACCESS_GRAPH, { department });
  return { statements: app.statements.value(), people: data.users.nodes };
}

describe('one graph: a person reaches roles, entitlements, accounts, identity profile and enrollment automations', () => {
  it('costs the same number of SQL statements for 10 people as for 50', async () => {
    await measure('Batch10'); // the first request of a key also reads the key
    const ten = await measure('Batch10');
    const fifty = await measure('Batch50');

    expect(ten.people).toHaveLength(10);
    expect(fifty.people).toHaveLength(50);
    expect(fifty.statements).toBe(ten.statements);
    expect(ten.statements).toBeLessThanOrEqual(20);

    for (const person of [...ten.people, ...fifty.people]) {
      expect(person.roles).toHaveLength(1);
      expect(person.roles[0].entitlements.map((e) => e.targetSystem.displayName)).toEqual(['Vault', 'Vault']);
      expect(person.entitlements).toHaveLength(2);
      expect(person.accounts).toEqual([expect.objectContaining({ targetSystem: { displayName: 'Vault', isCredentialManager: true } })]);
      expect(person.accounts[0].entitlements).toHaveLength(2);
      expect(person.identityProfile).toMatchObject({
        name: 'Vault people',
        priority: 1,
        identityCount: 60,
        owner: { name: 'Zachary Graham', user: { login: 'zachary' } },
        authoritativeSource: { name: 'Vault', targetSystem: { displayName: 'Vault', identityProfiles: [{ name: 'Vault people' }] } },
        identities: { totalCount: 60 },
      });
      expect(person.identityProfile.identities.nodes).toHaveLength(3);
      expect(person.enrollmentAutomations).toEqual([
        { isRunning: true, credentialManager: { displayName: 'Vault' }, credentialManagerAcsUser: { login: person.accounts[0].login }, userIdentity: { login: person.login } },
      ]);
    }
  });
});
