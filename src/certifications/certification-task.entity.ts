import { Entity, Index, ManyToOne, Property, type Opt } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { CertificationCampaign } from './certification-campaign.entity.js';
import { CertificationTaskStatus } from './certification.enums.js';

/**
 * The review work of one certifier in one campaign. Kept apart from request tasks: it has no
 * request, holds many items, and ends when they are all decided rather than by one decision.
 */
@ObjectType({ implements: Node, description: 'The review items of one certifier in one campaign.' })
@Entity({ tableName: 'certification_task' })
@Index({ properties: ['workspace', 'certifierLogin'] })
@Index({ properties: ['workspace', 'status', 'dueDate'] })
export class CertificationTask extends WorkspaceEntity {
  @ManyToOne(() => CertificationCampaign, { index: true, deleteRule: 'cascade' }) campaign!: CertificationCampaign;
  @Column({ type: 'string', description: 'Login of the certifier.' }) certifierLogin!: string;

  @Field(() => CertificationTaskStatus, { description: 'OPEN while any review item is undecided, then COMPLETED.' })
  @Property({ type: 'string', length: 16 })
  status: CertificationTaskStatus & Opt = CertificationTaskStatus.OPEN;

  @Column({ type: 'datetime', description: 'When the task is due; an overdue task escalates when the certification says so.' }) dueDate!: Date;

  @Field(() => Int, { description: 'Review items in the task.' }) @Property({ type: 'integer' }) itemCount!: number;
  @Field(() => Int, { description: 'Review items of the task decided so far.' }) @Property({ type: 'integer' }) decidedCount: number & Opt = 0;

  @Column({ type: 'string', nullable: true, description: 'The certifier the task was escalated from.' }) escalatedFrom?: string | null;
  @Column({ type: 'datetime', nullable: true, description: 'When the task was escalated to the alternate certifier; null if never.' }) escalatedAt?: Date | null;
  @Column({ type: 'datetime', description: 'When the task was created (campaign launch).' }) createdAt: Date & Opt = new Date();
}
