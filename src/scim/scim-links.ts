import { raw, type EntityManager } from '@mikro-orm/core';
import { Role, RoleMember } from '../governance/role.entity.js';
import { User } from '../governance/user.entity.js';
import { isId } from '../common/ids.js';
import { ScimUser, ScimUserEmail, ScimUserRole, type ScimLinkKind } from './scim-user.entity.js';
import type { ScimLinkValue, ScimUserData } from './scim-resource.js';

/**
 * How SCIM users meet the governance graph: their roles and groups link to Roles, the Roles
 * they link become ASSIGNED memberships of their IGA identity, and the identity itself is found
 * by userName or externalId when the SCIM user is created.
 */

/** `lower(<column>) = ?` as a filter entry (SCIM matching is case-insensitive). */
export function lowerEquals(column: string, value: string): Record<string, unknown> {
  return { [raw((alias: string) => `lower(${alias}.${column}) = ?`, [value.toLowerCase()])]: [] };
}

/**
 * The IGA identity a new SCIM user is: userName equal to a login (preferred) or an email, or
 * externalId equal to an employeeNumber; case-insensitive. One statement.
 */
export async function matchIdentity(em: EntityManager, workspaceId: string, data: Pick<ScimUserData, 'userName' | 'externalId'>): Promise<User | null> {
  const alternatives = [lowerEquals('login', data.userName), lowerEquals('email', data.userName)];
  if (data.externalId) alternatives.push(lowerEquals('employee_number', data.externalId));
  const candidates = await em.find(User, { workspace: workspaceId, $or: alternatives }, { orderBy: { id: 'asc' } });
  const key = data.userName.toLowerCase();
  return (
    candidates.find((u) => u.login.toLowerCase() === key) ??
    candidates.find((u) => u.email?.toLowerCase() === key) ??
    candidates.find((u) => !!data.externalId && u.employeeNumber?.toLowerCase() === data.externalId.toLowerCase()) ??
    null
  );
}

/**
 * The Role each value names, or null: a role value names a Role by name or displayName; a group
 * value is a Role id (what /Groups returns), else its display or value names one. One statement.
 */
export async function resolveRoles(em: EntityManager, workspaceId: string, kind: ScimLinkKind, links: ScimLinkValue[]): Promise<Array<Role | null>> {
  if (links.length === 0) return [];
  const names = [
    ...new Set(
      links
        .flatMap((l) => [l.value, l.display ?? ''])
        .filter(Boolean)
        .map((s) => s.toLowerCase()),
    ),
  ];
  const ids = kind === 'GROUP' ? links.map((l) => l.value).filter(isId) : [];
  const byName = {
    [raw(
      (alias: string) => `(lower(${alias}.name) in (${names.map(() => '?').join(', ')}) or lower(${alias}.display_name) in (${names.map(() => '?').join(', ')}))`,
      [...names, ...names],
    )]: [],
  };
  const roles = await em.find(Role, { workspace: workspaceId, $or: [byName, ...(ids.length ? [{ id: { $in: ids } }] : [])] }, { orderBy: { id: 'asc' } });
  const find = (text: string | null | undefined) => {
    if (!text) return undefined;
    const key = text.toLowerCase();
    return roles.find((r) => r.name.toLowerCase() === key) ?? roles.find((r) => r.displayName.toLowerCase() === key);
  };
  return links.map((l) => (kind === 'GROUP' ? (roles.find((r) => r.id === l.value) ?? find(l.display) ?? find(l.value)) : find(l.value)) ?? null);
}

/** Rewrites a user's roles and groups (kept in the given order) with their links. */
export async function replaceLinks(em: EntityManager, workspaceId: string, user: ScimUser, data: Pick<ScimUserData, 'roles' | 'groups'>): Promise<void> {
  await em.nativeDelete(ScimUserRole, { scimUser: user.id });
  const [roles, groups] = await Promise.all([resolveRoles(em, workspaceId, 'ROLE', data.roles), resolveRoles(em, workspaceId, 'GROUP', data.groups)]);
  const seen = new Set<string>();
  const rows: Array<Partial<ScimUserRole>> = [];
  const add = (kind: ScimLinkKind, links: ScimLinkValue[], resolved: Array<Role | null>) =>
    links.forEach((l, i) => {
      const role = resolved[i];
      const value = kind === 'GROUP' && role ? role.id : l.value;
      if (seen.has(`${kind}:${value.toLowerCase()}`)) return;
      seen.add(`${kind}:${value.toLowerCase()}`);
      rows.push({ scimUser: user, kind, value, display: l.display ?? (kind === 'GROUP' ? role?.displayName : null) ?? null, role: role ?? null, position: rows.length });
    });
  add('ROLE', data.roles, roles);
  add('GROUP', data.groups, groups);
  for (const row of rows) em.create(ScimUserRole, row as ScimUserRole);
}

/** Rewrites the lower-cased email index of a user. */
export async function replaceEmails(em: EntityManager, user: ScimUser): Promise<void> {
  await em.nativeDelete(ScimUserEmail, { scimUser: user.id });
  for (const e of user.emails) em.create(ScimUserEmail, { scimUser: user, valueKey: e.value.toLowerCase(), typeKey: e.type?.toLowerCase() ?? null, isPrimary: e.primary === true });
}

/** The Roles each SCIM user links (by role or group), with its IGA identity. */
export async function linkedRoles(em: EntityManager, scimUserIds: string[]): Promise<Map<string, { user: string | null; roles: Set<string> }>> {
  const out = new Map<string, { user: string | null; roles: Set<string> }>();
  if (scimUserIds.length === 0) return out;
  await em.flush();
  const users = await em.find(ScimUser, { id: { $in: scimUserIds } }, { fields: ['id', 'user'] });
  for (const u of users) out.set(u.id, { user: u.user?.id ?? null, roles: new Set() });
  const rows = await em.find(ScimUserRole, { scimUser: { $in: scimUserIds }, role: { $ne: null } }, { fields: ['scimUser', 'role'] });
  for (const r of rows) out.get(r.scimUser.id)?.roles.add(r.role!.id);
  return out;
}

/**
 * Makes the IGA memberships follow SCIM: a Role a SCIM user newly links becomes an ASSIGNED
 * membership of its identity; one it no longer links stops being one. Rule memberships are
 * never touched.
 */
export async function syncAssignments(
  em: EntityManager,
  before: Map<string, { user: string | null; roles: Set<string> }>,
  after: Map<string, { user: string | null; roles: Set<string> }>,
): Promise<void> {
  const grant: Array<[string, string]> = [];
  const revoke: Array<[string, string]> = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(id);
    const a = after.get(id);
    const user = a?.user ?? b?.user;
    if (!user) continue;
    for (const role of a?.roles ?? []) if (!b?.roles.has(role)) grant.push([user, role]);
    for (const role of b?.roles ?? []) if (!a?.roles.has(role)) revoke.push([user, role]);
  }
  for (const [user, role] of revoke) await em.nativeDelete(RoleMember, { user, role, source: 'ASSIGNED' });
  if (grant.length) {
    const existing = await em.find(RoleMember, { source: 'ASSIGNED', $or: grant.map(([user, role]) => ({ user, role })) }, { fields: ['user', 'role'] });
    const have = new Set(existing.map((m) => `${m.user.id}:${m.role.id}`));
    for (const [user, role] of grant) {
      if (have.has(`${user}:${role}`)) continue;
      have.add(`${user}:${role}`);
      em.create(RoleMember, { user: em.getReference(User, user), role: em.getReference(Role, role), source: 'ASSIGNED' });
    }
  }
}
