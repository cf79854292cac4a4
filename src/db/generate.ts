import type { DemoDataSet, DemoEntitlement, DemoRole, DemoTargetSystem, DemoUser, DemoUserAccount } from './demo/demo-data.types.js';
import { idSequence } from '../common/ids.js';

export interface Shape {
  users: number;
  roles: number;
  systems: number;
  entitlementsPerSystem: number;
  rolesPerUser: number;
  entitlementsPerRole: number;
  accountsPerUser: number;
  seed: number;
}

/** The benchmark's scale: `npm run seed` and `npm run bench` use it unless told otherwise. */
export const DEFAULT_SHAPE: Readonly<Shape> = Object.freeze({
  users: 10_000,
  roles: 200,
  systems: 50,
  entitlementsPerSystem: 40,
  rolesPerUser: 5,
  entitlementsPerRole: 8,
  accountsPerUser: 5,
  seed: 20240601,
});

/** mulberry32: a small, fast PRNG; the same seed gives the same data set everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Elijah',
  'Sophia',
  'Lucas',
  'Mia',
  'Mason',
  'Isabella',
  'Ethan',
  'Amelia',
  'Logan',
  'Harper',
  'James',
  'Evelyn',
  'Benjamin',
  'Abigail',
  'Henry',
  'Ella',
  'Daniel',
  'Grace',
  'Samuel',
  'Chloe',
  'David',
  'Nora',
  'Joseph',
  'Lily',
  'Owen',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Young',
  'Walker',
  'Hall',
  'Allen',
];
const DEPARTMENTS = ['Sales', 'Marketing', 'Engineering', 'Finance', 'HR', 'IT', 'Support', 'Legal', 'Operations'];
const TITLES: Record<string, string[]> = {
  Sales: ['Inside Sales Representative', 'Account Executive', 'Sales Manager'],
  Marketing: ['Marketing Content Specialist', 'Brand Manager', 'SEO Analyst'],
  Engineering: ['Software Engineer', 'QA Engineer', 'Engineering Manager'],
  Finance: ['Accountant', 'Financial Analyst', 'Controller'],
  HR: ['HR Generalist', 'Recruiter', 'HR Manager'],
  IT: ['IT Administrator', 'Security Analyst', 'Help Desk Technician'],
  Support: ['Support Agent', 'Support Lead'],
  Legal: ['Counsel', 'Paralegal'],
  Operations: ['Operations Analyst', 'Office Manager'],
};
const CITIES: Array<[string, string]> = [
  ['Schaumburg', 'IL'],
  ['Austin', 'TX'],
  ['Denver', 'CO'],
  ['Seattle', 'WA'],
  ['Boston', 'MA'],
  ['Atlanta', 'GA'],
];
const WORKFLOWS = ['Auto Approval', 'Manager Grant and Auto Revoke', 'Manager and BO Grant and Auto Revoke', 'Group Approval'];
const RISK = ['low', 'medium', 'high'];

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];

/** Picks `n` distinct items (or all of them when there are fewer). */
function sample<T>(rnd: () => number, list: readonly T[], n: number): T[] {
  if (n >= list.length) return [...list];
  const chosen = new Set<number>();
  while (chosen.size < n) chosen.add(Math.floor(rnd() * list.length));
  return [...chosen].sort((a, b) => a - b).map((i) => list[i]);
}

function people(count: number, rnd: () => number, nextId: () => string, managers: string[], offset: number, stamp: string): DemoUser[] {
  const out: DemoUser[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(rnd, FIRST);
    const last = pick(rnd, LAST);
    const n = offset + i;
    const login = `${first}.${last}${n}`.toLowerCase();
    const department = pick(rnd, DEPARTMENTS);
    const [city, state] = pick(rnd, CITIES);
    // The first people manage the rest: a shallow, deterministic hierarchy.
    const manager = managers.length ? managers[n % managers.length] : i >= 10 ? out[i % 10].login : undefined;
    out.push({
      id: nextId(),
      login,
      firstName: first,
      lastName: last,
      displayName: `${first} ${last}`,
      email: `${login}@iamsath.com`,
      jobTitle: pick(rnd, TITLES[department]),
      department,
      organizationName: 'I Am Sath',
      location: 'United States',
      userType: rnd() < 0.9 ? 'Employee' : 'Contractor',
      status: rnd() < 0.95 ? 'Active' : 'Inactive',
      employeeNumber: `GEN${String(n).padStart(6, '0')}`,
      managerLogin: manager,
      officeAddressCity: city,
      officeAddressState: state,
      officeAddressCountry: 'US',
      homeAddressCountry: 'US',
      createdOn: stamp,
    });
  }
  return out;
}

/**
 * People with role assignments and accounts over the given catalog. Each account holds the
 * entitlements the person's roles grant on that application (provisioned by Role), or one
 * requested entitlement when no role reaches it.
 */
function accessFor(
  users: DemoUser[],
  catalog: { systems: DemoTargetSystem[]; entitlements: DemoEntitlement[]; roles: DemoRole[] },
  shape: Pick<Shape, 'rolesPerUser' | 'accountsPerUser'>,
  rnd: () => number,
  nextAccountId: () => string,
  stamp: string,
): DemoUserAccount[] {
  const requestable = catalog.roles.filter((r) => !r.rule && !r.retired);
  const systemOf = new Map(catalog.entitlements.map((e) => [e.id, e.targetSystemId]));
  const bySystem = new Map<string, DemoEntitlement[]>();
  for (const e of catalog.entitlements) (bySystem.get(e.targetSystemId) ?? bySystem.set(e.targetSystemId, []).get(e.targetSystemId)!).push(e);
  const roleById = new Map(catalog.roles.map((r) => [r.id, r]));
  const accounts: DemoUserAccount[] = [];
  const systems = catalog.systems.filter((s) => bySystem.has(s.id));
  for (const user of users) {
    const held = sample(rnd, requestable, shape.rolesPerUser);
    for (const role of held) (role.memberLogins ??= []).push(user.login);
    const viaRole = new Map<string, Set<string>>();
    for (const role of held)
      for (const e of roleById.get(role.id)!.entitlementIds) {
        const s = systemOf.get(e)!;
        (viaRole.get(s) ?? viaRole.set(s, new Set()).get(s)!).add(e);
      }
    const preferred = [...viaRole.keys()];
    const others = systems.map((s) => s.id).filter((s) => !viaRole.has(s));
    const chosen = [...preferred.slice(0, shape.accountsPerUser), ...sample(rnd, others, Math.max(0, shape.accountsPerUser - preferred.length))];
    for (const systemId of chosen) {
      const granted = viaRole.get(systemId);
      const entitlements = granted
        ? [...granted].map((entitlementId) => ({ entitlementId, status: 'Provisioned', provisionMechanism: 'Role', provisionedDate: stamp }))
        : [{ entitlementId: pick(rnd, bySystem.get(systemId)!).id, status: 'Provisioned', provisionMechanism: 'Request', provisionedDate: stamp }];
      accounts.push({
        id: nextAccountId(),
        userLogin: user.login,
        targetSystemId: systemId,
        login: user.email ?? user.login,
        status: 'Provisioned',
        provisionMechanism: granted ? 'Role' : 'Request',
        provisionedDate: stamp,
        entitlements,
      });
    }
  }
  return accounts;
}

/** A whole deterministic data set of the given shape (the benchmark's scale data). */
export function generateDataSet(shape: Shape): DemoDataSet {
  const rnd = prng(shape.seed);
  const stamp = '2024-06-01T00:00:00.000Z';
  const ids = {
    u: idSequence('a1', shape.seed),
    s: idSequence('a2', shape.seed),
    e: idSequence('a3', shape.seed),
    r: idSequence('a4', shape.seed),
    a: idSequence('a5', shape.seed),
  };
  const targetSystems: DemoTargetSystem[] = [];
  const entitlements: DemoEntitlement[] = [];
  for (let s = 0; s < shape.systems; s++) {
    const name = `App ${String(s + 1).padStart(3, '0')}`;
    const system: DemoTargetSystem = {
      id: ids.s(),
      name,
      displayName: name,
      description: `Generated application ${s + 1}`,
      integrationLevel: s % 3 === 0 ? 'Disconnected' : 'Connected',
      approvalWorkflow: pick(rnd, WORKFLOWS),
      riskLevel: pick(rnd, RISK),
      searchTags: pick(rnd, DEPARTMENTS),
      performer: 'Manual Fulfiller',
      isRequestable: true,
      createdOn: stamp,
      form: [
        {
          name: 'User Login',
          dataType: 'string',
          isRequired: true,
          matchingAttribute: 'login',
          isReconKey: true,
          isAccountName: true,
          isMultiValue: false,
          syncDirection: 'no-sync',
        },
      ],
    };
    system.approvalWorkflowDisplayName = system.approvalWorkflow;
    if (system.approvalWorkflow === 'Group Approval') system.approver1 = 'Approval Group 1';
    targetSystems.push(system);
    for (let e = 0; e < shape.entitlementsPerSystem; e++) {
      const ename = `${name} Entitlement ${String(e + 1).padStart(3, '0')}`;
      entitlements.push({
        id: ids.e(),
        targetSystemId: system.id,
        name: ename,
        displayName: ename,
        riskLevel: pick(rnd, RISK),
        approvalWorkflow: system.approvalWorkflow,
        approvalWorkflowDisplayName: system.approvalWorkflow,
        isRequestable: true,
        createdOn: stamp,
      });
    }
  }
  const roles: DemoRole[] = [];
  for (let r = 0; r < shape.roles; r++) {
    const name = `Role ${String(r + 1).padStart(4, '0')}`;
    roles.push({
      id: ids.r(),
      name,
      displayName: name,
      rule: null,
      isRequestable: true,
      approvalWorkflow: 'Auto Role Approval',
      approvalWorkflowDisplayName: 'Auto Role Approval',
      riskLevel: pick(rnd, RISK),
      searchTags: pick(rnd, DEPARTMENTS),
      createdOn: stamp,
      entitlementIds: sample(rnd, entitlements, shape.entitlementsPerRole).map((e) => e.id),
      memberLogins: [],
    });
  }
  const users = people(shape.users, rnd, ids.u, [], 0, stamp);
  const accounts = accessFor(users, { systems: targetSystems, entitlements, roles }, shape, rnd, ids.a, stamp);
  const approvalGroups = [
    { name: 'Approval Group 1', memberLogins: users.slice(0, 2).map((u) => u.login) },
    { name: 'Manual Fulfiller', memberLogins: users.slice(2, 4).map((u) => u.login) },
  ];
  return { users, targetSystems, entitlements, roles, accounts, approvalGroups };
}

/**
 * The seed's people and catalog plus `extra` generated people who hold the seed's roles and
 * accounts on its applications, so demo lists have several pages.
 */
export function extendDataSet(base: DemoDataSet, extra: number, seed: number): DemoDataSet {
  const rnd = prng(seed);
  const stamp = '2023-01-15T09:00:00.000Z';
  const data: DemoDataSet = structuredClone(base);
  const managers = data.users
    .filter((u) => u.status === 'Active' && u.department !== 'CO')
    .slice(0, 8)
    .map((u) => u.login);
  const users = people(extra, rnd, idSequence('a0', seed), managers, 1, stamp);
  const accounts = accessFor(
    users,
    { systems: data.targetSystems, entitlements: data.entitlements, roles: data.roles },
    { rolesPerUser: 2, accountsPerUser: 3 },
    rnd,
    idSequence('af', seed),
    stamp,
  );
  data.users.push(...users);
  data.accounts.push(...accounts);
  return data;
}
