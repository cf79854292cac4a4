/**
 * The approval engine as data and pure functions: which workflows exist, which approval stages
 * each runs for a grant or a revoke, who is assigned to each stage, and what a task may do next.
 * Nothing here touches the database, so every rule is unit-tested on its own.
 */
import { badInput } from '../errors.js';

/** What a request asks for (seed: payload `type`). */
export enum RequestType {
  CREATE = 'create',
  MODIFY = 'modify',
  REVOKE = 'revoke',
}

/** What a request is about (seed: payload `entityType`; `Application` for onboarding). */
export enum RequestEntityType {
  ROLE = 'Role',
  ENTITLEMENT = 'Entitlement',
  TARGET_SYSTEM = 'TargetSystem',
  APPLICATION = 'Application',
  SERVICE_REQUEST = 'ServiceRequest',
}

/** Task states (seed: `Assigned`, `Completed`, `Expired`, …). */
export enum TaskStatus {
  ASSIGNED = 'Assigned',
  CLAIMED = 'Claimed',
  COMPLETED = 'Completed',
  EXPIRED = 'Expired',
  CANCELLED = 'Cancelled',
}

export enum TaskType {
  APPROVAL_TASK = 'ApprovalTask',
  FULFILMENT_TASK = 'FulfilmentTask',
}

/** Actions on a task (seed: Claim, Approve, Reject, Escalate, Re-Assign; plus Release and Complete). */
export enum TaskAction {
  CLAIM = 'CLAIM',
  RELEASE = 'RELEASE',
  APPROVE = 'APPROVE',
  REJECT = 'REJECT',
  COMPLETE = 'COMPLETE',
  ESCALATE = 'ESCALATE',
  REASSIGN = 'REASSIGN',
}

/** How a task ended (Task.outcome): the seed's "completed approval / completed rejects" views filter on it. */
export enum TaskOutcome {
  APPROVE = 'APPROVE',
  REJECT = 'REJECT',
  COMPLETE = 'COMPLETE',
  EXPIRED = 'EXPIRED',
  CANCELLED = 'CANCELLED',
}

export const ACTION_DISPLAY_NAMES: Record<TaskAction, string> = {
  CLAIM: 'Claim',
  RELEASE: 'Release',
  APPROVE: 'Approve',
  REJECT: 'Reject',
  COMPLETE: 'Complete',
  ESCALATE: 'Escalate',
  REASSIGN: 'Reassign',
};

/** Request statuses in the seed's wording; the last four are final. */
export const RequestStatus = {
  SUBMITTED: 'Request Submitted',
  WAITING_MANAGER: 'Waiting for Manager Approval',
  WAITING_BUSINESS_OWNER: 'Waiting for Business Owner Approval',
  WAITING_APPROVAL: 'Waiting for Approval',
  WAITING_FULFILMENT: 'Waiting for Fulfilment',
  COMPLETED: 'Completed',
  REJECTED: 'Rejected',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired',
} as const;

/** `Initiated` while a request is open (seed), then how it ended. */
export const Resolution = {
  INITIATED: 'Initiated',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired',
} as const;

export type AssigneeType = 'User' | 'Group';

/** Who approves a stage. */
export type ApproverRule =
  | { kind: 'manager' }
  | { kind: 'businessOwner' }
  /** The group named in the entity's approver1, approver2 or approver3 (empty slots are skipped). */
  | { kind: 'approverSlot'; slot: 1 | 2 | 3 }
  /** A fixed group, for workflows that are not configured per entity. */
  | { kind: 'group'; name: string };

export interface StageDefinition {
  approver: ApproverRule;
  taskName: string;
  /** The request's status while this stage waits. */
  waitingStatus: string;
}

export interface WorkflowDefinition {
  name: string;
  /** Stages of a CREATE or MODIFY request, in order. */
  grant: StageDefinition[];
  /** Stages of a REVOKE request, in order; none means revokes are automatic. */
  revoke: StageDefinition[];
}

/** Days a task stays open before it expires (seed: `"expiry": 15`). */
export const TASK_EXPIRY_DAYS = 15;

const manager: StageDefinition = { approver: { kind: 'manager' }, taskName: 'Manager Approval Task', waitingStatus: RequestStatus.WAITING_MANAGER };
const businessOwner: StageDefinition = { approver: { kind: 'businessOwner' }, taskName: 'Business Owner Approval Task', waitingStatus: RequestStatus.WAITING_BUSINESS_OWNER };
const groups: StageDefinition[] = ([1, 2, 3] as const).map((slot) => ({
  approver: { kind: 'approverSlot', slot },
  taskName: 'Group Approval Task',
  waitingStatus: RequestStatus.WAITING_APPROVAL,
}));

/** The six workflows the seed names for catalog entities, keyed by their names. */
export const WORKFLOWS: Readonly<Record<string, WorkflowDefinition>> = Object.freeze({
  'Auto Approval': { name: 'Auto Approval', grant: [], revoke: [] },
  'Auto Role Approval': { name: 'Auto Role Approval', grant: [], revoke: [] },
  'Manager Grant and Auto Revoke': { name: 'Manager Grant and Auto Revoke', grant: [manager], revoke: [] },
  'Manager and BO Grant and Auto Revoke': { name: 'Manager and BO Grant and Auto Revoke', grant: [manager, businessOwner], revoke: [] },
  'Group Approval': { name: 'Group Approval', grant: groups, revoke: groups },
  'Group Role Approval': { name: 'Group Role Approval', grant: groups, revoke: groups },
});

export const WORKFLOW_NAMES = Object.keys(WORKFLOWS);

/** The group that approves catalog onboarding requests (the seed's "AIMS Approval"). */
export const CATALOG_APPROVER_GROUP = 'Access Manager';

/** Onboarding of applications and roles (seed: workflowName `AIMS Approval`, status "Waiting for Approval"). */
export const CATALOG_WORKFLOW: WorkflowDefinition = {
  name: 'AIMS Approval',
  grant: [{ approver: { kind: 'group', name: CATALOG_APPROVER_GROUP }, taskName: 'Catalog Approval Task', waitingStatus: RequestStatus.WAITING_APPROVAL }],
  revoke: [],
};

export function workflowByName(name: string | null | undefined): WorkflowDefinition | undefined {
  return name ? WORKFLOWS[name] : undefined;
}

/** What a workflow needs from the entity it governs. */
export interface WorkflowConfig {
  approvalWorkflow?: string | null;
  approver1?: string | null;
  approver2?: string | null;
  approver3?: string | null;
}

/**
 * A configuration check, run wherever an entity's workflow is set: the name must be one of the
 * six, and a group workflow needs at least one approver group. `field` names the workflow input.
 */
export function assertWorkflowConfig(config: WorkflowConfig, field: string): WorkflowDefinition {
  const workflow = workflowByName(config.approvalWorkflow);
  if (!workflow) {
    throw badInput(field, `Unknown approval workflow ${JSON.stringify(config.approvalWorkflow ?? null)} (known: ${WORKFLOW_NAMES.join(', ')})`);
  }
  const needsGroups = [...workflow.grant, ...workflow.revoke].some((s) => s.approver.kind === 'approverSlot');
  if (needsGroups && !approverSlots(config).some(Boolean)) {
    throw badInput(field, `Workflow "${workflow.name}" needs approver groups: set approver1 (and optionally approver2, approver3)`);
  }
  return workflow;
}

const approverSlots = (c: WorkflowConfig) => [c.approver1, c.approver2, c.approver3];

/** Facts about one request that decide who approves it. */
export interface ApprovalFacts extends WorkflowConfig {
  /** The beneficiary's manager (login). */
  managerLogin?: string | null;
  /** The entity's business owner (login). */
  businessOwnerLogin?: string | null;
}

export interface PlannedStage {
  taskName: string;
  waitingStatus: string;
  assignee: string;
  assigneeType: AssigneeType;
}

export type StagePlan = { ok: true; stages: PlannedStage[] } | { ok: false; reason: string };

/**
 * The approval stages a request goes through, with their assignees, decided at submit time.
 * Fails (with a reason, not an exception) when a stage has nobody to assign.
 */
export function planStages(workflow: WorkflowDefinition, type: RequestType, facts: ApprovalFacts): StagePlan {
  const stages: PlannedStage[] = [];
  for (const stage of type === RequestType.REVOKE ? workflow.revoke : workflow.grant) {
    const { approver } = stage;
    const base = { taskName: stage.taskName, waitingStatus: stage.waitingStatus };
    if (approver.kind === 'manager') {
      if (!facts.managerLogin) return { ok: false, reason: 'the beneficiary has no manager to approve it' };
      stages.push({ ...base, assignee: facts.managerLogin, assigneeType: 'User' });
    } else if (approver.kind === 'businessOwner') {
      if (!facts.businessOwnerLogin) return { ok: false, reason: 'the item has no business owner to approve it' };
      stages.push({ ...base, assignee: facts.businessOwnerLogin, assigneeType: 'User' });
    } else if (approver.kind === 'group') {
      stages.push({ ...base, assignee: approver.name, assigneeType: 'Group' });
    } else {
      const group = approverSlots(facts)[approver.slot - 1];
      if (group) stages.push({ ...base, assignee: group, assigneeType: 'Group' });
    }
  }
  const usesSlots = (type === RequestType.REVOKE ? workflow.revoke : workflow.grant).some((s) => s.approver.kind === 'approverSlot');
  if (usesSlots && stages.length === 0) return { ok: false, reason: `workflow "${workflow.name}" has no approver groups configured` };
  return { ok: true, stages };
}

/** The part of a task the action rules look at. */
export interface TaskState {
  type: TaskType;
  status: TaskStatus;
  assignee: string;
  assigneeType: AssigneeType;
  claimedBy?: string | null;
}

/** The person acting: their login and the groups they belong to. */
export interface Actor {
  login: string;
  groups: ReadonlySet<string>;
}

export const isOpen = (status: TaskStatus) => status === TaskStatus.ASSIGNED || status === TaskStatus.CLAIMED;

/** Who holds the task now: the user assignee, or the member who claimed a group task. */
export function holderOf(task: TaskState): string | null {
  if (task.assigneeType === 'User') return task.assignee;
  return task.status === TaskStatus.CLAIMED ? (task.claimedBy ?? null) : null;
}

/** Whether the person may act on the task at all (as its holder, or as a member of its group). */
export function mayAct(task: TaskState, actor: Actor): boolean {
  if (task.assigneeType === 'User') return task.assignee === actor.login;
  if (task.status === TaskStatus.CLAIMED) return task.claimedBy === actor.login;
  return actor.groups.has(task.assignee);
}

/**
 * Actions the task's state offers; with an actor, only those that person may take. An unclaimed
 * group task offers only CLAIM; once claimed, its holder decides it or releases it back.
 */
export function possibleActions(task: TaskState, actor?: Actor | null): TaskAction[] {
  if (!isOpen(task.status)) return [];
  if (actor && !mayAct(task, actor)) return [];
  if (task.assigneeType === 'Group' && task.status === TaskStatus.ASSIGNED) return [TaskAction.CLAIM];
  const decide = task.type === TaskType.FULFILMENT_TASK ? [TaskAction.COMPLETE] : [TaskAction.APPROVE, TaskAction.REJECT];
  const release = task.assigneeType === 'Group' ? [TaskAction.RELEASE] : [];
  return [...decide, ...release, TaskAction.ESCALATE, TaskAction.REASSIGN];
}

/** The task fields an action changes (decisions also end the task). */
export interface TaskChange {
  status: TaskStatus;
  assignee: string;
  assigneeType: AssigneeType;
  claimedBy: string | null;
  outcome: string | null;
}

/**
 * The transition of one action. `target` is the new assignee for ESCALATE / REASSIGN, already
 * resolved and checked by the caller. The caller has checked the action is possible.
 */
export function transition(task: TaskState, action: TaskAction, actor: Actor, target?: string): TaskChange {
  const same = { assignee: task.assignee, assigneeType: task.assigneeType, claimedBy: task.claimedBy ?? null, outcome: null };
  switch (action) {
    case TaskAction.CLAIM:
      return { ...same, status: TaskStatus.CLAIMED, claimedBy: actor.login };
    case TaskAction.RELEASE:
      return { ...same, status: TaskStatus.ASSIGNED, claimedBy: null };
    case TaskAction.APPROVE:
    case TaskAction.REJECT:
    case TaskAction.COMPLETE:
      return { ...same, status: TaskStatus.COMPLETED, claimedBy: holderOf(task), outcome: action };
    case TaskAction.ESCALATE:
    case TaskAction.REASSIGN:
      if (!target) throw new Error(`${action} needs a target`);
      return { status: TaskStatus.ASSIGNED, assignee: target, assigneeType: 'User', claimedBy: null, outcome: null };
  }
}

/** The fields that changed between two snapshots (for history `diff`). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = after[key] ?? null;
  }
  return out;
}

/** When a task created at `from` expires. */
export const expiryDate = (from: Date, days = TASK_EXPIRY_DAYS) => new Date(from.getTime() + days * 86_400_000);
