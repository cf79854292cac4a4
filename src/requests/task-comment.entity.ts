import { Entity, ManyToOne, Property, type Opt } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { Task } from './task.entity.js';

/** A file attached to a task comment; the content lives in the database, read only on demand. */
@ObjectType({ implements: Node, description: 'A file attached to a task comment.' })
@Entity({ tableName: 'attachment' })
export class Attachment extends WorkspaceEntity {
  @Column({ type: 'string', description: 'Name of the attached file as uploaded.' }) filename!: string;
  @Column({ type: 'string', description: 'MIME type as uploaded, e.g. `application/pdf`.' }) contentType!: string;
  @Column({ type: 'integer', description: 'Size in bytes.' }) size!: number;
  @Column({ type: 'string', description: 'SHA-256 of the content, hex.' }) sha256!: string;
  /** Lazy: listing comments never reads file contents. */
  @Property({ type: 'blob', lazy: true }) content!: Buffer;
  @Column({ type: 'datetime', description: 'When the file was attached.' }) createdOn: Date & Opt = new Date();
}

@ObjectType({ implements: Node, description: 'A comment on a task, optionally with an attachment (seed: `comments`).' })
@Entity({ tableName: 'task_comment' })
export class TaskComment extends WorkspaceEntity {
  @ManyToOne(() => Task, { index: true, deleteRule: 'cascade' }) task!: Task;
  @Column({ type: 'string', description: 'Login of the person who commented.' }) userLogin!: string;
  @Column({ type: 'text', description: 'The comment text (seed: `message` / `comment`).' }) comment!: string;
  @ManyToOne(() => Attachment, { nullable: true, deleteRule: 'set null' }) attachment?: Attachment | null;
  @Column({ type: 'datetime', description: 'When the comment was added (seed: `timestamp`).' }) timestamp: Date & Opt = new Date();
}
