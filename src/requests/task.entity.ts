import { Entity, Index, ManyToOne, Property, type Opt } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { AccessRequest } from './access-request.entity.js';
import { TaskStatus, TaskType, type AssigneeType } from './workflow.js';

/**
 * A unit of work of a request (seed: `UserTask`): an approval by a person or group, or the
 * fulfilment of a Disconnected application by its performer. `version` is bumped by every change,
 * so two people deciding at once cannot both succeed.
 */
@ObjectType({ implements: Node, description: 'A task of a request: an approval, or the fulfilment of access on a Disconnected application (seed: UserTask).' })
@Entity({ tableName: 'task' })
@Index({ properties: ['workspace', 'status', 'expiryDate'] })
@Index({ properties: ['workspace', 'assignee'] })
@Index({ properties: ['workspace', 'claimedBy'] })
export class Task extends WorkspaceEntity {
  @ManyToOne(() => AccessRequest, { index: true, deleteRule: 'cascade' }) request!: AccessRequest;

  @Field(() => TaskType, { description: 'APPROVAL_TASK or FULFILMENT_TASK (seed: `type`).' })
  @Property({ type: 'string', length: 16 })
  type!: TaskType;

  @Field(() => TaskStatus, { description: 'Assigned, Claimed, Completed, Expired or Cancelled (seed: `state` / `status`).' })
  @Property({ type: 'string', length: 16 })
  status!: TaskStatus;

  @Column({ type: 'string', description: 'e.g. `Manager Approval Task`.' }) name!: string;
  @Column({ type: 'string', description: 'The requested item (seed: e.g. `Buffer`).' }) title!: string;
  @Column({ type: 'string', description: 'One line about the task as shown in an inbox.' }) summary!: string;
  @Column({ type: 'text', nullable: true, description: 'Longer text about the task, if any.' }) description?: string | null;
  @Column({ type: 'string', description: 'Login of the user, or name of the group, the task is assigned to.' }) assignee!: string;
  @Column({ type: 'string', description: '`User` or `Group`.' }) assigneeType!: AssigneeType;
  @Column({ type: 'string', nullable: true, description: 'The group member who claimed the task.' }) claimedBy?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Login ESCALATE hands the task to (otherwise the manager of the person escalating).' }) escalationAssignee?: string | null;
  @Column({ type: 'string', nullable: true, description: 'The decision: APPROVE, REJECT or COMPLETE; EXPIRED or CANCELLED when it ended undecided.' }) outcome?: string | null;
  @Column({
    type: 'json',
    nullable: true,
    description: 'What the task is about: beneficiary, requester, entityId, entityType, form, type (fulfilment: the application and entitlements to provision).',
  })
  payload?: Record<string, unknown> | null;
  @Column({ type: 'json', nullable: true, description: 'Form values of the request.' }) form?: Record<string, unknown> | null;
  @Column({ type: 'integer', description: 'Days the task stays open (seed: `expiry`).' }) expiry!: number;
  @Column({ type: 'datetime', description: 'After this the task is Expired and can no longer be decided.' }) expiryDate!: Date;
  @Column({ type: 'datetime', description: 'When the task was created (seed: `createDate`).' }) createDate: Date & Opt = new Date();
  @Column({ type: 'datetime', description: 'When the task last changed (seed: `updateDate`).' }) updateDate: Date & Opt = new Date();
  @Column({ type: 'string', nullable: true, description: 'Login of the last person to act.' }) updatedBy?: string | null;
  /** Stage index of the request this approval belongs to (fulfilment tasks: the stage after the last). */
  @Property({ type: 'integer' }) stage!: number;

  @Field(() => Int, { description: 'Bumped by every change (optimistic locking).' })
  @Property({ type: 'integer' })
  version: number & Opt = 1;
}
