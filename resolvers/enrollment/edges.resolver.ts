import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../src/context.js';
import type { Row } from '../../src/common/rows.js';
import { User } from '../../src/governance/user.entity.js';
import { TargetSystem } from '../../src/governance/target-system.entity.js';
import { UserAccount } from '../../src/governance/user-account.entity.js';
import { EnrollmentAutomation } from '../../src/enrollment/enrollment-automation.entity.js';

@Resolver(() => EnrollmentAutomation)
export class EnrollmentAutomationEdges {
  @FieldResolver(() => User, { nullable: true, description: 'The user identity (person) the automation enrolls.' })
  userIdentity(@Root() a: Row<EnrollmentAutomation>, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(a.userIdentity.id);
  }

  @FieldResolver(() => TargetSystem, { nullable: true, description: 'The ACS system (application) that serves as the credential manager.' })
  credentialManager(@Root() a: Row<EnrollmentAutomation>, @Ctx() ctx: Context) {
    return ctx.loaders.targetSystem.load(a.credentialManager.id);
  }

  @FieldResolver(() => UserAccount, { nullable: true, description: "The associated ACS user within the credential manager: the person's account on it." })
  credentialManagerAcsUser(@Root() a: Row<EnrollmentAutomation>, @Ctx() ctx: Context) {
    return a.credentialManagerAcsUser ? ctx.loaders.account.load(a.credentialManagerAcsUser.id) : null;
  }
}

@Resolver(() => User)
export class UserEnrollmentEdges {
  @FieldResolver(() => [EnrollmentAutomation], { description: 'Enrollment automations of this person (as a Seam user identity), running or stopped, oldest first.' })
  enrollmentAutomations(@Root() user: Row<User>, @Ctx() ctx: Context) {
    return ctx.enrollmentLoaders.automationsOfUser.load(user.id);
  }
}
