import { Entity, Index, ManyToOne, type Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { User } from '../governance/user.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { UserAccount } from '../governance/user-account.entity.js';

/**
 * A Seam enrollment automation (seeds 000, 001): a user identity (our User) enrolled with a
 * credential manager (a TargetSystem flagged `isCredentialManager`), optionally through one of
 * the user's accounts on it (the credential manager ACS user). Stopping keeps the row.
 */
@ObjectType({ implements: Node, description: 'An enrollment automation (Seam): sets up a user identity with a credential manager.' })
@Entity({ tableName: 'enrollment_automation' })
@Index({ properties: ['userIdentity', 'createdAt'] })
export class EnrollmentAutomation extends WorkspaceEntity {
  // Eager: the Seam ids of the answer (userIdentityId, credentialManagerAcsSystemId) are the
  // person's and the system's uuids, so every read of an automation needs both rows.
  @ManyToOne(() => User, { deleteRule: 'cascade', eager: true })
  userIdentity!: User;

  @ManyToOne(() => TargetSystem, { index: true, deleteRule: 'cascade', eager: true })
  credentialManager!: TargetSystem;

  @ManyToOne(() => UserAccount, { nullable: true, index: true, deleteRule: 'set null' })
  credentialManagerAcsUser?: UserAccount | null;

  @Column({
    type: 'string',
    length: 36,
    nullable: true,
    description: 'ID of the credential pool from which to obtain credentials for the user identity (seed: `acs_credential_pool_id`).',
  })
  acsCredentialPoolId?: string | null;

  @Column({
    type: 'string',
    length: 36,
    description: 'ID of the ACS credential provisioning automation, a uuid generated at launch (seed: `acs_credential_provisioning_automation_id`).',
  })
  acsCredentialProvisioningAutomationId!: string;

  @Column({ type: 'boolean', description: 'Boolean value to indicate whether the enrollment automation is running (seed: `is_running`).' })
  isRunning: boolean & Opt = true;

  @Column({ type: 'datetime', description: 'Date and time at which the enrollment automation was created (seed: `created_at`).' })
  createdAt: Date & Opt = new Date();

  @Column({ type: 'datetime', nullable: true, description: 'Date and time at which the enrollment automation was stopped (deleted); null while it runs.' })
  stoppedAt?: Date | null;

  @Field(() => ID, {
    description:
      "ID of the enrollment automation, a uuid as in Seam's documents (which give the same uuid as `acsCredentialProvisioningAutomationId`); `id` is its 24-hex id. Either one finds it in `enrollmentAutomation` and `deleteEnrollmentAutomation` (seed: `enrollment_automation_id`).",
  })
  get enrollmentAutomationId(): string & Opt {
    return this.acsCredentialProvisioningAutomationId;
  }

  @Field(() => ID, {
    description:
      "ID of the associated user identity: the person's Seam uuid (`User.userIdentityId`) when they carry one, else their 24-hex id (a User of the catalog) (seed: `user_identity_id`).",
  })
  get userIdentityId(): string & Opt {
    return this.userIdentity.userIdentityId ?? this.userIdentity.id;
  }

  @Field(() => ID, {
    description:
      "ID of the associated ACS system that serves as the credential manager: the application's Seam uuid (`TargetSystem.acsSystemId`) when it carries one, else its 24-hex id (seed: `credential_manager_acs_system_id`).",
  })
  get credentialManagerAcsSystemId(): string & Opt {
    return this.credentialManager.acsSystemId ?? this.credentialManager.id;
  }

  @Field(() => ID, { nullable: true, description: 'ID of the associated ACS user within the credential manager (a UserAccount on it)' })
  get credentialManagerAcsUserId(): (string & Opt) | null {
    return this.credentialManagerAcsUser?.id ?? null;
  }

  @Field(() => Boolean, {
    description: "Seam's response flag (seed 001: `ok`): true on every automation an answer carries, since a call that fails returns a coded error instead.",
  })
  get ok(): boolean & Opt {
    return true;
  }

  @Field(() => ID, { description: 'ID of the workspace that contains the enrollment automation (seed: `workspace_id`).' })
  get workspaceId(): string & Opt {
    return this.workspace.id;
  }
}
