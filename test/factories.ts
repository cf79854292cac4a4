import type { EntityData, EntityManager } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Workspace } from '../src/auth/workspace.entity.js';
import { User } from '../src/governance/user.entity.js';
import { TargetSystem } from '../src/governance/target-system.entity.js';
import { Entitlement } from '../src/governance/entitlement.entity.js';
import { Role, RoleEntitlement, RoleMember } from '../src/governance/role.entity.js';
import { EntitlementAssignment, UserAccount } from '../src/governance/user-account.entity.js';
import { IdentityProfile } from '../src/profiles/identity-profile.entity.js';
import { EnrollmentAutomation } from '../src/enrollment/enrollment-automation.entity.js';

/**
 * build* helpers: each writes what it builds (one flush) and returns the entities. Pass an
 * EntityManager fork (`app.orm.em.fork()`); overrides are entity fields, or a function of the
 * row's index when rows must differ.
 */
type Overrides<T> = EntityData<T> | ((i: number) => EntityData<T>);

let sequence = 0;
/** A value unique in this test process, for logins and names. */
export const unique = (prefix: string) => `${prefix}${++sequence}-${process.pid}`;

const workspaceOf = (em: EntityManager, workspaceId: string) => em.getReference(Workspace, workspaceId);
const apply = <T>(overrides: Overrides<T> | undefined, i: number): EntityData<T> => (typeof overrides === 'function' ? overrides(i) : (overrides ?? {}));

export async function buildUsers(em: EntityManager, workspaceId: string, n: number, overrides?: Overrides<User>): Promise<User[]> {
  const users = Array.from({ length: n }, (_, i) => {
    const login = unique('person');
    return em.create(User, {
      workspace: workspaceOf(em, workspaceId),
      login,
      displayName: `Person ${login}`,
      email: `${login}@example.test`,
      status: 'Active',
      ...apply(overrides, i),
    } as never) as User;
  });
  await em.flush();
  return users;
}

export async function buildTargetSystem(em: EntityManager, workspaceId: string, overrides?: EntityData<TargetSystem>): Promise<TargetSystem> {
  const name = unique('app');
  const system = em.create(TargetSystem, { workspace: workspaceOf(em, workspaceId), name, displayName: `App ${name}`, ...overrides } as never) as TargetSystem;
  await em.flush();
  return system;
}

export async function buildEntitlements(
  em: EntityManager,
  workspaceId: string,
  system: TargetSystem | string,
  n: number,
  overrides?: Overrides<Entitlement>,
): Promise<Entitlement[]> {
  const rows = Array.from({ length: n }, (_, i) => {
    const name = unique('ent');
    return em.create(Entitlement, {
      workspace: workspaceOf(em, workspaceId),
      targetSystem: system,
      name,
      displayName: `Entitlement ${name}`,
      ...apply(overrides, i),
    } as never) as Entitlement;
  });
  await em.flush();
  return rows;
}

/** One account per user on `system`; with `entitlements`, each account holds them all. */
export async function buildAccounts(
  em: EntityManager,
  workspaceId: string,
  users: Array<User | string>,
  system: TargetSystem | string,
  overrides?: Overrides<UserAccount>,
  entitlements: Array<Entitlement | string> = [],
): Promise<UserAccount[]> {
  const accounts = users.map(
    (user, i) =>
      em.create(UserAccount, {
        workspace: workspaceOf(em, workspaceId),
        user,
        targetSystem: system,
        login: unique('account'),
        provisionMechanism: 'Request',
        ...apply(overrides, i),
      } as never) as UserAccount,
  );
  for (const account of accounts) {
    for (const entitlement of entitlements) em.create(EntitlementAssignment, { workspace: workspaceOf(em, workspaceId), account, entitlement } as never);
  }
  await em.flush();
  return accounts;
}

/** A role granting `entitlements`, explicitly assigned to `members`. */
export async function buildRole(
  em: EntityManager,
  workspaceId: string,
  options: { entitlements?: Array<Entitlement | string>; members?: Array<User | string>; overrides?: EntityData<Role> } = {},
): Promise<Role> {
  const name = unique('role');
  const role = em.create(Role, { workspace: workspaceOf(em, workspaceId), name, displayName: `Role ${name}`, ...options.overrides } as never) as Role;
  for (const entitlement of options.entitlements ?? []) em.create(RoleEntitlement, { role, entitlement } as never);
  for (const user of options.members ?? []) em.create(RoleMember, { role, user, source: 'REQUEST' } as never);
  await em.flush();
  return role;
}

export async function buildIdentityProfile(
  em: EntityManager,
  workspaceId: string,
  source: TargetSystem | string,
  overrides?: EntityData<IdentityProfile>,
): Promise<IdentityProfile> {
  const profile = em.create(IdentityProfile, {
    workspace: workspaceOf(em, workspaceId),
    name: unique('Profile '),
    priority: 10,
    authoritativeSource: source,
    ...overrides,
  } as never) as IdentityProfile;
  await em.flush();
  return profile;
}

/** One running automation per user with `system` as credential manager. */
export async function buildEnrollmentAutomations(
  em: EntityManager,
  workspaceId: string,
  users: Array<User | string>,
  system: TargetSystem | string,
  overrides?: Overrides<EnrollmentAutomation>,
): Promise<EnrollmentAutomation[]> {
  const rows = users.map(
    (user, i) =>
      em.create(EnrollmentAutomation, {
        workspace: workspaceOf(em, workspaceId),
        userIdentity: user,
        credentialManager: system,
        acsCredentialProvisioningAutomationId: randomUUID(),
        ...apply(overrides, i),
      } as never) as EnrollmentAutomation,
  );
  await em.flush();
  return rows;
}
