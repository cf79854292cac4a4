import type { EntityManager } from '@mikro-orm/core';
import type { JobRunner } from './job-runner.js';
import { Job } from './job.entity.js';
import { Task } from '../requests/task.entity.js';
import { TASK_EXPIRE, taskExpiryJob } from '../requests/task-expiry.js';
import { expireTask } from '../requests/task.service.js';
import { TaskStatus } from '../requests/workflow.js';
import { ACCESS_END, ACCESS_START } from '../requests/access-period.js';
import { endAccess, startAccess } from '../requests/access-period.jobs.js';
import { CERTIFICATION_TASK_ESCALATE, escalateTaskJob } from '../certifications/campaign.service.js';

/** Every job type the gateway runs, registered once per app. */
export function registerJobTypes(runner: JobRunner): void {
  runner.register(TASK_EXPIRE, expireTask);
  runner.register(CERTIFICATION_TASK_ESCALATE, escalateTaskJob);
  runner.register(ACCESS_START, startAccess);
  runner.register(ACCESS_END, endAccess);
  runner.atStart(queueMissingExpiries);
}

/**
 * Open tasks written without an expiry job (the demo seed, data from before jobs existed) get
 * one at start; the singleton key makes this a no-op for tasks that have theirs.
 */
async function queueMissingExpiries(em: EntityManager, runner: JobRunner): Promise<void> {
  const open = await em.find(Task, { status: { $in: [TaskStatus.ASSIGNED, TaskStatus.CLAIMED] } }, { fields: ['id', 'expiryDate', 'workspace'] });
  if (open.length === 0) return;
  const keys = open.map((t) => taskExpiryJob(t).singletonKey);
  const held = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await em.find(Job, { singletonKey: { $in: keys.slice(i, i + 500) } }, { fields: ['singletonKey'] });
    for (const row of rows) if (row.singletonKey) held.add(row.singletonKey);
  }
  const missing = open.filter((t) => !held.has(taskExpiryJob(t).singletonKey));
  if (missing.length === 0) return;
  await em.transactional(async (tx) => {
    for (const task of missing) await runner.enqueue(taskExpiryJob(task), tx);
  });
}
