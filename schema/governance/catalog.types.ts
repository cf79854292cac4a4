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
  valuesConfig: {
    ENTITLEMENT: { description: 'Entitlements of the applications.' },
    ROLE: { description: 'Roles.' },
    SERVICE_REQUEST: { description: 'Requestable services that grant no access (seed: `ServiceRequest`).' },
    TARGET_SYSTEM: { description: 'Applications (seed: `TargetSystem`).' },
    USER: { description: 'People of the workspace.' },
  },
  name: 'CatalogCollection',
  description: 'Catalog collection to search (seed: `collection` — Entitlement, Role, User, ServiceRequest, TargetSystem).',
});

export enum RelevanceFilter {
  RECENTLY_ADDED = 'recentlyAdded',
}
registerEnumType(RelevanceFilter, {
  valuesConfig: { RECENTLY_ADDED: { description: 'Items added in the last 30 days, newest first.' } },
  name: 'RelevanceFilter',
  description: '`RECENTLY_ADDED`: items added in the last 30 days, newest first.',
});

export enum LifecycleOperation {
  ENABLE = 'ENABLE',
  DISABLE = 'DISABLE',
  RETIRE = 'RETIRE',
}
registerEnumType(LifecycleOperation, {
  valuesConfig: {
    DISABLE: { description: 'Disable: no longer requestable; held access stays.' },
    ENABLE: { description: 'Enable a disabled item again.' },
    RETIRE: { description: 'Retire: final; the item can no longer be enabled.' },
  },
  name: 'LifecycleOperation',
  description: 'Operation on a role or application (seed: Enable / Disable / Retire). Retire is final.',
});

export enum LifecycleStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
  RETIRED = 'RETIRED',
}
registerEnumType(LifecycleStatus, {
  valuesConfig: {
    ACTIVE: { description: 'Enabled and usable.' },
    DISABLED: { description: 'Disabled: not requestable, may be enabled again.' },
    RETIRED: { description: 'Retired: final.' },
  },
  name: 'LifecycleStatus',
  description: 'Lifecycle status of a role, entitlement or application (seed: `status`).',
});

export enum UserOrder {
  LOGIN = 'LOGIN',
  DISPLAY_NAME = 'DISPLAY_NAME',
  CREATED_ON = 'CREATED_ON',
}
registerEnumType(UserOrder, {
  valuesConfig: { CREATED_ON: { description: 'By creation time, oldest first.' }, DISPLAY_NAME: { description: 'By display name.' }, LOGIN: { description: 'By login.' } },
  name: 'UserOrder',
  description: 'Order of the users list.',
});

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
  @Field(() => String, { nullable: true, description: 'Only people of this department.' }) department?: string | null;
  @Field(() => String, { nullable: true, description: '`Active` or `Inactive`.' }) status?: string | null;
  @Field(() => UserOrder, { nullable: true, defaultValue: UserOrder.LOGIN, description: 'Order of the list: LOGIN (the default), DISPLAY_NAME or CREATED_ON.' })
  orderBy?: UserOrder | null;
}

@ArgsType()
export class UserArgs {
  @Field(() => ID, { nullable: true, description: 'Id of the person; give this or `login`.' }) id?: string | null;
  @Field(() => String, { nullable: true, description: 'Login of the person; give this or `id`.' }) login?: string | null;
}

@ArgsType()
export class DisplayNameArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'This is the display name: it contains this text (case-insensitive).' })
  displayName?: string | null;
}

@ArgsType()
export class EntitlementsArgs extends DisplayNameArgs {
  @Field(() => ID, { nullable: true, description: 'Only entitlements of this application.' }) targetSystemId?: string | null;
}

@ArgsType()
export class UserAccountsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Here you would have to enter the userid to get the user details.' }) userId?: string | null;
  @Field(() => String, { nullable: true, description: 'Here you would have to enter the user login details.' }) login?: string | null;
  @Field(() => String, { nullable: true, description: 'Status filter, e.g. "Provisioned".' }) status?: string | null;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only events about this entity.' }) entityId?: string | null;
  @Field(() => String, { nullable: true, description: 'Only events of this action, e.g. `user.create`.' }) action?: string | null;
}
