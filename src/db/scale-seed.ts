import { performance } from 'node:perf_hooks';
import type { EntityClass, MikroORM } from '@mikro-orm/core';
import type { WorkspaceEntity } from '../common/base.entity.js';
import { Workspace } from '../auth/workspace.entity.js';
import { createApiKey } from '../auth/api-key.service.js';
import { Authority } from '../auth/authorities.js';
import { User } from '../governance/user.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { Entitlement } from '../governance/entitlement.entity.js';
import { Role } from '../governance/role.entity.js';
import { UserAccount } from '../governance/user-account.entity.js';
import { generateDataSet, type Shape } from './generate.js';
import { loadDataSet, type LoadCounts } from './load-data-set.js';

export interface ScaleSeedOptions {
  shape: Shape;
  /** Name of the workspace to create. */
  workspace: string;
  /** Drop a workspace of that name first instead of refusing. */
  replace: boolean;
}

export interface ScaleSeedResult {
  workspaceId: string;
  counts: LoadCounts;
  /** A new ORG_ADMIN key of the workspace (plaintext; only its hash is stored). */
  token: string;
  generateMs: number;
  loadMs: number;
}

/** A refusal the CLI reports as it is (no stack trace): the database was left untouched. */
export class SeedRefused extends Error {}

/**
 * Generates the data set of `shape` and writes it into a new workspace, in one transaction
 * (a failure leaves nothing behind, an old workspace included), then creates an ORG_ADMIN key.
 * Refuses when the workspace exists (unless `replace`) or when another workspace already
 * holds this seed's ids (ids are derived from the seed so that reruns are identical).
 */
export async function seedScaleData(orm: MikroORM, options: ScaleSeedOptions, progress?: (stage: string, done: number, total: number) => void): Promise<ScaleSeedResult> {
  let t = performance.now();
  progress?.('generate users', 0, options.shape.users);
  const data = generateDataSet(options.shape);
  progress?.('generate users', data.users.length, options.shape.users);
  const generateMs = performance.now() - t;

  t = performance.now();
  const em = orm.em.fork();
  const existing = await em.findOne(Workspace, { name: options.workspace });
  if (existing && !options.replace) {
    throw new SeedRefused(`workspace "${options.workspace}" already exists: pass --replace to drop it and load it anew, or choose another --workspace`);
  }
  // Each table's ids come from their own sequence: the first id of each tells whether it is taken.
  const firstIds: Array<[EntityClass<WorkspaceEntity>, string | undefined]> = [
    [User, data.users[0]?.id],
    [TargetSystem, data.targetSystems[0]?.id],
    [Entitlement, data.entitlements[0]?.id],
    [Role, data.roles[0]?.id],
    [UserAccount, data.accounts[0]?.id],
  ];
  for (const [entity, id] of firstIds) {
    if (!id) continue;
    const holder = await em.findOne(entity, { id }, { populate: ['workspace'] });
    if (holder && holder.workspace.id !== existing?.id) {
      throw new SeedRefused(
        `seed ${options.shape.seed} is already loaded in workspace "${holder.workspace.name}": use another --seed, or --replace --workspace ${holder.workspace.name}`,
      );
    }
  }

  const result = await em.transactional(async (tx) => {
    if (existing) {
      progress?.('drop old workspace', 0, 1);
      // The foreign keys cascade from the workspace to everything it holds.
      await tx.nativeDelete(Workspace, { id: existing.id });
      progress?.('drop old workspace', 1, 1);
    }
    const workspace = tx.create(Workspace, { name: options.workspace });
    await tx.flush();
    const counts = await loadDataSet(tx, workspace.id, data, progress);
    const { token } = await createApiKey(tx, workspace, `${options.workspace} seed key`, [Authority.ORG_ADMIN]);
    return { workspaceId: workspace.id, counts, token };
  });
  return { ...result, generateMs, loadMs: performance.now() - t };
}
