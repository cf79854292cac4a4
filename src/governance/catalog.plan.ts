import type { PlanType } from '../common/sql-plan.js';
import { User } from './user.entity.js';
import { Role } from './role.entity.js';
import { TargetSystem } from './target-system.entity.js';
import { Entitlement } from './entitlement.entity.js';
import { EntitlementAssignment, UserAccount } from './user-account.entity.js';

const byName = ['display_name', 'id'];
const lifecycle = ['disabled', 'retired'];
/** A person of the parent's workspace by a login column of the parent. */
const personBy = (column: string) => (p: string, c: string) => `app_user ${c} where ${c}.workspace_id = ${p}.workspace_id and ${c}.login = ${p}.${column}`;

/**
 * The catalog graph for the SQL planner: for each edge, the SQL that reaches the children
 * (the same rows, in the same order, as the edge's DataLoader), and for every other field the
 * columns its resolver needs when the planner leaves it alone (`id` included: nested objects
 * carry only the columns something asks for).
 */
export const catalogPlan: Record<string, PlanType> = {
  User: {
    entity: User,
    edges: {
      roles: { type: 'Role', many: true, orderBy: byName, from: (p, c) => `role ${c} where ${c}.id in (select role_id from role_member where user_id = ${p}.id)` },
      accounts: { type: 'UserAccount', many: true, orderBy: ['id'], from: (p, c) => `user_account ${c} where ${c}.user_id = ${p}.id` },
      entitlements: {
        type: 'Entitlement',
        many: true,
        orderBy: byName,
        from: (p, c) => `entitlement ${c} where ${c}.id in (select ea.entitlement_id from entitlement_assignment ea join user_account ua on ua.id = ea.account_id where ua.user_id = ${p}.id and ea.status <> 'Revoked')`,
      },
      manager: { type: 'User', many: false, from: personBy('manager_login') },
    },
    needs: { manager: ['workspace_id', 'manager_login'], directReports: ['login'], roles: ['id'], accounts: ['id'], entitlements: ['id'] },
  },
  Role: {
    entity: Role,
    edges: {
      // A join, not `id in (…)`: (role, entitlement) is the link's primary key, so no duplicates.
      entitlements: { type: 'Entitlement', many: true, orderBy: byName, from: (p, c) => `role_entitlement re_${c} join entitlement ${c} on ${c}.id = re_${c}.entitlement_id where re_${c}.role_id = ${p}.id` },
      targetSystems: {
        type: 'TargetSystem',
        many: true,
        orderBy: byName,
        from: (p, c) => `target_system ${c} where ${c}.id in (select e.target_system_id from role_entitlement re join entitlement e on e.id = re.entitlement_id where re.role_id = ${p}.id)`,
      },
      owner: { type: 'User', many: false, from: personBy('role_owner_login') },
    },
    needs: { status: lifecycle, owner: ['workspace_id', 'role_owner_login'], members: ['id'], entitlements: ['id'], targetSystems: ['id'] },
  },
  Entitlement: {
    entity: Entitlement,
    edges: {
      targetSystem: { type: 'TargetSystem', many: false, from: (p, c) => `target_system ${c} where ${c}.id = ${p}.target_system_id` },
    },
    needs: { status: lifecycle, targetSystem: ['target_system_id'], members: ['id'] },
  },
  TargetSystem: {
    entity: TargetSystem,
    edges: {
      entitlements: { type: 'Entitlement', many: true, orderBy: byName, from: (p, c) => `entitlement ${c} where ${c}.target_system_id = ${p}.id` },
      businessOwner: { type: 'User', many: false, from: personBy('business_owner_login') },
      itOwner: { type: 'User', many: false, from: personBy('it_owner_login') },
    },
    needs: { status: lifecycle, businessOwner: ['workspace_id', 'business_owner_login'], itOwner: ['workspace_id', 'it_owner_login'], accounts: ['id'], entitlements: ['id'] },
  },
  UserAccount: {
    entity: UserAccount,
    edges: {
      user: { type: 'User', many: false, from: (p, c) => `app_user ${c} where ${c}.id = ${p}.user_id` },
      targetSystem: { type: 'TargetSystem', many: false, from: (p, c) => `target_system ${c} where ${c}.id = ${p}.target_system_id` },
      entitlements: { type: 'EntitlementAssignment', many: true, orderBy: ['id'], from: (p, c) => `entitlement_assignment ${c} where ${c}.account_id = ${p}.id` },
    },
    needs: { user: ['user_id'], targetSystem: ['target_system_id'], entitlements: ['id'] },
  },
  EntitlementAssignment: {
    entity: EntitlementAssignment,
    edges: {
      entitlement: { type: 'Entitlement', many: false, from: (p, c) => `entitlement ${c} where ${c}.id = ${p}.entitlement_id` },
      associatedRoles: {
        type: 'Role',
        many: true,
        orderBy: byName,
        from: (p, c) =>
          `role ${c} where ${c}.id in (select rm.role_id from role_member rm join role_entitlement re on re.role_id = rm.role_id join user_account ua on ua.user_id = rm.user_id where ua.id = ${p}.account_id and re.entitlement_id = ${p}.entitlement_id)`,
      },
    },
    needs: { entitlement: ['entitlement_id'], associatedRoles: ['account_id', 'entitlement_id'] },
  },
};
