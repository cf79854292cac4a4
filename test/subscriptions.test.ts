import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { createClient, type Client } from 'graphql-ws';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, POSTGRES_URL, type TestApp } from './harness.js';
import { Authority } from '../src/auth/authorities.js';
import { ApiKey } from '../src/auth/api-key.entity.js';
import { parseKey } from '../src/auth/api-key.service.js';
import { Task } from '../src/requests/task.entity.js';
import { recordChange } from '../src/live/change-feed.js';

/** Entitlements of the demo data a person may request (one they hold already is a CONFLICT). */
const ENTITLEMENTS = ['6c000000000000000000000f', '6c0000000000000000000005', '6c000000000000000000000d', '64c8a4ddfdfcc6b382d82267', '6c0000000000000000000012'];
const requested = new Set<string>();

/** A graphql-ws client of `app` with `token` in connection_init; no retries, so a close ends it. */
function wsClient(app: TestApp, token: string | null): Client {
  return createClient({
    url: app.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

interface Received {
  values: Array<Record<string, unknown>>;
  ended: Promise<{ error?: unknown }>;
  /** Resolves with the next value (or the first not yet taken). */
  next(): Promise<Record<string, unknown>>;
  stop(): void;
}

function follow(client: Client, query: string, variables: Record<string, unknown> = {}): Received {
  const values: Array<Record<string, unknown>> = [];
  const waiters: Array<(v: Record<string, unknown>) => void> = [];
  let taken = 0;
  let stop = () => {};
  const ended = new Promise<{ error?: unknown }>((resolve) => {
    stop = client.subscribe(
      { query, variables },
      {
        next: (value) => {
          values.push(value as Record<string, unknown>);
          const waiter = waiters.shift();
          if (waiter) waiter(values[taken++]);
        },
        error: (error) => resolve({ error }),
        complete: () => resolve({}),
      },
    );
  });
  return {
    values,
    ended,
    stop: () => stop(),
    next: () => (taken < values.length ? Promise.resolve(values[taken++]) : new Promise((resolve) => waiters.push(resolve))),
  };
}

type InboxEvent = { data: { taskInbox: { change: string; taskId: string; task: { status: string; outcome: string | null; request: { id: string } } | null } } };

/** Inbox events up to and including the first about `taskId` (the approval may also assign the next stage's task). */
async function until(received: Received, taskId: string): Promise<InboxEvent[]> {
  const events: InboxEvent[] = [];
  for (;;) {
    const event = (await received.next()) as InboxEvent;
    events.push(event);
    if (event.data.taskInbox.taskId === taskId) return events;
  }
}

/** Until `n` subscription operations are listening on the app (subscribing is asynchronous). */
async function listening(app: TestApp, n: number) {
  while (app.subscriptions.operations() < n) await new Promise((resolve) => setTimeout(resolve, 10));
}

const INBOX = `subscription { taskInbox { change taskId task { id status outcome assignee request { id status } } } }`;

/** Michael (then Jerome) asks for an entitlement not asked for yet in this app, whose first stage goes to a person. */
async function submitRequest(admin: GraphQLClient) {
  type Submitted = { submitCart: { requests: Array<{ id: string; tasks: Array<{ id: string; status: string; assignee: string; assigneeType: string }> }> } };
  let data: Submitted;
  for (const [login, entityId] of ['michael', 'jerome'].flatMap((l) => ENTITLEMENTS.map((e) => [l, e]))) {
    if (requested.has(`${login}:${entityId}`)) continue;
    requested.add(`${login}:${entityId}`);
    const cart = { requester: { login }, cartItems: [{ beneficiaries: { login }, entityId, entityType: 'ENTITLEMENT', type: 'CREATE' }] };
    try {
      data = await admin.request<Submitted>(gql`mutation ($input: SubmitCartInput!) { submitCart(input: $input) { requests { id tasks { id status assignee assigneeType } } } }`, {
        input: { justification: 'needed for my work', cart },
      });
    } catch (error) {
      if (!/already has/.test((error as Error).message)) throw error;
      continue;
    }
    const request = data.submitCart.requests[0];
    const task = request.tasks.find((t) => t.status === 'ASSIGNED' && t.assigneeType === 'User');
    if (task) return { requestId: request.id, taskId: task.id, approver: task.assignee };
  }
  throw new Error('no entitlement left to request with a first stage assigned to a person');
}

const APPROVE = gql`mutation ($id: ID!) { performTaskAction(id: $id, action: APPROVE) { id status } }`;

describe('subscriptions over WebSocket (graphql-ws)', () => {
  let app: TestApp;
  let admin: GraphQLClient;
  const clients: Client[] = [];
  const ws = (token: string | null) => {
    const client = wsClient(app, token);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await startTestApp({ config: { live: { channel: 'unused', authCheckMs: 50 } } });
    admin = await app.client('acme');
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await app?.stop();
  });

  it('the approver’s inbox hears the task assigned, and the new state when another client approves it; the requester follows the status', async () => {
    const { requestId, taskId, approver } = await submitRequest(admin);
    const approverToken = await app.token('acme', [Authority.APPROVER], { person: approver });
    const inbox = follow(ws(approverToken), INBOX);
    const status = follow(ws(await app.token('acme', [Authority.REQUESTER], { person: 'michael' })), `subscription ($id: ID!) { requestStatusChanged(id: $id) { id status } }`, {
      id: requestId,
    });
    await listening(app, 2);

    // Another client (the approver's key over HTTP) approves.
    const http = await app.client('acme', [Authority.APPROVER], { person: approver });
    await http.request(APPROVE, { id: taskId });

    const event = (await until(inbox, taskId)).at(-1)!;
    expect(event.data.taskInbox).toMatchObject({ change: 'CHANGED', taskId, task: { status: 'COMPLETED', outcome: 'APPROVE', request: { id: requestId } } });
    const changed = (await status.next()) as { data: { requestStatusChanged: { id: string; status: string } } };
    expect(changed.data.requestStatusChanged.id).toBe(requestId);
    expect(changed.data.requestStatusChanged.status).not.toBe('PENDING');
    inbox.stop();
    status.stop();
  });

  it('a new task assigned to the person arrives as ASSIGNED', async () => {
    // Who approves the first stage is known only once a request exists: find them, then subscribe, then submit again.
    const first = await submitRequest(admin);
    const inbox = follow(ws(await app.token('acme', [Authority.APPROVER], { person: first.approver })), INBOX);
    await listening(app, 1);
    const second = await submitRequest(admin);
    expect(second.approver).toBe(first.approver);
    const event = (await until(inbox, second.taskId)).at(-1)!;
    expect(event.data.taskInbox).toMatchObject({ change: 'ASSIGNED', taskId: second.taskId, task: { status: 'ASSIGNED' } });
    inbox.stop();
  });

  it('a key of another workspace hears nothing of this one; a rolled-back write sends nothing', async () => {
    const { taskId, approver } = await submitRequest(admin);
    // Another workspace with a person of the same login, who has an inbox of their own.
    const otherWs = await app.workspace('globex', null);
    const em = app.orm.em.fork();
    const { User } = await import('../src/governance/user.entity.js');
    em.create(User, { workspace: otherWs, login: approver, displayName: approver, status: 'Active' } as never);
    await em.flush();
    const other = follow(ws(await app.token('globex', [Authority.APPROVER], { person: approver })), INBOX);
    const mine = follow(ws(await app.token('acme', [Authority.APPROVER], { person: approver })), INBOX);
    await listening(app, 2);

    // A write to the approver's task that rolls back.
    await expect(
      app.orm.em.fork().transactional(async (tx) => {
        const task = await tx.findOneOrFail(Task, { id: taskId });
        task.status = 'CANCELLED' as never;
        await tx.flush();
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    // Then a committed change in this workspace (the approval), and a marker in the other one.
    await (await app.client('acme', [Authority.APPROVER], { person: approver })).request(APPROVE, { id: taskId });
    // Then a marker in this workspace: everything published before it has been heard once it arrives.
    const mark = 'e'.repeat(24);
    app.events.publish([
      { kind: 'task', workspaceId: await app.workspace('acme'), id: mark, created: true, assignee: approver, assigneeType: 'User', claimedBy: null, before: null },
    ]);
    const heard = await until(mine, mark);
    // Of the task, the subscriber heard the committed approval only, never the rolled-back cancellation.
    expect(heard.filter((e) => e.data.taskInbox.taskId === taskId).map((e) => e.data.taskInbox.task?.status)).toEqual(['COMPLETED']);

    // A marker for the other workspace's subscriber, published after everything above.
    const marker = 'f'.repeat(24);
    app.events.publish([{ kind: 'task', workspaceId: otherWs, id: marker, created: true, assignee: approver, assigneeType: 'User', claimedBy: null, before: null }]);
    // Events reach every subscriber in publish order: the other workspace's first event is its own marker.
    const seen = (await other.next()) as { data: { taskInbox: { taskId: string } } };
    expect(seen.data.taskInbox.taskId).toBe(marker);
    other.stop();
    mine.stop();
  });

  it('FORBIDDEN edges of an event stay null: an APPROVER reads no SCIM user through the task', async () => {
    const { taskId, approver } = await submitRequest(admin);
    const inbox = follow(
      ws(await app.token('acme', [Authority.APPROVER], { person: approver })),
      `subscription { taskInbox { taskId task { id request { beneficiary { login scimUser { userName } } } } } }`,
    );
    await listening(app, 1);
    await (await app.client('acme', [Authority.APPROVER], { person: approver })).request(APPROVE, { id: taskId });
    const event = (await until(inbox, taskId)).at(-1) as unknown as {
      data: { taskInbox: { task: { request: { beneficiary: { login: string; scimUser: unknown } } } } };
      errors: Array<{ path: string[]; extensions: { code: string } }>;
    };
    expect(event.data.taskInbox.task.request.beneficiary).toEqual({ login: expect.any(String), scimUser: null });
    expect(event.errors.map((e) => [e.path.join('.'), e.extensions.code])).toEqual([['taskInbox.task.request.beneficiary.scimUser', 'FORBIDDEN']]);
    inbox.stop();
  });

  it('a revoked key’s subscriptions end, without waiting for an event', async () => {
    const token = await app.token('acme', [Authority.APPROVER], { person: 'jerome' });
    const inbox = follow(ws(token), INBOX);
    await listening(app, 1);
    await app.orm.em.fork().nativeUpdate(ApiKey, { id: parseKey(token)!.id }, { revokedAt: new Date() });
    const { error } = await inbox.ended;
    expect((error as { code?: number }).code).toBe(4403);
  });

  it('no key, or a wrong one, is refused at connection_init (4403)', async () => {
    for (const token of [null, 'igk_000000000000000000000000_notarealsecretnotarealsecret']) {
      const { error } = await follow(ws(token), INBOX).ended;
      expect((error as { code?: number }).code).toBe(4403);
    }
  });

  it('subscription documents pass the query limits and the read checks before they start', async () => {
    const token = await app.token('acme', [Authority.APPROVER], { person: 'jerome' });
    const deep = `subscription { taskInbox { task { ${'request { tasks { '.repeat(10)}id${' } }'.repeat(10)} } } }`;
    const refused = await follow(ws(token), deep).ended;
    expect(refused.error).toMatchObject([{ extensions: { code: 'DEPTH_LIMIT_EXCEEDED', limit: 20 } }]);

    const unknown = follow(ws(token), `subscription { requestStatusChanged(id: "${'0'.repeat(24)}") { id } }`);
    const answer = (await unknown.next()) as { errors: Array<{ extensions: { code: string; field: string } }> };
    expect(answer.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });

    const noReconciliation = follow(ws(token), `subscription { reconciliationBatchProgress(id: "${'0'.repeat(24)}") { id } }`);
    expect(((await noReconciliation.next()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('FORBIDDEN');

    const query = await follow(ws(token), `query { __typename }`).ended;
    expect(query.error).toMatchObject([{ extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('a subscription sent over HTTP is refused with a pointer to WebSocket', async () => {
    const errors = await errorsOf(admin.request(INBOX));
    expect(errors[0].message).toMatch(/WebSocket/);
  });

  it('a certification campaign’s progress arrives with each decision', async () => {
    const certification = await admin.request<{ createCertification: { id: string } }>(
      gql`mutation ($input: CreateCertificationInput!) { createCertification(input: $input) { id } }`,
      {
        input: CERTIFICATION,
      },
    );
    const run = await admin.request<{ runCertification: { id: string } }>(gql`mutation ($id: ID!) { runCertification(id: $id) { id } }`, {
      id: certification.createCertification.id,
    });
    const campaignId = run.runCertification.id;
    const items = await admin.request<{ reviewItems: { nodes: Array<{ id: string }> } }>(gql`query ($id: ID!) { reviewItems(campaignId: $id, first: 1) { nodes { id } } }`, {
      id: campaignId,
    });
    const progress = follow(
      ws(await app.token('acme', [Authority.READ_ONLY])),
      `subscription ($id: ID!) { certificationCampaignProgress(id: $id) { id progress { decided certified } } }`,
      {
        id: campaignId,
      },
    );
    await listening(app, 1);
    const certifier = await app.client('acme', [Authority.CERTIFIER], { person: 'jerome' });
    await certifier.request(gql`mutation ($itemId: ID!) { decideReviewItem(itemId: $itemId, decision: CERTIFY, comment: "still needed") { id } }`, {
      itemId: items.reviewItems.nodes[0].id,
    });
    const event = (await progress.next()) as { data: { certificationCampaignProgress: { id: string; progress: { decided: number; certified: number } } } };
    expect(event.data.certificationCampaignProgress).toEqual({ id: campaignId, progress: { decided: 1, certified: 1 } });
    progress.stop();
  });

  it('writes the unit of work does not see are published on commit through recordChange, and not on rollback', async () => {
    const heard: string[] = [];
    const stop = app.events.listen((e) => heard.push(`${e.kind}:${e.id}`));
    const workspaceId = await app.workspace('acme');
    const em = app.orm.em.fork();
    const event = { kind: 'reconciliationBatch' as const, workspaceId, id: 'a'.repeat(24) };
    await em.transactional(async (tx) => recordChange(tx, event));
    expect(heard).toEqual([`reconciliationBatch:${'a'.repeat(24)}`]);
    await expect(
      em.transactional(async (tx) => {
        recordChange(tx, { ...event, id: 'b'.repeat(24) });
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    recordChange(em, { ...event, id: 'c'.repeat(24) }); // outside a transaction: at once
    expect(heard).toEqual([`reconciliationBatch:${'a'.repeat(24)}`, `reconciliationBatch:${'c'.repeat(24)}`]);
    stop();
  });
});

/** A certification of one role, certified by jerome (as in test/certifications.test.ts). */
const CERTIFICATION = {
  name: 'live progress',
  description: 'live progress',
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
  certificationDurationType: 'DAYS',
  certificationDuration: 1,
};

describe('subscriptions across two gateway processes sharing Redis', () => {
  const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  let reason: string | null = null;
  const apps: TestApp[] = [];
  const clients: Client[] = [];
  let dir: string | undefined;
  beforeAll(async () => {
    const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
    } catch (error) {
      reason = `Redis at ${REDIS_URL} is unreachable (${(error as Error).message})`;
      console.warn(`skipping the two-process subscription test: ${reason}`);
    } finally {
      probe.disconnect();
    }
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    // The second app first: on PostgreSQL the first one drops the shared scratch database.
    for (const app of apps.reverse()) await app.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a decision taken on one gateway reaches a subscriber connected to the other', async (ctx) => {
    if (reason) return ctx.skip();
    // A channel of this run only: other runs on the same Redis publish elsewhere.
    const live = { redisUrl: REDIS_URL, channel: `identity-graph:live:test-${process.pid}-${Date.now()}`, authCheckMs: 1000 };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ig-live-'));
    const a = await startTestApp({ config: { live, ...(POSTGRES_URL ? {} : { database: 'sqlite', databaseUrl: path.join(dir, 'shared.sqlite') }) } });
    apps.push(a);
    const b = await startTestApp({ config: { live, database: a.config.database, databaseUrl: a.config.databaseUrl } });
    apps.push(b);

    const { taskId, approver } = await submitRequest(await a.client('acme'));
    const client = wsClient(b, await a.token('acme', [Authority.APPROVER], { person: approver }));
    clients.push(client);
    const inbox = follow(client, INBOX);
    await listening(b, 1);
    expect(a.subscriptions.operations()).toBe(0);

    await (await a.client('acme', [Authority.APPROVER], { person: approver })).request(APPROVE, { id: taskId });
    // The task's creation may reach b through Redis after the subscription started: skip that ASSIGNED event.
    let event = (await until(inbox, taskId)).at(-1)!;
    while (event.data.taskInbox.change === 'ASSIGNED') event = (await until(inbox, taskId)).at(-1)!;
    expect(event.data.taskInbox).toMatchObject({ taskId, task: { status: 'COMPLETED', outcome: 'APPROVE' } });
    inbox.stop();
  });
});
