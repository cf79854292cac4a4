import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { Authority } from '../src/auth/authorities.js';
import { TestClock } from '../src/common/clock.js';
import { Job, JobStatus } from '../src/jobs/job.entity.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';

describe('job runner', () => {
  let app: TestApp;
  let ws: string;
  const clock = new TestClock('2026-03-02T08:00:00.000Z');
  const seen: string[] = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    app = await startTestApp({ clock });
    ws = await app.workspace('jobs', null);
    app.jobs.register<{ name: string }>('test.record', async ({ payload }) => {
      seen.push(payload.name);
    });
    app.jobs.register<{ name: string }>(
      'test.flaky',
      async ({ payload }) => {
        if (failuresLeft-- > 0) throw new Error(`target down for ${payload.name}`);
        seen.push(payload.name);
      },
      { maxAttempts: 3, backoffMs: 60_000 },
    );
  });
  afterAll(() => app?.stop());

  it('runs a job at its time by the clock, not before', async () => {
    await app.jobs.enqueue({ type: 'test.record', workspaceId: ws, payload: { name: 'later' }, runAt: new Date(clock.now().getTime() + 3_600_000) });
    expect(await app.jobs.runDue()).toBe(0);
    clock.advance({ minutes: 59 });
    expect(await app.jobs.runDue()).toBe(0);
    clock.advance({ minutes: 1 });
    expect(await app.jobs.runDue()).toBe(1);
    expect(seen).toContain('later');
    const job = await app.orm.em.fork().findOneOrFail(Job, { type: 'test.record' });
    expect(job.status).toBe(JobStatus.COMPLETED);
    expect(job.finishedAt?.toISOString()).toBe(clock.now().toISOString());
    const events = await app.orm.em.fork().find(AuditEvent, { entityId: job.id });
    expect(events.map((e) => e.action)).toEqual(['job.complete']);
  });

  it('queues a singleton once while it is pending', async () => {
    const first = await app.jobs.enqueue({ type: 'test.record', workspaceId: ws, payload: { name: 'once' }, singletonKey: 'once' });
    const second = await app.jobs.enqueue({ type: 'test.record', workspaceId: ws, payload: { name: 'once' }, singletonKey: 'once' });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    await app.jobs.runDue();
    expect(seen.filter((n) => n === 'once')).toHaveLength(1);
    // Once it ran, the key is free for the next one (e.g. the next period of a schedule).
    expect(await app.jobs.enqueue({ type: 'test.record', workspaceId: ws, payload: { name: 'once' }, singletonKey: 'once' })).not.toBeNull();
    await app.jobs.runDue();
  });

  it('retries a failing job with backoff, then parks it as failed with its error', async () => {
    failuresLeft = 5;
    const queued = await app.jobs.enqueue({ type: 'test.flaky', workspaceId: ws, payload: { name: 'flaky' } });
    expect(await app.jobs.runDue()).toBe(1);
    let job = await app.orm.em.fork().findOneOrFail(Job, { id: queued?.id });
    expect(job).toMatchObject({ status: JobStatus.QUEUED, attempts: 1, lastError: 'target down for flaky' });
    expect(job.runAt.getTime() - clock.now().getTime()).toBe(60_000);
    expect(await app.jobs.runDue()).toBe(0);
    clock.advance(60_000);
    expect(await app.jobs.runDue()).toBe(1);
    job = await app.orm.em.fork().findOneOrFail(Job, { id: queued?.id });
    expect(job.runAt.getTime() - clock.now().getTime()).toBe(120_000);
    clock.advance(120_000);
    expect(await app.jobs.runDue()).toBe(1);
    job = await app.orm.em.fork().findOneOrFail(Job, { id: queued?.id });
    expect(job).toMatchObject({ status: JobStatus.FAILED, attempts: 3, lastError: 'target down for flaky' });
    expect(seen).not.toContain('flaky');
    const events = await app.orm.em.fork().find(AuditEvent, { entityId: job.id });
    expect(events.map((e) => e.action)).toEqual(['job.fail']);
  });

  it('a job enqueued inside a transaction that rolls back never runs', async () => {
    await app.orm.em
      .fork()
      .transactional(async (em) => {
        await app.jobs.enqueue({ type: 'test.record', workspaceId: ws, payload: { name: 'rolled back' } }, em);
        throw new Error('abort');
      })
      .catch(() => {});
    await app.jobs.runDue();
    expect(seen).not.toContain('rolled back');
  });
});

describe('jobs in the graph', () => {
  let app: TestApp;
  const clock = new TestClock('2026-03-02T08:00:00.000Z');
  beforeAll(async () => {
    app = await startTestApp({ clock });
    const ws = await app.workspace('jobs-read', null);
    const other = await app.workspace('jobs-other', null);
    app.jobs.register(
      'test.broken',
      async () => {
        throw new Error('the target refused');
      },
      { maxAttempts: 1 },
    );
    app.jobs.register('test.fine', async () => {});
    await app.jobs.enqueue({ type: 'test.broken', workspaceId: ws, payload: { n: 1 } });
    await app.jobs.enqueue({ type: 'test.fine', workspaceId: ws, payload: { n: 2 } });
    await app.jobs.enqueue({ type: 'test.fine', workspaceId: ws, payload: { n: 3 }, runAt: new Date('2026-04-01T00:00:00.000Z') });
    await app.jobs.enqueue({ type: 'test.fine', workspaceId: other, payload: { n: 4 } });
    await app.jobs.runDue();
  });
  afterAll(() => app?.stop());

  const JOBS = gql`
    query ($status: JobStatus, $type: String) {
      jobs(status: $status, type: $type, first: 10) { totalCount nodes { type status payload attempts maxAttempts lastError runAt finishedAt } }
    }
  `;
  type JobsData = { jobs: { totalCount: number; nodes: Array<{ type: string; status: string; payload: { n: number }; attempts: number; lastError: string | null }> } };

  it('lists the workspace’s jobs by status and type, with the error of a parked one', async () => {
    const reader = await app.client('jobs-read', [Authority.READ_ONLY]);
    const failed = await reader.request<JobsData>(JOBS, { status: 'FAILED' });
    expect(failed.jobs.nodes).toEqual([expect.objectContaining({ type: 'test.broken', status: 'FAILED', attempts: 1, lastError: 'the target refused' })]);
    const fine = await reader.request<JobsData>(JOBS, { type: 'test.fine' });
    expect(fine.jobs.nodes.map((j) => `${j.payload.n}:${j.status}`)).toEqual(['3:QUEUED', '2:COMPLETED']);
    const all = await reader.request<JobsData>(JOBS, {});
    expect(all.jobs.totalCount).toBe(3);
  });

  it('needs jobs:read (READ_ONLY, CATALOG_ADMIN, ORG_ADMIN): a requester is FORBIDDEN', async () => {
    const requester = await app.client('jobs-read', [Authority.REQUESTER]);
    const [error] = await errorsOf(requester.request(JOBS, {}));
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', action: 'jobs:read' });
  });

  it('has a cost known before it runs', async () => {
    const res = await app.fetch('/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${await app.token('jobs-read')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ jobs(first: 7) { nodes { id type } } }' }),
    });
    const body = (await res.json()) as { extensions?: { cost?: { requested?: number } } };
    // The connection's `first` is priced in: 7 jobs at most, plus the connection itself.
    expect(body.extensions?.cost?.requested).toBeGreaterThanOrEqual(7);
  });
});
