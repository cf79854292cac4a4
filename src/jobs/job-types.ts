import type { JobRunner } from './job-runner.js';

/** Every job type the gateway runs, registered once per app. */
export function registerJobTypes(runner: JobRunner): void {
  void runner;
}
