import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../src/context.js';
import { JobConnection, JobsArgs } from '../../schema/jobs/job.types.js';

@Resolver()
export class JobsResolver {
  @Query(() => JobConnection, {
    description: 'Work the gateway does by itself (task expiry, escalation, schedules, reconciliation runs), newest first: when each is due, its attempts and last error.',
  })
  jobs(@Args() args: JobsArgs, @Ctx() ctx: Context) {
    return ctx.jobs.jobs(args);
  }
}
