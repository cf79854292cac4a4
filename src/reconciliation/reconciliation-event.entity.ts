import { Entity, Index, ManyToOne, Property, type Opt } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { ReconciliationBatch } from './reconciliation-batch.entity.js';
import { ReconciliationEventStatus, ReconciliationResourceType } from './reconciliation.enums.js';

/**
 * What one batch found for one resource (IDHub `ReconciliationEvent`). Linked gateway objects
 * are kept as plain ids: an event is history and outlives the account or entitlement it names.
 */
@ObjectType({ implements: Node, description: 'What a reconciliation run found for one resource of the application.' })
@Entity({ tableName: 'reconciliation_event' })
@Index({ properties: ['batch', 'rowNumber'] })
@Index({ properties: ['batch', 'status', 'rowNumber'] })
export class ReconciliationEvent extends WorkspaceEntity {
  @ManyToOne(() => ReconciliationBatch, { deleteRule: 'cascade' })
  batch!: ReconciliationBatch;

  @Column({ type: 'integer', description: 'Position of the event in its batch, from 1 (seed: `rowNumber`).' })
  rowNumber!: number;

  @Field(() => ReconciliationResourceType, { description: 'USER (an account) or ENTITLEMENT: what the event is about (seed: `resourceType`).' })
  @Property({ type: 'string', length: 16 })
  resourceType!: ReconciliationResourceType;

  @Column({ type: 'string', description: 'Seed: `eventType`, `TargetSystemAccount` or `TargetSystemEntitlement`.' })
  eventType!: string;

  @Field(() => ReconciliationEventStatus, { description: 'What reconciliation found or did (seed: `status`).' })
  @Property({ type: 'string', length: 48 })
  status!: ReconciliationEventStatus;

  @Column({ type: 'text', nullable: true, description: 'Id of the resource in the target system (seed: `resourceId`).' })
  resourceId?: string | null;

  @Column({ type: 'text', nullable: true, description: 'Account name (SCIM `userName`) or group name in the target system.' })
  resourceName?: string | null;

  @Column({ type: 'text', nullable: true, description: 'Seed: `resourceDisplayName`.' })
  resourceDisplayName?: string | null;

  @Column({ type: 'string', nullable: true, length: 24, description: 'The person the account belongs to (linked or matched by the recon key).' })
  userId?: string | null;

  @Column({ type: 'string', nullable: true, length: 24, description: 'The gateway account the resource was reconciled with, or created as.' })
  userAccountId?: string | null;

  @Column({ type: 'string', nullable: true, length: 24, description: 'Id of the entitlement the event is about, for entitlement events.' })
  entitlementId?: string | null;

  @Column({
    type: 'boolean',
    description: 'Whether this event changed the gateway (reconcile) or the target (provision): false in dry runs and for findings that are only reported.',
  })
  applied!: boolean;

  @Column({ type: 'json', nullable: true, description: 'Attribute differences found, `{ "<attribute>": { "before": …, "after": … } }`: before is the gateway, after the target.' })
  diff?: unknown;

  @Column({ type: 'json', nullable: true, description: 'The resource as the target system returned it (seed: `resourceFromTargetSystem`).' })
  resourceFromTargetSystem?: unknown;

  @Column({ type: 'text', nullable: true, description: 'Why a resource could not be matched or provisioned.' })
  message?: string | null;

  @Column({ type: 'datetime', description: 'Seed: `createDate`.' })
  createDate: Date & Opt = new Date();

  @Column({ type: 'datetime', nullable: true, description: 'When the event last changed (seed: `lastModified`); events written before the column existed have none.' })
  lastModified?: Date | null;

  @Column({
    type: 'integer',
    nullable: true,
    description: 'How many entitlements the resource carries in the target system (seed: `numberOfEntitlements`); null for entitlement events.',
  })
  numberOfEntitlements?: number | null;

  @Column({
    type: 'json',
    nullable: true,
    description: "The gateway's person as it was before this event changed it (seed: `resourceInIdhubBeforeModification`); null when there was none.",
  })
  resourceInIdhubBeforeModification?: unknown;

  @Column({
    type: 'json',
    nullable: true,
    description: "The gateway's account, with its entitlements, as it was before this event changed it (seed: `userAccountBeforeModification`); null when there was none.",
  })
  userAccountBeforeModification?: unknown;
}
