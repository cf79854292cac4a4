import { createHash } from 'node:crypto';
import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import type { JobContext } from '../jobs/job-runner.js';
import type { RequestLoaders } from './requests.loaders.js';
import { authorize } from '../auth/viewer.js';
import { actingPerson, decideActor } from '../auth/actor.js';
import { audit } from '../audit/audit.service.js';
import { badInput, conflict, DomainError, forbidden, notFound } from '../errors.js';
import { isId } from '../common/ids.js';
import { pageRequest } from '../common/pagination.js';
import { paginate } from '../common/keyset.js';
import type { Upload } from '../common/upload.js';
import { User } from '../governance/user.entity.js';
import { AccessRequest } from './access-request.entity.js';
import { Task } from './task.entity.js';
import { Attachment, TaskComment } from './task-comment.entity.js';
import { ApprovalGroupMember } from './approval-group.entity.js';
import { RequestFlow, SYSTEM_PERPETRATOR } from './request-flow.js';
import { isOpen, mayAct, possibleActions, TaskAction, TaskStatus, TaskType, transition, type Actor } from './workflow.js';

export interface TaskFilter {
  status?: TaskStatus | null;
  userLogin?: string | null;
  type?: TaskType | null;
  requestId?: string | null;
  outcome?: string | null;
}

/**
 * Separation of duties: nobody acts on a task of a request they requested or benefit from (no
 * claiming, approving, rejecting, fulfilling, escalating or reassigning it), whoever the
 * credential. Returns their part in the request, or null.
 */
export function partIn(request: Pick<AccessRequest, 'requesterLogin' | 'beneficiaryLogin'>, login: string): 'requester' | 'beneficiary' | null {
  if (login === request.beneficiaryLogin) return 'beneficiary';
  if (login === request.requesterLogin) return 'requester';
  return null;
}
const ownRequest = (request: AccessRequest, login: string) => partIn(request, login) !== null;

const SEPARATION_OF_DUTIES = 'SEPARATION_OF_DUTIES';

/** Reads of tasks and the actions people take on them. */
export class TaskService {
  constructor(
    private readonly scope: RequestScope,
    private readonly loaders: RequestLoaders,
  ) {}

  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  private async groupsOf(em: EntityManager, login: string): Promise<Set<string>> {
    const rows = await em.find(ApprovalGroupMember, { user: { login, workspace: this.ws } }, { populate: ['group'] });
    return new Set(rows.map((m) => m.group.name));
  }

  /** Tasks newest first (seed: Task Fetch), by status, type, request and the person's login. */
  async tasks(filter: TaskFilter | null | undefined, args: { first?: number | null; after?: string | null }) {
    authorize(this.scope.viewer, 'requests:read');
    const page = pageRequest(args, this.scope.config);
    const f = filter ?? {};
    if (f.requestId && !isId(f.requestId)) throw badInput('filter.requestId', 'requestId is the 24-hex id of a request');
    const groups = f.userLogin ? [...(await this.groupsOf(this.scope.em, f.userLogin))] : [];
    const where = (): FilterQuery<Task> => {
      const w: Record<string, unknown> = { workspace: this.ws };
      if (f.status) w.status = f.status;
      if (f.type) w.type = f.type;
      if (f.requestId) w.request = f.requestId;
      if (f.outcome) w.outcome = f.outcome;
      if (f.userLogin) {
        // The person's tasks: assigned to them, claimed by them, or offered to a group of theirs.
        w.$or = [
          { assigneeType: 'User', assignee: f.userLogin },
          { claimedBy: f.userLogin },
          ...(groups.length ? [{ assigneeType: 'Group', assignee: { $in: groups }, status: TaskStatus.ASSIGNED }] : []),
        ];
      }
      return w as FilterQuery<Task>;
    };
    return paginate(this.scope.em, Task, where, page, 'id', 'desc');
  }

  async task(id: string): Promise<Task | null> {
    authorize(this.scope.viewer, 'requests:read');
    return isId(id) ? this.loaders.task.load(id) : null;
  }

  /**
   * The actions the task offers; for a person, those that person may take (seed:
   * possibleActions). The person is the credential's own (a personal credential needs no
   * argument), or, for an ACT_AS key, the one `userLogin` names.
   */
  async possibleActionsFor(task: Task, named?: string | null): Promise<TaskAction[]> {
    if (!named && !this.scope.viewer.person) return possibleActions(task);
    const userLogin = decideActor(this.scope.viewer, named, 'userLogin').login;
    const request = await this.loaders.request.load(task.request.id);
    if (!request || ownRequest(request, userLogin)) return [];
    const groups = await this.loaders.groupNamesOfLogin.load(userLogin);
    return possibleActions(task, { login: userLogin, groups: new Set(groups) });
  }

  /**
   * Performs an action on a task (seed: Task Action) as the credential's person (src/auth/actor.ts:
   * a personal credential's own person, or the person an ACT_AS key names in `userLogin`).
   * Checks: the task is open (not Completed, Expired or Cancelled), the person may act on it (its
   * assignee, its claimer, or for CLAIM a member of its group; never on a request they requested
   * or benefit from), and the action is one of its possibleActions. Writes the task change under
   * optimistic locking (a concurrent decision wins, this one gets CONFLICT), then advances,
   * rejects or fulfils the request.
   */
  async performTaskAction(args: { id: string; action: TaskAction; userLogin?: string | null; comment?: string | null; assignee?: string | null }): Promise<Task> {
    authorize(this.scope.viewer, 'tasks:act');
    decideActor(this.scope.viewer, args.userLogin, 'userLogin');
    const { id, action, comment } = args;
    if (args.assignee && action !== TaskAction.REASSIGN) throw badInput('assignee', '`assignee` is given only with REASSIGN');
    return this.scope.transaction(async (em) => {
      const task = isId(id) ? await em.findOne(Task, { id, workspace: this.ws }, { populate: ['request'], refresh: true }) : null;
      if (!task) throw notFound('Task', id, 'id');
      const { user: person, login: userLogin } = await actingPerson(em, this.scope.viewer, args.userLogin, 'userLogin');
      if (!isOpen(task.status)) throw conflict(`Task ${task.id} is ${task.status}; it can no longer be acted on`, 'id');
      // Past its expiry date the task is as good as Expired, even in the moment before its job marks it so.
      if (task.expiryDate <= this.scope.clock.now()) throw conflict(`Task ${task.id} expired at ${task.expiryDate.toISOString()}; it can no longer be acted on`, 'id');
      const request = task.request;
      const part = partIn(request, userLogin);
      if (part) {
        throw new DomainError(
          'FORBIDDEN',
          `${userLogin} is the ${part} of request ${request.requestId} and may not act on its tasks (rule: separation of duties: nobody decides or fulfils a request they requested or benefit from)`,
          undefined,
          { rule: SEPARATION_OF_DUTIES },
        );
      }
      const actor: Actor = { login: userLogin, groups: await this.groupsOf(em, userLogin) };
      if (!mayAct(task, actor)) throw forbidden(this.whoMayAct(task, userLogin));
      const offered = possibleActions(task, actor);
      if (!offered.includes(action)) {
        throw conflict(`${action} is not possible on this ${task.status} task; possible actions: ${offered.join(', ')}`, 'action');
      }

      let target: string | undefined;
      if (action === TaskAction.REASSIGN) target = await this.reassignTarget(em, task, request, args.assignee);
      if (action === TaskAction.ESCALATE) target = await this.escalationTarget(em, task, request, person);

      const flow = new RequestFlow(em, this.scope);
      await flow.changeTask(task, transition(task, action, actor, target), action.toLowerCase(), userLogin, comment);
      if (comment) em.create(TaskComment, { workspace: this.ws, task, userLogin, comment });
      if (action === TaskAction.APPROVE) await flow.approved(request, userLogin);
      if (action === TaskAction.REJECT) await flow.rejected(request, userLogin, comment);
      if (action === TaskAction.COMPLETE) await flow.fulfilled(request, task, userLogin);
      return task;
    });
  }

  private whoMayAct(task: Task, login: string): string {
    if (task.assigneeType === 'User') return `${login} is not the assignee of this task (assigned to ${task.assignee})`;
    if (task.status === TaskStatus.CLAIMED) return `This task is claimed by ${task.claimedBy}; only they may act on it`;
    return `${login} is not a member of ${task.assignee}, the group this task is offered to`;
  }

  private async activePerson(em: EntityManager, login: string): Promise<User | null> {
    return em.findOne(User, { workspace: this.ws, login, status: 'Active' });
  }

  private async reassignTarget(em: EntityManager, task: Task, request: AccessRequest, login?: string | null): Promise<string> {
    if (!login) throw badInput('assignee', 'REASSIGN needs `assignee`, the login of the new assignee');
    if (!(await this.activePerson(em, login))) throw notFound('User', login, 'assignee');
    if (ownRequest(request, login)) throw badInput('assignee', `${login} may not decide their own request`);
    if (task.assigneeType === 'User' && task.assignee === login) throw badInput('assignee', `The task is assigned to ${login} already`);
    return login;
  }

  /** ESCALATE hands the task to its configured escalation assignee, else to the escalating person's manager. */
  private async escalationTarget(em: EntityManager, task: Task, request: AccessRequest, person: User): Promise<string> {
    const login = task.escalationAssignee ?? person.managerLogin;
    if (!login) throw conflict(`Nobody to escalate to: ${person.login} has no manager and the task has no escalation assignee`, 'action');
    if (!(await this.activePerson(em, login))) throw conflict(`Cannot escalate to ${login}: not an active user`, 'action');
    if (ownRequest(request, login)) throw conflict(`Cannot escalate to ${login}: it is their own request`, 'action');
    return login;
  }

  /**
   * Adds a comment, optionally with a file (seed: Task Comment, multipart), as the credential's
   * person (or the one an ACT_AS key names in `userLogin`): the task's assignee, claimer or group
   * member, or the request's requester or beneficiary. The file
   * is stored in the database with its name, type, size and SHA-256 (size limited when uploaded).
   * Writes the comment (and attachment) and a `task.comment` audit event.
   */
  async addTaskComment(args: { taskId: string; userLogin?: string | null; message: string; attachment?: Upload | null }): Promise<Task> {
    authorize(this.scope.viewer, 'tasks:act');
    decideActor(this.scope.viewer, args.userLogin, 'userLogin');
    if (!args.message?.trim()) throw badInput('message', 'A comment needs a message');
    return this.scope.transaction(async (em) => {
      const task = isId(args.taskId) ? await em.findOne(Task, { id: args.taskId, workspace: this.ws }, { populate: ['request'] }) : null;
      if (!task) throw notFound('Task', args.taskId, 'taskId');
      const { login: userLogin } = await actingPerson(em, this.scope.viewer, args.userLogin, 'userLogin');
      const involved =
        userLogin === task.request.requesterLogin ||
        userLogin === task.request.beneficiaryLogin ||
        userLogin === task.claimedBy ||
        (task.assigneeType === 'User' ? task.assignee === userLogin : (await this.groupsOf(em, userLogin)).has(task.assignee));
      if (!involved) throw forbidden(`${userLogin} is not involved in this task (assignee, group member, requester or beneficiary)`);

      let attachment: Attachment | null = null;
      if (args.attachment) {
        const { filename, mimetype, content } = args.attachment;
        if (content.length === 0) throw badInput('attachment', 'The attachment is empty');
        const limit = this.scope.config.maxUploadBytes;
        if (content.length > limit) throw badInput('attachment', `The attachment is ${content.length} bytes; it may be at most ${limit} bytes`);
        attachment = em.create(Attachment, {
          workspace: this.ws,
          filename,
          contentType: mimetype,
          size: content.length,
          sha256: createHash('sha256').update(content).digest('hex'),
          content,
        });
      }
      const comment = em.create(TaskComment, { workspace: this.ws, task, userLogin, comment: args.message.trim(), attachment });
      audit(
        em,
        this.scope.viewer,
        {
          action: 'task.comment',
          entityType: 'Task',
          entityId: task.id,
          after: { comment: comment.id, attachment: attachment ? { id: attachment.id, filename: attachment.filename, size: attachment.size, sha256: attachment.sha256 } : null },
          actorLogin: userLogin,
        },
        this.scope.requestId,
      );
      return task;
    });
  }
}

/**
 * The `task.expire` job: marks the task Expired, and its request with it, once its expiry date
 * has come; a task decided meanwhile is left alone, and one whose date moved waits for it.
 */
export async function expireTask({ payload, scope, clock, reschedule }: JobContext<{ taskId: string }>): Promise<void> {
  await scope.transaction(async (em) => {
    const task = await em.findOne(Task, { id: payload.taskId }, { populate: ['request'] });
    if (!task || !isOpen(task.status)) return;
    if (task.expiryDate > clock.now()) return reschedule(task.expiryDate);
    await new RequestFlow(em, scope).expire(task, SYSTEM_PERPETRATOR);
  });
}
