import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gql, GraphQLClient, ClientError } from 'graphql-request';
import { startTestApp, POSTGRES_URL, type TestApp } from './harness.js';
import { createApp, type App } from '../src/app.js';
import { silentLogger } from '../src/logger.js';
import { Authority } from '../src/auth/authorities.js';
import { AccessRequest } from '../src/requests/access-request.entity.js';

// Two gateway instances on one database (PostgreSQL with TEST_DATABASE_URL, else a SQLite file
// both open): many submits of the same grant at once leave exactly one open request, and every
// other submit is a CONFLICT. The database's one-open-request index decides, not the check each
// instance makes before writing.
const SALESFORCE_SALES_USER = '6c0000000000000000000005'; // Manager Grant: the request stays open
// The figure on PostgreSQL (160 submits over two processes); fewer on a SQLite file, whose writers queue.
const SUBMITS = POSTGRES_URL ? 160 : 40;

let first: TestApp;
let second: App;
let dir: string | undefined;
beforeAll(async () => {
  dir = POSTGRES_URL ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'ig-concurrency-'));
  first = await startTestApp({ config: dir ? { databaseUrl: path.join(dir, 'shared.sqlite') } : {} });
  second = await createApp(first.config, { port: 0, log: process.env.TEST_LOG ? (await import('../src/logger.js')).logger : silentLogger });
});
afterAll(async () => {
  await second?.stop();
  await first?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const SUBMIT = gql`
  mutation ($input: SubmitCartInput!) { submitCart(input: $input) { requests { id status } } }
`;

describe('one open request per beneficiary and entity, under concurrency', () => {
  it(`${SUBMITS} concurrent submitCart calls over two instances: exactly one succeeds, the others are CONFLICT`, async () => {
    await first.workspace('acme');
    const token = await first.token('acme', [Authority.REQUESTER], { person: 'aaron' });
    const headers = { authorization: `Bearer ${token}` };
    const clients = [new GraphQLClient(first.url, { headers }), new GraphQLClient(second.url, { headers })];
    const input = {
      justification: 'at once',
      cart: { requester: { login: 'aaron' }, cartItems: [{ beneficiaries: { login: 'aaron' }, entityId: SALESFORCE_SALES_USER, entityType: 'ENTITLEMENT' }] },
    };

    const outcomes = await Promise.all(
      Array.from({ length: SUBMITS }, (_, i) =>
        clients[i % 2].request<{ submitCart: { requests: Array<{ id: string; status: string }> } }>(SUBMIT, { input }).then(
          () => 'OK',
          (error: unknown) => (error instanceof ClientError ? String(error.response.errors?.[0]?.extensions?.code) : `unexpected: ${String(error)}`),
        ),
      ),
    );
    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
    expect(counts).toEqual({ OK: 1, CONFLICT: SUBMITS - 1 });

    const open = await first.orm.em.fork().find(AccessRequest, { beneficiaryLogin: 'aaron', entityId: SALESFORCE_SALES_USER });
    expect(open.map((r) => r.resolution)).toEqual(['Initiated']);
  });
});
