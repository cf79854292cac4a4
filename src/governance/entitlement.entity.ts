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

  @Column({ type: 'string', description: 'Name on the application, unique per application.' }) name!: string;
  @Column({ type: 'string', description: 'Name shown in the catalog.' }) displayName!: string;
  @Column({ type: 'text', nullable: true, description: 'What the entitlement grants, in free text.' }) description?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Approval group or login that fulfils a request for it.' }) performer?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Risk level as the seed gives it, e.g. `low`, `medium`, `high`.' }) riskLevel?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Login of the IT owner (seed: `ITOwner`).' }) itOwnerLogin?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Login of the business owner (seed: `businessOwner`).' }) businessOwnerLogin?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Free-text tags used by catalog search.' }) searchTags?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Name of the approval workflow a request for it follows.' }) approvalWorkflow?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Display name of the approval workflow (seed: `approvalWorkflowDisplayName`).' }) approvalWorkflowDisplayName?:
    | string
    | null;
  @Column({ type: 'boolean', description: 'Whether people may request it through the cart.' }) isRequestable: boolean & Opt = true;
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
  @Column({ type: 'boolean', description: 'Whether the entitlement is disabled (no longer requestable).' }) disabled: boolean & Opt = false;
  @Column({ type: 'boolean', description: 'Whether the entitlement is retired (final).' }) retired: boolean & Opt = false;
  @Column({ type: 'datetime', description: 'When the entitlement was added to the catalog.' }) createdOn: Date & Opt = new Date();
}
