import { Entity, Index, ManyToOne, Property, type Opt } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { Certification, type SelectedResource } from './certification.entity.js';
import { CampaignStatus } from './certification.enums.js';

/**
 * One run of a certification: the review items it created, grouped into tasks per certifier.
 * The counters move with each decision, so progress is a read of one row.
 */
@ObjectType({ implements: Node, description: 'A run of a certification (a campaign): its review items, tasks and progress.' })
@Entity({ tableName: 'certification_campaign' })
@Index({ properties: ['workspace', 'status'] })
export class CertificationCampaign extends WorkspaceEntity {
  @ManyToOne(() => Certification, { index: true, deleteRule: 'cascade' }) certification!: Certification;
  @Column({ type: 'string', description: 'The certification name at the time of the run.' }) name!: string;

  @Field(() => CampaignStatus, { description: 'ACTIVE while review items are open, COMPLETED when all are decided.' })
  @Property({ type: 'string', length: 16 })
  status: CampaignStatus & Opt = CampaignStatus.ACTIVE;

  @Column({ type: 'string', description: 'Login of the API key or user that started the run.' }) startedBy!: string;
  @Column({ type: 'datetime', description: 'When the campaign was launched.' }) startedAt: Date & Opt = new Date();
  @Column({ type: 'datetime', description: 'Start plus the certification duration.' }) dueDate!: Date;
  @Column({ type: 'datetime', nullable: true, description: 'When the last review item was decided; null while active.' }) completedAt?: Date | null;

  @Column({ type: 'integer', description: 'Users with at least one review item (seed: impactObject.userCount).' }) userCount!: number;
  @Column({ type: 'integer', description: 'Resources with at least one review item (seed: impactObject.resourceCount).' }) resourceCount!: number;
  @Column({ type: 'integer', description: 'Distinct certifiers (seed: impactObject.certifierCount).' }) certifierCount!: number;
  @Column({ type: 'integer', description: 'Certification tasks, one per certifier (seed: impactObject.taskCount).' }) taskCount!: number;

  @Field(() => Int, { description: 'Review items in the campaign.' })
  @Property({ type: 'integer' })
  itemCount!: number;

  @Property({ type: 'integer' }) certifiedCount: number & Opt = 0;
  @Property({ type: 'integer' }) revokedCount: number & Opt = 0;

  /** Ids of the reviewed users and resources, for the impact lists. */
  @Property({ type: 'json' }) userIds!: string[];
  @Property({ type: 'json' }) resourceRefs!: SelectedResource[];
}
