import { Entity, Index, ManyToOne, Unique, type Opt } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { User } from './user.entity.js';
import { TargetSystem } from './target-system.entity.js';
import { Entitlement } from './entitlement.entity.js';

/** A user's account on one target system (IDHub `UserAccount`). */
@ObjectType({ implements: Node, description: "A person's account on one application, with its entitlement assignments." })
@Entity({ tableName: 'user_account' })
@Index({ properties: ['user'] })
@Index({ properties: ['targetSystem', 'login'] })
@Unique({ properties: ['workspace', 'acsUserId'] })
export class UserAccount extends WorkspaceEntity {
  @ManyToOne(() => User, { deleteRule: 'cascade' }) user!: User;
  @ManyToOne(() => TargetSystem, { deleteRule: 'cascade' }) targetSystem!: TargetSystem;
  @Column({ type: 'string', description: 'Account name on the application.' }) login!: string;
  @Column({ type: 'string', description: 'e.g. `Provisioned`, `Deprovisioned`, `Pending`.' }) status: string & Opt = 'Provisioned';
  @Column({ type: 'string', nullable: true, description: 'How the account came to be: `Role`, `Request`, `Reconciliation`, …' }) provisionMechanism?: string | null;
  @Column({ type: 'datetime', nullable: true, description: 'When the account was provisioned; null until it is.' }) provisionedDate?: Date | null;
  @Column({ type: 'json', nullable: true, description: 'Account form values (e.g. `{"Email": …, "First Name": …}`).' }) form?: unknown;
  @Column({ type: 'string', nullable: true, description: "URL of the application's logo (seed: `logoURL`)." }) logoURL?: string | null;
  @Column({
    type: 'string',
    nullable: true,
    length: 36,
    description: 'The account as a Seam ACS user (seed 000/001: `credential_manager_acs_user_id`, a uuid); launchEnrollmentAutomation takes it beside `id`.',
  })
  acsUserId?: string | null;
  @Column({ type: 'boolean', description: 'Whether reconciliation keeps the account in step with its target system (seed: `sync`).' }) sync: boolean & Opt = false;
  @Column({ type: 'datetime', nullable: true, description: 'When reconciliation last read the account from its target system (seed: `lastSyncedOn`).' }) lastSyncedOn?: Date | null;
  @Column({ type: 'datetime', nullable: true, description: 'When the account last changed (seed: `updatedOn`).' }) updatedOn?: Date | null;
  @Column({
    type: 'datetime',
    nullable: true,
    description: 'End of a time-bound grant of the application: the account is revoked then (by a revoke request, with no request arriving).',
  })
  expiresAt?: Date | null;
}

/** One entitlement held through one account. */
@ObjectType({ description: 'An entitlement held through an account, with how and when it was provisioned.' })
@Entity({ tableName: 'entitlement_assignment' })
@Unique({ properties: ['account', 'entitlement'] })
@Index({ properties: ['entitlement'] })
export class EntitlementAssignment extends WorkspaceEntity {
  @ManyToOne(() => UserAccount, { deleteRule: 'cascade' }) account!: UserAccount;
  @ManyToOne(() => Entitlement, { deleteRule: 'cascade' }) entitlement!: Entitlement;
  @Column({ type: 'string', description: 'e.g. `Provisioned`, `Pending`, `Revoked`.' }) status: string & Opt = 'Provisioned';
  @Column({ type: 'string', nullable: true, description: '`Role`, `Request`, `Reconciliation`, …' }) provisionMechanism?: string | null;
  @Column({ type: 'datetime', nullable: true, description: 'When the entitlement was provisioned to the person; null until fulfilled.' }) provisionedDate?: Date | null;
  @Column({ type: 'json', nullable: true, description: 'Values of the entitlement\'s form for this holder (seed: `formValues`, e.g. `{"role":"Member"}`).' }) formValues?: unknown;
  @Column({
    type: 'datetime',
    nullable: true,
    description:
      "End of a time-bound grant (a cart item's `endDate` or its form's `accessRevokeDate`, of this entitlement or of the role that brings it): revoked then by a revoke request.",
  })
  expiresAt?: Date | null;
}
