import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { GraphQLClient, gql } from 'graphql-request';
import { startTestApp, type TestApp } from './harness.js';
import { seedScaleData, SeedRefused } from '../src/db/scale-seed.js';
import { DEFAULT_SHAPE, type Shape } from '../src/db/generate.js';
import { parseSeedArgs, UsageError, DEFAULT_WORKSPACE } from '../src/cli/seed-options.js';
import { formatProgress, ProgressBar } from '../src/cli/progress.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { User } from '../src/governance/user.entity.js';

const SHAPE: Shape = { users: 120, roles: 15, systems: 8, entitlementsPerSystem: 5, rolesPerUser: 3, entitlementsPerRole: 4, accountsPerUser: 2, seed: 99 };

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const clientOf = (token: string) => new GraphQLClient(app.url, { headers: { authorization: `Bearer ${token}` } });
const countUsers = async (workspace?: string) => {
  const em = app.orm.em.fork();
  return workspace ? em.count(User, { workspace: { name: workspace } }) : em.count(User, {});
};

describe('seedScaleData (npm run seed)', () => {
  it('writes the shape into a new workspace and returns a working ORG_ADMIN key', async () => {
    const result = await seedScaleData(app.orm, { shape: SHAPE, workspace: 'scale', replace: false });
    expect(result.counts).toMatchObject({ users: 120, roles: 15, targetSystems: 8, entitlements: 40, roleEntitlements: 60, roleMembers: 360, accounts: 240 });

    const data = await clientOf(result.token).request<{
      users: { totalCount: number; nodes: Array<{ login: string; roles: Array<{ displayName: string }>; accounts: Array<{ targetSystem: { name: string } }> }> };
      roles: { totalCount: number };
      targetSystems: { totalCount: number };
      entitlements: { totalCount: number };
      userAccounts: { totalCount: number };
    }>(gql`
      {
        users(first: 100, orderBy: LOGIN) { totalCount nodes { login roles { displayName } accounts { targetSystem { name } } } }
        roles(first: 1) { totalCount }
        targetSystems(first: 1) { totalCount }
        entitlements(first: 1) { totalCount }
        userAccounts(first: 1) { totalCount }
      }
    `);
    expect(data.users.totalCount).toBe(120);
    expect(data.roles.totalCount).toBe(15);
    expect(data.targetSystems.totalCount).toBe(8);
    expect(data.entitlements.totalCount).toBe(40);
    expect(data.userAccounts.totalCount).toBe(240);
    expect(data.users.nodes).toHaveLength(100);
    for (const user of data.users.nodes) {
      expect(user.roles).toHaveLength(3);
      expect(user.accounts).toHaveLength(2);
    }
  });

  it('refuses an existing workspace without --replace and writes nothing', async () => {
    const before = await countUsers();
    const attempt = seedScaleData(app.orm, { shape: { ...SHAPE, seed: 100 }, workspace: 'scale', replace: false });
    await expect(attempt).rejects.toThrow(SeedRefused);
    await expect(attempt).rejects.toThrow('workspace "scale" already exists: pass --replace');
    expect(await countUsers()).toBe(before);
  });

  it('refuses a seed whose ids another workspace already holds, and creates no workspace', async () => {
    const attempt = seedScaleData(app.orm, { shape: SHAPE, workspace: 'scale-twin', replace: false });
    await expect(attempt).rejects.toThrow('seed 99 is already loaded in workspace "scale"');
    expect(await app.orm.em.fork().count(Workspace, { name: 'scale-twin' })).toBe(0);
  });

  it('a failure half-way through --replace keeps the old workspace and writes nothing', async () => {
    const old = await app.orm.em.fork().findOneOrFail(Workspace, { name: 'scale' });
    const before = await countUsers();
    // The progress callback runs inside the transaction: throwing there interrupts the load late.
    const attempt = seedScaleData(app.orm, { shape: { ...SHAPE, seed: 101 }, workspace: 'scale', replace: true }, (stage) => {
      if (stage === 'assignments') throw new Error('interrupted');
    });
    await expect(attempt).rejects.toThrow('interrupted');
    expect(await app.orm.em.fork().count(Workspace, { name: 'scale' })).toBe(1);
    expect((await app.orm.em.fork().findOneOrFail(Workspace, { name: 'scale' })).id).toBe(old.id);
    expect(await countUsers()).toBe(before);
    expect(await countUsers('scale')).toBe(SHAPE.users);
  });

  it('--replace drops the old workspace and loads the new shape in its place', async () => {
    const old = await app.orm.em.fork().findOneOrFail(Workspace, { name: 'scale' });
    const result = await seedScaleData(app.orm, { shape: { ...SHAPE, users: 30 }, workspace: 'scale', replace: true });
    expect(result.workspaceId).not.toBe(old.id);
    expect(await app.orm.em.fork().count(Workspace, { id: old.id })).toBe(0);
    expect(await countUsers('scale')).toBe(30);
    const data = await clientOf(result.token).request<{ users: { totalCount: number } }>(gql`{ users(first: 1) { totalCount } }`);
    expect(data.users.totalCount).toBe(30);
  });
});

describe('parseSeedArgs', () => {
  it('defaults every flag to the benchmark shape and the bench workspace', () => {
    expect(parseSeedArgs([])).toEqual({ shape: DEFAULT_SHAPE, workspace: DEFAULT_WORKSPACE, replace: false });
    expect(DEFAULT_SHAPE).toEqual({
      users: 10000,
      roles: 200,
      systems: 50,
      entitlementsPerSystem: 40,
      rolesPerUser: 5,
      entitlementsPerRole: 8,
      accountsPerUser: 5,
      seed: 20240601,
    });
  });

  it('reads every flag', () => {
    const argv = [
      '--users',
      '10',
      '--roles',
      '2',
      '--systems=3',
      '--entitlements-per-system',
      '4',
      '--roles-per-user',
      '1',
      '--entitlements-per-role',
      '2',
      '--accounts-per-user',
      '0',
      '--seed',
      '4294967295',
      '--workspace',
      'w',
      '--replace',
    ];
    expect(parseSeedArgs(argv)).toEqual({
      shape: { users: 10, roles: 2, systems: 3, entitlementsPerSystem: 4, rolesPerUser: 1, entitlementsPerRole: 2, accountsPerUser: 0, seed: 4294967295 },
      workspace: 'w',
      replace: true,
    });
    expect(parseSeedArgs(['--help'])).toBe('help');
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--users'], "Option '--users <value>' argument missing"],
    [['--users', 'ten'], '--users must be a whole number from 0 to 1000000, got "ten"'],
    [['--users', '1.5'], '--users must be a whole number'],
    [['--roles=-3'], '--roles must be a whole number'],
    [['--users', '2000000'], '--users must be a whole number from 0 to 1000000'],
    [['--seed', '4294967296'], '--seed must be a whole number from 0 to 4294967295'],
    [['--workspace', ' '], '--workspace must not be empty'],
    [['extra'], "Unexpected argument 'extra'"],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseSeedArgs(argv)).toThrow(UsageError);
    expect(() => parseSeedArgs(argv)).toThrow(message);
  });
});

describe('ProgressBar', () => {
  const stream = (isTTY: boolean) => {
    const out = { isTTY, text: '', write: (s: string) => void (out.text += s) };
    return out;
  };

  it('formats stage, done/total, percent and rate', () => {
    expect(formatProgress('users', 2500, 10000, 500)).toBe(`users${' '.repeat(11)}  [######..................]   2500/10000   25%  5,000/s`);
  });

  it('prints one finished line per stage when stderr is not a terminal', () => {
    let t = 0;
    const out = stream(false);
    const bar = new ProgressBar(out, () => t);
    bar.update('users', 0, 4);
    t = 1000;
    bar.update('users', 2, 4);
    bar.update('users', 4, 4);
    bar.update('roles', 1, 1);
    t = 1500;
    bar.finish();
    expect(out.text).not.toContain('\r');
    expect(out.text.split('\n')).toEqual([formatProgress('users', 4, 4, 1000), formatProgress('roles', 1, 1, 500), '']);
  });

  it('redraws in place on a terminal, at most every 100 ms unless the stage is done', () => {
    let t = 0;
    const out = stream(true);
    const bar = new ProgressBar(out, () => t);
    bar.update('users', 0, 10);
    t = 50;
    bar.update('users', 5, 10); // too soon: not drawn
    t = 150;
    bar.update('users', 6, 10);
    bar.update('users', 10, 10);
    bar.finish();
    const frames = out.text.split('\r').filter(Boolean);
    expect(frames.map((f) => f.match(/(\d+)\/10 /)?.[1])).toEqual(['0', '6', '10', '10']);
    expect(out.text.endsWith('\n')).toBe(true);
    expect(out.text.match(/\n/g)).toHaveLength(1);
  });
});
