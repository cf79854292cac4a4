import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../src/context.js';
import type { Row } from '../../src/graph/rows.js';
import { Task } from '../../src/requests/task.entity.js';
import { Attachment, TaskComment } from '../../src/requests/task-comment.entity.js';
import { ACTION_DISPLAY_NAMES } from '../../src/requests/workflow.js';
import { PossibleAction } from '../../schema/requests/requests.types.js';

// The edges of requests, tasks, carts and groups are declared in src/requests/requests.graph.ts;
// what stays here are computed fields.
@Resolver(() => Task)
export class TaskFields {
  @FieldResolver(() => [PossibleAction], {
    description:
      "Actions the task offers now; for a person, only those that person may take: a personal credential's own person (no argument needed), or the person an ACT_AS key names in userLogin.",
  })
  async possibleActions(
    @Root() t: Row<Task>,
    @Arg('userLogin', () => String, { nullable: true, description: 'An ACT_AS key: the person; a personal credential: its own login or nothing.' }) userLogin: string | null,
    @Ctx() ctx: Context,
  ) {
    const actions = await ctx.tasks.possibleActionsFor(t as Task, userLogin);
    return actions.map((action) => ({ action, displayName: ACTION_DISPLAY_NAMES[action] }));
  }
}

@Resolver(() => TaskComment)
export class TaskCommentFields {
  @FieldResolver(() => String, { nullable: true, description: 'Id of the attachment (seed: attachmentId).' })
  attachmentId(@Root() c: Row<TaskComment>) {
    return c.attachment?.id ?? null;
  }
}

@Resolver(() => Attachment)
export class AttachmentFields {
  @FieldResolver(() => String, { description: 'The file content, base64-encoded.' })
  async contentBase64(@Root() a: Row<Attachment>, @Ctx() ctx: Context) {
    const row = await ctx.requestLoaders.attachmentContent.load(a.id);
    return row ? Buffer.from(row.content).toString('base64') : '';
  }
}
