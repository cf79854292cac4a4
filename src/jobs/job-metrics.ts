import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { JobRunner } from './job-runner.js';

/**
 * The job queue's series: depth and the age of the oldest due job by type, read from the job
 * table at each scrape (so every process reports the shared table, whoever queued the jobs),
 * and the jobs this process parked as Failed.
 */
export function observeJobs(runner: JobRunner, metrics: Metrics, log: Logger): void {
  // Both gauges of one scrape share one read of the table.
  let reading: ReturnType<JobRunner['queueDepths']> | undefined;
  const read = () =>
    (reading ??= runner.queueDepths().finally(() => {
      reading = undefined;
    }));
  let warned = false;
  // A table that cannot be read leaves the series absent (unknown) rather than failing the scrape.
  const depthsOrNothing = async () => {
    try {
      const depths = await read();
      warned = false;
      return depths;
    } catch (error) {
      if (!warned) log.warn('metrics: the job table could not be read', { error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      warned = true;
      return undefined;
    }
  };

  metrics.gauge({
    name: 'job_queue_depth',
    help: 'Jobs in the job table by type and state: due (queued, its time has come), scheduled (queued for later), running',
    labelNames: ['type', 'state'],
    async collect() {
      const depths = await depthsOrNothing();
      this.reset();
      for (const [type, depth] of depths ?? []) {
        this.set({ type, state: 'due' }, depth.due);
        this.set({ type, state: 'scheduled' }, depth.scheduled);
        this.set({ type, state: 'running' }, depth.running);
      }
    },
  });
  metrics.gauge({
    name: 'job_oldest_due_age_seconds',
    help: 'How long the oldest due job of each type has been waiting to run (0 when none is due)',
    labelNames: ['type'],
    async collect() {
      const depths = await depthsOrNothing();
      this.reset();
      const now = runner.clock.now().getTime();
      for (const [type, depth] of depths ?? []) this.set({ type }, depth.oldestDue ? Math.max(0, (now - depth.oldestDue.getTime()) / 1000) : 0);
    },
  });
  const failed = metrics.counter({ name: 'jobs_failed_total', help: 'Jobs parked as Failed after their last attempt, by type', labelNames: ['type'] });
  for (const type of runner.registeredTypes()) failed.inc({ type }, 0);
  runner.onFailed = (type) => failed.inc({ type });
}
