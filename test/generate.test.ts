import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { DEFAULT_SHAPE, generateDataSet, type Shape } from '../src/db/generate.js';
import type { DemoDataSet } from '../src/db/demo/demo-data.types.js';

const hash = (data: DemoDataSet) => createHash('sha256').update(JSON.stringify(data)).digest('hex');
const SMALL: Shape = { users: 300, roles: 20, systems: 12, entitlementsPerSystem: 6, rolesPerUser: 3, entitlementsPerRole: 4, accountsPerUser: 4, seed: 7 };

/** Role logins per user and accounts per user, from the data set's own references. */
function holdings(data: DemoDataSet) {
  const roles = new Map<string, string[]>();
  for (const role of data.roles) for (const login of role.memberLogins ?? []) (roles.get(login) ?? roles.set(login, []).get(login)!).push(role.id);
  const accounts = new Map<string, string[]>();
  for (const a of data.accounts) (accounts.get(a.userLogin) ?? accounts.set(a.userLogin, []).get(a.userLogin)!).push(a.targetSystemId);
  return { roles, accounts };
}

describe('generateDataSet', () => {
  it('gives the identical data set for the same seed and a different one for another seed', () => {
    const a = hash(generateDataSet(SMALL));
    expect(hash(generateDataSet(SMALL))).toBe(a);
    expect(hash(generateDataSet({ ...SMALL, seed: 8 }))).not.toBe(a);
    // The benchmark's cached database is keyed by the shape: the default shape must be stable too.
    expect(hash(generateDataSet(DEFAULT_SHAPE))).toBe(hash(generateDataSet({ ...DEFAULT_SHAPE })));
  });

  it.each([
    ['a small shape', SMALL],
    ['the benchmark shape', DEFAULT_SHAPE],
  ])('honours %s: counts, roles per user, accounts per user, entitlements per role', (_name, shape) => {
    const data = generateDataSet(shape);
    expect(data.users).toHaveLength(shape.users);
    expect(data.roles).toHaveLength(shape.roles);
    expect(data.targetSystems).toHaveLength(shape.systems);
    expect(data.entitlements).toHaveLength(shape.systems * shape.entitlementsPerSystem);
    expect(data.accounts).toHaveLength(shape.users * shape.accountsPerUser);
    for (const role of data.roles) expect(new Set(role.entitlementIds).size).toBe(shape.entitlementsPerRole);

    const { roles, accounts } = holdings(data);
    for (const user of data.users) {
      expect(new Set(roles.get(user.login)).size).toBe(shape.rolesPerUser);
      expect(roles.get(user.login)).toHaveLength(shape.rolesPerUser);
      // One account per application: distinct systems.
      expect(new Set(accounts.get(user.login)).size).toBe(shape.accountsPerUser);
    }
  });

  it('gives each user every role and an account on every application when the shape asks for more than exist', () => {
    const shape = { ...SMALL, users: 40, roles: 2, systems: 3, rolesPerUser: 5, accountsPerUser: 9 };
    const data = generateDataSet(shape);
    const { roles, accounts } = holdings(data);
    for (const user of data.users) {
      expect(roles.get(user.login)).toHaveLength(2);
      expect(new Set(accounts.get(user.login))).toEqual(new Set(data.targetSystems.map((s) => s.id)));
    }
  });

  it('makes every reference resolve and every id and login unique', () => {
    const data = generateDataSet(SMALL);
    const logins = new Set(data.users.map((u) => u.login));
    const systems = new Set(data.targetSystems.map((s) => s.id));
    const systemOf = new Map(data.entitlements.map((e) => [e.id, e.targetSystemId]));
    expect(logins.size).toBe(data.users.length);

    for (const u of data.users) if (u.managerLogin !== undefined) expect(logins.has(u.managerLogin)).toBe(true);
    for (const e of data.entitlements) expect(systems.has(e.targetSystemId)).toBe(true);
    for (const r of data.roles) {
      for (const id of r.entitlementIds) expect(systemOf.has(id)).toBe(true);
      for (const login of r.memberLogins ?? []) expect(logins.has(login)).toBe(true);
    }
    const grantedTo = new Map<string, Set<string>>();
    for (const r of data.roles)
      for (const login of r.memberLogins ?? []) for (const e of r.entitlementIds) (grantedTo.get(login) ?? grantedTo.set(login, new Set()).get(login)!).add(e);
    for (const a of data.accounts) {
      expect(logins.has(a.userLogin)).toBe(true);
      expect(systems.has(a.targetSystemId)).toBe(true);
      expect(a.entitlements.length).toBeGreaterThan(0);
      for (const held of a.entitlements) {
        // An entitlement lives on the account's application; "Role" ones come from a role the user holds.
        expect(systemOf.get(held.entitlementId)).toBe(a.targetSystemId);
        if (held.provisionMechanism === 'Role') expect(grantedTo.get(a.userLogin)?.has(held.entitlementId)).toBe(true);
      }
    }

    const ids = [data.users, data.targetSystems, data.entitlements, data.roles, data.accounts].flatMap((rows) => rows.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
  });
});
