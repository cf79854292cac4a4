import type { EntityManager } from '@mikro-orm/core';
import { byKey, childrenBy, groupedByKey, LoaderRegistry, rowsByKey } from '../graph/loader-kit.js';
import { knexOf } from '../graph/rows.js';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { NestedConnectionLoader, type NestedSpec } from '../graph/nested-connection.js';
import { User } from './user.entity.js';
import { Role } from './role.entity.js';
import { TargetSystem } from './target-system.entity.js';
import { Entitlement } from './entitlement.entity.js';
import { EntitlementAssignment, UserAccount } from './user-account.entity.js';
import { ServiceRequest } from './service-request.entity.js';

/**
 * The catalog graph's edges: each is one SQL statement per batch, whatever the number of
 * parents, and returns read-only entity instances (see common/rows.ts).
 */
export class GovernanceLoaders extends LoaderRegistry {
  constructor(
    private readonly em: EntityManager,
    private readonly workspaceId: string,
  ) {
    super();
  }

  get user() {
    return this.get('user', () => rowsByKey(this.em, User, this.workspaceId));
  }
  get role() {
    return this.get('role', () => rowsByKey(this.em, Role, this.workspaceId));
  }
  get targetSystem() {
    return this.get('targetSystem', () => rowsByKey(this.em, TargetSystem, this.workspaceId));
  }
  get entitlement() {
    return this.get('entitlement', () => rowsByKey(this.em, Entitlement, this.workspaceId));
  }
  get account() {
    return this.get('account', () => rowsByKey(this.em, UserAccount, this.workspaceId));
  }
  get serviceRequest() {
    return this.get('serviceRequest', () => rowsByKey(this.em, ServiceRequest, this.workspaceId));
  }
  get userByLogin() {
    return this.get('userByLogin', () => rowsByKey(this.em, User, this.workspaceId, 'login'));
  }

  /**
   * How many applications (accounts not deprovisioned) and entitlements (not revoked) each user
   * holds: two grouped counts per batch, whatever the number of users.
   */
  get accessCountsOfUser() {
    return this.get('accessCountsOfUser', () =>
      byKey<string, { userId: string; applicationCount: number; entitlementCount: number }>(
        async (users) => {
          const knex = knexOf(this.em);
          const [apps, ents] = await Promise.all([
            knex
              .select('user_id')
              .countDistinct({ n: 'target_system_id' })
              .from('user_account')
              .whereIn('user_id', [...users])
              .whereNot('status', 'Deprovisioned')
              .groupBy('user_id'),
            knex
              .select('ua.user_id')
              .countDistinct({ n: 'ea.entitlement_id' })
              .from('entitlement_assignment as ea')
              .join('user_account as ua', 'ua.id', 'ea.account_id')
              .whereIn('ua.user_id', [...users])
              .whereNot('ea.status', 'Revoked')
              .groupBy('ua.user_id'),
          ]);
          const count = (rows: Array<{ user_id: string; n: number | string }>) => new Map(rows.map((r) => [r.user_id, Number(r.n)]));
          const a = count(apps as never);
          const e = count(ents as never);
          return users.map((userId) => ({ userId, applicationCount: a.get(userId) ?? 0, entitlementCount: e.get(userId) ?? 0 }));
        },
        (v) => v.userId,
      ),
    );
  }

  /** Roles held by each user, by assignment or by rule (each role once), by display name. */
  get rolesOfUser() {
    return this.get('rolesOfUser', () =>
      childrenBy(this.em, Role, (knex, users) =>
        knex
          .select('m.user_id as __k', 'c.*')
          .from(
            knex
              .select('user_id', 'role_id')
              .distinct()
              .from('role_member')
              .whereIn('user_id', [...users])
              .as('m'),
          )
          .join('role as c', 'c.id', 'm.role_id')
          .orderBy([{ column: 'c.display_name' }, { column: 'c.id' }]),
      ),
    );
  }

  /** Each user's role memberships, one per source, by role display name then source. */
  get membershipsOfUser() {
    return this.get('membershipsOfUser', () =>
      groupedByKey<string, RoleMembershipRow>(async (users) => {
        const rows: Array<Record<string, unknown>> = await (this.em as SqlEntityManager)
          .getKnex()
          .select('m.user_id', 'm.role_id', 'r.display_name', 'm.source', 'm.created_at', 'm.expires_at')
          .from('role_member as m')
          .join('role as r', 'r.id', 'm.role_id')
          .whereIn('m.user_id', [...users])
          .orderBy([{ column: 'r.display_name' }, { column: 'm.role_id' }, { column: 'm.source' }]);
        const date = (v: unknown) => (v == null ? null : new Date(v as string | number | Date));
        return rows.map((r) => [
          r.user_id as string,
          { roleId: r.role_id as string, roleName: r.display_name as string, source: r.source as string, createdAt: date(r.created_at)!, expiresAt: date(r.expires_at) },
        ]);
      }),
    );
  }

  /** Entitlements each role grants, by display name. */
  get entitlementsOfRole() {
    return this.get('entitlementsOfRole', () =>
      childrenBy(this.em, Entitlement, (knex, roles) =>
        knex
          .select('re.role_id as __k', 'c.*')
          .from('role_entitlement as re')
          .join('entitlement as c', 'c.id', 're.entitlement_id')
          .whereIn('re.role_id', [...roles])
          .orderBy([{ column: 'c.display_name' }, { column: 'c.id' }]),
      ),
    );
  }

  /** Applications each role reaches through its entitlements (each once), by display name. */
  get targetSystemsOfRole() {
    return this.get('targetSystemsOfRole', () =>
      childrenBy(this.em, TargetSystem, (knex, roles) =>
        knex
          .select('r.role_id as __k', 'c.*')
          .from(
            knex
              .select('re.role_id', 'e.target_system_id')
              .distinct()
              .from('role_entitlement as re')
              .join('entitlement as e', 'e.id', 're.entitlement_id')
              .whereIn('re.role_id', [...roles])
              .as('r'),
          )
          .join('target_system as c', 'c.id', 'r.target_system_id')
          .orderBy([{ column: 'c.display_name' }, { column: 'c.id' }]),
      ),
    );
  }

  get accountsOfUser() {
    return this.get('accountsOfUser', () =>
      childrenBy(this.em, UserAccount, (knex, users) =>
        knex
          .select('c.user_id as __k', 'c.*')
          .from('user_account as c')
          .whereIn('c.user_id', [...users])
          .orderBy('c.id'),
      ),
    );
  }

  get assignmentsOfAccount() {
    return this.get('assignmentsOfAccount', () =>
      childrenBy(this.em, EntitlementAssignment, (knex, accounts) =>
        knex
          .select('c.account_id as __k', 'c.*')
          .from('entitlement_assignment as c')
          .whereIn('c.account_id', [...accounts])
          .orderBy('c.id'),
      ),
    );
  }

  /** Entitlements a user holds through any account (each once, revoked ones excluded). */
  get entitlementsOfUser() {
    return this.get('entitlementsOfUser', () =>
      childrenBy(this.em, Entitlement, (knex, users) =>
        knex
          .select('h.user_id as __k', 'c.*')
          .from(
            knex
              .select('ua.user_id', 'ea.entitlement_id')
              .distinct()
              .from('entitlement_assignment as ea')
              .join('user_account as ua', 'ua.id', 'ea.account_id')
              .whereIn('ua.user_id', [...users])
              .whereNot('ea.status', 'Revoked')
              .as('h'),
          )
          .join('entitlement as c', 'c.id', 'h.entitlement_id')
          .orderBy([{ column: 'c.display_name' }, { column: 'c.id' }]),
      ),
    );
  }

  get entitlementsOfTargetSystem() {
    return this.get('entitlementsOfTargetSystem', () =>
      childrenBy(this.em, Entitlement, (knex, systems) =>
        knex
          .select('c.target_system_id as __k', 'c.*')
          .from('entitlement as c')
          .whereIn('c.target_system_id', [...systems])
          .orderBy([{ column: 'c.display_name' }, { column: 'c.id' }]),
      ),
    );
  }

  /**
   * Roles through which an entitlement reaches a user, keyed by `userId:entitlementId`
   * (seed: `associatedRoles` of an account's entitlement).
   */
  get rolesGrantingEntitlementToUser() {
    return this.get('rolesGrantingEntitlementToUser', () =>
      childrenBy(this.em, Role, (knex, keys) => {
        const pairs = keys.map((k) => k.split(':'));
        return knex
          .select(knex.raw(`m.user_id || ':' || re.entitlement_id as __k`), 'c.*')
          .from(
            knex
              .select('user_id', 'role_id')
              .distinct()
              .from('role_member')
              .whereIn('user_id', [...new Set(pairs.map((p) => p[0]))])
              .as('m'),
          )
          .join('role_entitlement as re', 're.role_id', 'm.role_id')
          .join('role as c', 'c.id', 'm.role_id')
          .whereIn('re.entitlement_id', [...new Set(pairs.map((p) => p[1]))])
          .orderBy([{ column: 'c.display_name' }, { column: 'c.id' }]);
      }),
    );
  }

  /** Members of each role (assigned or by rule, each user once), by login. */
  get membersOfRole() {
    return this.nested('membersOfRole', {
      entity: User,
      parentColumn: 'rm.role_id',
      sortColumn: 'c.login',
      sortProperty: 'login',
      rows: (knex, roles) =>
        knex
          .from(
            knex
              .select('role_id', 'user_id')
              .distinct()
              .from('role_member')
              .whereIn('role_id', [...roles])
              .as('rm'),
          )
          .join('app_user as c', 'c.id', 'rm.user_id'),
      counts: (knex, roles) =>
        knex
          .select('role_id as __parent')
          .countDistinct({ n: 'user_id' })
          .from('role_member')
          .whereIn('role_id', [...roles])
          .groupBy('role_id'),
    });
  }

  /** People whose managerLogin is each given login, by login. */
  get directReports() {
    return this.nested('directReports', {
      entity: User,
      parentColumn: 'c.manager_login',
      sortColumn: 'c.login',
      sortProperty: 'login',
      rows: (knex, logins) =>
        knex
          .from('app_user as c')
          .where('c.workspace_id', this.workspaceId)
          .whereIn('c.manager_login', [...logins]),
      counts: (knex, logins) =>
        knex
          .select('manager_login as __parent')
          .count({ n: '*' })
          .from('app_user')
          .where('workspace_id', this.workspaceId)
          .whereIn('manager_login', [...logins])
          .groupBy('manager_login'),
    });
  }

  /** People holding each entitlement through an account, by login. */
  get membersOfEntitlement() {
    const held = (knex: Parameters<NestedSpec<User>['rows']>[0], ids: readonly string[]) =>
      knex
        .select('ea.entitlement_id', 'ua.user_id')
        .distinct()
        .from('entitlement_assignment as ea')
        .join('user_account as ua', 'ua.id', 'ea.account_id')
        .whereIn('ea.entitlement_id', [...ids])
        .whereNot('ea.status', 'Revoked');
    return this.nested('membersOfEntitlement', {
      entity: User,
      parentColumn: 'h.entitlement_id',
      sortColumn: 'c.login',
      sortProperty: 'login',
      rows: (knex, ids) => knex.from(held(knex, ids).as('h')).join('app_user as c', 'c.id', 'h.user_id'),
      counts: (knex, ids) => knex.select('h.entitlement_id as __parent').count({ n: '*' }).from(held(knex, ids).as('h')).groupBy('h.entitlement_id'),
    });
  }

  /** Accounts on each application, by account login. */
  get accountsOfTargetSystem() {
    return this.nested('accountsOfTargetSystem', {
      entity: UserAccount,
      parentColumn: 'c.target_system_id',
      sortColumn: 'c.login',
      sortProperty: 'login',
      rows: (knex, ids) => knex.from('user_account as c').whereIn('c.target_system_id', [...ids]),
      counts: (knex, ids) =>
        knex
          .select('target_system_id as __parent')
          .count({ n: '*' })
          .from('user_account')
          .whereIn('target_system_id', [...ids])
          .groupBy('target_system_id'),
    });
  }

  private nested<T extends { id: string }>(name: string, spec: NestedSpec<T>): NestedConnectionLoader<T> {
    return this.get(name, () => new NestedConnectionLoader(this.em, spec));
  }
}

/** A role membership as `User.roleMemberships` shows it. */
export interface RoleMembershipRow {
  roleId: string;
  roleName: string;
  source: string;
  createdAt: Date;
  expiresAt: Date | null;
}
