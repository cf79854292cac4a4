import type { EventSubscriber, FlushEventArgs } from '@mikro-orm/core';
import { badInput } from '../errors.js';

/** MikroORM's column for a `string` property without a length: varchar(255) on PostgreSQL. */
const DEFAULT_STRING_LENGTH = 255;

/**
 * Refuses text longer than its column before it is written, the same on both databases:
 * PostgreSQL refuses it in the middle of the transaction (SQLite would store it), which would
 * surface as an internal error. BAD_USER_INPUT names the property; nothing is written.
 */
export class TextLengthCheck implements EventSubscriber {
  onFlush({ uow }: FlushEventArgs): void {
    for (const changeSet of uow.getChangeSets()) {
      for (const [name, value] of Object.entries(changeSet.payload ?? {})) {
        if (typeof value !== 'string') continue;
        const prop = changeSet.meta.properties[name];
        const max = prop?.length ?? (prop?.type === 'string' ? DEFAULT_STRING_LENGTH : undefined);
        if (max !== undefined && value.length > max) {
          throw badInput(name, `\`${name}\` may be at most ${max} characters (got ${value.length})`);
        }
      }
    }
  }
}
