import { describe, it, expect } from 'vitest';
import { DomainError } from '../src/errors.js';
import {
  assertWorkflowConfig,
  CATALOG_WORKFLOW,
  diff,
  expiryDate,
  holderOf,
  mayAct,
  planStages,
  possibleActions,
  RequestType,
  TaskAction,
  TaskStatus,
  TaskType,
  transition,
  WORKFLOW_NAMES,
  WORKFLOWS,
  type TaskState,
} from '../src/requests/workflow.js';

const facts = { managerLogin: 'zachary', businessOwnerLogin: 'ali', approver1: 'Approval Group 2', approver2: 'Approval Group 3', approver3: 'CEO' };
const assignees = (name: string, type: RequestType, f: object = facts) => {
  const plan = planStages(WORKFLOWS[name], type, f);
  if (!plan.ok) throw new Error(plan.reason);
  return plan.stages.map((s) => [s.assignee, s.assigneeType, s.waitingStatus]);
};

describe('workflow definitions', () => {
  it('knows exactly the six workflows the seed names', () => {
    expect(WORKFLOW_NAMES.sort()).toEqual([
      'Auto Approval',
      'Auto Role Approval',
      'Group Approval',
      'Group Role Approval',
      'Manager Grant and Auto Revoke',
      'Manager and BO Grant and Auto Revoke',
    ]);
  });

  it.each([
    ['Auto Approval', RequestType.CREATE, []],
    ['Auto Role Approval', RequestType.CREATE, []],
    ['Auto Approval', RequestType.REVOKE, []],
    ['Manager Grant and Auto Revoke', RequestType.CREATE, [['zachary', 'User', 'Waiting for Manager Approval']]],
    ['Manager Grant and Auto Revoke', RequestType.MODIFY, [['zachary', 'User', 'Waiting for Manager Approval']]],
    ['Manager Grant and Auto Revoke', RequestType.REVOKE, []],
    [
      'Manager and BO Grant and Auto Revoke',
      RequestType.CREATE,
      [
        ['zachary', 'User', 'Waiting for Manager Approval'],
        ['ali', 'User', 'Waiting for Business Owner Approval'],
      ],
    ],
    ['Manager and BO Grant and Auto Revoke', RequestType.REVOKE, []],
    [
      'Group Approval',
      RequestType.CREATE,
      [
        ['Approval Group 2', 'Group', 'Waiting for Approval'],
        ['Approval Group 3', 'Group', 'Waiting for Approval'],
        ['CEO', 'Group', 'Waiting for Approval'],
      ],
    ],
    [
      'Group Role Approval',
      RequestType.REVOKE,
      [
        ['Approval Group 2', 'Group', 'Waiting for Approval'],
        ['Approval Group 3', 'Group', 'Waiting for Approval'],
        ['CEO', 'Group', 'Waiting for Approval'],
      ],
    ],
  ])('%s, %s: stages %j', (name, type, expected) => {
    expect(assignees(name, type)).toEqual(expected);
  });

  it('skips empty approver slots, in order', () => {
    expect(assignees('Group Approval', RequestType.CREATE, { approver1: 'Approval Group 1', approver3: 'CEO' }).map((s) => s[0])).toEqual(['Approval Group 1', 'CEO']);
  });

  it('cannot route without a manager, a business owner or any group', () => {
    expect(planStages(WORKFLOWS['Manager Grant and Auto Revoke'], RequestType.CREATE, { managerLogin: null })).toEqual({
      ok: false,
      reason: 'the beneficiary has no manager to approve it',
    });
    expect(planStages(WORKFLOWS['Manager and BO Grant and Auto Revoke'], RequestType.CREATE, { managerLogin: 'x' })).toEqual({
      ok: false,
      reason: 'the item has no business owner to approve it',
    });
    expect(planStages(WORKFLOWS['Group Approval'], RequestType.CREATE, {}).ok).toBe(false);
    // ...but an automatic revoke needs nobody
    expect(planStages(WORKFLOWS['Manager Grant and Auto Revoke'], RequestType.REVOKE, {})).toEqual({ ok: true, stages: [] });
  });

  it('routes catalog onboarding to the Access Manager group', () => {
    expect(planStages(CATALOG_WORKFLOW, RequestType.CREATE, {})).toEqual({
      ok: true,
      stages: [{ taskName: 'Catalog Approval Task', waitingStatus: 'Waiting for Approval', assignee: 'Access Manager', assigneeType: 'Group' }],
    });
  });

  it('rejects an unknown workflow name, or a group workflow without groups, naming the field', () => {
    const error = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('expected an error');
    };
    const unknown = error(() => assertWorkflowConfig({ approvalWorkflow: 'AIMS Approval' }, 'input.approvalWorkflow'));
    expect(unknown).toBeInstanceOf(DomainError);
    expect([unknown.code, unknown.field]).toEqual(['BAD_USER_INPUT', 'input.approvalWorkflow']);
    expect(unknown.message).toMatch(/Unknown approval workflow "AIMS Approval"/);
    expect(error(() => assertWorkflowConfig({ approvalWorkflow: null }, 'f')).message).toMatch(/Unknown approval workflow null/);
    expect(error(() => assertWorkflowConfig({ approvalWorkflow: 'Group Role Approval' }, 'f')).message).toMatch(/needs approver groups/);
    expect(assertWorkflowConfig({ approvalWorkflow: 'Group Role Approval', approver2: 'CEO' }, 'f').name).toBe('Group Role Approval');
  });
});

describe('task actions', () => {
  const userTask: TaskState = { type: TaskType.APPROVAL_TASK, status: TaskStatus.ASSIGNED, assignee: 'zachary', assigneeType: 'User' };
  const groupTask: TaskState = { type: TaskType.APPROVAL_TASK, status: TaskStatus.ASSIGNED, assignee: 'Approval Group 2', assigneeType: 'Group' };
  const claimed: TaskState = { ...groupTask, status: TaskStatus.CLAIMED, claimedBy: 'liz' };
  const fulfilment: TaskState = { type: TaskType.FULFILMENT_TASK, status: TaskStatus.CLAIMED, assignee: 'Manual Fulfiller', assigneeType: 'Group', claimedBy: 'travis' };
  const person = (login: string, ...groups: string[]) => ({ login, groups: new Set(groups) });

  it('offers a user task to its assignee only', () => {
    expect(possibleActions(userTask, person('zachary'))).toEqual(['APPROVE', 'REJECT', 'ESCALATE', 'REASSIGN']);
    expect(possibleActions(userTask, person('ali'))).toEqual([]);
    expect(possibleActions(userTask)).toEqual(['APPROVE', 'REJECT', 'ESCALATE', 'REASSIGN']);
  });

  it('offers an unclaimed group task for CLAIM to members only', () => {
    expect(possibleActions(groupTask, person('liz', 'Approval Group 2'))).toEqual(['CLAIM']);
    expect(possibleActions(groupTask, person('ali', 'Approval Group 1'))).toEqual([]);
    expect(mayAct(groupTask, person('spencer', 'Approval Group 2'))).toBe(true);
  });

  it('lets only the claimer decide or release a claimed task', () => {
    expect(possibleActions(claimed, person('liz', 'Approval Group 2'))).toEqual(['APPROVE', 'REJECT', 'RELEASE', 'ESCALATE', 'REASSIGN']);
    expect(possibleActions(claimed, person('spencer', 'Approval Group 2'))).toEqual([]);
    expect(holderOf(claimed)).toBe('liz');
    expect(holderOf(groupTask)).toBe(null);
  });

  it('completes, rather than approves, a fulfilment task', () => {
    expect(possibleActions(fulfilment, person('travis', 'Manual Fulfiller'))).toEqual(['COMPLETE', 'RELEASE', 'ESCALATE', 'REASSIGN']);
  });

  it.each([TaskStatus.COMPLETED, TaskStatus.EXPIRED, TaskStatus.CANCELLED])('offers nothing once %s', (status) => {
    expect(possibleActions({ ...userTask, status }, person('zachary'))).toEqual([]);
    expect(possibleActions({ ...userTask, status })).toEqual([]);
  });

  it('transitions: claim, release, decide, escalate', () => {
    const liz = person('liz', 'Approval Group 2');
    expect(transition(groupTask, TaskAction.CLAIM, liz)).toEqual({ status: 'Claimed', assignee: 'Approval Group 2', assigneeType: 'Group', claimedBy: 'liz', outcome: null });
    expect(transition(claimed, TaskAction.RELEASE, liz)).toEqual({ status: 'Assigned', assignee: 'Approval Group 2', assigneeType: 'Group', claimedBy: null, outcome: null });
    expect(transition(claimed, TaskAction.APPROVE, liz)).toMatchObject({ status: 'Completed', claimedBy: 'liz', outcome: 'APPROVE' });
    expect(transition(userTask, TaskAction.REJECT, person('zachary'))).toMatchObject({ status: 'Completed', outcome: 'REJECT' });
    expect(transition(claimed, TaskAction.ESCALATE, liz, 'jerome')).toEqual({ status: 'Assigned', assignee: 'jerome', assigneeType: 'User', claimedBy: null, outcome: null });
    expect(() => transition(userTask, TaskAction.REASSIGN, person('zachary'))).toThrow(/needs a target/);
  });
});

describe('helpers', () => {
  it('diff lists changed and removed keys', () => {
    expect(diff({ a: 1, b: { x: 1 }, c: 3 }, { a: 1, b: { x: 2 }, d: 4 })).toEqual({ b: { x: 2 }, c: null, d: 4 });
  });

  it('tasks expire after 15 days (seed: "expiry": 15)', () => {
    expect(expiryDate(new Date('2023-12-18T11:31:26.166Z')).toISOString()).toBe('2024-01-02T11:31:26.166Z');
  });
});
