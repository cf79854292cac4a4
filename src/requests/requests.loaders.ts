import type { EntityManager } from '@mikro-orm/core';
import { byKey, groupedByKey, LoaderRegistry, rowsByKey } from '../graph/loader-kit.js';
import { AccessRequest } from './access-request.entity.js';
import { Task } from './task.entity.js';
import { Cart } from './cart.entity.js';
import { HistoryEntry } from './history-entry.entity.js';
import { Attachment, TaskComment } from './task-comment.entity.js';
import { ApprovalGroup, ApprovalGroupMember } from './approval-group.entity.js';
import { User } from '../governance/user.entity.js';

/** Edges of requests, tasks and approval groups: one statement per batch. */
export class RequestLoaders extends LoaderRegistry {
  constructor(
    private readonly em: EntityManager,
    private readonly workspaceId: string,
  ) {
    super();
  }

  get request() {
    return this.get('request', () => rowsByKey(this.em, AccessRequest, this.workspaceId));
  }
  get task() {
    return this.get('task', () => rowsByKey(this.em, Task, this.workspaceId));
  }
  get cart() {
    return this.get('cart', () => rowsByKey(this.em, Cart, this.workspaceId));
  }
  get attachment() {
    return this.get('attachment', () => rowsByKey(this.em, Attachment, this.workspaceId));
  }
  get comment() {
    return this.get('comment', () => rowsByKey(this.em, TaskComment, this.workspaceId));
  }
  get historyEntry() {
    return this.get('historyEntry', () => rowsByKey(this.em, HistoryEntry, this.workspaceId));
  }
  get approvalGroup() {
    return this.get('approvalGroup', () => rowsByKey(this.em, ApprovalGroup, this.workspaceId));
  }

  /** File contents, read only when a client selects them. */
  get attachmentContent() {
    return this.get('attachmentContent', () =>
      byKey<string, { id: string; content: Buffer }>(
        async (ids) => {
          const rows = await this.em.find(Attachment, { id: { $in: [...ids] }, workspace: this.workspaceId }, { populate: ['content'] });
          return rows.map((r) => ({ id: r.id, content: r.content }));
        },
        (r) => r.id,
      ),
    );
  }

  get tasksOfRequest() {
    return this.get('tasksOfRequest', () =>
      groupedByKey<string, Task>(async (ids) => {
        const rows = await this.em.find(Task, { request: { $in: [...ids] } }, { orderBy: { request: 'asc', createDate: 'asc', id: 'asc' } });
        return rows.map((t) => [t.request.id, t] as [string, Task]);
      }),
    );
  }

  get requestsOfCart() {
    return this.get('requestsOfCart', () =>
      groupedByKey<string, AccessRequest>(async (ids) => {
        const rows = await this.em.find(AccessRequest, { cartId: { $in: [...ids] }, workspace: this.workspaceId }, { orderBy: { id: 'asc' } });
        return rows.map((r) => [r.cartId!, r] as [string, AccessRequest]);
      }),
    );
  }

  /** History of requests and tasks, oldest first. */
  get historyOf() {
    return this.get('historyOf', () =>
      groupedByKey<string, HistoryEntry>(async (ids) => {
        const rows = await this.em.find(
          HistoryEntry,
          { subjectId: { $in: [...ids] }, workspace: this.workspaceId },
          { orderBy: { subjectId: 'asc', timestamp: 'asc', id: 'asc' } },
        );
        return rows.map((h) => [h.subjectId, h] as [string, HistoryEntry]);
      }),
    );
  }

  get commentsOfTask() {
    return this.get('commentsOfTask', () =>
      groupedByKey<string, TaskComment>(async (ids) => {
        const rows = await this.em.find(TaskComment, { task: { $in: [...ids] } }, { orderBy: { task: 'asc', timestamp: 'asc', id: 'asc' } });
        return rows.map((c) => [c.task.id, c] as [string, TaskComment]);
      }),
    );
  }

  get groupByName() {
    return this.get('groupByName', () =>
      byKey<string, ApprovalGroup>(
        (names) => this.em.find(ApprovalGroup, { workspace: this.workspaceId, name: { $in: [...names] } }),
        (g) => g.name,
      ),
    );
  }

  get membersOfGroup() {
    return this.get('membersOfGroup', () =>
      groupedByKey<string, User>(async (ids) => {
        const rows = await this.em.find(ApprovalGroupMember, { group: { $in: [...ids] } }, { populate: ['user'], orderBy: { group: 'asc', user: { login: 'asc' } } });
        return rows.map((m) => [m.group.id, m.user] as [string, User]);
      }),
    );
  }

  /** Names of the approval groups each login belongs to. */
  get groupNamesOfLogin() {
    return this.get('groupNamesOfLogin', () =>
      groupedByKey<string, string>(async (logins) => {
        const rows = await this.em.find(ApprovalGroupMember, { user: { login: { $in: [...logins] }, workspace: this.workspaceId } }, { populate: ['group', 'user'] });
        return rows.map((m) => [m.user.login, m.group.name] as [string, string]);
      }),
    );
  }
}
