import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { CertificationCampaign } from './certification-campaign.entity.js';
import { CertificationTask } from './certification-task.entity.js';
import { AccessKind, ResourceCollection, ReviewDecision } from './certification.enums.js';

/** One (user, access) pair of a campaign, to be certified or revoked by its certifier. */
@ObjectType({ implements: Node, description: 'A review item: one access of one user, to certify or revoke.' })
@Entity({ tableName: 'review_item' })
@Index({ properties: ['campaign', 'decision'] })
@Index({ properties: ['workspace', 'certifierLogin'] })
export class ReviewItem extends WorkspaceEntity {
  @ManyToOne(() => CertificationCampaign, { index: true, deleteRule: 'cascade' }) campaign!: CertificationCampaign;
  @ManyToOne(() => CertificationTask, { index: true, deleteRule: 'cascade' }) task!: CertificationTask;
  @Column({ type: 'string', description: 'Login of the user whose access is reviewed.' }) userLogin!: string;

  @Field(() => AccessKind, { description: 'ROLE, ENTITLEMENT or ACCOUNT: the kind of access under review.' })
  @Property({ type: 'string', length: 16 })
  accessKind!: AccessKind;

  @Field(() => ResourceCollection, { description: 'The collection of the resource: Role, Entitlement or TargetSystem.' })
  @Property({ type: 'string', length: 16 })
  resourceCollection!: ResourceCollection;

  @Column({ type: 'string', description: 'Id of the role, entitlement or application (for accounts).' }) resourceId!: string;
  @Column({ type: 'string', description: 'Display name of the resource at the time of the run.' }) resourceName!: string;
  @Column({ type: 'string', nullable: true, description: 'The application of an entitlement or account.' }) targetSystemId?: string | null;
  @Column({ type: 'string', nullable: true, description: "The resource's risk level at the time of the run." }) riskLevel?: string | null;
  @Column({ type: 'string', description: 'Login of the certifier who decides the item.' }) certifierLogin!: string;
  @Column({ type: 'string', nullable: true, description: 'The certifier before the last reassignment or escalation.' }) previousCertifierLogin?: string | null;

  @Field(() => ReviewDecision, { nullable: true, description: 'CERTIFY or REVOKE; null while undecided.' })
  @Property({ type: 'string', length: 16, nullable: true })
  decision?: ReviewDecision | null;

  @Column({ type: 'text', nullable: true, description: 'Comment the certifier gave with the decision.' }) comment?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Login of the certifier who decided.' }) decidedBy?: string | null;
  @Column({ type: 'datetime', nullable: true, description: 'When the item was decided; null while open.' }) decidedAt?: Date | null;
  @Column({ type: 'string', nullable: true, description: 'Id of the revoke request a REVOKE decision created.' }) revokeRequestId?: string | null;
}
