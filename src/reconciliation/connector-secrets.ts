import type { EntityManager } from '@mikro-orm/core';
import { isSealed, type SecretBox } from '../common/secrets.js';
import { TargetSystem } from '../governance/target-system.entity.js';

/** What a sealed connector token is bound to: its application's row and column. */
export const connectorTokenContext = (targetSystemId: string) => `target_system.connector_token:${targetSystemId}`;

/**
 * Seals stored connector tokens with the current key: every token in the plain format of
 * earlier versions (`plainOnly`, run at each start), or also every token sealed with a
 * previous key (the `npm run secrets -- reseal` step of a key rotation). One transaction;
 * returns how many were sealed and how many could not be opened with the configured keys
 * (left as they are: reconciling such an application is refused until its token is set again).
 */
export async function resealConnectorTokens(em: EntityManager, box: SecretBox, options: { plainOnly: boolean }): Promise<{ sealed: number; unreadable: number }> {
  return em.transactional(async (tx) => {
    let sealed = 0;
    let unreadable = 0;
    const systems = await tx.find(TargetSystem, { connectorToken: { $ne: null } });
    for (const system of systems) {
      const stored = system.connectorToken!;
      if (!box.needsReseal(stored)) continue;
      const context = connectorTokenContext(system.id);
      let plain: string;
      if (!isSealed(stored)) plain = stored;
      else if (options.plainOnly) continue;
      else {
        try {
          plain = box.open(stored, context);
        } catch {
          unreadable++;
          continue;
        }
      }
      system.connectorToken = box.seal(plain, context);
      sealed++;
    }
    return { sealed, unreadable };
  });
}
