import { Entity, Index, Property, type Opt } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';

/** One step in the life of a request or task: who changed what, and the state afterwards. */
@ObjectType({ implements: Node, description: 'A history entry of a request or task: timestamp, who, the status change, the diff and a snapshot after the change.' })
@Entity({ tableName: 'workflow_history' })
@Index({ properties: ['subjectId', 'timestamp'] })
export class HistoryEntry extends WorkspaceEntity {
  @Property({ type: 'string', length: 16 }) subjectType!: 'Request' | 'Task';
  @Property({ type: 'string', length: 24 }) subjectId!: string;
  @Column({ type: 'datetime', description: 'seed: `timeStamp`' }) timestamp: Date & Opt = new Date();
  @Column({ type: 'string', description: 'Who acted: a user login, or the API key for system steps (seed: `perpetrator`).' }) perpetrator!: string;
  @Column({ type: 'string', description: 'e.g. `submit`, `approve`, `claim`, `provision`, `expire`.' }) action!: string;
  @Column({ type: 'string', nullable: true, description: 'Status of the request before the step.' }) fromStatus?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Status of the request after the step.' }) toStatus?: string | null;
  @Column({ type: 'text', nullable: true, description: 'Comment given with the step, if any.' }) comment?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Fields that changed (seed: `diff` on requests, `delta` on tasks).' })
  @Property({ type: 'json', nullable: true })
  diff?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The object after the change (seed: `snapshot`).' })
  @Property({ type: 'json', nullable: true })
  snapshot?: unknown;
}
