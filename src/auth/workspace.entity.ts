import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { newId } from '../common/ids.js';

/** A tenant: every object belongs to one, and a caller sees only its own. */
@Entity({ tableName: 'workspace' })
export class Workspace {
  @PrimaryKey({ type: 'string', length: 24 })
  id: string & Opt = newId();

  @Property({ type: 'string', unique: true })
  name!: string;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();
}
