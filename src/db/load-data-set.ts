import type { EntityManager } from '@mikro-orm/core';
import { ServiceRequest } from '../governance/service-request.entity.js';
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

/**
 * Values per multi-row INSERT: below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters,
 * so narrow tables go in a few thousand rows at a time (the ORM's per-statement cost dominates).
 */
const VALUES_PER_STATEMENT = 32_000;
const date = (s?: string | null) => (s ? new Date(s.replace(/\+0000$/, 'Z')) : null);

/** Row counts of what `loadDataSet` wrote, per table. */
export interface LoadCounts {
  users: number;
  serviceRequests: number;
  targetSystems: number;
  entitlements: number;
  roles: number;
  roleEntitlements: number;
  roleMembers: number;
  accounts: number;
  assignments: number;
}

async function insertBatched(em: EntityManager, entity: Parameters<EntityManager['insertMany']>[0], rows: object[], onProgress?: (n: number) => void): Promise<number> {
  onProgress?.(0);
  if (rows.length === 0) return 0;
  const columns = em.getMetadata().find(entity as never)?.props.length ?? Object.keys(rows[0]).length;
  const batch = Math.max(1, Math.floor(VALUES_PER_STATEMENT / columns));
  for (let i = 0; i < rows.length; i += batch) {
    await em.insertMany(entity, rows.slice(i, i + batch) as never);
    onProgress?.(Math.min(rows.length, i + batch));
  }
  return rows.length;
}

/**
 * Writes a data set into a workspace with batched multi-row inserts (no per-row flush), then
 * evaluates every birthright rule in the database. Rules are validated before anything is written.
 * Returns the rows written per table (rule memberships not included).
 */
export async function loadDataSet(em: EntityManager, workspaceId: string, data: DemoDataSet, progress?: (stage: string, done: number, total: number) => void): Promise<LoadCounts> {
  for (const role of data.roles) compileRule(role.rule, `roles[${role.name}].rule`);
  checkWorkflows(data);
  const userIdByLogin = new Map(data.users.map((u) => [u.login, u.id]));
  const workspace = workspaceId;
  const step = (stage: string, total: number) => (n: number) => progress?.(stage, n, total);
  const counts = {} as LoadCounts;

  counts.users = await insertBatched(
    em,
    User,
    data.users.map(({ createdOn, homeAddressZipcode, officeAddressZipcode, ...u }) => ({
      ...u,
      homeAddressZipcode: homeAddressZipcode == null ? null : String(homeAddressZipcode),
      officeAddressZipcode: officeAddressZipcode == null ? null : String(officeAddressZipcode),
      isAdministrator: u.isAdministrator ?? false,
      workspace,
      createdOn: date(createdOn) ?? new Date(),
    })),
    step('users', data.users.length),
  );

  counts.targetSystems = await insertBatched(
    em,
    TargetSystem,
    data.targetSystems.map(({ ITOwner, businessOwner, createdOn, updatedOn, ...t }) => ({
      ...t,
      itOwnerLogin: ITOwner ?? null,
      businessOwnerLogin: businessOwner ?? null,
      workspace,
      createdOn: date(createdOn) ?? new Date(),
      updatedOn: date(updatedOn),
    })),
    step('targetSystems', data.targetSystems.length),
  );

  counts.entitlements = await insertBatched(
    em,
    Entitlement,
    data.entitlements.map(({ ITOwner, businessOwner, targetSystemId, createdOn, ...e }) => ({
      ...e,
      itOwnerLogin: ITOwner ?? null,
      businessOwnerLogin: businessOwner ?? null,
      targetSystem: targetSystemId,
      workspace,
      createdOn: date(createdOn) ?? new Date(),
    })),
    step('entitlements', data.entitlements.length),
  );

  counts.roles = await insertBatched(
    em,
    Role,
    data.roles.map(({ entitlementIds: _e, memberLogins: _m, createdOn, ...r }) => ({
      ...r,
      workspace,
      createdOn: date(createdOn) ?? new Date(),
    })),
    step('roles', data.roles.length),
  );

  const grants = data.roles.flatMap((r) => r.entitlementIds.map((entitlement) => ({ role: r.id, entitlement })));
  counts.roleEntitlements = await insertBatched(em, RoleEntitlement, grants, step('roleEntitlements', grants.length));

  const createdAt = new Date();
  const members = data.roles.flatMap((r) =>
    (r.memberLogins ?? []).map((login) => {
      const user = userIdByLogin.get(login);
      if (!user) throw new Error(`role ${r.name}: unknown member ${login}`);
      return { id: newId(), role: r.id, user, source: 'REQUEST' as const, createdAt };
    }),
  );
  counts.roleMembers = await insertBatched(em, RoleMember, members, step('roleMembers', members.length));

  counts.accounts = await insertBatched(
    em,
    UserAccount,
    data.accounts.map(({ userLogin, targetSystemId, entitlements: _e, provisionedDate, ...a }) => {
      const user = userIdByLogin.get(userLogin);
      if (!user) throw new Error(`account ${a.id}: unknown user ${userLogin}`);
      return { ...a, user, targetSystem: targetSystemId, workspace, provisionedDate: date(provisionedDate) };
    }),
    step('accounts', data.accounts.length),
  );

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
  counts.assignments = await insertBatched(em, EntitlementAssignment, assignments, step('assignments', assignments.length));

  const groups = (data.approvalGroups ?? []).map((g) => ({ ...g, id: g.id ?? newId() }));
  await insertBatched(
    em,
    ApprovalGroup,
    groups.map(({ memberLogins: _m, ...g }) => ({ ...g, workspace, escalationAssignee: g.escalationAssignee ?? null, createdOn: new Date() })),
  );
  const groupMembers = groups.flatMap((g) =>
    g.memberLogins.map((login) => {
      const user = userIdByLogin.get(login);
      if (!user) throw new Error(`approval group ${g.name}: unknown member ${login}`);
      return { id: newId(), group: g.id, user };
    }),
  );
  await insertBatched(em, ApprovalGroupMember, groupMembers, step('approvalGroupMembers', groupMembers.length));

  const services = data.serviceRequests ?? [];
  for (const s of services) {
    if (!groups.some((g) => g.name === s.performer) && !userIdByLogin.has(s.performer))
      throw new Error(`service request ${s.name}: performer ${s.performer} is neither a group nor a user`);
  }
  counts.serviceRequests = await insertBatched(
    em,
    ServiceRequest,
    services.map(({ createdOn, ...s }) => ({ approver1: null, riskLevel: null, searchTags: null, ...s, workspace, createdOn: date(createdOn) ?? new Date() })),
    step('serviceRequests', services.length),
  );

  progress?.('rules', 0, 1);
  await recomputeAllRuleMembers(em, workspaceId);
  progress?.('rules', 1, 1);
  return counts;
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
  for (const s of data.serviceRequests ?? []) assertWorkflowConfig(s, `serviceRequests[${s.name}].approvalWorkflow`);
  for (const e of data.entitlements) {
    const t = systems.get(e.targetSystemId);
    assertWorkflowConfig({ ...t, approvalWorkflow: e.approvalWorkflow ?? t?.approvalWorkflow }, `entitlements[${e.name}].approvalWorkflow`);
  }
}
