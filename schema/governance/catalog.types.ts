import { ArgsType, createUnionType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection, PageArgs } from '../../src/common/pagination.js';
import { graphqlTypeOf } from '../../src/graph/rows.js';
import { User } from '../../src/governance/user.entity.js';
import { Role } from '../../src/governance/role.entity.js';
import { TargetSystem } from '../../src/governance/target-system.entity.js';
import { Entitlement } from '../../src/governance/entitlement.entity.js';
import { UserAccount } from '../../src/governance/user-account.entity.js';
import { ServiceRequest } from '../../src/governance/service-request.entity.js';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';

export enum CatalogCollection {
  ENTITLEMENT = 'Entitlement',
  ROLE = 'Role',
  USER = 'User',
  TARGET_SYSTEM = 'TargetSystem',
  SERVICE_REQUEST = 'ServiceRequest',
}
registerEnumType(CatalogCollection, {
  name: 'CatalogCollection',
  description: 'Catalog collection to search (seed: `collection` — Entitlement, Role, User, ServiceRequest, TargetSystem).',
});

export enum RelevanceFilter {
  RECENTLY_ADDED = 'recentlyAdded',
}
registerEnumType(RelevanceFilter, { name: 'RelevanceFilter', description: '`RECENTLY_ADDED`: items added in the last 30 days, newest first.' });

export enum LifecycleOperation {
  ENABLE = 'ENABLE',
  DISABLE = 'DISABLE',
  RETIRE = 'RETIRE',
}
registerEnumType(LifecycleOperation, {
  name: 'LifecycleOperation',
  description: 'Operation on a role or application (seed: Enable / Disable / Retire). Retire is final.',
});

export enum LifecycleStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
  RETIRED = 'RETIRED',
}
registerEnumType(LifecycleStatus, { name: 'LifecycleStatus' });

export enum UserOrder {
  LOGIN = 'LOGIN',
  DISPLAY_NAME = 'DISPLAY_NAME',
  CREATED_ON = 'CREATED_ON',
}
registerEnumType(UserOrder, { name: 'UserOrder' });

export const CatalogItem = createUnionType({
  name: 'CatalogItem',
  description: 'An item of the catalog: a user, role, application, entitlement or service request.',
  types: () => [User, Role, TargetSystem, Entitlement, ServiceRequest] as const,
  resolveType: (value: object) => graphqlTypeOf(value),
});

@ObjectType({ description: 'How much access a person holds (seed: `accessList` of a catalog User, with its counts).' })
export class UserAccessList {
  @Field(() => Int, { description: 'Applications the person holds an account on, deprovisioned accounts excluded (seed: `applicationCount`).' })
  applicationCount!: number;
  @Field(() => Int, { description: 'Distinct entitlements the person holds through any account, revoked ones excluded (seed: `entitlementCount`).' })
  entitlementCount!: number;
}

export const UserConnection = Connection(User, 'User');
export const RoleConnection = Connection(Role, 'Role');
export const TargetSystemConnection = Connection(TargetSystem, 'TargetSystem');
export const EntitlementConnection = Connection(Entitlement, 'Entitlement');
export const UserAccountConnection = Connection(UserAccount, 'UserAccount');
export const CatalogItemConnection = Connection(CatalogItem, 'CatalogItem');
export const AuditEventConnection = Connection(AuditEvent, 'AuditEvent');

@ArgsType()
export class SearchCatalogArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'This is the search keyword: the display name of the item contains it (case-insensitive).' })
  keyword?: string | null;

  @Field(() => RelevanceFilter, { nullable: true, description: 'Further filter by relevance; one of the relevanceFilter values is "recentlyAdded".' })
  relevanceFilter?: RelevanceFilter | null;

  @Field(() => CatalogCollection, { nullable: true, description: 'Get specific catalog items using the filter collection.' })
  collection?: CatalogCollection | null;

  @Field(() => String, { nullable: true, description: 'Filter by tag, e.g. "Finance", "HR" (one of the item\'s searchTags).' })
  tag?: string | null;
}

@ArgsType()
export class UsersArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Display name contains (case-insensitive).' }) displayName?: string | null;
  @Field(() => String, { nullable: true }) department?: string | null;
  @Field(() => String, { nullable: true, description: '`Active` or `Inactive`.' }) status?: string | null;
  @Field(() => UserOrder, { nullable: true, defaultValue: UserOrder.LOGIN }) orderBy?: UserOrder | null;
}

@ArgsType()
export class UserArgs {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => String, { nullable: true }) login?: string | null;
}

@ArgsType()
export class DisplayNameArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'This is the display name: it contains this text (case-insensitive).' })
  displayName?: string | null;
}

@ArgsType()
export class EntitlementsArgs extends DisplayNameArgs {
  @Field(() => ID, { nullable: true }) targetSystemId?: string | null;
}

@ArgsType()
export class UserAccountsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Here you would have to enter the userid to get the user details.' }) userId?: string | null;
  @Field(() => String, { nullable: true, description: 'Here you would have to enter the user login details.' }) login?: string | null;
  @Field(() => String, { nullable: true, description: 'Status filter, e.g. "Provisioned".' }) status?: string | null;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => ID, { nullable: true }) entityId?: string | null;
  @Field(() => String, { nullable: true }) action?: string | null;
}
