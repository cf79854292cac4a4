import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** Why a task reached a person's inbox subscription. */
export enum TaskInboxChange {
  /** The task was created for the person or one of their groups, or reassigned, escalated or claimed to them. */
  ASSIGNED = 'ASSIGNED',
  /** Anything else: decided, released, expired, cancelled, or moved away from the person. */
  CHANGED = 'CHANGED',
}

registerEnumType(TaskInboxChange, {
  valuesConfig: { ASSIGNED: { description: 'The task is now for the person (or a group of theirs).' }, CHANGED: { description: 'Any other change of the task.' } },
  name: 'TaskInboxChange',
  description: 'ASSIGNED: the task is now for the person (or a group of theirs); CHANGED: any other change.',
});

/** One event of a person's task inbox: the task is read again for each subscriber through its own credential. */
@ObjectType({ description: 'A change to a task in a person’s inbox (assigned to them, claimed by them, or offered to one of their groups).' })
export class TaskInboxEvent {
  @Field(() => TaskInboxChange, { description: 'ASSIGNED or CHANGED.' })
  change!: TaskInboxChange;

  @Field(() => ID, { description: 'The task’s id (also when the task itself may not be read).' })
  taskId!: string;
}
