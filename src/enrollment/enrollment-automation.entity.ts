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
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  userIdentity!: User;

  @ManyToOne(() => TargetSystem, { index: true, deleteRule: 'cascade' })
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

  @Field(() => ID, { description: 'ID of the enrollment automation, the same as `id`: 24 hex characters, like every id of this product (seed: `enrollment_automation_id`).' })
  get enrollmentAutomationId(): string & Opt {
    return this.id;
  }

  @Field(() => ID, { description: 'ID of the associated user identity, a User of the catalog (seed: `user_identity_id`).' })
  get userIdentityId(): string & Opt {
    return this.userIdentity.id;
  }

  @Field(() => ID, { description: 'ID of the associated ACS system that serves as the credential manager, a TargetSystem (seed: `credential_manager_acs_system_id`).' })
  get credentialManagerAcsSystemId(): string & Opt {
    return this.credentialManager.id;
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
