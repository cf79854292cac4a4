import type { FilterQuery } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import { authorize } from '../auth/viewer.js';
import { badInput } from '../errors.js';
import { paginate } from '../common/keyset.js';
import { pageRequest } from '../common/pagination.js';
import { Job, type JobStatus } from './job.entity.js';

/** Reads of the workspace's jobs. */
export class JobService {
  constructor(private readonly scope: RequestScope) {}

  /** The workspace's jobs, newest first, by status and type; needs `jobs:read`. */
  async jobs(args: { status?: JobStatus | null; type?: string | null; first?: number | null; after?: string | null }) {
    authorize(this.scope.viewer, 'jobs:read');
    if (args.type != null && (args.type.length === 0 || args.type.length > 64)) throw badInput('type', 'type is a job type of 1 to 64 characters, e.g. task.expire');
    const page = pageRequest(args, this.scope.config);
    const where = (): FilterQuery<Job> => {
      const w: Record<string, unknown> = { workspace: this.scope.viewer.workspaceId };
      if (args.status) w.status = args.status;
      if (args.type) w.type = args.type;
      return w as FilterQuery<Job>;
    };
    return paginate(this.scope.em, Job, where, page, 'id', 'desc');
  }
}
