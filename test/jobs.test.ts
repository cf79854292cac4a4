import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './harness.js';
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
