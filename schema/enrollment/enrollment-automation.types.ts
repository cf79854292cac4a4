import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { Connection, PageArgs } from '../../src/common/pagination.js';
import { EnrollmentAutomation } from '../../src/enrollment/enrollment-automation.entity.js';

// Seam documents these ids as uuids; this product's own objects (people, applications,
// accounts) have 24-hex ids, and those are what the id fields take.

@InputType({ description: 'Sets up a new enrollment automation for a specified user identity with a specified credential manager.' })
export class LaunchEnrollmentAutomationInput {
  @Field(() => ID, {
    description:
      "ID of the user identity for which you want to launch an enrollment automation: a User id, or the person's Seam uuid, `User.userIdentityId` (seed: `user_identity_id`).",
  })
  userIdentityId!: string;

  @Field(() => ID, {
    description:
      'ID of the desired access system that serves as the credential manager for the enrollment automation (a TargetSystem id whose isCredentialManager is true, or its Seam uuid) (seed: `credential_manager_acs_system_id`).',
  })
  credentialManagerAcsSystemId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'ID of the credential pool from which to obtain credentials for the user identity, a uuid (seed: `acs_credential_pool_id`).',
  })
  acsCredentialPoolId?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Indicates whether to create an associated credential manager user. If you set createCredentialManagerUser to true, you cannot specify a credentialManagerAcsUserId (seed: `create_credential_manager_user`).',
  })
  createCredentialManagerUser?: boolean | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "ID of the associated access system user within the credential manager (a UserAccount id of this user on that system). If you specify a credentialManagerAcsUserId, you cannot set createCredentialManagerUser to true. When neither is given, the user's existing account on the credential manager, if any, is used.",
  })
  credentialManagerAcsUserId?: string | null;
}

@ArgsType()
export class EnrollmentAutomationsArgs extends PageArgs {
  @Field(() => ID, { description: 'ID of the user identity whose enrollment automations to list.' })
  userIdentityId!: string;

  @Field(() => Boolean, { nullable: true, description: 'Only running (true) or only stopped (false) automations; all when omitted.' })
  isRunning?: boolean | null;
}

export const EnrollmentAutomationConnection = Connection(EnrollmentAutomation, 'EnrollmentAutomation');
