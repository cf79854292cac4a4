import { defineEdges, defineNodeType } from '../graph/registry.js';
import type { Row } from '../graph/rows.js';
import type { Context } from '../context.js';
import { AccessRequest } from './access-request.entity.js';
import { Task } from './task.entity.js';
import { Cart } from './cart.entity.js';
import { HistoryEntry } from './history-entry.entity.js';
import { Attachment, TaskComment } from './task-comment.entity.js';
import { ApprovalGroup } from './approval-group.entity.js';
import { RequestEntityType } from './workflow.js';

/** Access requests' part of the graph (see src/graph/README.md). */
for (const [name, entity] of [
  ['Request', AccessRequest],
  ['Task', Task],
  ['Cart', Cart],
  ['HistoryEntry', HistoryEntry],
  ['TaskComment', TaskComment],
  ['Attachment', Attachment],
  ['ApprovalGroup', ApprovalGroup],
] as const) {
  defineNodeType({ domain: 'requests', name, gqlType: () => entity, entity, read: 'requests:read' });
}

defineEdges('requests', 'Request', () => AccessRequest, [
  { field: 'requester', of: 'User', sql: { kind: 'ref', column: 'requester_login', key: 'login' }, description: 'The person who asked.' },
  { field: 'beneficiary', of: 'User', sql: { kind: 'ref', column: 'beneficiary_login', key: 'login' }, description: 'The person the access is for (none for onboarding).' },
  {
    field: 'entity',
    of: 'CatalogItem',
    needs: ['entity_id', 'entity_type'],
    description: 'The requested role, entitlement, application or service (for onboarding: once created).',
    load: (r: Row<AccessRequest>, _: unknown, ctx: Context) => {
      if (!r.entityId) return null;
      const l = ctx.loaders;
      const loader = {
        [RequestEntityType.ROLE]: l.role,
        [RequestEntityType.ENTITLEMENT]: l.entitlement,
        [RequestEntityType.TARGET_SYSTEM]: l.targetSystem,
        [RequestEntityType.APPLICATION]: l.targetSystem,
        [RequestEntityType.SERVICE_REQUEST]: l.serviceRequest,
      }[r.entityType];
      return (loader as { load(id: string): Promise<unknown> }).load(r.entityId);
    },
  },
  {
    field: 'history',
    of: 'HistoryEntry',
    max: 1000,
    description: 'Every step, oldest first: timestamp, status change, diff, snapshot, who (at most 1,000).',
    load: (r: Row<AccessRequest>, _: unknown, ctx: Context) => ctx.requestLoaders.historyOf.load(r.id),
  },
  {
    field: 'tasks',
    of: 'Task',
    max: 100,
    description: 'Approval and fulfilment tasks, oldest first (at most 100).',
    load: (r: Row<AccessRequest>, _: unknown, ctx: Context) => ctx.requestLoaders.tasksOfRequest.load(r.id),
  },
]);

defineEdges('requests', 'Task', () => Task, [
  { field: 'request', of: 'Request', nullable: false, sql: { kind: 'ref', column: 'request_id' }, description: 'The request the task belongs to (seed: requestObject).' },
  {
    field: 'comments',
    of: 'TaskComment',
    max: 1000,
    description: 'Comments on the task, oldest first (at most 1,000).',
    load: (t: Row<Task>, _: unknown, ctx: Context) => ctx.requestLoaders.commentsOfTask.load(t.id),
  },
  {
    field: 'history',
    of: 'HistoryEntry',
    max: 1000,
    description: 'Every change of the task, oldest first (seed: history with timestamp, perpetrator, snapshot, delta; at most 1,000).',
    load: (t: Row<Task>, _: unknown, ctx: Context) => ctx.requestLoaders.historyOf.load(t.id),
  },
  {
    field: 'assigneeGroup',
    of: 'ApprovalGroup',
    needs: ['assignee_type', 'assignee'],
    description: 'The group, when the task is offered to one.',
    load: (t: Row<Task>, _: unknown, ctx: Context) => (t.assigneeType === 'Group' ? ctx.requestLoaders.groupByName.load(t.assignee) : null),
  },
  {
    field: 'updatedByUser',
    of: 'User',
    sql: { kind: 'ref', column: 'updated_by', key: 'login' },
    description: 'The person who acted on the task last (seed: `updatedBy`, there a login).',
  },
]);

defineEdges('requests', 'TaskComment', () => TaskComment, [
  { field: 'attachment', of: 'Attachment', sql: { kind: 'ref', column: 'attachment_id' }, description: 'The file attached to the comment.' },
]);

defineEdges('requests', 'Cart', () => Cart, [
  {
    field: 'requests',
    of: 'Request',
    max: 100,
    description: 'The requests submitted from the cart (at most 100).',
    load: (c: Row<Cart>, _: unknown, ctx: Context) => ctx.requestLoaders.requestsOfCart.load(c.id),
  },
]);

defineEdges('requests', 'ApprovalGroup', () => ApprovalGroup, [
  {
    field: 'members',
    of: 'User',
    max: 1000,
    description: 'Members of the group (at most 1,000).',
    load: (g: Row<ApprovalGroup>, _: unknown, ctx: Context) => ctx.requestLoaders.membersOfGroup.load(g.id),
  },
]);
