import { defineEdges } from '../graph/registry.js';
import type { Context } from '../context.js';
import { TaskInboxEvent } from '../../schema/live/live.types.js';

/** Subscription payloads lead into the graph like any parent: through the registry, with its permission check. */
defineEdges('requests', 'TaskInboxEvent', () => TaskInboxEvent, [
  {
    field: 'task',
    of: 'Task',
    description: 'The task as it is now (null when this credential may not read tasks).',
    load: (e: TaskInboxEvent, _: unknown, ctx: Context) => ctx.requestLoaders.task.load(e.taskId),
  },
]);
