import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { can } from '../../src/auth/viewer.js';
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

  @FieldResolver(() => Boolean, {
    nullable: true,
    description:
      'Whether the decision went the way the task asked (seed: `result`): true when approved or completed, false when rejected, null while open or when it ended undecided.',
  })
  result(@Root() t: Row<Task>) {
    if (t.outcome === 'APPROVE' || t.outcome === 'COMPLETE') return true;
    if (t.outcome === 'REJECT') return false;
    return null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Display name of the person who acted on the task last (seed: `updatedByDisplayName`); null for callers who may not read people.',
  })
  async updatedByDisplayName(@Root() t: Row<Task>, @Ctx() ctx: Context) {
    if (!t.updatedBy || !can(ctx.viewer, 'catalog:read')) return null;
    const user = await ctx.loaders.userByLogin.get(t.updatedBy);
    return user?.displayName ?? null;
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
