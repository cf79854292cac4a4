import { Entity, Index, Property, type Opt } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { RequestEntityType, RequestType, Resolution, type PlannedStage } from './workflow.js';

/** The unique index that allows one open request per beneficiary and entity. */
export const OPEN_REQUEST_INDEX = 'access_request_one_open';

/** `Access` for cart requests, `Catalog` for onboarding of applications and roles (seed: requestType). */
export type RequestCategory = 'Access' | 'Catalog';

/**
 * One request (seed: `UserRequest`): created per cart item on submit, or by an onboarding
 * submission; moves through its workflow's stages to a final status with a resolution.
 */
@ObjectType('Request', { implements: Node, description: 'A request for access (one per cart item) or for onboarding an application or role (seed: UserRequest).' })
@Entity({ tableName: 'access_request' })
@Index({ properties: ['workspace', 'type'] })
@Index({ properties: ['workspace', 'status'] })
@Index({ properties: ['workspace', 'beneficiaryLogin', 'entityId'] })
@Index({ properties: ['workspace', 'correlationId'] })
// At most one open request per beneficiary and entity, held by the database (a partial unique
// index, the same SQL on SQLite and PostgreSQL): two submits at once cannot both commit.
@Index({
  name: OPEN_REQUEST_INDEX,
  expression: `create unique index "${OPEN_REQUEST_INDEX}" on "access_request" ("workspace_id", "beneficiary_login", "entity_id") where "resolution" = '${Resolution.INITIATED}'`,
})
export class AccessRequest extends WorkspaceEntity {
  @Column({ type: 'string', description: 'Short request reference shown to people (seed: `requestId`, e.g. `e4b07`).' }) requestId!: string;
  @Column({ type: 'string', description: 'The correlationId of the cart the request came from (or of the onboarding submission).' }) correlationId!: string;
  @Column({ type: 'string', nullable: true, graphql: false }) cartId?: string | null;
  @Column({ type: 'string', description: '`Access` (from a cart) or `Catalog` (onboarding of an application or role).' }) requestType!: RequestCategory;

  @Field(() => RequestType, { description: 'Requests can be create, modify, revoke.' })
  @Property({ type: 'string', length: 16 })
  type!: RequestType;

  @Field(() => RequestEntityType, { description: 'What the request is about (seed: `entityType`).' })
  @Property({ type: 'string', length: 16 })
  entityType!: RequestEntityType;

  @Column({ type: 'string', nullable: true, description: 'Id of the requested role, entitlement or application (for onboarding: set once it is created).' }) entityId?:
    | string
    | null;
  @Column({ type: 'string', description: 'Display name of the requested item (seed: task `title`).' }) title!: string;
  @Column({ type: 'string', description: 'e.g. `New Role Request - newtestr`, `Grant Buffer to Jerome Fern`.' }) summary!: string;
  @Column({ type: 'string', description: 'The approval workflow the request runs (seed: `workflowName`).' }) workflowName!: string;
  @Column({
    type: 'string',
    description: 'Seed wording: `Request Submitted`, `Waiting for Manager Approval`, `Waiting for Approval`, …; finally `Completed`, `Rejected`, `Cancelled` or `Expired`.',
  })
  status!: string;
  @Column({ type: 'string', description: '`Initiated` while open; `Approved`, `Rejected`, `Cancelled` or `Expired` at the end.' }) resolution: string & Opt = Resolution.INITIATED;
  @Column({ type: 'text', nullable: true, description: 'Here you can enter the justification for the request that you are submitting' }) justification?: string | null;
  @Column({ type: 'string', description: 'Login of the requester.' }) requesterLogin!: string;
  @Column({ type: 'string', nullable: true, description: 'Login of the beneficiary (none for onboarding).' }) beneficiaryLogin?: string | null;
  @Column({ type: 'json', description: 'What is requested, as in the seed: beneficiary, requester, entityId, entityType, form, type (onboarding: the targetSystem or role).' })
  payload!: Record<string, unknown>;

  /** Approval stages with their assignees, fixed at submit. */
  @Field(() => GraphQLJSON, { name: 'approvalStages', description: 'The approval stages (taskName, assignee, assigneeType, waitingStatus) fixed at submit.' })
  @Property({ type: 'json' })
  stages!: PlannedStage[];
  /** Index into `stages` of the stage under way; `stages.length` once approvals are done. */
  @Property({ type: 'integer' }) stage: number & Opt = 0;

  @Column({ type: 'datetime', description: 'When the request was submitted (seed: `createDate`).' }) createDate: Date & Opt = new Date();
  @Column({ type: 'datetime', description: 'When the request last changed (seed: `updateDate`).' }) updateDate: Date & Opt = new Date();
  @Column({ type: 'datetime', nullable: true, description: 'When the request reached its final status.' }) completedDate?: Date | null;
}
