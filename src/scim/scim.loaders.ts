import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { byKey, groupedByKey, LoaderRegistry, rowsByKey } from '../graph/loader-kit.js';
import { Role } from '../governance/role.entity.js';
import { ScimUser, ScimUserRole } from './scim-user.entity.js';

/** The SCIM directory's edges, each one statement per batch whatever the number of parents. */
export class ScimLoaders extends LoaderRegistry {
  constructor(
    private readonly em: EntityManager,
    private readonly workspaceId: string,
  ) {
    super();
  }

  get scimUser() {
    return this.get('scimUser', () => rowsByKey(this.em, ScimUser, this.workspaceId));
  }

  /** The SCIM user of each IGA identity (the oldest when several link to it). */
  get scimUserOfUser() {
    return this.get('scimUserOfUser', () =>
      byKey<string, ScimUser>(
        async (userIds) => {
          const rows = await this.em.find(ScimUser, { workspace: this.workspaceId, user: { $in: [...userIds] } }, { orderBy: { id: 'desc' } });
          // byKey keeps the last row per key: ordered newest first, the oldest wins.
          return rows;
        },
        (s) => s.user!.id,
      ),
    );
  }

  /** Roles and groups of each SCIM user as given, in order. */
  get linksOfScimUser() {
    return this.get('linksOfScimUser', () =>
      groupedByKey<string, ScimUserRole>(async (ids) => {
        const rows = await this.em.find(ScimUserRole, { scimUser: { $in: [...ids] } }, { orderBy: { scimUser: 'asc', position: 'asc' } });
        return rows.map((r) => [r.scimUser.id, r] as [string, ScimUserRole]);
      }),
    );
  }

  /** The Roles each SCIM user's roles and groups link to (each once, by display name). */
  get rolesOfScimUser() {
    return this.get('rolesOfScimUser', () =>
      groupedByKey<string, Role>(async (ids) => {
        const knex = (this.em as SqlEntityManager).getKnex();
        const rows: Array<Record<string, unknown>> = await knex
          .select('l.scim_user_id as __parent', 'r.*')
          .from('scim_user_role as l')
          .join('role as r', 'r.id', 'l.role_id')
          .whereIn('l.scim_user_id', [...ids])
          .orderBy([{ column: 'l.scim_user_id' }, { column: 'r.display_name' }, { column: 'r.id' }]);
        const seen = new Set<string>();
        const pairs: Array<[string, Role]> = [];
        for (const { __parent, ...role } of rows) {
          const key = `${__parent}:${role.id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          pairs.push([__parent as string, this.em.map(Role, role)]);
        }
        return pairs;
      }),
    );
  }

  /** Members of each group (a Role): its GROUP links, in order of the SCIM user id. */
  get membersOfGroup() {
    return this.get('membersOfGroup', () =>
      groupedByKey<string, ScimUserRole>(async (roleIds) => {
        const rows = await this.em.find(ScimUserRole, { role: { $in: [...roleIds] }, kind: 'GROUP' }, { orderBy: { role: 'asc', scimUser: 'asc' } });
        return rows.map((r) => [r.role!.id, r] as [string, ScimUserRole]);
      }),
    );
  }

  /**
   * When each group last changed: Roles keep no modification time, so it is the newest audit
   * event about the role (every SCIM write records one), or its creation.
   */
  get groupLastChanged() {
    return this.get('groupLastChanged', () =>
      byKey<string, { id: string; at: Date }>(
        async (roleIds) => {
          const knex = (this.em as SqlEntityManager).getKnex();
          const rows: Array<{ id: string; at: unknown }> = await knex
            .select('entity_id as id')
            .max({ at: 'at' })
            .from('audit_event')
            .where('workspace_id', this.workspaceId)
            .whereIn('entity_id', [...roleIds])
            .groupBy('entity_id');
          return rows.map((r) => ({ id: r.id, at: new Date(typeof r.at === 'string' && /^\d+$/.test(r.at) ? Number(r.at) : (r.at as string | number)) }));
        },
        (r) => r.id,
      ),
    );
  }
}
