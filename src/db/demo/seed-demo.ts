import type { MikroORM } from '@mikro-orm/core';
import { Workspace } from '../../auth/workspace.entity.js';
import { ApiKey } from '../../auth/api-key.entity.js';
import { createApiKey } from '../../auth/api-key.service.js';
import { Authority } from '../../auth/authorities.js';
import { User } from '../../governance/user.entity.js';
import { loadDataSet } from '../load-data-set.js';
import { extendDataSet } from '../generate.js';
import { demoData } from './demo-data.js';
import { seedDemoDomains } from './seed-demo-domains.js';
import type { Config } from '../../config.js';

export const DEMO_WORKSPACE = 'demo';
/** Generated people added to the seed's, so lists of the demo have several pages. */
export const DEMO_EXTRA_PEOPLE = 150;
export const DEMO_SEED = 20240601;

/** Creates and fills the demo workspace the first time; returns it either way. */
export async function ensureDemoWorkspace(orm: MikroORM, config: Config): Promise<{ workspace: Workspace; created: boolean }> {
  const em = orm.em.fork();
  const existing = await em.findOne(Workspace, { name: DEMO_WORKSPACE });
  if (existing) return { workspace: existing, created: false };
  const workspace = await em.transactional(async (tx) => {
    const ws = tx.create(Workspace, { name: DEMO_WORKSPACE });
    await tx.flush();
    await loadDataSet(tx, ws.id, extendDataSet(demoData, DEMO_EXTRA_PEOPLE, DEMO_SEED));
    return ws;
  });
  await seedDemoDomains(orm, workspace.id, config);
  return { workspace, created: true };
}

export const DEV_KEY_NAME = 'development demo key';
/**
 * The person the development key belongs to: Zachary Graham, a manager (of jerome and michael)
 * and a member of Approval Group 3, so the README's tour can request, approve and certify as him.
 */
export const DEMO_PERSON = 'zachary';

/**
 * A fresh personal ORG_ADMIN key of the demo person for this development run (the previous
 * run's key is revoked): Sandbox acts as that person, like a signed-in user would.
 */
export async function rotateDevelopmentKey(orm: MikroORM, workspace: Workspace): Promise<string> {
  const em = orm.em.fork();
  await em.nativeUpdate(ApiKey, { workspace, name: DEV_KEY_NAME, revokedAt: null }, { revokedAt: new Date() });
  const person = await em.findOneOrFail(User, { workspace: workspace.id, login: DEMO_PERSON, status: 'Active' });
  const { token } = await createApiKey(em, em.getReference(Workspace, workspace.id), DEV_KEY_NAME, [Authority.ORG_ADMIN], person);
  return token;
}
