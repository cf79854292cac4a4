import { Entity, Index, Property, Unique, type Opt } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';
import { WorkspaceEntity } from '../common/base.entity.js';

export enum JobStatus {
  QUEUED = 'Queued',
  RUNNING = 'Running',
  COMPLETED = 'Completed',
  FAILED = 'Failed',
}
registerEnumType(JobStatus, {
  valuesConfig: {
    COMPLETED: { description: 'Done.' },
    FAILED: { description: 'Parked after its last attempt, with its error.' },
    QUEUED: { description: 'Waiting for its time, or for a retry.' },
    RUNNING: { description: 'A worker is running it.' },
  },
  name: 'JobStatus',
  description: '`Queued` (waiting for its time, or for a retry), `Running`, `Completed`, or `Failed` (parked after its last attempt, with its error).',
});

/**
 * One unit of work the gateway does by itself at a given time: a task that expires, a
 * certification that repeats, a reconciliation run. Stored, so it survives a restart; claimed
 * by one process at a time (see job-runner.ts).
 */
@ObjectType({ description: 'Work the gateway does by itself at its time (task expiry, escalation, schedules, reconciliation runs).' })
@Entity({ tableName: 'job' })
@Index({ properties: ['status', 'runAt'] })
@Index({ properties: ['workspace', 'type', 'status'] })
export class Job extends WorkspaceEntity {
  /** The inherited id, as a field of this type (Job is no Node: it is read through `jobs` only). */
  @Field(() => ID, { name: 'id', description: 'Unique id (24 hex characters).' })
  get jobId(): string & Opt {
    return this.id;
  }

  @Field(() => String, { description: 'What the job does, e.g. `task.expire`, `reconciliation.run`.' })
  @Property({ type: 'string', length: 64 })
  type!: string;

  @Field(() => GraphQLJSON, { description: 'What the job works on (ids, never secrets).' })
  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Field(() => JobStatus, { description: 'QUEUED, RUNNING, COMPLETED or FAILED.' })
  @Property({ type: 'string', length: 16 })
  status: JobStatus & Opt = JobStatus.QUEUED;

  @Field(() => GraphQLDateTimeISO, { description: 'When the job is due (after a failure: when it is tried again).' })
  @Property({ type: 'datetime' })
  runAt!: Date;

  /** While set, no second job with the same key can be queued; cleared when the job ends. */
  @Unique()
  @Property({ type: 'string', nullable: true })
  singletonKey?: string | null;

  @Field(() => Int, { description: 'Attempts started so far.' })
  @Property({ type: 'integer' })
  attempts: number & Opt = 0;

  @Field(() => Int, { description: 'How many times the job is tried before it fails.' })
  @Property({ type: 'integer' })
  maxAttempts: number & Opt = 5;

  @Field(() => String, { nullable: true, description: 'The error of the last failed attempt.' })
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  /** The process that holds the job while it runs. */
  @Property({ type: 'string', nullable: true })
  lockedBy?: string | null;

  /** A holder that has not renewed its claim by then is taken for dead and the job is claimed again. */
  @Property({ type: 'datetime', nullable: true })
  lockedUntil?: Date | null;

  @Field(() => GraphQLDateTimeISO, { description: 'When the job was queued.' })
  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the current or last attempt started; null while queued.' })
  @Property({ type: 'datetime', nullable: true })
  startedAt?: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the job completed or failed for the last time; null while pending.' })
  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;
}
