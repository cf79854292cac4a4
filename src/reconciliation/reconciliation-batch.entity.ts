import { Entity, Index, ManyToOne, Property, type Opt } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { ReconciliationBatchStatus, ReconciliationEntityType, ReconciliationOperation } from './reconciliation.enums.js';

/** How many events of each status a batch produced (kept on the batch, updated per page). */
export type StatusCounts = Partial<Record<string, number>>;

/** One run of reconciliation or provisioning against a target system (IDHub `ReconciliationBatch`). */
@ObjectType({ implements: Node, description: 'One reconciliation or provisioning run against an application, with its events.' })
@Entity({ tableName: 'reconciliation_batch' })
@Index({ properties: ['workspace', 'targetSystem', 'startDate'] })
export class ReconciliationBatch extends WorkspaceEntity {
  @ManyToOne(() => TargetSystem, { deleteRule: 'cascade' })
  targetSystem!: TargetSystem;

  @Column({ type: 'string', description: 'Name of the application at the time of the run (seed: `targetSystemName`).' })
  targetSystemName!: string;

  @Column({ type: 'string', description: 'The workspace the run belongs to (seed: `tenantName`).' })
  tenantName!: string;

  @Field(() => ReconciliationOperation, { description: 'RECONCILE or PROVISION (seed: `operation`).' })
  @Property({ type: 'string', length: 16 })
  operation!: ReconciliationOperation;

  @Field(() => ReconciliationEntityType, { description: 'ACCOUNT or ENTITLEMENT: what the run reconciles (seed: `entityType`).' })
  @Property({ type: 'string', length: 16 })
  entityType!: ReconciliationEntityType;

  @Column({ type: 'string', description: 'Seed: `resourceType`, `account` or `entitlement`.' })
  resourceType!: string;

  @Column({
    type: 'string',
    nullable: true,
    description: 'This will update IDHub if any mismatch is found: `updateOnMismatch` applies mismatches to the gateway; any other value (or none) only reports them.',
  })
  condition?: string | null;

  @Column({ type: 'boolean', description: 'A dry run computes the events but changes neither the gateway nor the target.' })
  dryRun: boolean & Opt = false;

  @Field(() => ReconciliationBatchStatus, { description: 'INITIATED, RUNNING, COMPLETED or FAILED.' })
  @Property({ type: 'string', length: 16 })
  status: ReconciliationBatchStatus & Opt = ReconciliationBatchStatus.INITIATED;

  @Field(() => GraphQLDateTimeISO, { description: 'When the run was started (seed: `startDate`).' })
  @Property({ type: 'datetime' })
  startDate: Date & Opt = new Date();

  @Column({ type: 'datetime', nullable: true, description: 'When the run completed or failed.' })
  endDate?: Date | null;

  @Column({ type: 'text', nullable: true, description: 'Why the run failed (e.g. the SCIM error the target answered).' })
  error?: string | null;

  @Column({ type: 'integer', description: 'How many events the run has written so far.' })
  eventCount: number & Opt = 0;

  /** Per-status event counts; shown through the `counts` field. */
  @Property({ type: 'json' })
  counts: StatusCounts & Opt = {};
}
