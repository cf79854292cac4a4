import { raw, type EntityManager } from '@mikro-orm/core';
import { Role, RoleMember } from '../governance/role.entity.js';
import { User } from '../governance/user.entity.js';
import { isId } from '../common/ids.js';
import type { Provisioning } from '../requests/provisioning.service.js';
import { ScimUser, ScimUserEmail, ScimUserRole, type ScimLinkKind } from './scim-user.entity.js';
import type { ScimLinkValue, ScimUserData } from './scim-resource.js';

/**
 * How SCIM users meet the governance graph: their roles and groups link to Roles, the Roles
 * they link become SCIM memberships of their IGA identity, and the identity itself is found
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

/**
 * Rewrites a user's roles (kept in the given order) with their links. Groups are read-only on a
 * User (RFC 7643 §4.1.2): its GROUP links change only through /Groups and are kept as they are.
 */
export async function replaceLinks(em: EntityManager, workspaceId: string, user: ScimUser, data: Pick<ScimUserData, 'roles'>): Promise<void> {
  await em.nativeDelete(ScimUserRole, { scimUser: user.id, kind: 'ROLE' });
  const groups = await em.find(ScimUserRole, { scimUser: user.id, kind: 'GROUP' }, { fields: ['position'] });
  const first = Math.max(-1, ...groups.map((g) => g.position)) + 1;
  const roles = await resolveRoles(em, workspaceId, 'ROLE', data.roles);
  const seen = new Set<string>();
  let position = first;
  data.roles.forEach((l, i) => {
    if (seen.has(l.value.toLowerCase())) return;
    seen.add(l.value.toLowerCase());
    em.create(ScimUserRole, { scimUser: user, kind: 'ROLE', value: l.value, display: l.display ?? null, role: roles[i] ?? null, position: position++ });
  });
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
 * Makes the IGA memberships follow SCIM: a Role a SCIM user newly links becomes a SCIM
 * membership of its identity; one it no longer links stops being one. Memberships of other
 * sources (requests, rules) are never touched: when the SCIM one was the last, the person loses
 * the role, audited on the person, with its entitlements revoked as a revoke request does.
 */
export async function syncAssignments(
  em: EntityManager,
  provisioning: Provisioning,
  before: Map<string, { user: string | null; roles: Set<string> }>,
  after: Map<string, { user: string | null; roles: Set<string> }>,
): Promise<void> {
  const grant: Array<[string, string, string]> = [];
  const revoke: Array<[string, string, string]> = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(id);
    const a = after.get(id);
    const user = a?.user ?? b?.user;
    if (!user) continue;
    for (const role of a?.roles ?? []) if (!b?.roles.has(role)) grant.push([user, role, id]);
    for (const role of b?.roles ?? []) if (!a?.roles.has(role)) revoke.push([user, role, id]);
  }
  if (grant.length === 0 && revoke.length === 0) return;
  await em.flush();
  const userIds = [...new Set([...grant, ...revoke].map(([user]) => user))];
  const users = new Map((await em.find(User, { id: { $in: userIds } })).map((u) => [u.id, u]));
  for (const [user, role, scimUser] of revoke) await provisioning.removeMembership(users.get(user)!, role, 'SCIM', undefined, { scimUser });
  if (grant.length) {
    const existing = await em.find(RoleMember, { source: 'SCIM', $or: grant.map(([user, role]) => ({ user, role })) }, { fields: ['user', 'role'] });
    const have = new Set(existing.map((m) => `${m.user.id}:${m.role.id}`));
    const roles = new Map((await em.find(Role, { id: { $in: [...new Set(grant.map(([, role]) => role))] } })).map((r) => [r.id, r]));
    for (const [user, role, scimUser] of grant) {
      if (have.has(`${user}:${role}`)) continue;
      have.add(`${user}:${role}`);
      await provisioning.addMembership(users.get(user)!, roles.get(role)!, 'SCIM', undefined, { scimUser });
    }
  }
}
