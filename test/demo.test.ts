import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gql, GraphQLClient } from 'graphql-request';
import { startTestApp, type TestApp } from './harness.js';
import { ensureDemoWorkspace, rotateDevelopmentKey } from '../src/db/demo/seed-demo.js';

// What `npm start` does on a fresh database: the demo workspace, filled from every seed document.
let app: TestApp;
let client: GraphQLClient;
beforeAll(async () => {
  app = await startTestApp();
  const first = await ensureDemoWorkspace(app.orm, app.config);
  expect(first.created).toBe(true);
  const again = await ensureDemoWorkspace(app.orm, app.config);
  expect(again).toMatchObject({ created: false, workspace: { id: first.workspace.id } });
  client = new GraphQLClient(app.url, { headers: { authorization: `Bearer ${await rotateDevelopmentKey(app.orm, first.workspace)}` } });
});
afterAll(async () => {
  await app?.stop();
});

describe('the demo workspace', () => {
  it('holds the seed people plus generated ones, and every domain linked into one graph', async () => {
    const data = await client.request<{
      users: { totalCount: number };
      jerome: {
        displayName: string;
        manager: { login: string };
        scimUser: { userName: string; active: boolean; roles: Array<{ displayName: string }>; user: { login: string } };
        roles: Array<{ displayName: string }>;
      };
      aaron: { identityProfile: { name: string; identityCount: number; authoritativeSource: { name: string | null }; owner: { name: string | null } } };
      steve: { enrollmentAutomations: Array<{ isRunning: boolean; credentialManager: { displayName: string }; credentialManagerAcsUser: { provisionMechanism: string | null } }> };
      identityProfiles: { totalCount: number };
      scimUsers: { totalCount: number };
    }>(gql`
      {
        users(first: 1) { totalCount }
        jerome: user(login: "jerome") {
          displayName manager { login }
          scimUser { userName active roles { displayName } user { login } }
          roles { displayName }
        }
        aaron: user(login: "aaron") { identityProfile { name identityCount authoritativeSource { name } owner { name } } }
        steve: user(login: "steve") { enrollmentAutomations { isRunning credentialManager { displayName } credentialManagerAcsUser { provisionMechanism } } }
        identityProfiles { totalCount }
        scimUsers { totalCount }
      }
    `);
    expect(data.users.totalCount).toBe(14 + 150);
    expect(data.jerome).toMatchObject({
      displayName: 'Jerome Fern',
      manager: { login: 'zachary' },
      scimUser: { userName: 'jerome', active: true, roles: [{ displayName: 'All Employees' }], user: { login: 'jerome' } },
    });
    expect(data.aaron.identityProfile).toMatchObject({ name: 'HR Employees', authoritativeSource: { name: 'ADP' }, owner: { name: 'Zachary Graham' } });
    expect(data.aaron.identityProfile.identityCount).toBeGreaterThan(1);
    expect(data.steve.enrollmentAutomations).toEqual([
      { isRunning: true, credentialManager: { displayName: 'EntraID' }, credentialManagerAcsUser: { provisionMechanism: 'Enrollment' } },
    ]);
    expect(data.identityProfiles.totalCount).toBe(1);
    expect(data.scimUsers.totalCount).toBe(2);
  });

  it('the development key is the personal key of the demo person (zachary): a cart without a requester is his', async () => {
    const data = await client.request<{ submitCart: { requests: Array<{ requesterLogin: string; beneficiaryLogin: string; status: string }> } }>(gql`
      mutation {
        submitCart(input: { cart: { cartItems: [{ beneficiaries: { login: "michael" }, entityId: "6c0000000000000000000005", entityType: ENTITLEMENT }] } }) {
          requests { requesterLogin beneficiaryLogin status }
        }
      }
    `);
    expect(data.submitCart.requests).toEqual([{ requesterLogin: 'zachary', beneficiaryLogin: 'michael', status: 'Waiting for Manager Approval' }]);
  });

  it('rotating the development key revokes the previous one', async () => {
    const { Workspace } = await import('../src/auth/workspace.entity.js');
    const ws = await app.orm.em.fork().findOneOrFail(Workspace, { name: 'demo' });
    const fresh = new GraphQLClient(app.url, { headers: { authorization: `Bearer ${await rotateDevelopmentKey(app.orm, ws)}` } });
    expect((await fresh.request<{ users: { totalCount: number } }>('{ users(first: 1) { totalCount } }')).users.totalCount).toBe(164);
    app.authenticator.forget();
    await expect(client.request('{ users(first: 1) { totalCount } }')).rejects.toThrow(/revoked|Unknown/);
  });
});
