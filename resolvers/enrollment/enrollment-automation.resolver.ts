import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../src/context.js';
import { EnrollmentAutomation } from '../../src/enrollment/enrollment-automation.entity.js';
import { EnrollmentAutomationConnection, EnrollmentAutomationsArgs, LaunchEnrollmentAutomationInput } from '../../schema/enrollment/enrollment-automation.types.js';

@Resolver()
export class EnrollmentAutomationResolver {
  @Query(() => EnrollmentAutomation, { nullable: true, description: 'One enrollment automation by id; null when there is none in your workspace.' })
  enrollmentAutomation(
    @Arg('enrollmentAutomationId', () => ID, { description: 'ID of the enrollment automation: its uuid (enrollmentAutomationId) or its 24-hex id' }) id: string,
    @Ctx() ctx: Context,
  ) {
    return ctx.enrollment.enrollmentAutomation(id);
  }

  @Query(() => EnrollmentAutomationConnection, { description: 'The enrollment automations of a user identity, oldest first (stopped ones included unless filtered out).' })
  enrollmentAutomations(@Args() args: EnrollmentAutomationsArgs, @Ctx() ctx: Context) {
    return ctx.enrollment.enrollmentAutomations(args);
  }

  @Mutation(() => EnrollmentAutomation, { description: 'Sets up a new enrollment automation for a specified user identity with a specified credential manager.' })
  launchEnrollmentAutomation(
    @Arg('input', () => LaunchEnrollmentAutomationInput, {
      description: 'The user identity, credential manager and options (seed: `/user_identities/enrollment_automations/launch` body).',
    })
    input: LaunchEnrollmentAutomationInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.enrollment.launch(input);
  }

  @Mutation(() => EnrollmentAutomation, {
    description: 'Deletes an enrollment automation: it stops (isRunning false, stoppedAt set) and is returned; the record stays for the audit trail.',
  })
  deleteEnrollmentAutomation(
    @Arg('enrollmentAutomationId', () => ID, { description: 'ID of the enrollment automation: its uuid (enrollmentAutomationId) or its 24-hex id' }) id: string,
    @Ctx() ctx: Context,
  ) {
    return ctx.enrollment.stop(id);
  }
}
