import type { EntityManager } from '@mikro-orm/core';
import type { DemoDataSet } from './demo/demo-data.types.js';
import { User } from '../governance/user.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { Entitlement } from '../governance/entitlement.entity.js';
import { Role, RoleEntitlement, RoleMember } from '../governance/role.entity.js';
import { EntitlementAssignment, UserAccount } from '../governance/user-account.entity.js';
import { compileRule, recomputeAllRuleMembers } from '../governance/rules.js';
import { newId } from '../common/ids.js';
import { ApprovalGroup, ApprovalGroupMember } from '../requests/approval-group.entity.js';
import { assertWorkflowConfig } from '../requests/workflow.js';

const BATCH = 500;
const date = (s?: string | null) => (s ? new Date(s.replace(/\+0000$/, 'Z')) : null);

async function insertBatched(em: EntityManager, entity: Parameters<EntityManager['insertMany']>[0], rows: object[], onProgress?: (n: number) => void) {
  for (let i = 0; i < rows.length; i += BATCH) {
    await em.insertMany(entity, rows.slice(i, i + BATCH) as never);
    onProgress?.(Math.min(rows.length, i + BATCH));
  }
}

/**
 * Writes a data set into a workspace with batched multi-row inserts (no per-row flush), then
 * evaluates every birthright rule in the database. Rules are validated before anything is written.
 */
export async function loadDataSet(
  em: EntityManager,
  workspaceId: string,
  data: DemoDataSet,
  progress?: (stage: string, done: number, total: number) => void,
): Promise<void> {
  for (const role of data.roles) compileRule(role.rule, `roles[${role.name}].rule`);
  checkWorkflows(data);
  const userIdByLogin = new Map(data.users.map((u) => [u.login, u.id]));
  const workspace = workspaceId;
  const step = (stage: string, total: number) => (n: number) => progress?.(stage, n, total);

  await insertBatched(em, User, data.users.map(({ createdOn, homeAddressZipcode, officeAddressZipcode, ...u }) => ({
    ...u,
    homeAddressZipcode: homeAddressZipcode == null ? null : String(homeAddressZipcode),
    officeAddressZipcode: officeAddressZipcode == null ? null : String(officeAddressZipcode),
    workspace,
    createdOn: date(createdOn) ?? new Date(),
  })), step('users', data.users.length));

  await insertBatched(em, TargetSystem, data.targetSystems.map(({ ITOwner, businessOwner, createdOn, updatedOn, ...t }) => ({
    ...t,
    itOwnerLogin: ITOwner ?? null,
    businessOwnerLogin: businessOwner ?? null,
    workspace,
    createdOn: date(createdOn) ?? new Date(),
    updatedOn: date(updatedOn),
  })), step('targetSystems', data.targetSystems.length));

  await insertBatched(em, Entitlement, data.entitlements.map(({ ITOwner, businessOwner, targetSystemId, createdOn, ...e }) => ({
    ...e,
    itOwnerLogin: ITOwner ?? null,
    businessOwnerLogin: businessOwner ?? null,
    targetSystem: targetSystemId,
    workspace,
    createdOn: date(createdOn) ?? new Date(),
  })), step('entitlements', data.entitlements.length));

  await insertBatched(em, Role, data.roles.map(({ entitlementIds: _e, memberLogins: _m, createdOn, ...r }) => ({
    ...r,
    workspace,
    createdOn: date(createdOn) ?? new Date(),
  })), step('roles', data.roles.length));

  const grants = data.roles.flatMap((r) => r.entitlementIds.map((entitlement) => ({ role: r.id, entitlement })));
  await insertBatched(em, RoleEntitlement, grants, step('roleEntitlements', grants.length));

  const createdAt = new Date();
  const members = data.roles.flatMap((r) =>
    (r.memberLogins ?? []).map((login) => {
      const user = userIdByLogin.get(login);
      if (!user) throw new Error(`role ${r.name}: unknown member ${login}`);
      return { id: newId(), role: r.id, user, source: 'ASSIGNED', createdAt };
    }),
  );
  await insertBatched(em, RoleMember, members, step('roleMembers', members.length));

  await insertBatched(em, UserAccount, data.accounts.map(({ userLogin, targetSystemId, entitlements: _e, provisionedDate, ...a }) => {
    const user = userIdByLogin.get(userLogin);
    if (!user) throw new Error(`account ${a.id}: unknown user ${userLogin}`);
    return { ...a, user, targetSystem: targetSystemId, workspace, provisionedDate: date(provisionedDate) };
  }), step('accounts', data.accounts.length));

  const assignments = data.accounts.flatMap((a) =>
    a.entitlements.map((e) => ({
      id: newId(),
      workspace,
      account: a.id,
      entitlement: e.entitlementId,
      status: e.status,
      provisionMechanism: e.provisionMechanism ?? null,
      provisionedDate: date(e.provisionedDate),
    })),
  );
  await insertBatched(em, EntitlementAssignment, assignments, step('assignments', assignments.length));

  const groups = (data.approvalGroups ?? []).map((g) => ({ ...g, id: g.id ?? newId() }));
  await insertBatched(em, ApprovalGroup, groups.map(({ memberLogins: _m, ...g }) => ({ ...g, workspace, escalationAssignee: g.escalationAssignee ?? null, createdOn: new Date() })));
  const groupMembers = groups.flatMap((g) =>
    g.memberLogins.map((login) => {
      const user = userIdByLogin.get(login);
      if (!user) throw new Error(`approval group ${g.name}: unknown member ${login}`);
      return { id: newId(), group: g.id, user };
    }),
  );
  await insertBatched(em, ApprovalGroupMember, groupMembers, step('approvalGroupMembers', groupMembers.length));

  progress?.('rules', 0, 1);
  await recomputeAllRuleMembers(em, workspaceId);
  progress?.('rules', 1, 1);
}

/**
 * Workflow names are configuration: an unknown name, or a group workflow without approver
 * groups, is refused when the data set is loaded rather than when someone requests the item.
 * Entitlements run their own workflow with their application's approver groups.
 */
function checkWorkflows(data: DemoDataSet): void {
  const systems = new Map(data.targetSystems.map((t) => [t.id, t]));
  for (const t of data.targetSystems) assertWorkflowConfig(t, `targetSystems[${t.name}].approvalWorkflow`);
  for (const r of data.roles) assertWorkflowConfig(r, `roles[${r.name}].approvalWorkflow`);
  for (const e of data.entitlements) {
    const t = systems.get(e.targetSystemId);
    assertWorkflowConfig({ ...t, approvalWorkflow: e.approvalWorkflow ?? t?.approvalWorkflow }, `entitlements[${e.name}].approvalWorkflow`);
  }
}
