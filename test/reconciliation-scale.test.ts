import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, type TestApp } from './harness.js';
import { ScimFixture } from './fixtures/scim-fixture.js';
import { newId } from '../src/common/ids.js';
import { User } from '../src/governance/user.entity.js';
import { TargetSystem } from '../src/governance/target-system.entity.js';
import { UserAccount } from '../src/governance/user-account.entity.js';
import { ReconciliationEvent } from '../src/reconciliation/reconciliation-event.entity.js';
import { reconciliationObserver, type PageReport } from '../src/reconciliation/batch-runner.js';
import { RECONCILIATION_PAGE_SIZE } from '../src/reconciliation/reconciliation.service.js';
import { SCIM_SCHEMAS, type ScimUser } from '../src/reconciliation/scim-client.js';

/**
 * 10,000 target accounts: 5,000 already linked, 3,000 of known people without an account,
 * 2,000 of nobody; plus 300 gateway accounts the target lacks. The fixture makes each page's
 * users when asked, so the only thing that could hold them all is the gateway.
 */
const TARGET = 10_000;
const PEOPLE = 8_000;
const LINKED = 5_000;
const GONE = 300;
const TOKEN = 'scale-token';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let app: TestApp;
let admin: GraphQLClient;
let fixture: ScimFixture;
let systemId: string;

const scimUser = (i: number): ScimUser => ({
  schemas: [SCIM_SCHEMAS.user],
  id: `scim-${i}`,
  userName: `user${i}`,
  displayName: `Given${i} Family${i}`,
  name: { givenName: `Given${i}`, familyName: `Family${i}` },
  emails: [{ value: `user${i}@big.example`, primary: true }],
  active: true,
});
const form = (i: number) => ({ 'User Login': `user${i}`, Email: `user${i}@big.example`, 'First Name': `Given${i}`, 'Last Name': `Family${i}` });

beforeAll(async () => {
  app = await startTestApp();
  const ws = await app.workspace('big', null);
  admin = await app.client('big');
  fixture = await ScimFixture.start({ token: TOKEN, generated: { count: TARGET, user: scimUser } });

  const em = app.orm.em.fork();
  const system = em.create(TargetSystem, {
    workspace: ws,
    name: 'Big Directory',
    displayName: 'Big Directory',
    form: [
      { name: 'User Login', matchingAttribute: 'login', isReconKey: true },
      { name: 'Email', matchingAttribute: 'email' },
      { name: 'First Name', matchingAttribute: 'firstName' },
      { name: 'Last Name', matchingAttribute: 'lastName' },
    ],
  });
  await em.flush();
  systemId = system.id;
  const userIds: string[] = [];
  for (let from = 0; from < PEOPLE; from += 1000) {
    const rows = [];
    for (let i = from; i < from + 1000; i++) {
      const id = newId();
      userIds.push(id);
      rows.push({
        id,
        workspace: ws,
        login: `user${i}`,
        firstName: `Given${i}`,
        lastName: `Family${i}`,
        displayName: `Given${i} Family${i}`,
        email: `user${i}@big.example`,
        status: 'Active',
        createdOn: new Date(),
      });
    }
    await em.insertMany(User, rows);
  }
  const accounts = [];
  for (let i = 0; i < LINKED; i++) accounts.push({ id: newId(), workspace: ws, user: userIds[i], targetSystem: systemId, login: `user${i}`, status: 'Provisioned', form: form(i) });
  for (let i = 0; i < GONE; i++) accounts.push({ id: newId(), workspace: ws, user: userIds[i], targetSystem: systemId, login: `gone${i}`, status: 'Provisioned', form: null });
  for (let from = 0; from < accounts.length; from += 1000) await em.insertMany(UserAccount, accounts.slice(from, from + 1000));

  await admin.request(gql`mutation ($id: ID!, $input: ConnectorInput!) { configureConnector(targetSystemId: $id, input: $input) { id } }`, {
    id: systemId,
    input: { type: 'SCIM', baseUrl: fixture.baseUrl, token: TOKEN },
  });
}, 120_000);

afterAll(async () => {
  reconciliationObserver.onPage = undefined;
  await fixture?.stop();
  await app?.stop();
});

describe('a target with 10,000 accounts', () => {
  it('reconciles page by page with memory bounded by the page, not the target', async () => {
    const pages: Array<PageReport & { heap: number }> = [];
    reconciliationObserver.onPage = (report) => {
      gc();
      pages.push({ ...report, heap: process.memoryUsage().heapUsed });
    };
    gc();
    const baseline = process.memoryUsage().heapUsed;
    const started = Date.now();

    const data = await admin.request<{
      reconcileTargetSystem: { id: string; status: string; error: string | null; eventCount: number; counts: Array<{ status: string; count: number }> };
    }>(
      gql`
      mutation ($id: ID!) {
        reconcileTargetSystem(id: $id, operation: RECONCILE, entityType: ACCOUNT, condition: "updateOnMismatch") {
          id status error eventCount counts { status count }
        }
      }
    `,
      { id: systemId },
    );
    expect(data.reconcileTargetSystem.status).toBe('INITIATED');
    await app.jobs.runDue();
    const read = await admin.request<{ reconciliationBatch: typeof data.reconcileTargetSystem }>(
      gql`query ($id: ID!) { reconciliationBatch(id: $id) { id status error eventCount counts { status count } } }`,
      { id: data.reconcileTargetSystem.id },
    );
    const batch = read.reconciliationBatch;
    const seconds = (Date.now() - started) / 1000;

    expect(batch).toMatchObject({ status: 'COMPLETED', error: null, eventCount: TARGET + GONE });
    expect(batch.counts).toEqual([
      { status: 'EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE', count: LINKED },
      { status: 'NEW_USER_ACCOUNT_LINKED', count: PEOPLE - LINKED },
      { status: 'ORPHAN_ACCOUNT_FOUND', count: TARGET - PEOPLE },
      { status: 'USER_ACCOUNT_MISSING_IN_TARGET', count: GONE },
    ]);

    // The target was read in pages of RECONCILIATION_PAGE_SIZE, never all at once.
    const lists = fixture.requests.filter((r) => r.method === 'GET');
    expect(lists).toHaveLength(TARGET / RECONCILIATION_PAGE_SIZE);
    expect(lists.every((r) => r.query.count === String(RECONCILIATION_PAGE_SIZE))).toBe(true);

    // 20 target pages and one page of missing accounts; each page's EntityManager held at most
    // what one page loads and creates (accounts, people, new accounts), the last as the first.
    expect(pages.map((p) => p.resources)).toEqual([...Array(TARGET / RECONCILIATION_PAGE_SIZE).fill(RECONCILIATION_PAGE_SIZE), GONE]);
    const managed = pages.map((p) => p.managedEntities);
    expect(Math.max(...managed)).toBeLessThanOrEqual(2 * RECONCILIATION_PAGE_SIZE + 10);
    expect(managed[19]).toBeLessThanOrEqual(managed[0] + 10);

    // Heap after a full collection at each page stays near where it started; holding 10,000
    // accounts and their events would add tens of megabytes.
    const growth = Math.max(...pages.map((p) => p.heap)) - baseline;
    console.log(`10k reconcile: ${seconds.toFixed(1)} s, heap growth at most ${(growth / 2 ** 20).toFixed(1)} MB, managed entities per page at most ${Math.max(...managed)}`);
    expect(growth).toBeLessThan(24 * 2 ** 20);
    const lastPages = pages.slice(-5).map((p) => p.heap);
    expect(Math.max(...lastPages) - Math.min(...pages.slice(0, 5).map((p) => p.heap))).toBeLessThan(12 * 2 ** 20);

    const em = app.orm.em.fork();
    expect(await em.count(ReconciliationEvent, { batch: batch.id })).toBe(TARGET + GONE);
    expect(await em.count(UserAccount, { targetSystem: systemId, status: 'Provisioned' })).toBe(PEOPLE);
    expect(await em.count(UserAccount, { targetSystem: systemId, status: 'Deprovisioned' })).toBe(GONE);
    const orphans = await admin.request<{ reconciliationEvents: { totalCount: number; nodes: Array<{ resourceName: string | null; rowNumber: number }> } }>(
      gql`query ($id: ID!) { reconciliationEvents(batchId: $id, status: ORPHAN_ACCOUNT_FOUND, first: 1) { totalCount nodes { resourceName rowNumber } } }`,
      { id: batch.id },
    );
    expect(orphans.reconciliationEvents).toEqual({ totalCount: TARGET - PEOPLE, nodes: [{ resourceName: `user${PEOPLE}`, rowNumber: PEOPLE + 1 }] });
  }, 120_000);
});
