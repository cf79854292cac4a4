import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../src/context.js';
import type { Row } from '../../src/common/rows.js';
import { User } from '../../src/governance/user.entity.js';
import { AccessRequest } from '../../src/requests/access-request.entity.js';
import { Task } from '../../src/requests/task.entity.js';
import { Cart } from '../../src/requests/cart.entity.js';
import { HistoryEntry } from '../../src/requests/history-entry.entity.js';
import { Attachment, TaskComment } from '../../src/requests/task-comment.entity.js';
import { ApprovalGroup } from '../../src/requests/approval-group.entity.js';
import { ACTION_DISPLAY_NAMES, RequestEntityType } from '../../src/requests/workflow.js';
import { CatalogItem } from '../../schema/governance/catalog.types.js';
import { PossibleAction } from '../../schema/requests/requests.types.js';

const byLogin = (ctx: Context, login: string | null | undefined) => (login ? ctx.loaders.userByLogin.load(login) : null);

@Resolver(() => AccessRequest)
export class RequestEdges {
  @FieldResolver(() => User, { nullable: true })
  requester(@Root() r: Row<AccessRequest>, @Ctx() ctx: Context) {
    return byLogin(ctx, r.requesterLogin);
  }

  @FieldResolver(() => User, { nullable: true })
  beneficiary(@Root() r: Row<AccessRequest>, @Ctx() ctx: Context) {
    return byLogin(ctx, r.beneficiaryLogin);
  }

  @FieldResolver(() => CatalogItem, { nullable: true, description: 'The requested role, entitlement or application (for onboarding: once created).' })
  entity(@Root() r: Row<AccessRequest>, @Ctx() ctx: Context) {
    if (!r.entityId) return null;
    const l = ctx.loaders;
    const loader = { [RequestEntityType.ROLE]: l.role, [RequestEntityType.ENTITLEMENT]: l.entitlement, [RequestEntityType.TARGET_SYSTEM]: l.targetSystem, [RequestEntityType.APPLICATION]: l.targetSystem }[r.entityType];
    return loader.load(r.entityId);
  }

  @FieldResolver(() => [HistoryEntry], { description: 'Every step, oldest first: timestamp, status change, diff, snapshot, who.' })
  history(@Root() r: Row<AccessRequest>, @Ctx() ctx: Context) {
    return ctx.requestLoaders.historyOf.load(r.id);
  }

  @FieldResolver(() => [Task], { description: 'Approval and fulfilment tasks, oldest first.' })
  tasks(@Root() r: Row<AccessRequest>, @Ctx() ctx: Context) {
    return ctx.requestLoaders.tasksOfRequest.load(r.id);
  }
}

@Resolver(() => Task)
export class TaskEdges {
  @FieldResolver(() => AccessRequest, { description: 'The request the task belongs to (seed: requestObject).' })
  request(@Root() t: Row<Task>, @Ctx() ctx: Context) {
    return ctx.requestLoaders.request.load(t.request.id);
  }

  @FieldResolver(() => [PossibleAction], { description: 'Actions the task offers now; with userLogin, only those that person may take.' })
  async possibleActions(@Root() t: Row<Task>, @Arg('userLogin', () => String, { nullable: true }) userLogin: string | null, @Ctx() ctx: Context) {
    const actions = await ctx.tasks.possibleActionsFor(t, userLogin);
    return actions.map((action) => ({ action, displayName: ACTION_DISPLAY_NAMES[action] }));
  }

  @FieldResolver(() => [TaskComment])
  comments(@Root() t: Row<Task>, @Ctx() ctx: Context) {
    return ctx.requestLoaders.commentsOfTask.load(t.id);
  }

  @FieldResolver(() => [HistoryEntry], { description: 'Every change of the task, oldest first (seed: history with timestamp, perpetrator, snapshot, delta).' })
  history(@Root() t: Row<Task>, @Ctx() ctx: Context) {
    return ctx.requestLoaders.historyOf.load(t.id);
  }

  @FieldResolver(() => ApprovalGroup, { nullable: true, description: 'The group, when the task is offered to one.' })
  assigneeGroup(@Root() t: Row<Task>, @Ctx() ctx: Context) {
    return t.assigneeType === 'Group' ? ctx.requestLoaders.groupByName.load(t.assignee) : null;
  }
}

@Resolver(() => TaskComment)
export class TaskCommentEdges {
  @FieldResolver(() => Attachment, { nullable: true })
  attachment(@Root() c: Row<TaskComment>, @Ctx() ctx: Context) {
    return c.attachment ? ctx.requestLoaders.attachment.load(c.attachment.id) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Id of the attachment (seed: attachmentId).' })
  attachmentId(@Root() c: Row<TaskComment>) {
    return c.attachment?.id ?? null;
  }
}

@Resolver(() => Attachment)
export class AttachmentEdges {
  @FieldResolver(() => String, { description: 'The file content, base64-encoded.' })
  async contentBase64(@Root() a: Row<Attachment>, @Ctx() ctx: Context) {
    const row = await ctx.requestLoaders.attachmentContent.load(a.id);
    return row ? Buffer.from(row.content).toString('base64') : '';
  }
}

@Resolver(() => Cart)
export class CartEdges {
  @FieldResolver(() => [AccessRequest], { description: 'The requests submitted from the cart.' })
  requests(@Root() c: Row<Cart>, @Ctx() ctx: Context) {
    return ctx.requestLoaders.requestsOfCart.load(c.id);
  }
}

@Resolver(() => ApprovalGroup)
export class ApprovalGroupEdges {
  @FieldResolver(() => [User])
  members(@Root() g: Row<ApprovalGroup>, @Ctx() ctx: Context) {
    return ctx.requestLoaders.membersOfGroup.load(g.id);
  }
}
