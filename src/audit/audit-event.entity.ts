import { Entity, Index, ManyToOne, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';
import { newId } from '../common/ids.js';
import { Workspace } from '../auth/workspace.entity.js';

/** One recorded change: who did what to which object, when, with the state before and after. */
@ObjectType({ description: 'An entry of the audit log.' })
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['workspace', 'entityId'] })
export class AuditEvent {
  @Field(() => ID, { description: 'Unique id (24 hex characters).' })
  @PrimaryKey({ type: 'string', length: 24 })
  id: string & Opt = newId();

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  @Field(() => String, { description: 'Typed action name, e.g. `role.retire`.' })
  @Property({ type: 'string' })
  action!: string;

  @Field(() => String, { description: 'Type of the changed entity, e.g. `User`, `Role`, `Request`.' })
  @Property({ type: 'string' })
  entityType!: string;

  @Field(() => String, { description: 'Id of the changed entity.' })
  @Property({ type: 'string', length: 24 })
  entityId!: string;

  @Field(() => String, {
    description: "Who acted: the credential's name; `login (via key)` for a personal credential; `key acting as login` for a service key acting for a person (ACT_AS).",
  })
  @Property({ type: 'string' })
  actor!: string;

  @Field(() => String, { nullable: true, description: 'The id of the credential (API key) the change was made with.' })
  @Property({ type: 'string', nullable: true })
  actorKeyId?: string | null;

  @Field(() => String, { nullable: true, description: 'The login of the person the change was made as, if any.' })
  @Property({ type: 'string', nullable: true })
  actorPerson?: string | null;

  @Field(() => Boolean, { description: "True when a service key acted for the person (ACT_AS), rather than the person's own credential." })
  @Property({ type: 'boolean' })
  actingAs: boolean & Opt = false;

  @Field(() => GraphQLJSON, { nullable: true, description: "The entity's audited attributes before the change; null for a creation." })
  @Property({ type: 'json', nullable: true })
  before?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: "The entity's audited attributes after the change; null for a deletion." })
  @Property({ type: 'json', nullable: true })
  after?: unknown;

  @Field(() => GraphQLDateTimeISO, { description: 'When the change was committed.' })
  @Property({ type: 'datetime' })
  at: Date & Opt = new Date();

  @Field(() => String, { nullable: true, description: 'Id of the HTTP request that made the change (the `x-request-id` of its logs).' })
  @Property({ type: 'string', nullable: true })
  requestId?: string | null;
}
