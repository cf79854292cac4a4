import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { newId } from '../common/ids.js';

export const AUTHORITATIVE_SOURCES = ['NONE', 'SCIM'] as const;
export type AuthoritativeSource = (typeof AUTHORITATIVE_SOURCES)[number];

/** A tenant: every object belongs to one, and a caller sees only its own. */
@Entity({ tableName: 'workspace' })
export class Workspace {
  @PrimaryKey({ type: 'string', length: 24 })
  id: string & Opt = newId();

  @Property({ type: 'string', unique: true })
  name!: string;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  /**
   * Who is authoritative for the workspace's people: `NONE` (they change through GraphQL only) or
   * `SCIM` (the SCIM directory's creates, updates and deactivations are joiners, movers and leavers).
   */
  @Property({ type: 'string', length: 16, default: 'NONE' })
  authoritativeSource: AuthoritativeSource & Opt = 'NONE';
}
