import type { EntityManager } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import { audit } from '../audit/audit.service.js';
import { conflict } from '../errors.js';
import { Workspace } from '../auth/workspace.entity.js';
import { User } from '../governance/user.entity.js';
import { ServiceRequest } from '../governance/service-request.entity.js';
import { AccessRequest } from './access-request.entity.js';
import { Task } from './task.entity.js';
import { taskExpiryJob } from './task-expiry.js';
import { accessEndJob, accessStartJob, periodOf, WAITING_START } from './access-period.js';
import { HistoryEntry } from './history-entry.entity.js';
import { ApprovalGroup } from './approval-group.entity.js';
import { Provisioning, type ProvisioningPart } from './provisioning.service.js';
import {
  diff,
  expiryDate,
  isOpen,
  RequestEntityType,
  RequestStatus,
  RequestType,
  Resolution,
  TASK_EXPIRY_DAYS,
  TaskStatus,
  TaskType,
  type AssigneeType,
  type TaskChange,
} from './workflow.js';

/** The perpetrator of changes nobody made (expiry); not a person. */
export const SYSTEM_PERPETRATOR = 'system';

/** Fields of a request its history records. */
function requestSnapshot(r: AccessRequest): Record<string, unknown> {
  return {
    requestId: r.requestId,
    correlationId: r.correlationId,
    requestType: r.requestType,
    type: r.type,
    entityType: r.entityType,
    entityId: r.entityId ?? null,
    title: r.title,
    summary: r.summary,
    workflowName: r.workflowName,
    status: r.status,
    resolution: r.resolution,
    justification: r.justification ?? null,
    requester: r.requesterLogin,
    beneficiary: r.beneficiaryLogin ?? null,
    stage: r.stage,
    payload: r.payload,
  };
}

function taskSnapshot(t: Task): Record<string, unknown> {
  return {
    name: t.name,
    type: t.type,
    status: t.status,
    assignee: t.assignee,
    assigneeType: t.assigneeType,
    claimedBy: t.claimedBy ?? null,
    escalationAssignee: t.escalationAssignee ?? null,
    outcome: t.outcome ?? null,
    expiryDate: t.expiryDate.toISOString(),
    version: t.version,
  };
}

/**
 * Moves requests through their workflows inside the caller's transaction: opens approval
 * stages as tasks, provisions after the last approval (or hands Disconnected applications to
 * their performer), and ends requests. Every change leaves a history entry and an audit event.
 */
export class RequestFlow {
  private readonly provisioning: Provisioning;

  constructor(
    private readonly em: EntityManager,
    /** Who acts (the history's and audit's actor) and in which request. */
    private readonly scope: Pick<RequestScope, 'viewer' | 'requestId' | 'clock' | 'jobs'>,
  ) {
    this.provisioning = new Provisioning(em, scope.viewer, scope.requestId);
  }

  private history(
    subjectType: 'Request' | 'Task',
    subjectId: string,
    action: string,
    perpetrator: string,
    before: Record<string, unknown> | null,
    after: Record<string, unknown>,
    comment?: string | null,
  ) {
    this.em.create(HistoryEntry, {
      workspace: this.em.getReference(Workspace, this.scope.viewer.workspaceId),
      subjectType,
      subjectId,
      perpetrator,
      action,
      fromStatus: (before?.status as string | undefined) ?? null,
      toStatus: after.status as string,
      diff: before ? diff(before, after) : after,
      snapshot: after,
      comment: comment ?? null,
    });
    audit(
      this.em,
      this.scope.viewer,
      {
        action: `${subjectType === 'Request' ? 'request' : 'task'}.${action}`,
        entityType: subjectType,
        entityId: subjectId,
        before: before ?? undefined,
        after,
        // The audit log names a person only when one acted (not the system, not the key itself).
        actorLogin: perpetrator === SYSTEM_PERPETRATOR || perpetrator === this.scope.viewer.apiKeyName ? undefined : perpetrator,
      },
      this.scope.requestId,
    );
  }

  /** Applies `change` to the request and records it. */
  private setRequest(r: AccessRequest, change: Partial<AccessRequest>, action: string, perpetrator: string, comment?: string | null) {
    const before = requestSnapshot(r);
    Object.assign(r, change, { updateDate: new Date() });
    this.history('Request', r.id, action, perpetrator, before, requestSnapshot(r), comment);
  }

  /** A new request (status "Request Submitted"): recorded, then its first stage opens. */
  async start(r: AccessRequest, perpetrator: string): Promise<void> {
    this.em.persist(r);
    this.history('Request', r.id, 'submit', perpetrator, null, requestSnapshot(r));
    await this.proceed(r, perpetrator);
  }

  /** Opens the current approval stage, or fulfils once no stage is left. */
  private async proceed(r: AccessRequest, perpetrator: string): Promise<void> {
    const stage = r.stages[r.stage];
    if (!stage) return this.fulfil(r, perpetrator);
    await this.createTask(r, {
      type: TaskType.APPROVAL_TASK,
      name: stage.taskName,
      assignee: stage.assignee,
      assigneeType: stage.assigneeType,
      stage: r.stage,
      payload: this.taskPayload(r),
    });
    this.setRequest(r, { status: stage.waitingStatus }, 'stage', perpetrator);
  }

  private taskPayload(r: AccessRequest): Record<string, unknown> {
    return { ...r.payload, requestId: r.requestId, requestObjectId: r.id };
  }

  /** The start date of an approved time-bound grant has come (the access.start job). */
  async started(r: AccessRequest, perpetrator: string): Promise<void> {
    if (r.resolution !== Resolution.INITIATED || r.status !== WAITING_START) return;
    await this.fulfil(r, perpetrator);
  }

  /** After the last approval: the catalog object or the access is provisioned. */
  private async fulfil(r: AccessRequest, perpetrator: string): Promise<void> {
    if (r.requestType === 'Catalog') {
      const entityId = await this.provisioning.onboard(r, perpetrator);
      return this.setRequest(r, { entityId, status: RequestStatus.COMPLETED, resolution: Resolution.APPROVED, completedDate: new Date() }, 'complete', perpetrator);
    }
    if (r.entityType === RequestEntityType.SERVICE_REQUEST) return this.serviceFulfilmentTask(r, perpetrator);
    const { start, end } = r.type === RequestType.CREATE ? periodOf(r) : { start: null, end: null };
    // A time-bound grant approved before its start waits for it: a job grants it then.
    if (start && start > this.scope.clock.now()) {
      if (!this.scope.jobs) throw conflict('This gateway cannot schedule the start of an access period');
      await this.scope.jobs.enqueue(accessStartJob(r, start), this.em);
      if (r.status !== WAITING_START) this.setRequest(r, { status: WAITING_START, stage: r.stages.length }, 'schedule', perpetrator);
      return;
    }
    if (end) {
      if (!this.scope.jobs) throw conflict('This gateway cannot schedule the end of an access period');
      await this.scope.jobs.enqueue(accessEndJob(r, end), this.em);
    }
    const beneficiary = await this.em.findOneOrFail(User, { workspace: r.workspace, login: r.beneficiaryLogin! });
    await this.provisioning.applyRoleMembership(r, beneficiary, perpetrator);
    const parts = await this.provisioning.partsOf(r, beneficiary);
    let waiting = 0;
    for (const part of parts) {
      if (part.connected) {
        await this.provisioning.apply(part, beneficiary, perpetrator);
      } else {
        await this.fulfilmentTask(r, part);
        waiting++;
      }
    }
    if (waiting > 0) this.setRequest(r, { status: RequestStatus.WAITING_FULFILMENT, stage: r.stages.length }, 'fulfilment', perpetrator);
    else this.setRequest(r, { status: RequestStatus.COMPLETED, resolution: Resolution.APPROVED, stage: r.stages.length, completedDate: new Date() }, 'complete', perpetrator);
  }

  /** A Disconnected application's share of the request goes to its performer (a group or a person). */
  private async fulfilmentTask(r: AccessRequest, part: ProvisioningPart): Promise<void> {
    if (!part.performer) throw conflict(`Configuration error: ${part.targetSystemName} is Disconnected and has no performer to fulfil the request`);
    const group = await this.em.findOne(ApprovalGroup, { workspace: r.workspace, name: part.performer });
    const verb = { create: 'Provision', modify: 'Update', revoke: 'Deprovision' }[part.operation];
    await this.createTask(r, {
      type: TaskType.FULFILMENT_TASK,
      name: 'Fulfilment Task',
      summary: `${verb} ${part.targetSystemName} for ${r.beneficiaryLogin}`,
      assignee: part.performer,
      assigneeType: group ? 'Group' : 'User',
      stage: r.stages.length,
      payload: { ...this.taskPayload(r), fulfilment: part },
    });
  }

  /**
   * A service grants no access: after the approvals its performer gets a fulfilment task with
   * the requester's answers to the service's form, and completing it completes the request.
   */
  private async serviceFulfilmentTask(r: AccessRequest, perpetrator: string): Promise<void> {
    const service = await this.em.findOneOrFail(ServiceRequest, { id: r.entityId!, workspace: r.workspace });
    const group = await this.em.findOne(ApprovalGroup, { workspace: r.workspace, name: service.performer });
    await this.createTask(r, {
      type: TaskType.FULFILMENT_TASK,
      name: 'Fulfilment Task',
      summary: `Fulfil ${service.displayName} for ${r.beneficiaryLogin}`,
      assignee: service.performer,
      assigneeType: group ? 'Group' : 'User',
      stage: r.stages.length,
      payload: { ...this.taskPayload(r), service: { serviceRequestId: service.id, name: service.name, displayName: service.displayName, form: r.payload.form ?? null } },
    });
    this.setRequest(r, { status: RequestStatus.WAITING_FULFILMENT, stage: r.stages.length }, 'fulfilment', perpetrator);
  }

  private async createTask(
    r: AccessRequest,
    t: { type: TaskType; name: string; assignee: string; assigneeType: AssigneeType; stage: number; payload: Record<string, unknown>; summary?: string },
  ): Promise<Task> {
    const now = this.scope.clock.now();
    const group = t.assigneeType === 'Group' ? await this.em.findOne(ApprovalGroup, { workspace: r.workspace, name: t.assignee }) : null;
    if (t.assigneeType === 'Group' && !group) throw conflict(`Configuration error: there is no approval group named "${t.assignee}"`);
    const task = this.em.create(Task, {
      workspace: r.workspace,
      request: r,
      type: t.type,
      status: TaskStatus.ASSIGNED,
      name: t.name,
      title: r.title,
      summary: t.summary ?? r.summary,
      description: r.justification ?? null,
      assignee: t.assignee,
      assigneeType: t.assigneeType,
      escalationAssignee: group?.escalationAssignee ?? null,
      payload: t.payload,
      form: (r.payload.form as Record<string, unknown> | undefined) ?? null,
      expiry: TASK_EXPIRY_DAYS,
      expiryDate: expiryDate(now),
      createDate: now,
      updateDate: now,
      stage: t.stage,
    });
    this.history('Task', task.id, 'create', this.scope.viewer.apiKeyName, null, taskSnapshot(task));
    // Expiry happens at its time, whether or not anyone reads the task (reads never write). A
    // scope without a queue (the demo seed) leaves it to the backfill at start.
    await this.scope.jobs?.enqueue(taskExpiryJob(task), this.em);
    return task;
  }

  /**
   * Changes a task under optimistic locking: the version read must still be the stored one,
   * else someone else changed the task first and this change is refused with CONFLICT.
   */
  async changeTask(task: Task, change: Partial<TaskChange>, action: string, perpetrator: string, comment?: string | null): Promise<void> {
    const claimed = await this.em.nativeUpdate(Task, { id: task.id, version: task.version }, { version: task.version + 1 });
    if (claimed !== 1) throw conflict(`Task ${task.id} was changed by someone else at the same time (it may be decided already); read it again`, 'id');
    const before = taskSnapshot(task);
    Object.assign(task, change, { version: task.version + 1, updateDate: new Date(), updatedBy: perpetrator });
    this.history('Task', task.id, action, perpetrator, before, taskSnapshot(task), comment);
    // Later reads in this transaction (open tasks of the request) must see the new state.
    await this.em.flush();
  }

  /** The current stage was approved: the next stage opens, or the request is fulfilled. */
  async approved(r: AccessRequest, perpetrator: string): Promise<void> {
    r.stage += 1;
    await this.proceed(r, perpetrator);
  }

  /** A decision-maker rejected: the request ends, its other open tasks with it. */
  async rejected(r: AccessRequest, perpetrator: string, comment?: string | null): Promise<void> {
    await this.end(r, RequestStatus.REJECTED, Resolution.REJECTED, 'reject', perpetrator, comment);
  }

  async cancelled(r: AccessRequest, perpetrator: string, comment?: string | null): Promise<void> {
    await this.end(r, RequestStatus.CANCELLED, Resolution.CANCELLED, 'cancel', perpetrator, comment);
  }

  async expired(r: AccessRequest, perpetrator: string): Promise<void> {
    await this.end(r, RequestStatus.EXPIRED, Resolution.EXPIRED, 'expire', perpetrator);
  }

  private async end(r: AccessRequest, status: string, resolution: string, action: string, perpetrator: string, comment?: string | null) {
    for (const task of await this.em.find(Task, { request: r, status: { $in: [TaskStatus.ASSIGNED, TaskStatus.CLAIMED] } })) {
      await this.changeTask(task, { status: TaskStatus.CANCELLED, outcome: 'CANCELLED' }, 'cancel', perpetrator);
    }
    this.setRequest(r, { status, resolution, completedDate: new Date() }, action, perpetrator, comment);
  }

  /** A fulfilment task was completed: its part is provisioned; the last one completes the request. */
  async fulfilled(r: AccessRequest, task: Task, perpetrator: string): Promise<void> {
    const service = task.payload?.service as { serviceRequestId: string; name: string; form: unknown } | undefined;
    if (service) {
      audit(
        this.em,
        this.scope.viewer,
        {
          action: 'serviceRequest.fulfil',
          entityType: 'ServiceRequest',
          entityId: service.serviceRequestId,
          after: { request: r.requestId, beneficiary: r.beneficiaryLogin, form: service.form },
          actorLogin: perpetrator,
        },
        this.scope.requestId,
      );
      return this.setRequest(r, { status: RequestStatus.COMPLETED, resolution: Resolution.APPROVED, completedDate: new Date() }, 'complete', perpetrator);
    }
    const part = task.payload?.fulfilment as ProvisioningPart;
    const beneficiary = await this.em.findOneOrFail(User, { workspace: r.workspace, login: r.beneficiaryLogin! });
    await this.provisioning.apply(part, beneficiary, perpetrator);
    const open = await this.em.count(Task, { request: r, type: TaskType.FULFILMENT_TASK, status: { $in: [TaskStatus.ASSIGNED, TaskStatus.CLAIMED] }, id: { $ne: task.id } });
    if (open === 0) this.setRequest(r, { status: RequestStatus.COMPLETED, resolution: Resolution.APPROVED, completedDate: new Date() }, 'complete', perpetrator);
  }

  /** Marks an overdue open task Expired, and its request with it. */
  async expire(task: Task, perpetrator: string): Promise<void> {
    if (!isOpen(task.status)) return;
    await this.changeTask(task, { status: TaskStatus.EXPIRED, outcome: 'EXPIRED' }, 'expire', perpetrator);
    await this.expired(task.request, perpetrator);
  }
}
