import { defineEdges, defineNodeType } from '../graph/registry.js';
import { PageArgs, pageRequest } from '../common/pagination.js';
import type { Row } from '../graph/rows.js';
import type { Context } from '../context.js';
import { User } from './user.entity.js';
import { Role } from './role.entity.js';
import { TargetSystem } from './target-system.entity.js';
import { Entitlement } from './entitlement.entity.js';
import { EntitlementAssignment, UserAccount } from './user-account.entity.js';
import { ServiceRequest } from './service-request.entity.js';
import { CatalogItem, UserAccountConnection, UserConnection } from '../../schema/governance/catalog.types.js';

/** The catalog graph: its node types and edges (see src/graph/README.md). */
const lifecycle = { status: ['disabled', 'retired'] };
defineNodeType({ domain: 'governance', name: 'User', gqlType: () => User, entity: User, read: 'catalog:read' });
defineNodeType({ domain: 'governance', name: 'Role', gqlType: () => Role, entity: Role, read: 'catalog:read', columns: lifecycle });
defineNodeType({ domain: 'governance', name: 'TargetSystem', gqlType: () => TargetSystem, entity: TargetSystem, read: 'catalog:read', columns: lifecycle });
defineNodeType({ domain: 'governance', name: 'Entitlement', gqlType: () => Entitlement, entity: Entitlement, read: 'catalog:read', columns: lifecycle });
defineNodeType({ domain: 'governance', name: 'UserAccount', gqlType: () => UserAccount, entity: UserAccount, read: 'catalog:read' });
defineNodeType({ domain: 'governance', name: 'EntitlementAssignment', gqlType: () => EntitlementAssignment, entity: EntitlementAssignment, read: 'catalog:read' });
defineNodeType({ domain: 'governance', name: 'ServiceRequest', gqlType: () => ServiceRequest, entity: ServiceRequest, read: 'catalog:read', columns: lifecycle });
defineNodeType({ domain: 'governance', name: 'CatalogItem', gqlType: () => CatalogItem, read: 'catalog:read' });

const byName = ['display_name', 'id'];
const page = (args: PageArgs, ctx: Context) => pageRequest(args, ctx.config);

defineEdges('governance', 'User', () => User, [
  { field: 'manager', of: 'User', sql: { kind: 'ref', column: 'manager_login', key: 'login' }, description: 'The manager (by managerLogin).' },
  {
    field: 'directReports',
    of: 'User',
    connection: () => UserConnection,
    args: () => PageArgs,
    needs: ['login'],
    description: 'People whose manager this is.',
    load: (u: Row<User>, args: PageArgs, ctx: Context) => ctx.loaders.directReports.load(u.login, page(args, ctx)),
  },
  {
    field: 'roles',
    of: 'Role',
    max: 100,
    description: 'Roles held, by assignment or birthright rule (at most 100).',
    sql: { kind: 'list', orderBy: byName, from: (p, c) => `role ${c} where ${c}.id in (select role_id from role_member where user_id = ${p}.id)` },
  },
  {
    field: 'accounts',
    of: 'UserAccount',
    max: 100,
    description: 'Accounts on applications (at most 100).',
    sql: { kind: 'list', orderBy: ['id'], from: (p, c) => `user_account ${c} where ${c}.user_id = ${p}.id` },
  },
  {
    field: 'entitlements',
    of: 'Entitlement',
    max: 500,
    description: 'Entitlements held through any account (at most 500).',
    sql: {
      kind: 'list',
      orderBy: byName,
      from: (p, c) =>
        `entitlement ${c} where ${c}.id in (select ea.entitlement_id from entitlement_assignment ea join user_account ua on ua.id = ea.account_id where ua.user_id = ${p}.id and ea.status <> 'Revoked')`,
    },
  },
]);

defineEdges('governance', 'Role', () => Role, [
  {
    field: 'entitlements',
    of: 'Entitlement',
    max: 200,
    description: 'Entitlements the role grants (at most 200).',
    // A join, not `id in (…)`: (role, entitlement) is the link's primary key, so no duplicates.
    sql: { kind: 'list', orderBy: byName, from: (p, c) => `role_entitlement re_${c} join entitlement ${c} on ${c}.id = re_${c}.entitlement_id where re_${c}.role_id = ${p}.id` },
  },
  {
    field: 'targetSystems',
    of: 'TargetSystem',
    max: 100,
    description: 'Applications the role reaches through its entitlements (at most 100).',
    sql: {
      kind: 'list',
      orderBy: byName,
      from: (p, c) =>
        `target_system ${c} where ${c}.id in (select e.target_system_id from role_entitlement re join entitlement e on e.id = re.entitlement_id where re.role_id = ${p}.id)`,
    },
  },
  {
    field: 'members',
    of: 'User',
    connection: () => UserConnection,
    args: () => PageArgs,
    description: 'People holding the role, by assignment or by rule.',
    load: (r: Row<Role>, args: PageArgs, ctx: Context) => ctx.loaders.membersOfRole.load(r.id, page(args, ctx)),
  },
  { field: 'owner', of: 'User', sql: { kind: 'ref', column: 'role_owner_login', key: 'login' }, description: 'The role owner (by roleOwnerLogin).' },
]);

defineEdges('governance', 'Entitlement', () => Entitlement, [
  { field: 'targetSystem', of: 'TargetSystem', nullable: false, sql: { kind: 'ref', column: 'target_system_id' }, description: 'The application the entitlement belongs to.' },
  {
    field: 'members',
    of: 'User',
    connection: () => UserConnection,
    args: () => PageArgs,
    description: 'People holding the entitlement through an account.',
    load: (e: Row<Entitlement>, args: PageArgs, ctx: Context) => ctx.loaders.membersOfEntitlement.load(e.id, page(args, ctx)),
  },
]);

defineEdges('governance', 'TargetSystem', () => TargetSystem, [
  {
    field: 'entitlements',
    of: 'Entitlement',
    max: 1000,
    description: 'Entitlements of the application (at most 1,000).',
    sql: { kind: 'list', orderBy: byName, from: (p, c) => `entitlement ${c} where ${c}.target_system_id = ${p}.id` },
  },
  {
    field: 'accounts',
    of: 'UserAccount',
    connection: () => UserAccountConnection,
    args: () => PageArgs,
    description: 'Accounts on the application, by login.',
    load: (t: Row<TargetSystem>, args: PageArgs, ctx: Context) => ctx.loaders.accountsOfTargetSystem.load(t.id, page(args, ctx)),
  },
  { field: 'businessOwner', of: 'User', sql: { kind: 'ref', column: 'business_owner_login', key: 'login' }, description: 'The business owner (by businessOwnerLogin).' },
  { field: 'itOwner', of: 'User', sql: { kind: 'ref', column: 'it_owner_login', key: 'login' }, description: 'The IT owner (seed: ITOwner).' },
]);

defineEdges('governance', 'UserAccount', () => UserAccount, [
  { field: 'user', of: 'User', nullable: false, sql: { kind: 'ref', column: 'user_id' }, description: 'The person holding the account.' },
  { field: 'targetSystem', of: 'TargetSystem', nullable: false, sql: { kind: 'ref', column: 'target_system_id' }, description: 'The application of the account.' },
  {
    field: 'entitlements',
    of: 'EntitlementAssignment',
    max: 200,
    description: 'Entitlement assignments of the account (at most 200).',
    sql: { kind: 'list', orderBy: ['id'], from: (p, c) => `entitlement_assignment ${c} where ${c}.account_id = ${p}.id` },
  },
]);

defineEdges('governance', 'EntitlementAssignment', () => EntitlementAssignment, [
  { field: 'entitlement', of: 'Entitlement', nullable: false, sql: { kind: 'ref', column: 'entitlement_id' }, description: 'The entitlement assigned.' },
  {
    field: 'associatedRoles',
    of: 'Role',
    max: 100,
    description: 'Roles through which the account holder gets this entitlement (at most 100).',
    sql: {
      kind: 'list',
      orderBy: byName,
      from: (p, c) =>
        `role ${c} where ${c}.id in (select rm.role_id from role_member rm join role_entitlement re on re.role_id = rm.role_id join user_account ua on ua.user_id = rm.user_id where ua.id = ${p}.account_id and re.entitlement_id = ${p}.entitlement_id)`,
    },
  },
]);

defineEdges('governance', 'ServiceRequest', () => ServiceRequest, [
  {
    field: 'performerGroup',
    of: 'ApprovalGroup',
    needs: ['performer'],
    description: 'The approval group that fulfils the service, when the performer is a group (null when it is a person).',
    load: (s: Row<ServiceRequest>, _: unknown, ctx: Context) => ctx.requestLoaders.groupByName.load(s.performer),
  },
]);
