import { Entity, Index, Unique, type Opt } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';

/**
 * A requestable service that grants no access (IDHub catalog collection `ServiceRequest`): a
 * new laptop, a parking badge. A request for it is approved like any other, then a fulfilment
 * task goes to its performer with the requester's answers to its form.
 */
@ObjectType({
  implements: Node,
  description: 'A requestable service that grants no access (seed: catalog collection `ServiceRequest`); its performer fulfils each request, with the item’s form.',
})
@Entity({ tableName: 'service_request' })
@Unique({ properties: ['workspace', 'name'] })
@Index({ properties: ['workspace', 'displayName'] })
export class ServiceRequest extends WorkspaceEntity {
  @Column({ type: 'string', description: 'Unique name of the service in the workspace.' }) name!: string;
  @Column({ type: 'string', description: 'Name shown in the catalog.' }) displayName!: string;
  @Column({ type: 'text', nullable: true, description: 'What the service provides, in free text.' }) description?: string | null;
  @Column({ type: 'string', description: 'The approval group (or person) that fulfils requests for the service.' }) performer!: string;
  @Column({
    type: 'json',
    nullable: true,
    description: 'What a requester answers, one entry per attribute (name, dataType, isRequired, …), as application forms are; the answers travel in the cart item’s `form`.',
  })
  form?: unknown;
  @Column({ type: 'string', description: 'One of the six workflows, e.g. `Manager Grant and Auto Revoke`.' }) approvalWorkflow!: string;
  @Column({ type: 'string', nullable: true, description: 'Display name of the approval workflow a request for the service follows.' }) approvalWorkflowDisplayName?: string | null;
  @Column({ type: 'string', nullable: true, description: 'First approver group of Group Approval.' }) approver1?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Second approver group of Group Approval.' }) approver2?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Third approver group of Group Approval.' }) approver3?: string | null;
  @Column({ type: 'string', nullable: true, description: '`low`, `medium` or `high`.' }) riskLevel?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Comma-separated catalog tags (e.g. `IT, Hardware`).' }) searchTags?: string | null;
  @Column({ type: 'boolean', description: 'Whether people may request the service through the cart.' }) isRequestable: boolean & Opt = true;
  @Column({ type: 'boolean', description: 'Whether the service is disabled (not requestable).' }) disabled: boolean & Opt = false;
  @Column({ type: 'boolean', description: 'Retired services cannot be requested again.' }) retired: boolean & Opt = false;
  @Column({ type: 'datetime', description: 'When the service was added to the catalog.' }) createdOn: Date & Opt = new Date();
}
