import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import type { ScimLoaders } from './scim.loaders.js';
import type { GovernanceLoaders } from '../governance/governance.loaders.js';
import { authorize } from '../auth/viewer.js';
import { audit } from '../audit/audit.service.js';
import { Workspace } from '../auth/workspace.entity.js';
import { conflict, DomainError, notFound } from '../errors.js';
import { Provisioning } from '../requests/provisioning.service.js';
import { isId } from '../common/ids.js';
import { Role } from '../governance/role.entity.js';
import { GROUP_FILTER } from './scim-query.js';
import { applyPatch, patchOperations } from './scim-patch.js';
import { etagMatches, groupEtag, groupResource, invalidValue, readGroup, type GroupData, type GroupMember, type Json } from './scim-resource.js';
import { GROUP_SCHEMA } from './scim-schemas.js';
import { linkedRoles, lowerEquals, syncAssignments } from './scim-links.js';
import { ScimUser, ScimUserRole } from './scim-user.entity.js';
import { scimPage, scimWhere, scimWindow, versionMismatch, type ScimList, type ScimListArgs } from './scim-list.js';

/**
 * /scim/v2/Groups: a SCIM Group is a Role of the workspace. Its members are SCIM users (their
 * GROUP links); a member whose SCIM user is linked to an IGA identity holds the Role through a
 * SCIM membership. /Groups is no way into the catalog: a group created here is a directory
 * group (`origin: SCIM`), never requestable and granting no entitlements, and only such a
 * group can be deleted or renamed here; catalog roles are onboarded, renamed and retired in the
 * catalog.
 */
export class ScimGroupService {
  constructor(
    private readonly scope: RequestScope,
    private readonly loaders: ScimLoaders,
    /** A group is a Role: read through the catalog's loaders. */
    private readonly governanceLoaders: GovernanceLoaders,
  ) {}

  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  /** GET /Groups: checks scim:read; filter (id, displayName, members.value), paged in SQL. */
  async list(args: ScimListArgs): Promise<ScimList<Role>> {
    authorize(this.scope.viewer, 'scim:read');
    const where = scimWhere(this.scope, args.filter, GROUP_FILTER);
    return scimPage(this.scope.em, Role, where as () => FilterQuery<Role>, scimWindow(args, this.scope.config.maxPageSize));
  }

  /** GET /Groups/{id}: checks scim:read; null for another workspace's role or none. */
  async group(id: string): Promise<Role | null> {
    authorize(this.scope.viewer, 'scim:read');
    return isId(id) ? this.governanceLoaders.role.load(id) : null;
  }

  /**
   * POST /Groups: checks scim:write; creates a directory group, a Role of origin SCIM that is
   * not requestable, named by displayName (CONFLICT when a Role of that name or display name
   * exists); links the SCIM users' dangling roles that name it, and sets its members. One
   * transaction, audited.
   */
  async create(body: unknown): Promise<Role> {
    authorize(this.scope.viewer, 'scim:write');
    const data = readGroup(body);
    return this.scope.transaction(async (em) => {
      await this.assertUnique(em, data.displayName, null);
      const role = em.create(Role, {
        workspace: em.getReference(Workspace, this.ws),
        name: data.displayName,
        displayName: data.displayName,
        origin: 'SCIM',
        isRequestable: false,
        description: 'Directory group created through SCIM',
      });
      await em.flush();
      await this.linkDangling(em, role);
      const members = await this.setMembers(em, role, data.members);
      audit(
        em,
        this.scope.viewer,
        { action: 'scimGroup.create', entityType: 'Role', entityId: role.id, after: { displayName: role.displayName, origin: role.origin, members } },
        this.scope.requestId,
      );
      return role;
    });
  }

  /** PUT /Groups/{id}: checks scim:write and If-Match; renames the Role and replaces its members. */
  async replace(id: string, body: unknown, ifMatch?: string | null): Promise<Role> {
    authorize(this.scope.viewer, 'scim:write');
    const data = readGroup(body);
    return this.rewrite(id, ifMatch, () => data);
  }

  /** PATCH /Groups/{id}: checks scim:write and If-Match; applies the PatchOp (members add/remove, displayName). */
  async patch(id: string, body: unknown, ifMatch?: string | null): Promise<Role> {
    authorize(this.scope.viewer, 'scim:write');
    const operations = patchOperations(body);
    return this.rewrite(id, ifMatch, (current) => readGroup(applyPatch(current, operations, GROUP_SCHEMA)));
  }

  /**
   * DELETE /Groups/{id}: checks scim:write and If-Match; only a directory group (origin SCIM)
   * can be deleted: a catalog role is a CONFLICT (retired is final, and retiring goes through
   * operateRole). Removes the memberships (and the access they alone granted) and deletes the
   * Role. Audited.
   */
  async delete(id: string, ifMatch?: string | null): Promise<string> {
    authorize(this.scope.viewer, 'scim:write');
    return this.scope.transaction(async (em) => {
      const { role, members } = await this.load(em, id, ifMatch);
      if (role.origin !== 'SCIM') {
        throw new DomainError('CONFLICT', `Group "${role.displayName}" is a catalog role: it cannot be deleted through SCIM (retire it with operateRole)`, 'id', {
          scimType: null,
        });
      }
      await this.setMembers(em, role, []);
      em.remove(role);
      audit(
        em,
        this.scope.viewer,
        { action: 'scimGroup.delete', entityType: 'Role', entityId: role.id, before: { displayName: role.displayName, members: members.map((m) => m.scimUserId) } },
        this.scope.requestId,
      );
      return role.id;
    });
  }

  /** SCIM resources of the given roles: members and last change read in one statement each. */
  async resources(roles: Role[], baseUrl: string): Promise<Json[]> {
    const ids = roles.map((r) => r.id);
    const [members, changed] = await Promise.all([this.loaders.membersOfGroup.loadMany(ids), this.loaders.groupLastChanged.loadMany(ids)]);
    return roles.map((role, i) => {
      const own = members[i];
      const last = changed[i];
      if (own instanceof Error) throw own;
      if (last instanceof Error) throw last;
      const lastModified = last && last.at > role.createdOn ? last.at : role.createdOn;
      return groupResource(role, own.map(memberOf), lastModified, baseUrl);
    });
  }

  /** The one write path of PUT and PATCH: precondition, rename (unique), members; audited. */
  private async rewrite(id: string, ifMatch: string | null | undefined, next: (current: Json) => GroupData): Promise<Role> {
    return this.scope.transaction(async (em) => {
      const { role, members } = await this.load(em, id, ifMatch);
      const data = next(groupResource(role, members, role.createdOn, ''));
      const before = { displayName: role.displayName, members: members.map((m) => m.scimUserId) };
      if (data.displayName !== role.displayName) {
        if (role.origin !== 'SCIM') throw mutabilityError('displayName', `Group "${role.displayName}" is a catalog role: its name changes in the catalog, not through SCIM`);
        await this.assertUnique(em, data.displayName, role.id);
        role.displayName = data.displayName;
      }
      const after = await this.setMembers(em, role, data.members);
      audit(
        em,
        this.scope.viewer,
        { action: 'scimGroup.update', entityType: 'Role', entityId: role.id, before, after: { displayName: role.displayName, members: after } },
        this.scope.requestId,
      );
      return role;
    });
  }

  private async load(em: EntityManager, id: string, ifMatch: string | null | undefined) {
    const role = isId(id) ? await em.findOne(Role, { id, workspace: this.ws }) : null;
    if (!role) throw notFound('Group', id, 'id');
    const rows = await em.find(ScimUserRole, { role: role.id, kind: 'GROUP' }, { orderBy: { scimUser: 'asc' } });
    const members = rows.map(memberOf);
    if (ifMatch && !etagMatches(ifMatch, groupEtag(role, members))) throw versionMismatch('If-Match', groupEtag(role, members));
    return { role, members };
  }

  private async assertUnique(em: EntityManager, displayName: string, except: string | null) {
    const clash = await em.findOne(
      Role,
      { workspace: this.ws, $or: [lowerEquals('name', displayName), lowerEquals('display_name', displayName)], ...(except ? { id: { $ne: except } } : {}) },
      { fields: ['id'] },
    );
    if (clash) throw conflict(`A group (role) named "${displayName}" already exists`, 'displayName');
  }

  /**
   * Makes the role's members exactly `wanted`; a value that is no SCIM user of the workspace is
   * BAD_USER_INPUT (scimType invalidValue) naming `members.<i>.value`. The SCIM users whose
   * membership changed get a new version, and their IGA identities' SCIM memberships follow.
   * Returns the member ids.
   */
  private async setMembers(em: EntityManager, role: Role, wanted: Array<{ value: string; display?: string | null }>): Promise<string[]> {
    const ids = [...new Set(wanted.map((w) => w.value).filter(isId))];
    const users = ids.length ? await em.find(ScimUser, { workspace: this.ws, id: { $in: ids } }) : [];
    const known = new Map(users.map((u) => [u.id, u]));
    const desired = new Map<string, string | null>();
    wanted.forEach((w, i) => {
      if (!known.has(w.value)) throw invalidValue(`members.${i}.value`, `members[${i}].value ${JSON.stringify(w.value)} is not the id of a User of this directory`);
      if (!desired.has(w.value)) desired.set(w.value, w.display ?? null);
    });

    const rows = await em.find(ScimUserRole, { role: role.id, kind: 'GROUP' });
    const current = new Map(rows.map((r) => [r.scimUser.id, r]));
    const before = await linkedRoles(em, [...new Set([...current.keys(), ...desired.keys()])]);
    const changed = new Set<string>();
    for (const [userId, row] of current) {
      if (!desired.has(userId)) {
        em.remove(row);
        changed.add(userId);
      } else {
        const display = desired.get(userId);
        if (display && display !== row.display) {
          row.display = display;
          changed.add(userId);
        }
      }
    }
    const added = [...desired.keys()].filter((id) => !current.has(id));
    if (added.length) {
      const positions = await em.find(ScimUserRole, { scimUser: { $in: added } }, { fields: ['scimUser', 'position'] });
      for (const userId of added) {
        const last = Math.max(-1, ...positions.filter((p) => p.scimUser.id === userId).map((p) => p.position));
        em.create(ScimUserRole, {
          scimUser: known.get(userId)!,
          kind: 'GROUP',
          value: role.id,
          display: desired.get(userId) ?? known.get(userId)!.displayName,
          role,
          position: last + 1,
        });
        changed.add(userId);
      }
    }
    const touched = users.filter((u) => changed.has(u.id));
    const missing = [...changed].filter((id) => !known.has(id));
    if (missing.length) touched.push(...(await em.find(ScimUser, { id: { $in: missing } })));
    for (const u of touched) {
      u.version += 1;
      u.lastModified = new Date();
    }
    await syncAssignments(em, this.provisioning(em), before, await linkedRoles(em, [...changed]));
    return [...desired.keys()];
  }

  /** SCIM users' roles and groups that name a new Role (and matched none before) now link to it. */
  private async linkDangling(em: EntityManager, role: Role) {
    const rows = await em.find(ScimUserRole, {
      role: null,
      scimUser: { workspace: this.ws },
      $or: [lowerEquals('value', role.name), lowerEquals('display', role.name)],
    });
    if (rows.length === 0) return;
    const affected = [...new Set(rows.map((r) => r.scimUser.id))];
    const before = await linkedRoles(em, affected);
    for (const row of rows) row.role = role;
    await syncAssignments(em, this.provisioning(em), before, await linkedRoles(em, affected));
  }

  private provisioning(em: EntityManager): Provisioning {
    return new Provisioning(em, this.scope.viewer, this.scope.requestId);
  }
}

const memberOf = (row: ScimUserRole): GroupMember => ({ scimUserId: row.scimUser.id, display: row.display });

const mutabilityError = (field: string, message: string) => new DomainError('BAD_USER_INPUT', message, field, { scimType: 'mutability' });
