import { Entity, Index, ManyToOne, type Opt } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { TargetSystem } from './target-system.entity.js';

/** A permission on one target system (IDHub `Entitlement`). */
@ObjectType({ implements: Node, description: 'A permission on one application.' })
@Entity({ tableName: 'entitlement' })
@Index({ properties: ['workspace', 'displayName'] })
export class Entitlement extends WorkspaceEntity {
  @ManyToOne(() => TargetSystem, { index: true, deleteRule: 'cascade' })
  targetSystem!: TargetSystem;

  @Column({ type: 'string' }) name!: string;
  @Column({ type: 'string' }) displayName!: string;
  @Column({ type: 'text', nullable: true }) description?: string | null;
  @Column({ type: 'string', nullable: true }) performer?: string | null;
  @Column({ type: 'string', nullable: true }) riskLevel?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Login of the IT owner (seed: `ITOwner`).' }) itOwnerLogin?: string | null;
  @Column({ type: 'string', nullable: true }) businessOwnerLogin?: string | null;
  @Column({ type: 'string', nullable: true }) searchTags?: string | null;
  @Column({ type: 'string', nullable: true }) approvalWorkflow?: string | null;
  @Column({ type: 'string', nullable: true }) approvalWorkflowDisplayName?: string | null;
  @Column({ type: 'boolean' }) isRequestable: boolean & Opt = true;
  @Column({ type: 'boolean', nullable: true, description: 'Whether certifications review this entitlement (seed: `isCertifiable`).' }) isCertifiable?: boolean | null;
  @Column({ type: 'string', nullable: true, description: 'Id of the entitlement in the target system (seed: `externalId`, e.g. a group uuid).' }) externalId?: string | null;
  @Column({
    type: 'json',
    nullable: true,
    description: 'The attribute a holder of this entitlement fills in (seed: `form`: name, dataType, description, required, readOnly, options).',
  })
  form?: unknown;
  @Column({ type: 'json', nullable: true, description: 'Default values of that form (seed: `formValues`, e.g. `{"role":"Member"}`).' }) formValues?: unknown;
  @Column({ type: 'datetime', nullable: true, description: 'When reconciliation last read the entitlement from its target system (seed: `lastSyncedOn`).' })
  lastSyncedOn?: Date | null;
  @Column({ type: 'boolean' }) disabled: boolean & Opt = false;
  @Column({ type: 'boolean' }) retired: boolean & Opt = false;
  @Column({ type: 'datetime' }) createdOn: Date & Opt = new Date();
}
