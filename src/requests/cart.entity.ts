import { Entity, Index, Property, type Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { RequestEntityType, RequestType } from './workflow.js';

/** The person requesting, as the seed's `requester` object carries them. */
@ObjectType({ description: 'The requester details (seed: `requester`).' })
export class RequesterInfo {
  @Field(() => String, { description: 'Login of the requester.' }) login!: string;
  @Field(() => String, { nullable: true, description: 'Employee number of the requester.' }) employeeNumber?: string | null;
  @Field(() => String, { nullable: true, description: 'Full name of the requester.' }) displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'Email address of the requester.' }) email?: string | null;
}

@ObjectType({ description: 'The beneficiary details of a cart item (seed: `beneficiaries`).' })
export class Beneficiary {
  @Field(() => String, { description: 'Login of the person the access is for.' }) login!: string;
  @Field(() => String, { nullable: true, description: 'Employee number of the person the access is for.' }) employeeNumber?: string | null;
  @Field(() => String, { nullable: true, description: 'Full name of the person the access is for.' }) displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'Account name on the application (e.g. `jerome@gmail.com`).' }) accountName?: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Account form values, e.g. `{"Email": …, "First Name": …}`.' }) form?: Record<string, unknown> | null;
}

@ObjectType({ description: 'One item of a cart: who gets (or loses) which role, entitlement or application.' })
export class CartItem {
  @Field(() => Beneficiary, { description: 'The person this item requests access for.' }) beneficiaries!: Beneficiary;
  @Field(() => ID, { description: 'Id of the role, entitlement or application requested.' }) entityId!: string;
  @Field(() => RequestEntityType, { description: 'What the item requests: a role, entitlement, application or service.' }) entityType!: RequestEntityType;
  @Field(() => RequestType, { description: 'create (grant), modify, or revoke.' }) type!: RequestType;
  @Field(() => String, { description: 'Display name of the requested item when the cart was made.' }) entityName!: string;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'A time-bound grant: when the access starts (granted then, once approved).' }) startDate?: string | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'A time-bound grant: when the access ends (revoked then by a revoke request).' }) endDate?: string | null;
}

export type CartStatus = 'Open' | 'Submitted';

/** A cart of items to request together (seed: `UserCart`); submitting it creates the requests. */
@ObjectType({ implements: Node, description: 'A cart: the items to request together (seed: UserCart). Submitting it creates one request per item.' })
@Entity({ tableName: 'cart' })
@Index({ properties: ['workspace', 'correlationId'] })
export class Cart extends WorkspaceEntity {
  @Column({ type: 'string', description: 'name of the cart' }) name: string & Opt = 'default';
  @Column({ type: 'string', description: 'owner of the cart - user login (seed: e.g. `User/63aec79793ccdf675cc4d018`)' }) owner!: string;
  @Column({ type: 'string', description: 'Correlates the cart with the requests submitted from it.' }) correlationId!: string;
  @Column({ type: 'string', description: '`Open` until submitted, then `Submitted`.' }) status: CartStatus & Opt = 'Open';
  @Column({ type: 'boolean', description: 'Archived on submit (seed: `archive`).' }) archived: boolean & Opt = false;
  @Column({ type: 'text', nullable: true, description: 'Why the access is needed, as the requester wrote it at submission.' }) justification?: string | null;
  @Column({ type: 'string', graphql: false }) requesterLogin!: string;

  @Field(() => RequesterInfo, { description: 'This would include the requester details like - user login' })
  @Property({ type: 'json' })
  requester!: RequesterInfo;

  @Field(() => [CartItem], { description: 'The beneficiary details, entityId and entityType of each item.' })
  @Property({ type: 'json' })
  cartItems!: CartItem[];

  @Column({ type: 'datetime', description: 'When the cart was created.' }) createdOn: Date & Opt = new Date();
  @Column({ type: 'datetime', nullable: true, description: 'When the cart was submitted; null while it is being filled.' }) submittedOn?: Date | null;
}
