import { Entity, ManyToOne, PrimaryKey, Unique, type Opt } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { newId } from '../common/ids.js';
import { User } from '../governance/user.entity.js';

/**
 * A named set of people who approve or fulfil as one: the names an entity gives as approver1..3
 * (`Approval Group 1`, `CEO`) or as performer (`Manual Fulfiller`). A task offered to a group is
 * claimed by one member, who then decides it.
 */
@ObjectType({
  implements: Node,
  description:
    'A group of approvers or fulfillers (e.g. `Approval Group 1`, `CEO`, `Manual Fulfiller`): a task offered to the group is claimed by one member, who then decides it.',
})
@Entity({ tableName: 'approval_group' })
@Unique({ properties: ['workspace', 'name'] })
export class ApprovalGroup extends WorkspaceEntity {
  @Column({ type: 'string', description: 'Name used as approver1, approver2, approver3 or performer.' }) name!: string;
  @Column({ type: 'text', nullable: true, description: 'What the group approves, in free text.' }) description?: string | null;
  @Column({ type: 'string', nullable: true, description: "Login that ESCALATE hands the group's tasks to (otherwise the manager of the member escalating)." }) escalationAssignee?:
    | string
    | null;
  @Column({ type: 'datetime', description: 'When the group was created.' }) createdOn: Date & Opt = new Date();
}

@Entity({ tableName: 'approval_group_member' })
@Unique({ properties: ['group', 'user'] })
export class ApprovalGroupMember {
  @PrimaryKey({ type: 'string', length: 24 }) id: string & Opt = newId();
  @ManyToOne(() => ApprovalGroup, { deleteRule: 'cascade' }) group!: ApprovalGroup;
  @ManyToOne(() => User, { index: true, deleteRule: 'cascade' }) user!: User;
}
