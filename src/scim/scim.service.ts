import { UniqueConstraintViolationException, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import type { ScimLoaders } from './scim.loaders.js';
import { authorize } from '../auth/viewer.js';
import { audit } from '../audit/audit.service.js';
import { Workspace } from '../auth/workspace.entity.js';
import { badInput, conflict, notFound } from '../errors.js';
import { isId } from '../common/ids.js';
import { pageRequest, type ConnectionShape } from '../common/pagination.js';
import { paginate } from '../common/keyset.js';
import { USER_FILTER } from './scim-query.js';
import { scimPage, scimWhere, scimWindow, versionMismatch, type ScimList, type ScimListArgs } from './scim-list.js';
import { applyPatch, patchOperations } from './scim-patch.js';
import { defaultDisplayName, etagMatches, readUser, userEtag, userResource, NAME_PARTS, type Json, type ScimUserData } from './scim-resource.js';
import { USER_SCHEMA } from './scim-schemas.js';
import { linkedRoles, matchIdentity, replaceEmails, replaceLinks, syncAssignments } from './scim-links.js';
import { ScimUser, ScimUserRole } from './scim-user.entity.js';
import { Provisioning } from '../requests/provisioning.service.js';
import type { PeopleService, PersonChanges } from '../governance/people.service.js';
import { User } from '../governance/user.entity.js';
import { ENTERPRISE_SCHEMA } from './scim-schemas.js';
import { isObject, keyOf } from './scim-resource.js';

/** The SCIM directory's users (seed 004), for GraphQL and for the /scim/v2/Users endpoints. */
export class ScimService {
  constructor(
    private readonly scope: RequestScope,
    private readonly loaders: ScimLoaders,
    /** Joiner, mover and leaver, when the workspace names this directory as authoritative. */
    private readonly people: PeopleService,
  ) {}

  /** Whether the workspace's SCIM directory is authoritative for its people. */
  private async authoritative(em: EntityManager): Promise<boolean> {
    return (await em.findOneOrFail(Workspace, this.ws)).authoritativeSource === 'SCIM';
  }

  /**
   * The SCIM user's person follows it when the directory is authoritative: created when no
   * person matches (joiner), its attributes changed (mover), terminated when `active` turns
   * false or the SCIM user is deleted (leaver), rehired when it turns true again.
   */
  private async followPerson(em: EntityManager, scimUser: ScimUser, data: ScimUserData | null): Promise<void> {
    if (!(await this.authoritative(em))) return;
    const origin = { via: 'SCIM' as const, scimUser: scimUser.id };
    let person = scimUser.user ? await em.findOneOrFail(User, scimUser.user.id) : null;
    if (data && !person) {
      person = await this.people.joinIn(em, { login: data.userName, ...personOf(data), status: data.active ? 'Active' : 'Inactive' }, '', origin);
      scimUser.user = person;
      await em.flush();
      return;
    }
    if (!person) return;
    if (data) await this.people.moveIn(em, person, { ...personOf(data), ...(data.active ? { status: 'Active' } : {}) }, '', origin);
    if (!data?.active && !person.terminatedAt) await this.people.leaveIn(em, person, data ? 'deactivated by the SCIM directory' : 'deleted from the SCIM directory', origin);
  }

  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  /**
   * Checks scim:write; reads the seed's CreateUserRequest, where `roles` is required (F5 binds
   * the new user to namespace roles): an empty list is refused on `input.roles`. The SCIM REST
   * surface keeps RFC 7643's optional roles, which identity providers rely on. Stores it as
   * {@link create} does.
   */
  async createUser(input: Json): Promise<ScimUser> {
    authorize(this.scope.viewer, 'scim:write');
    const data = readUser(input, 'input');
    if (data.roles.length === 0) throw badInput('input.roles', 'roles is required: name at least one role of the workspace (seed 004: Required: YES)');
    return this.create(data, 'input.userName');
  }

  /** POST /Users: checks scim:write, reads the SCIM body, stores it. */
  async createFromScim(body: unknown): Promise<ScimUser> {
    authorize(this.scope.viewer, 'scim:write');
    return this.create(readUser(body), 'userName');
  }

  /** A SCIM user of the caller's workspace by id; null for another workspace's or none. */
  async user(id: string): Promise<ScimUser | null> {
    authorize(this.scope.viewer, 'scim:read');
    return isId(id) ? this.loaders.scimUser.load(id) : null;
  }

  /** GraphQL list: a SCIM filter expression, cursor-paged in creation order, all in SQL. */
  async users(args: { filter?: string | null; first?: number | null; after?: string | null }): Promise<ConnectionShape<ScimUser>> {
    authorize(this.scope.viewer, 'scim:read');
    const page = pageRequest(args, this.scope.config);
    const where = scimWhere(this.scope, args.filter, USER_FILTER);
    return paginate(this.scope.em, ScimUser, where as () => FilterQuery<ScimUser>, page);
  }

  /** GET /Users: filter, startIndex, count; filtered and paged in SQL. */
  async list(args: ScimListArgs): Promise<ScimList<ScimUser>> {
    authorize(this.scope.viewer, 'scim:read');
    const where = scimWhere(this.scope, args.filter, USER_FILTER);
    return scimPage(this.scope.em, ScimUser, where as () => FilterQuery<ScimUser>, scimWindow(args, this.scope.config.maxPageSize));
  }

  /**
   * GraphQL update: the given fields replace the stored ones (a given `name` replaces the whole
   * name; `roles` replaces the list; `groups` is read-only and ignored); `version` (an ETag)
   * guards against lost updates.
   */
  async updateUser(id: string, input: Json, version?: string | null): Promise<ScimUser> {
    authorize(this.scope.viewer, 'scim:write');
    const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    return this.rewrite(id, version, 'version', 'input', (current) => ({ ...current, ...given }));
  }

  /** PUT /Users/{id}: checks scim:write and If-Match; the body replaces the user. */
  async replace(id: string, body: unknown, ifMatch?: string | null): Promise<ScimUser> {
    authorize(this.scope.viewer, 'scim:write');
    return this.rewrite(id, ifMatch, 'If-Match', '', () => body);
  }

  /** PATCH /Users/{id}: checks scim:write and If-Match; applies the PatchOp to the stored user. */
  async patch(id: string, body: unknown, ifMatch?: string | null): Promise<ScimUser> {
    authorize(this.scope.viewer, 'scim:write');
    const operations = patchOperations(body);
    return this.rewrite(id, ifMatch, 'If-Match', '', (current) => applyPatch(current, operations, USER_SCHEMA));
  }

  /**
   * Deletes a SCIM user (and its emails and links); the Roles it linked stop being SCIM
   * memberships of its IGA identity (access another source grants stays). Checks scim:write and, when given, If-Match. Audited.
   */
  async delete(id: string, ifMatch?: string | null): Promise<string> {
    authorize(this.scope.viewer, 'scim:write');
    return this.scope.transaction(async (em) => {
      const user = await this.load(em, id, ifMatch, 'If-Match');
      const before = await linkedRoles(em, [user.id]);
      const [resource] = await this.resources([user], '', em);
      const snapshot = snapshotFromResource(resource);
      await syncAssignments(em, this.provisioning(em), before, new Map());
      await this.followPerson(em, user, null);
      em.remove(user);
      audit(em, this.scope.viewer, { action: 'scimUser.delete', entityType: 'ScimUser', entityId: user.id, before: snapshot }, this.scope.requestId);
      return user.id;
    });
  }

  /**
   * SCIM resources of the given users, their roles and groups read in one statement (through
   * `em`: inside a write, the transaction's).
   */
  async resources(users: ScimUser[], baseUrl: string, em: EntityManager = this.scope.em): Promise<Json[]> {
    if (users.length === 0) return [];
    const rows = await em.find(ScimUserRole, { scimUser: { $in: users.map((u) => u.id) } }, { orderBy: { scimUser: 'asc', position: 'asc' }, populate: ['role'] });
    return users.map((u) =>
      userResource(
        u,
        rows
          .filter((l) => l.scimUser.id === u.id)
          .map((l) => ({ kind: l.kind, value: l.value, display: l.display, roleId: l.role?.id ?? null, roleDisplayName: l.role?.displayName ?? null })),
        baseUrl,
      ),
    );
  }

  /**
   * Creates a SCIM user: userName unique in the workspace, case-insensitively (CONFLICT on
   * `conflictField` otherwise); displayName defaults to the name; links its roles to Roles (groups
   * are read-only: membership comes from /Groups), its identity to an IGA User, and assigns the linked Roles to that User. One
   * transaction, audited.
   */
  private async create(data: ScimUserData, conflictField: string): Promise<ScimUser> {
    return this.unique(conflictField, () =>
      this.scope.transaction(async (em) => {
        await this.assertUnique(em, data.userName, null, conflictField);
        const now = new Date();
        const user = em.create(ScimUser, {
          workspace: em.getReference(Workspace, this.ws),
          ...columns(data),
          createdAt: now,
          lastModified: now,
          user: await matchIdentity(em, this.ws, data),
        });
        await replaceEmails(em, user);
        await replaceLinks(em, this.ws, user, data);
        await this.followPerson(em, user, data);
        await syncAssignments(em, this.provisioning(em), new Map(), await linkedRoles(em, [user.id]));
        audit(em, this.scope.viewer, { action: 'scimUser.create', entityType: 'ScimUser', entityId: user.id, after: snapshotOf(data) }, this.scope.requestId);
        return user;
      }),
    );
  }

  /**
   * The one write path of PUT, PATCH and GraphQL updates: renders the stored user, lets `next`
   * produce the new resource, reads it like a POST body and stores it: new version, emails,
   * links and assignments. Checks the version precondition first. Audited with before/after.
   */
  private async rewrite(id: string, expected: string | null | undefined, versionField: string, at: string, next: (current: Json) => unknown): Promise<ScimUser> {
    return this.unique(at ? `${at}.userName` : 'userName', () =>
      this.scope.transaction(async (em) => {
        const user = await this.load(em, id, expected, versionField);
        const [current] = await this.resources([user], '', em);
        const data = readUser(next(current), at);
        await this.assertUnique(em, data.userName, user.id, at ? `${at}.userName` : 'userName');
        const before = await linkedRoles(em, [user.id]);
        const snapshot = snapshotFromResource(current);
        Object.assign(user, { ...columns(data), version: user.version + 1, lastModified: new Date() });
        await replaceEmails(em, user);
        await replaceLinks(em, this.ws, user, data);
        await syncAssignments(em, this.provisioning(em), before, await linkedRoles(em, [user.id]));
        await this.followPerson(em, user, data);
        audit(em, this.scope.viewer, { action: 'scimUser.update', entityType: 'ScimUser', entityId: user.id, before: snapshot, after: snapshotOf(data) }, this.scope.requestId);
        return user;
      }),
    );
  }

  private provisioning(em: EntityManager): Provisioning {
    return new Provisioning(em, this.scope.viewer, this.scope.requestId);
  }

  private async load(em: EntityManager, id: string, expected: string | null | undefined, versionField: string): Promise<ScimUser> {
    const user = isId(id) ? await em.findOne(ScimUser, { id, workspace: this.ws }) : null;
    if (!user) throw notFound('ScimUser', id, 'id');
    if (expected && !etagMatches(expected, userEtag(user))) throw versionMismatch(versionField, userEtag(user));
    return user;
  }

  private async assertUnique(em: EntityManager, userName: string, except: string | null, field: string) {
    const clash = await em.findOne(ScimUser, { workspace: this.ws, userNameKey: userName.toLowerCase(), ...(except ? { id: { $ne: except } } : {}) }, { fields: ['id'] });
    if (clash) throw conflict(`userName "${userName}" is already taken in this workspace (userName is case-insensitive)`, field);
  }

  /** Two writers racing past the check meet the unique index: the loser gets the same CONFLICT. */
  private async unique<T>(field: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw conflict('userName is already taken in this workspace (userName is case-insensitive)', field);
      throw error;
    }
  }
}

/** The stored columns of a user read from input. */
function columns(data: ScimUserData) {
  return {
    userName: data.userName,
    userNameKey: data.userName.toLowerCase(),
    externalId: data.externalId,
    active: data.active,
    displayName: defaultDisplayName(data),
    nickName: data.nickName,
    ...Object.fromEntries(NAME_PARTS.map((p) => [p, data.name[p] ?? null])),
    emails: data.emails,
    userType: data.userType,
    schemas: data.schemas,
    attributes: data.attributes,
  };
}

/** What the audit log keeps of a user: identity and access, not every attribute. */
function snapshotOf(data: ScimUserData) {
  return {
    userName: data.userName,
    externalId: data.externalId,
    active: data.active,
    displayName: defaultDisplayName(data),
    roles: data.roles.map((r) => r.value),
  };
}

function snapshotFromResource(r: Json) {
  const list = (k: string) => ((r[k] as Array<{ value: string }> | undefined) ?? []).map((x) => x.value);
  return { userName: r.userName, externalId: r.externalId ?? null, active: r.active, displayName: r.displayName, roles: list('roles'), groups: list('groups') };
}

/**
 * The person's attributes a SCIM user carries: names, display name, the primary (else first)
 * e-mail, externalId as the employee number, `title` as the job title, and the enterprise
 * extension's department, organization and employeeNumber. SCIM's userType (USER, SERVICE, …)
 * is not the person's (Employee, Contractor, …) and is left alone.
 */
function personOf(data: ScimUserData): PersonChanges {
  const email = data.emails.find((e) => e.primary) ?? data.emails[0];
  const enterprise = isObject(data.attributes[ENTERPRISE_SCHEMA]) ? (data.attributes[ENTERPRISE_SCHEMA] as Json) : {};
  const text = (source: Json, name: string): string | null | undefined => {
    const key = keyOf(source, name);
    if (key === undefined) return undefined;
    const value = source[key];
    return typeof value === 'string' ? value : null;
  };
  const out: PersonChanges = {
    displayName: defaultDisplayName(data),
    firstName: data.name.givenName ?? null,
    lastName: data.name.familyName ?? null,
    email: email?.value ?? null,
    jobTitle: text(data.attributes, 'title'),
    employeeNumber: text(enterprise, 'employeeNumber') ?? data.externalId,
    department: text(enterprise, 'department'),
    organizationName: text(enterprise, 'organization'),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as PersonChanges;
}
