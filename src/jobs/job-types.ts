import type { EntityManager } from '@mikro-orm/core';
import type { JobRunner } from './job-runner.js';
import { Job } from './job.entity.js';
import { Task } from '../requests/task.entity.js';
import { TASK_EXPIRE, taskExpiryJob } from '../requests/task-expiry.js';
import { expireTask } from '../requests/task.service.js';
import { TaskStatus } from '../requests/workflow.js';
import { ACCESS_END, ACCESS_START } from '../requests/access-period.js';
import { endAccess, startAccess } from '../requests/access-period.jobs.js';
import { RECONCILIATION_RUN, RECONCILIATION_SCHEDULE, runBatchJob, failBatch, scheduledReconciliation } from '../reconciliation/reconciliation.service.js';
import { ReconciliationBatch } from '../reconciliation/reconciliation-batch.entity.js';
import { ReconciliationBatchStatus } from '../reconciliation/reconciliation.enums.js';
import { Authority } from '../auth/authorities.js';
import { CERTIFICATION_REPEAT, CERTIFICATION_TASK_ESCALATE, escalateTaskJob } from '../certifications/campaign.service.js';
import { Certification } from '../certifications/certification.entity.js';
import { CertificationStatus } from '../certifications/certification.enums.js';
import { after, periodOf } from '../common/repeat.js';
import { Context } from '../context.js';
import { DomainError } from '../errors.js';
import { audit } from '../audit/audit.service.js';
import type { JobContext } from './job-runner.js';

/** Every job type the gateway runs, registered once per app. */
export function registerJobTypes(runner: JobRunner): void {
  runner.register(TASK_EXPIRE, expireTask);
  runner.register(CERTIFICATION_TASK_ESCALATE, escalateTaskJob);
  runner.register(ACCESS_START, startAccess);
  runner.register(ACCESS_END, endAccess);
  runner.register(RECONCILIATION_RUN, runBatchJob, { maxAttempts: 3 });
  runner.register(RECONCILIATION_SCHEDULE, scheduledReconciliation);
  runner.register(CERTIFICATION_REPEAT, repeatCertification);
  runner.atStart(queueMissingExpiries);
  runner.atStart(failOrphanBatches);
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

/**
 * A batch Initiated or Running with no job to run it (left by a version that ran batches inside
 * the request, or whose job was parked as failed) would block its application for good: it is
 * failed at start. Batches whose job is still queued or running are left to it.
 */
async function failOrphanBatches(em: EntityManager, runner: JobRunner): Promise<void> {
  const open = await em.find(ReconciliationBatch, { status: { $in: [ReconciliationBatchStatus.INITIATED, ReconciliationBatchStatus.RUNNING] } }, { fields: ['id', 'workspace'] });
  for (const batch of open) {
    if ((await em.count(Job, { singletonKey: `${RECONCILIATION_RUN}:${batch.id}` })) > 0) continue;
    const viewer = { apiKeyId: 'gateway', apiKeyName: 'gateway start', workspaceId: batch.workspace.id, authorities: [Authority.ORG_ADMIN], person: null };
    await failBatch(em, { viewer, requestId: 'start', clock: runner.clock }, batch.id, 'The run was interrupted and has no job to finish it; run it again');
  }
}

/**
 * The `certification.repeat` job: runs a new campaign of an Active certification and comes
 * back after its period (a run refused, e.g. nothing to review, is audited and skipped). A
 * certification no longer Active, or set not to repeat, ends it.
 */
async function repeatCertification({ payload, em, scope, clock, job, reschedule }: JobContext<{ certificationId: string }>): Promise<void> {
  const certification = await em.findOne(Certification, { id: payload.certificationId });
  const period = certification ? periodOf(certification.repeat) : null;
  if (!certification || certification.status !== CertificationStatus.ACTIVE || !period) return;
  const ctx = new Context(scope.requestId, scope.viewer, em.fork(), scope.config, scope.signal, clock, scope.jobs);
  try {
    await ctx.campaigns.runCertification(certification.id);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await em.fork().transactional(async (tx) => {
      audit(tx, scope.viewer, { action: 'certification.repeat.skip', entityType: 'Certification', entityId: certification.id, after: { reason: error.message } }, scope.requestId);
    });
  }
  let next = after(job.runAt, period);
  if (next <= clock.now()) next = after(clock.now(), period);
  reschedule(next);
}
