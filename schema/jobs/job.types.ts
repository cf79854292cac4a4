import { ArgsType, Field } from 'type-graphql';
import { Connection, PageArgs } from '../../src/common/pagination.js';
import { Job, JobStatus } from '../../src/jobs/job.entity.js';

export const JobConnection = Connection(Job, 'Job');

@ArgsType()
export class JobsArgs extends PageArgs {
  @Field(() => JobStatus, { nullable: true, description: 'Only jobs in this status (e.g. FAILED: the parked ones, with their errors).' })
  status?: JobStatus | null;

  @Field(() => String, { nullable: true, description: 'Only jobs of this type, e.g. `task.expire`, `certificationTask.escalate`, `reconciliation.run`.' })
  type?: string | null;
}
