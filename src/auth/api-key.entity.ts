import { Entity, ManyToOne, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { newId } from '../common/ids.js';
import { Workspace } from './workspace.entity.js';
import { User } from '../governance/user.entity.js';
import type { Authority } from './authorities.js';

/** An API key: only the SHA-256 of its secret is stored. A personal key names its person. */
@Entity({ tableName: 'api_key' })
export class ApiKey {
  @PrimaryKey({ type: 'string', length: 24 })
  id: string & Opt = newId();

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @Property({ type: 'string' })
  name!: string;

  /** The person a personal key belongs to; none for a service key. */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'cascade' })
  person?: User | null;

  @Property({ type: 'string', length: 64 })
  secretHash!: string;

  @Property({ type: 'json' })
  authorities!: Authority[];

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;
}
