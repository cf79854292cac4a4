import { ManyToOne, PrimaryKey, type Opt } from '@mikro-orm/core';
import { Field, ID } from 'type-graphql';
import { newId } from './ids.js';
import { Workspace } from '../auth/workspace.entity.js';

/** Every stored object has a 24-hex id and belongs to exactly one workspace. */
export abstract class WorkspaceEntity {
  @Field(() => ID, { description: 'Unique id (24 hex characters), usable with `node(id)`.' })
  @PrimaryKey({ type: 'string', length: 24 })
  id: string & Opt = newId();

  @ManyToOne(() => Workspace, { index: true, deleteRule: 'cascade' })
  workspace!: Workspace;
}
