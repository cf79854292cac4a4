import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { byKey, entityById, groupedByKey, LoaderRegistry } from '../common/loader-kit.js';
import { NestedConnectionLoader } from '../common/nested-connection.js';
import { User } from './user.entity.js';
import { Role, RoleEntitlement, RoleMember } from './role.entity.js';
import { TargetSystem } from './target-system.entity.js';
import { Entitlement } from './entitlement.entity.js';
import { EntitlementAssignment, UserAccount } from './user-account.entity.js';

const byDisplayName = <T extends { displayName: string; id: string }>(a: T, b: T) =>
  a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.id < b.id ? -1 : 1;

/** The catalog graph's edges, each one SQL statement per batch whatever the number of parents. */
export class GovernanceLoaders extends LoaderRegistry {
  constructor(
    private readonly em: EntityManager,
    private readonly workspaceId: string,
  ) {
    super();
  }

  get user() { return this.get('user', () => entityById(this.em, User, this.workspaceId)); }
  get role() { return this.get('role', () => entityById(this.em, Role, this.workspaceId)); }
  get targetSystem() { return this.get('targetSystem', () => entityById(this.em, TargetSystem, this.workspaceId)); }
  get entitlement() { return this.get('entitlement', () => entityById(this.em, Entitlement, this.workspaceId)); }
  get account() { return this.get('account', () => entityById(this.em, UserAccount, this.workspaceId)); }

  get userByLogin() {
    return this.get('userByLogin', () =>
      byKey<string, User>((logins) => this.em.find(User, { workspace: this.workspaceId, login: { $in: [...logins] } }), (u) => u.login));
  }

  /** Roles held by each user, by assignment or by rule (each role once). */
  get rolesOfUser() {
    return this.get('rolesOfUser', () =>
      groupedByKey<string, Role>(async (userIds) => {
        const members = await this.em.find(RoleMember, { user: { $in: [...userIds] } }, { populate: ['role'], orderBy: { user: 'asc', role: { displayName: 'asc' } } });
        const seen = new Set<string>();
        const pairs: Array<[string, Role]> = [];
        for (const m of members) {
          const key = `${m.user.id}:${m.role.id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          pairs.push([m.user.id, m.role]);
        }
        return pairs;
      }));
  }

  get entitlementsOfRole() {
    return this.get('entitlementsOfRole', () =>
      groupedByKey<string, Entitlement>(async (roleIds) => {
        const links = await this.em.find(RoleEntitlement, { role: { $in: [...roleIds] } }, { populate: ['entitlement'], orderBy: { role: 'asc', entitlement: { displayName: 'asc' } } });
        return links.map((l) => [l.role.id, l.entitlement] as [string, Entitlement]);
      }));
  }

  /** Applications a role reaches through its entitlements. */
  get targetSystemsOfRole() {
    return this.get('targetSystemsOfRole', () =>
      groupedByKey<string, TargetSystem>(async (roleIds) => {
        const links = await this.em.find(RoleEntitlement, { role: { $in: [...roleIds] } }, { populate: ['entitlement.targetSystem'] });
        const seen = new Set<string>();
        const pairs: Array<[string, TargetSystem]> = [];
        for (const l of links) {
          const ts = l.entitlement.targetSystem;
          if (seen.has(`${l.role.id}:${ts.id}`)) continue;
          seen.add(`${l.role.id}:${ts.id}`);
          pairs.push([l.role.id, ts]);
        }
        return sortGroups(pairs, byDisplayName);
      }));
  }

  get accountsOfUser() {
    return this.get('accountsOfUser', () =>
      groupedByKey<string, UserAccount>(async (userIds) => {
        const accounts = await this.em.find(UserAccount, { user: { $in: [...userIds] } }, { orderBy: { user: 'asc', id: 'asc' } });
        return accounts.map((a) => [a.user.id, a] as [string, UserAccount]);
      }));
  }

  get assignmentsOfAccount() {
    return this.get('assignmentsOfAccount', () =>
      groupedByKey<string, EntitlementAssignment>(async (accountIds) => {
        const rows = await this.em.find(EntitlementAssignment, { account: { $in: [...accountIds] } }, { orderBy: { account: 'asc', id: 'asc' } });
        return rows.map((r) => [r.account.id, r] as [string, EntitlementAssignment]);
      }));
  }

  /** Entitlements a user holds through any account (each once). */
  get entitlementsOfUser() {
    return this.get('entitlementsOfUser', () =>
      groupedByKey<string, Entitlement>(async (userIds) => {
        const rows = await this.em.find(
          EntitlementAssignment,
          { account: { user: { $in: [...userIds] } }, status: { $ne: 'Revoked' } },
          { populate: ['entitlement', 'account'], orderBy: { entitlement: { displayName: 'asc' } } },
        );
        const seen = new Set<string>();
        const pairs: Array<[string, Entitlement]> = [];
        for (const r of rows) {
          const key = `${r.account.user.id}:${r.entitlement.id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          pairs.push([r.account.user.id, r.entitlement]);
        }
        return pairs;
      }));
  }

  get entitlementsOfTargetSystem() {
    return this.get('entitlementsOfTargetSystem', () =>
      groupedByKey<string, Entitlement>(async (ids) => {
        const rows = await this.em.find(Entitlement, { targetSystem: { $in: [...ids] } }, { orderBy: { targetSystem: 'asc', displayName: 'asc', id: 'asc' } });
        return rows.map((r) => [r.targetSystem.id, r] as [string, Entitlement]);
      }));
  }

  /**
   * Roles through which an entitlement reaches a user, keyed by `userId:entitlementId`
   * (seed: `associatedRoles` of an account's entitlement): one joined statement per batch.
   */
  get rolesGrantingEntitlementToUser() {
    return this.get('rolesGrantingEntitlementToUser', () =>
      groupedByKey<string, Role>(async (keys) => {
        const userIds = [...new Set(keys.map((k) => k.split(':')[0]))];
        const entitlementIds = [...new Set(keys.map((k) => k.split(':')[1]))];
        const knex = (this.em as SqlEntityManager).getKnex();
        const rows: Array<Record<string, unknown>> = await knex
          .select('rm.user_id as __user', 're.entitlement_id as __entitlement', 'r.*')
          .from('role_member as rm')
          .join('role_entitlement as re', 're.role_id', 'rm.role_id')
          .join('role as r', 'r.id', 'rm.role_id')
          .whereIn('rm.user_id', userIds)
          .whereIn('re.entitlement_id', entitlementIds)
          .orderBy('r.display_name');
        const wanted = new Set(keys);
        const seen = new Set<string>();
        const pairs: Array<[string, Role]> = [];
        for (const { __user, __entitlement, ...role } of rows) {
          const key = `${__user}:${__entitlement}`;
          if (!wanted.has(key) || seen.has(`${key}:${role.id}`)) continue;
          seen.add(`${key}:${role.id}`);
          pairs.push([key, this.em.map(Role, role)]);
        }
        return pairs;
      }));
  }

  /** Members of each role (assigned or by rule, each user once), ordered by login. */
  get membersOfRole() {
    return this.nested('membersOfRole', {
      entity: User,
      parentColumn: 'rm.role_id',
      sortColumn: 'c.login',
      sortProperty: 'login',
      rows: (knex, roles) =>
        knex.from(knex.select('role_id', 'user_id').distinct().from('role_member').whereIn('role_id', [...roles]).as('rm')).join('app_user as c', 'c.id', 'rm.user_id'),
      counts: (knex, roles) =>
        knex.select('role_id as __parent').countDistinct({ n: 'user_id' }).from('role_member').whereIn('role_id', [...roles]).groupBy('role_id'),
    });
  }

  /** People whose managerLogin is each given login, ordered by login. */
  get directReports() {
    return this.nested('directReports', {
      entity: User,
      parentColumn: 'c.manager_login',
      sortColumn: 'c.login',
      sortProperty: 'login',
      rows: (knex, logins) => knex.from('app_user as c').where('c.workspace_id', this.workspaceId).whereIn('c.manager_login', [...logins]),
      counts: (knex, logins) =>
        knex.select('manager_login as __parent').count({ n: '*' }).from('app_user').where('workspace_id', this.workspaceId).whereIn('manager_login', [...logins]).groupBy('manager_login'),
    });
  }

  /** People holding each entitlement through an account, ordered by login. */
  get membersOfEntitlement() {
    return this.nested('membersOfEntitlement', {
      entity: User,
      parentColumn: 'h.entitlement_id',
      sortColumn: 'c.login',
      sortProperty: 'login',
      rows: (knex, ids) =>
        knex
          .from(
            knex.select('ea.entitlement_id', 'ua.user_id').distinct().from('entitlement_assignment as ea').join('user_account as ua', 'ua.id', 'ea.account_id')
              .whereIn('ea.entitlement_id', [...ids]).whereNot('ea.status', 'Revoked').as('h'),
          )
          .join('app_user as c', 'c.id', 'h.user_id'),
      counts: (knex, ids) =>
        knex.select('ea.entitlement_id as __parent').countDistinct({ n: 'ua.user_id' }).from('entitlement_assignment as ea').join('user_account as ua', 'ua.id', 'ea.account_id')
          .whereIn('ea.entitlement_id', [...ids]).whereNot('ea.status', 'Revoked').groupBy('ea.entitlement_id'),
    });
  }

  /** Accounts on each application, ordered by account login. */
  get accountsOfTargetSystem() {
    return this.nested('accountsOfTargetSystem', {
      entity: UserAccount,
      parentColumn: 'c.target_system_id',
      sortColumn: 'c.login',
      sortProperty: 'login',
      rows: (knex, ids) => knex.from('user_account as c').whereIn('c.target_system_id', [...ids]),
      counts: (knex, ids) => knex.select('target_system_id as __parent').count({ n: '*' }).from('user_account').whereIn('target_system_id', [...ids]).groupBy('target_system_id'),
    });
  }

  private nested<T extends { id: string }>(name: string, spec: ConstructorParameters<typeof NestedConnectionLoader<T>>[1]): NestedConnectionLoader<T> {
    return this.get(name, () => new NestedConnectionLoader(this.em, spec) as never) as unknown as NestedConnectionLoader<T>;
  }
}

function sortGroups<V>(pairs: Array<[string, V]>, compare: (a: V, b: V) => number): Array<[string, V]> {
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : compare(a[1], b[1])));
}
