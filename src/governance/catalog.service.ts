import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { ServiceRequest } from './service-request.entity.js';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { RequestScope } from '../common/request-scope.js';
import type { GovernanceLoaders } from './governance.loaders.js';
import { authorize, can } from '../auth/viewer.js';
import type { Action } from '../auth/authorities.js';
import { audit } from '../audit/audit.service.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { badInput, conflict, notFound } from '../errors.js';
import { invalidCursor, pageRequest, toConnection, type ConnectionShape } from '../common/pagination.js';
import { containsFilter, containsPattern, paginate } from '../common/keyset.js';
import { User } from './user.entity.js';
import { Role } from './role.entity.js';
import { TargetSystem } from './target-system.entity.js';
import { Entitlement } from './entitlement.entity.js';
import { UserAccount } from './user-account.entity.js';
import { compileRule } from './rules.js';
import { Provisioning } from '../requests/provisioning.service.js';
import { SqlPlanner, type Dialect } from '../graph/planner.js';
import type { Selection } from '../graph/selection.js';
import type { ConnectionResult } from '../common/pagination.js';

const planners = new Map<Dialect, SqlPlanner>();
const plannerFor = (dialect: Dialect) => planners.get(dialect) ?? planners.set(dialect, new SqlPlanner(dialect)).get(dialect)!;

export type CatalogCollection = 'User' | 'Role' | 'TargetSystem' | 'Entitlement' | 'ServiceRequest';
export type CatalogItem = User | Role | TargetSystem | Entitlement | ServiceRequest;
export type Lifecycle = 'ENABLE' | 'DISABLE' | 'RETIRE';
export type UserOrder = 'LOGIN' | 'DISPLAY_NAME' | 'CREATED_ON';

interface Page {
  first?: number | null;
  after?: string | null;
}

/** How many days count as "recently added" for the catalog's relevance filter. */
export const RECENTLY_ADDED_DAYS = 30;

const TABLES: Record<CatalogCollection, { table: string; tags: boolean }> = {
  User: { table: 'app_user', tags: false },
  Role: { table: 'role', tags: true },
  TargetSystem: { table: 'target_system', tags: true },
  Entitlement: { table: 'entitlement', tags: true },
  ServiceRequest: { table: 'service_request', tags: true },
};

/** Reads of the IGA catalog and the lifecycle operations on roles and applications. */
export class CatalogService {
  constructor(
    private readonly scope: RequestScope,
    private readonly loaders: GovernanceLoaders,
  ) {}

  /** The planner reads only the edges this caller may read. */
  private readonly planOptions = { may: (action: Action) => can(this.scope.viewer, action) };

  private get em(): EntityManager {
    return this.scope.em;
  }
  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }
  private page(args: Page) {
    return pageRequest(args, this.scope.config);
  }

  /**
   * Catalog search (seed: Search): display name contains the keyword, case-insensitively;
   * narrowed by collection, tag (one of the comma-separated `searchTags`) and relevance.
   * One UNION statement across the collections, ordered by display name.
   */
  async searchCatalog(
    args: { keyword?: string | null; collection?: CatalogCollection | null; tag?: string | null; relevanceFilter?: string | null } & Page,
  ): Promise<ConnectionShape<CatalogItem>> {
    authorize(this.scope.viewer, 'catalog:read');
    const page = this.page(args);
    if (args.relevanceFilter && args.relevanceFilter !== 'recentlyAdded') {
      throw badInput('relevanceFilter', `Unknown relevanceFilter "${args.relevanceFilter}" (supported: recentlyAdded)`);
    }
    const knex = (this.em as SqlEntityManager).getKnex();
    const collections = (args.collection ? [args.collection] : (Object.keys(TABLES) as CatalogCollection[])).filter((c) => !args.tag || TABLES[c].tags);
    if (collections.length === 0)
      return toConnection(
        [],
        page,
        () => [],
        () => 0,
      );

    const since = new Date(Date.now() - RECENTLY_ADDED_DAYS * 86_400_000);
    const union = (select: (c: CatalogCollection) => string) =>
      collections.map((c) => {
        const q = knex
          .select(knex.raw(select(c)))
          .from(TABLES[c].table)
          .where('workspace_id', this.ws);
        if (args.keyword) q.whereRaw(`lower(display_name) like ? escape '\\'`, [containsPattern(args.keyword, 'keyword')]);
        if (args.tag) q.whereRaw(`(',' || replace(lower(search_tags), ', ', ',') || ',') like ?`, [`%,${args.tag.toLowerCase().trim()},%`]);
        if (args.relevanceFilter === 'recentlyAdded') q.where('created_on', '>=', since);
        return q;
      });
    const parts = union((c) => `'${c}' as collection, id, display_name, created_on`);
    // SQLite rejects parenthesised UNION members, so the members are chained bare.
    const all = parts.length > 1 ? parts[0].unionAll(parts.slice(1), false) : parts[0];
    const query = knex.select('*').from(all.as('catalog'));
    const recent = args.relevanceFilter === 'recentlyAdded';
    if (page.after) {
      const [a, b, id] = page.after as [string, string, string];
      // (display name or creation time, collection, id), as this list gives them out.
      if (page.after.length !== 3 || ![a, b, id].every((v) => typeof v === 'string') || !Object.hasOwn(TABLES, b) || (recent && Number.isNaN(new Date(a).getTime()))) {
        throw invalidCursor();
      }
      if (recent) query.whereRaw('(created_on < ? or (created_on = ? and (collection > ? or (collection = ? and id > ?))))', [new Date(a), new Date(a), b, b, id]);
      else query.whereRaw('(display_name > ? or (display_name = ? and (collection > ? or (collection = ? and id > ?))))', [a, a, b, b, id]);
    }
    if (recent) query.orderBy([{ column: 'created_on', order: 'desc' }, 'collection', 'id']);
    else query.orderBy(['display_name', 'collection', 'id']);
    const rows: Array<{ collection: CatalogCollection; id: string; display_name: string; created_on: unknown }> = await query.limit(page.first + 1);

    const items = await Promise.all(rows.map((r) => this.loaderFor(r.collection).load(r.id)));
    const keyed = rows.map((r, i) => ({ row: r, item: items[i] as CatalogItem }));
    const conn = toConnection(
      keyed,
      page,
      ({ row }) => [recent ? new Date(row.created_on as string).toISOString() : row.display_name, row.collection, row.id],
      async () => {
        const ids = union(() => 'id');
        const counted = ids.length > 1 ? ids[0].unionAll(ids.slice(1), false) : ids[0];
        const [row] = (await knex.count({ n: '*' }).from(counted.as('catalog'))) as Array<{ n: number | string }>;
        return Number(row.n);
      },
    );
    return conn.map((n) => n.item);
  }

  private loaderFor(collection: CatalogCollection) {
    const l = this.loaders;
    return { User: l.user, Role: l.role, TargetSystem: l.targetSystem, Entitlement: l.entitlement, ServiceRequest: l.serviceRequest }[collection];
  }

  async users(args: { displayName?: string | null; department?: string | null; status?: string | null; orderBy?: UserOrder | null } & Page, selection?: Selection | null) {
    authorize(this.scope.viewer, 'catalog:read');
    const where = (): FilterQuery<User> => {
      const w: FilterQuery<User> = { workspace: this.ws };
      if (args.displayName) Object.assign(w, containsFilter('display_name', args.displayName, 'displayName'));
      if (args.department) Object.assign(w, { department: args.department });
      if (args.status) Object.assign(w, { status: args.status });
      return w;
    };
    const sort = ({ LOGIN: 'login', DISPLAY_NAME: 'displayName', CREATED_ON: 'createdOn' } as const)[args.orderBy ?? 'LOGIN'];
    return this.planned('User', selection, await paginate(this.em, User, where, this.page(args), sort, 'asc', this.planning(selection)));
  }

  /** One user by id or login (exactly one of them). A user of another workspace is null. */
  async user(args: { id?: string | null; login?: string | null }, selection?: Selection | null): Promise<User | null> {
    authorize(this.scope.viewer, 'catalog:read');
    if (!!args.id === !!args.login) throw badInput(args.id ? 'login' : 'id', 'Give exactly one of `id` and `login`');
    const user = await (args.id ? this.loaders.user.load(args.id) : this.loaders.userByLogin.load(args.login!));
    if (!user || !selection || !this.scope.config.sqlPlanner) return user;
    const [prefetched] = await plannerFor(this.scope.config.database).load<User>(this.em, 'User', selection, [user.id], this.planOptions);
    return prefetched ?? user;
  }

  /**
   * Replaces a page's objects by read models with the selection's nested edges prefetched in
   * one statement (see common/sql-plan.ts); the page itself (order, cursors, count) is kept.
   */
  /** Whether a selection will be answered by the SQL planner. */
  private planning(selection: Selection | null | undefined): boolean {
    return !!selection && this.scope.config.sqlPlanner;
  }

  private async planned<T extends { id: string }>(type: string, selection: Selection | null | undefined, page: ConnectionResult<T>): Promise<ConnectionResult<T>> {
    if (!selection || !this.scope.config.sqlPlanner || page.edges.length === 0) return page;
    const models = await plannerFor(this.scope.config.database).load<T>(
      this.em,
      type,
      selection,
      page.edges.map((e) => e.node.id),
      this.planOptions,
    );
    const byId = new Map(models.map((m) => [m.id, m]));
    return page.map((node) => byId.get(node.id) ?? node);
  }

  async roles(args: { displayName?: string | null } & Page, selection?: Selection | null) {
    authorize(this.scope.viewer, 'catalog:read');
    const where = (): FilterQuery<Role> => {
      const w: FilterQuery<Role> = { workspace: this.ws };
      if (args.displayName) Object.assign(w, containsFilter('display_name', args.displayName, 'displayName'));
      return w;
    };
    return this.planned('Role', selection, await paginate(this.em, Role, where, this.page(args), 'displayName', 'asc', this.planning(selection)));
  }

  async targetSystems(args: { displayName?: string | null } & Page, selection?: Selection | null) {
    authorize(this.scope.viewer, 'catalog:read');
    const where = (): FilterQuery<TargetSystem> => {
      const w: FilterQuery<TargetSystem> = { workspace: this.ws };
      if (args.displayName) Object.assign(w, containsFilter('display_name', args.displayName, 'displayName'));
      return w;
    };
    return this.planned('TargetSystem', selection, await paginate(this.em, TargetSystem, where, this.page(args), 'displayName', 'asc', this.planning(selection)));
  }

  async entitlements(args: { displayName?: string | null; targetSystemId?: string | null } & Page, selection?: Selection | null) {
    authorize(this.scope.viewer, 'catalog:read');
    const where = (): FilterQuery<Entitlement> => {
      const w: FilterQuery<Entitlement> = { workspace: this.ws };
      if (args.displayName) Object.assign(w, containsFilter('display_name', args.displayName, 'displayName'));
      if (args.targetSystemId) Object.assign(w, { targetSystem: args.targetSystemId });
      return w;
    };
    return this.planned('Entitlement', selection, await paginate(this.em, Entitlement, where, this.page(args), 'displayName', 'asc', this.planning(selection)));
  }

  /** Accounts (seed: User Account Fetch) by user id, user login and/or status. */
  async userAccounts(args: { userId?: string | null; login?: string | null; status?: string | null } & Page, selection?: Selection | null) {
    authorize(this.scope.viewer, 'catalog:read');
    const where = (): FilterQuery<UserAccount> => {
      const w: FilterQuery<UserAccount> = { workspace: this.ws };
      if (args.userId) Object.assign(w, { user: args.userId });
      if (args.login) Object.assign(w, { user: { ...(args.userId ? { id: args.userId } : {}), login: args.login } });
      if (args.status) Object.assign(w, { status: args.status });
      return w;
    };
    return this.planned('UserAccount', selection, await paginate(this.em, UserAccount, where, this.page(args), 'id', 'asc', this.planning(selection)));
  }

  /** Enable, disable or retire a role (seed: Role Operation); checks the state machine, audits. */
  async operateRole(roleId: string, operation: Lifecycle): Promise<Role> {
    authorize(this.scope.viewer, 'catalog:operate');
    return this.scope.transaction(async (em) => {
      const role = await em.findOne(Role, { id: roleId, workspace: this.ws });
      if (!role) throw notFound('Role', roleId, 'roleId');
      await this.applyLifecycle(em, role, 'role', operation);
      return role;
    });
  }

  /** Enable, disable or retire an application (seed: Application Operation). */
  async operateTargetSystem(targetSystemId: string, operation: Lifecycle): Promise<TargetSystem> {
    authorize(this.scope.viewer, 'catalog:operate');
    return this.scope.transaction(async (em) => {
      const system = await em.findOne(TargetSystem, { id: targetSystemId, workspace: this.ws });
      if (!system) throw notFound('TargetSystem', targetSystemId, 'targetSystemId');
      await this.applyLifecycle(em, system, 'targetSystem', operation);
      if (operation !== 'ENABLE') system.updatedOn = new Date();
      return system;
    });
  }

  /**
   * The lifecycle state machine shared by roles and applications:
   * active ⇄ disabled → retired (final). Repeating the current state changes nothing.
   */
  private async applyLifecycle(em: EntityManager, target: Role | TargetSystem, kind: 'role' | 'targetSystem', operation: Lifecycle) {
    const before = { disabled: target.disabled, retired: target.retired };
    if (target.retired) {
      throw conflict(`${target.displayName} is retired; retirement is final, so ${operation} is not possible`, 'operation');
    }
    if (operation === 'ENABLE') target.disabled = false;
    if (operation === 'DISABLE') target.disabled = true;
    if (operation === 'RETIRE') {
      target.disabled = true;
      target.retired = true;
    }
    const after = { disabled: target.disabled, retired: target.retired };
    if (before.disabled === after.disabled && before.retired === after.retired) return;
    audit(
      em,
      this.scope.viewer,
      { action: `${kind}.${operation.toLowerCase()}`, entityType: kind === 'role' ? 'Role' : 'TargetSystem', entityId: target.id, before, after },
      this.scope.requestId,
    );
  }

  /**
   * Sets a role's birthright rule: validated first (never executed when invalid), members
   * recomputed. A retired role or a directory group (origin SCIM) is a CONFLICT.
   */
  async setRoleRule(roleId: string, rule: string | null, ruleForm?: string | null): Promise<Role> {
    authorize(this.scope.viewer, 'catalog:operate');
    compileRule(rule, 'rule');
    return this.scope.transaction(async (em) => {
      const role = await em.findOne(Role, { id: roleId, workspace: this.ws });
      if (!role) throw notFound('Role', roleId, 'roleId');
      if (role.retired) throw conflict(`${role.displayName} is retired; its rule cannot change`, 'roleId');
      // A directory group's members come from the directory alone: a rule would make it a catalog role.
      if (role.origin === 'SCIM') throw conflict(`${role.displayName} is a directory group (SCIM): its members come from the directory, it takes no rule`, 'roleId');
      const before = { rule: role.rule ?? null, ruleForm: role.ruleForm ?? null };
      role.rule = rule;
      if (ruleForm !== undefined) role.ruleForm = ruleForm;
      await em.flush();
      await new Provisioning(em, this.scope.viewer, this.scope.requestId).syncRuleMemberships(this.ws, { roles: [role] }, undefined, { rule: 'set' });
      audit(
        em,
        this.scope.viewer,
        { action: 'role.rule.set', entityType: 'Role', entityId: role.id, before, after: { rule: role.rule, ruleForm: role.ruleForm ?? null } },
        this.scope.requestId,
      );
      return role;
    });
  }

  async auditEvents(args: { entityId?: string | null; action?: string | null } & Page) {
    authorize(this.scope.viewer, 'audit:read');
    const where = (): FilterQuery<AuditEvent> => {
      const w: FilterQuery<AuditEvent> = { workspace: this.ws };
      if (args.entityId) Object.assign(w, { entityId: args.entityId });
      if (args.action) Object.assign(w, { action: args.action });
      return w;
    };
    return paginate(this.em, AuditEvent, where, this.page(args), 'id', 'desc');
  }
}
