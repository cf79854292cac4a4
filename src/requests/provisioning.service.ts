import type { EntityManager } from '@mikro-orm/core';
import type { Viewer } from '../auth/viewer.js';
import { audit } from '../audit/audit.service.js';
import { conflict } from '../errors.js';
import { User } from '../governance/user.entity.js';
import { Role, RoleEntitlement, RoleMember, type MembershipSource } from '../governance/role.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { Entitlement } from '../governance/entitlement.entity.js';
import { EntitlementAssignment, UserAccount } from '../governance/user-account.entity.js';
import { compileRule } from '../governance/rules.js';
import { AccessRequest } from './access-request.entity.js';
import { RequestEntityType, RequestType } from './workflow.js';

/** Account and assignment statuses that no longer grant access. */
const ENDED = ['Revoked', 'Deprovisioned'];
const isActive = (status: string) => !ENDED.includes(status);

/** How access came to be: a request for it, a requested role, or a role held by its birthright rule. */
export type Mechanism = 'Request' | 'Role' | 'Rule';
/** Mechanisms of access that comes with a role, revoked when the role goes. */
const ROLE_MECHANISMS = ['Role', 'Rule'];

/**
 * What one request changes on one application. A Connected application applies it at once;
 * a Disconnected one carries it in a fulfilment task until its performer completes it.
 */
export interface ProvisioningPart {
  targetSystemId: string;
  targetSystemName: string;
  connected: boolean;
  /** Who fulfils it when Disconnected: a group name or a login. */
  performer: string | null;
  operation: RequestType;
  /** The account itself is the subject (application requests), not only entitlements on it. */
  account: boolean;
  entitlementIds: string[];
  mechanism: Mechanism;
  accountLogin: string;
  form: Record<string, unknown> | null;
  /** End of a time-bound grant (ISO 8601), shown as `expiresAt` on what it provisions. */
  expiresAt?: string | null;
}

/** Whether, and how, a person holds a role, an entitlement or an application. */
export interface Holding {
  held: boolean;
  /** Roles: held through a granted request (only such a membership can be revoked by request). */
  assigned?: boolean;
  /** Entitlements: the held roles that grant it. */
  viaRoles?: string[];
  /** Entitlements: held through an assignment of its own (mechanism other than Role). */
  direct?: boolean;
}

/** One attribute of an application's account form (seed: TargetSystem.form). */
interface FormAttribute {
  name: string;
  matchingAttribute?: string | null;
  isRequired?: boolean;
}

/** The seed writes forms as a list, an object keyed "0", "1", …, or a single attribute. */
export function formAttributes(form: unknown): FormAttribute[] {
  if (!form || typeof form !== 'object') return [];
  const list = Array.isArray(form) ? form : 'name' in form ? [form] : Object.values(form);
  return list.filter((a): a is FormAttribute => !!a && typeof a === 'object' && typeof (a as FormAttribute).name === 'string');
}

/**
 * The account form for a new account: each attribute from the values given, else from the
 * person's own attribute the form maps it to (`matchingAttribute`). Returns the names of
 * required attributes that have no value.
 */
export function buildAccountForm(form: unknown, user: User, given: Record<string, unknown> | null | undefined): { values: Record<string, unknown>; missing: string[] } {
  const values: Record<string, unknown> = { ...(given ?? {}) };
  const missing: string[] = [];
  for (const attribute of formAttributes(form)) {
    let value = values[attribute.name];
    if ((value === undefined || value === null || value === '') && attribute.matchingAttribute) {
      value = (user as unknown as Record<string, unknown>)[attribute.matchingAttribute];
    }
    values[attribute.name] = value ?? null;
    if (attribute.isRequired && (value === undefined || value === null || value === '')) missing.push(attribute.name);
  }
  return { values, missing };
}

/** Grants and revokes access in the catalog, and creates onboarded applications and roles. */
export class Provisioning {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly requestId: string,
  ) {}

  private audit(action: string, entityType: string, entityId: string, after: unknown, actorLogin: string | undefined, before?: unknown) {
    audit(this.em, this.viewer, { action, entityType, entityId, before, after, actorLogin }, this.requestId);
  }

  /** Whether `user` holds the item now. */
  async holding(user: User, entityType: RequestEntityType, entityId: string, targetSystemId?: string): Promise<Holding> {
    // A service grants nothing to hold: it may be requested again once the last request ended.
    if (entityType === RequestEntityType.SERVICE_REQUEST) return { held: false };
    if (entityType === RequestEntityType.ROLE) {
      const rows = await this.em.find(RoleMember, { user, role: entityId });
      return { held: rows.length > 0, assigned: rows.some((r) => r.source === 'REQUEST') };
    }
    if (entityType === RequestEntityType.TARGET_SYSTEM) {
      const accounts = await this.em.find(UserAccount, { user, targetSystem: entityId });
      return { held: accounts.some((a) => isActive(a.status)) };
    }
    const assignments = await this.em.find(EntitlementAssignment, { entitlement: entityId, account: { user, targetSystem: targetSystemId } });
    const active = assignments.filter((a) => isActive(a.status));
    if (active.length === 0) return { held: false };
    const viaRoles = await this.rolesGranting(user, [entityId]);
    return { held: true, direct: active.some((a) => !ROLE_MECHANISMS.includes(a.provisionMechanism ?? '')), viaRoles: [...new Set(viaRoles.map((r) => r.role))] };
  }

  /** Display names of the roles `user` holds that grant any of `entitlementIds`. */
  private async rolesGranting(user: User, entitlementIds: string[]): Promise<Array<{ role: string; entitlementId: string }>> {
    const memberships = await this.em.find(RoleMember, { user }, { populate: ['role'] });
    if (memberships.length === 0) return [];
    const links = await this.em.find(RoleEntitlement, { role: { $in: memberships.map((m) => m.role.id) }, entitlement: { $in: entitlementIds } }, { populate: ['role'] });
    return links.map((l) => ({ role: l.role.displayName, entitlementId: l.entitlement.id }));
  }

  /** Role requests: the membership itself changes when approvals end (it lives in the catalog). */
  async applyRoleMembership(request: AccessRequest, user: User, actor: string): Promise<void> {
    if (request.entityType !== RequestEntityType.ROLE || request.type === RequestType.MODIFY) return;
    const role = this.em.getReference(Role, request.entityId!);
    if (request.type === RequestType.CREATE) {
      const endDate = (request.payload as { endDate?: string | null }).endDate;
      this.em.create(RoleMember, { role, user, source: 'REQUEST', expiresAt: endDate ? new Date(endDate) : null });
      await this.em.flush();
      this.audit('role.member.add', 'Role', role.id, { user: user.login, source: 'REQUEST', request: request.requestId }, actor);
    } else {
      // The request's own provisioning revokes the entitlements (with fulfilment tasks).
      await this.removeMembership(user, role.id, 'REQUEST', actor, { request: request.requestId }, false);
    }
  }

  /**
   * Ends one source's membership of `user` in a role; the role's other sources are untouched.
   * When none is left the person no longer holds the role: that is audited on the person
   * (`user.role.remove`) and, with `revoke`, the role's entitlements are revoked as a revoke
   * request revokes them (the same parts; those another held role grants are kept). A
   * Disconnected application's share has no request to carry a fulfilment task: the audit
   * event names it (`manualDeprovisioning`). Returns whether the person lost the role.
   */
  async removeMembership(user: User, roleId: string, source: MembershipSource, actor: string | undefined, context: Record<string, unknown>, revoke = true): Promise<boolean> {
    const removed = await this.em.nativeDelete(RoleMember, { role: roleId, user, source });
    if (removed === 0) return false;
    this.audit('role.member.remove', 'Role', roleId, { user: user.login, source, ...context }, actor);
    if ((await this.em.count(RoleMember, { role: roleId, user })) > 0) return false;
    const role = await this.em.findOneOrFail(Role, roleId);
    const parts = revoke
      ? await this.roleParts(role.id, user, RequestType.REVOKE, (ts, performer, rest) => this.part(ts, performer, RequestType.REVOKE, user.login, null, rest))
      : [];
    for (const part of parts) if (part.connected) await this.apply(part, user, actor);
    this.audit(
      'user.role.remove',
      'User',
      user.id,
      {
        role: role.id,
        roleName: role.displayName,
        source,
        ...context,
        ...(revoke ? { revokedEntitlements: parts.filter((p) => p.connected).flatMap((p) => p.entitlementIds) } : {}),
        ...(parts.some((p) => !p.connected)
          ? { manualDeprovisioning: parts.filter((p) => !p.connected).map((p) => ({ targetSystem: p.targetSystemName, entitlementIds: p.entitlementIds })) }
          : {}),
      },
      actor,
      { role: role.id, roleName: role.displayName },
    );
    return true;
  }

  /**
   * Re-evaluates birthright rules in the database and makes the RULE memberships follow: for
   * `roles` (else every role with a rule or with RULE members among `userIds`), over `userIds`
   * (else everyone of the workspace). A person who now matches gains the membership and the
   * role's entitlements and accounts (mechanism `Rule`, applied as an approved role request
   * applies them); one who no longer matches loses the RULE membership and, when it was the
   * last source, the role's entitlements ({@link removeMembership}). A terminated person matches
   * no rule. Every change is audited with `context`.
   */
  async syncRuleMemberships(
    workspaceId: string,
    scope: { roles?: Role[]; userIds?: string[] },
    actor: string | undefined,
    context: Record<string, unknown>,
  ): Promise<{ added: number; removed: number }> {
    const forUsers = scope.userIds ? { id: { $in: scope.userIds } } : {};
    const roles =
      scope.roles ??
      (await this.em.find(Role, {
        workspace: workspaceId,
        $or: [{ rule: { $ne: null } }, ...(scope.userIds ? [{ id: { $in: await this.ruleRolesOf(scope.userIds) } }] : [])],
      }));
    const users = new Map<string, User>();
    const person = async (id: string) => users.get(id) ?? users.set(id, await this.em.findOneOrFail(User, id)).get(id)!;
    let added = 0;
    let removed = 0;
    for (const role of roles) {
      const filter = role.retired ? null : compileRule(role.rule);
      const matching = filter
        ? await this.em.find(User, { $and: [{ workspace: workspaceId, terminatedAt: null, ...forUsers }, filter] }, { fields: ['id'], disableIdentityMap: true })
        : [];
      const rows = await this.em.find(
        RoleMember,
        { role: role.id, source: 'RULE', ...(scope.userIds ? { user: { $in: scope.userIds } } : {}) },
        { fields: ['user'], disableIdentityMap: true },
      );
      const want = new Set(matching.map((u) => u.id));
      const have = new Set(rows.map((r) => r.user.id));
      for (const id of have) {
        if (want.has(id)) continue;
        await this.removeMembership(await person(id), role.id, 'RULE', actor, context);
        removed++;
      }
      for (const id of want) {
        if (have.has(id)) continue;
        await this.grantByRule(await person(id), role, actor, context);
        added++;
      }
    }
    return { added, removed };
  }

  private async ruleRolesOf(userIds: string[]): Promise<string[]> {
    const rows = await this.em.find(RoleMember, { user: { $in: userIds }, source: 'RULE' }, { fields: ['role'], disableIdentityMap: true });
    return [...new Set(rows.map((r) => r.role.id))];
  }

  /**
   * A RULE membership and what it brings: the role's entitlements on each Connected
   * application (an account opened from the application's form when the person has none).
   * A Disconnected application's share has no request to carry a fulfilment task: the audit
   * event names it (`manualProvisioning`).
   */
  private async grantByRule(user: User, role: Role, actor: string | undefined, context: Record<string, unknown>): Promise<void> {
    await this.addMembership(user, role, 'RULE', actor, context);
    await this.em.flush();
    const parts = await this.roleParts(
      role.id,
      user,
      RequestType.CREATE,
      (ts, performer, rest) => this.part(ts, performer, RequestType.CREATE, user.login, buildAccountForm(ts.form, user, null).values, rest),
      'Rule',
    );
    for (const part of parts) if (part.connected) await this.apply(part, user, actor);
    const manual = parts.filter((p) => !p.connected);
    if (manual.length) {
      this.audit(
        'user.role.manualProvisioning',
        'User',
        user.id,
        {
          role: role.id,
          roleName: role.displayName,
          source: 'RULE',
          ...context,
          manualProvisioning: manual.map((p) => ({ targetSystem: p.targetSystemName, entitlementIds: p.entitlementIds })),
        },
        actor,
      );
    }
  }

  /** Audits on the person that a source now grants them a role they did not hold. */
  async addMembership(user: User, role: Role, source: MembershipSource, actor: string | undefined, context: Record<string, unknown>): Promise<void> {
    const held = await this.em.count(RoleMember, { role: role.id, user });
    this.em.create(RoleMember, { role, user, source });
    this.audit('role.member.add', 'Role', role.id, { user: user.login, source, ...context }, actor);
    if (held === 0) this.audit('user.role.add', 'User', user.id, { role: role.id, roleName: role.displayName, source, ...context }, actor);
  }

  private part(
    ts: TargetSystem,
    performer: string | null | undefined,
    operation: RequestType,
    accountLogin: string,
    form: Record<string, unknown> | null,
    rest: Pick<ProvisioningPart, 'account' | 'entitlementIds' | 'mechanism'>,
  ): ProvisioningPart {
    return {
      targetSystemId: ts.id,
      targetSystemName: ts.displayName,
      connected: ts.integrationLevel === 'Connected',
      performer: performer ?? ts.performer ?? null,
      operation,
      accountLogin,
      form,
      ...rest,
    };
  }

  /**
   * The parts of an access request, one per application touched. For a role revoke this runs
   * after the membership is gone, so entitlements another held role still grants are kept.
   */
  async partsOf(request: AccessRequest, user: User): Promise<ProvisioningPart[]> {
    const payload = request.payload as { accountName?: string | null; form?: Record<string, unknown> | null };
    const accountLogin = payload.accountName || user.login;
    const expiresAt = request.type === RequestType.CREATE ? ((request.payload as { endDate?: string | null }).endDate ?? null) : null;
    const part: PartOf = (ts, performer, rest) => ({ ...this.part(ts, performer, request.type, accountLogin, payload.form ?? null, rest), expiresAt });

    if (request.entityType === RequestEntityType.TARGET_SYSTEM) {
      const ts = await this.em.findOneOrFail(TargetSystem, request.entityId!);
      return [part(ts, null, { account: true, entitlementIds: [], mechanism: 'Request' })];
    }
    if (request.entityType === RequestEntityType.ENTITLEMENT) {
      const e = await this.em.findOneOrFail(Entitlement, request.entityId!, { populate: ['targetSystem'] });
      return [part(e.targetSystem, e.performer, { account: false, entitlementIds: [e.id], mechanism: 'Request' })];
    }
    return this.roleParts(request.entityId!, user, request.type, part);
  }

  /** A role's entitlements by application; a revoke keeps those another held role grants. */
  private async roleParts(roleId: string, user: User, type: RequestType, part: PartOf, mechanism: Mechanism = 'Role'): Promise<ProvisioningPart[]> {
    const links = await this.em.find(RoleEntitlement, { role: roleId }, { populate: ['entitlement.targetSystem'] });
    let ids = links.map((l) => l.entitlement.id);
    if (type === RequestType.REVOKE) {
      const kept = new Set((await this.rolesGranting(user, ids)).map((r) => r.entitlementId));
      ids = ids.filter((id) => !kept.has(id));
    }
    const bySystem = new Map<string, ProvisioningPart>();
    for (const { entitlement } of links) {
      if (type !== RequestType.MODIFY && !ids.includes(entitlement.id)) continue;
      const ts = entitlement.targetSystem;
      const existing = bySystem.get(ts.id) ?? part(ts, entitlement.performer, { account: false, entitlementIds: [], mechanism });
      if (type !== RequestType.MODIFY) existing.entitlementIds.push(entitlement.id);
      bySystem.set(ts.id, existing);
    }
    return [...bySystem.values()];
  }

  /** Applies one part to the person's account on the part's application; audits each change. */
  async apply(part: ProvisioningPart, user: User, actor: string | undefined): Promise<void> {
    const accounts = await this.em.find(UserAccount, { user, targetSystem: part.targetSystemId }, { orderBy: { id: 'asc' } });
    let account = accounts.find((a) => isActive(a.status)) ?? accounts[0];
    const now = new Date();

    if (part.operation === RequestType.REVOKE) {
      if (!account) return;
      const where = {
        account,
        status: { $nin: ENDED },
        ...(part.account ? {} : { entitlement: { $in: part.entitlementIds } }),
        ...(part.mechanism !== 'Request' ? { provisionMechanism: { $in: ROLE_MECHANISMS } } : {}),
      };
      const assignments = await this.em.find(EntitlementAssignment, where);
      for (const a of assignments) {
        a.status = 'Revoked';
        this.audit('entitlementAssignment.revoke', 'EntitlementAssignment', a.id, { account: account.id, entitlement: a.entitlement.id, status: 'Revoked' }, actor);
      }
      // An account a birthright rule opened goes with the last entitlement the rule gave.
      const ruleAccountDone =
        !part.account &&
        account.provisionMechanism === 'Rule' &&
        isActive(account.status) &&
        (await this.em.count(EntitlementAssignment, { account, status: { $nin: ENDED }, ...(assignments.length ? { id: { $nin: assignments.map((a) => a.id) } } : {}) })) === 0;
      if ((part.account || ruleAccountDone) && isActive(account.status)) {
        const before = { status: account.status };
        account.status = 'Revoked';
        this.audit('account.revoke', 'UserAccount', account.id, { status: 'Revoked' }, actor, before);
      }
      await this.em.flush();
      return;
    }

    if (part.operation === RequestType.MODIFY) {
      if (!account) return;
      const before = { form: account.form ?? null };
      account.form = { ...((account.form as object | null) ?? {}), ...(part.form ?? {}) };
      this.audit('account.modify', 'UserAccount', account.id, { form: account.form }, actor, before);
      await this.em.flush();
      return;
    }

    if (!account) {
      account = this.em.create(UserAccount, {
        workspace: user.workspace,
        user,
        targetSystem: this.em.getReference(TargetSystem, part.targetSystemId),
        login: part.accountLogin,
        status: 'Provisioned',
        provisionMechanism: part.mechanism,
        provisionedDate: now,
        form: part.form,
      });
      this.audit(
        'account.provision',
        'UserAccount',
        account.id,
        { user: user.login, targetSystem: part.targetSystemName, login: account.login, provisionMechanism: part.mechanism },
        actor,
      );
    } else if (!isActive(account.status)) {
      const before = { status: account.status };
      Object.assign(account, {
        status: 'Provisioned',
        provisionMechanism: part.mechanism,
        provisionedDate: now,
        form: { ...((account.form as object | null) ?? {}), ...(part.form ?? {}) },
      });
      this.audit('account.provision', 'UserAccount', account.id, { status: 'Provisioned', provisionMechanism: part.mechanism }, actor, before);
    }
    const expiresAt = part.expiresAt ? new Date(part.expiresAt) : null;
    if (part.account) account.expiresAt = expiresAt;
    const existing = part.entitlementIds.length ? await this.em.find(EntitlementAssignment, { account, entitlement: { $in: part.entitlementIds } }) : [];
    for (const entitlementId of part.entitlementIds) {
      let assignment = existing.find((a) => a.entitlement.id === entitlementId);
      if (assignment && isActive(assignment.status)) continue;
      if (assignment) {
        Object.assign(assignment, { status: 'Provisioned', provisionMechanism: part.mechanism, provisionedDate: now, expiresAt });
      } else {
        assignment = this.em.create(EntitlementAssignment, {
          workspace: user.workspace,
          account,
          entitlement: this.em.getReference(Entitlement, entitlementId),
          status: 'Provisioned',
          provisionMechanism: part.mechanism,
          provisionedDate: now,
          expiresAt,
        });
      }
      this.audit(
        'entitlementAssignment.provision',
        'EntitlementAssignment',
        assignment.id,
        {
          account: account.id,
          entitlement: entitlementId,
          status: 'Provisioned',
          provisionMechanism: part.mechanism,
          ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
        },
        actor,
      );
    }
    await this.em.flush();
  }

  /**
   * Creates the application (with its entitlements) or role an approved onboarding request
   * describes. The name is checked again: another request may have taken it meanwhile.
   */
  async onboard(request: AccessRequest, actor: string): Promise<string> {
    const workspace = request.workspace;
    if (request.entityType === RequestEntityType.APPLICATION) {
      const { entitlements = [], businessOwner, ITOwner, ...fields } = request.payload.targetSystem as OnboardedTargetSystem;
      if (await this.em.count(TargetSystem, { workspace, name: fields.name })) throw conflict(`An application named "${fields.name}" exists already`, 'id');
      const ts = this.em.create(TargetSystem, { ...fields, businessOwnerLogin: businessOwner ?? null, itOwnerLogin: ITOwner ?? null, workspace });
      this.audit('targetSystem.create', 'TargetSystem', ts.id, { name: ts.name, request: request.requestId }, actor);
      for (const { businessOwner: bo, ITOwner: it, ...e } of entitlements) {
        const entitlement = this.em.create(Entitlement, {
          ...e,
          approvalWorkflow: e.approvalWorkflow ?? ts.approvalWorkflow,
          approvalWorkflowDisplayName: e.approvalWorkflowDisplayName ?? e.approvalWorkflow ?? ts.approvalWorkflowDisplayName,
          businessOwnerLogin: bo ?? null,
          itOwnerLogin: it ?? null,
          targetSystem: ts,
          workspace,
        });
        this.audit('entitlement.create', 'Entitlement', entitlement.id, { name: entitlement.name, targetSystem: ts.id, request: request.requestId }, actor);
      }
      await this.em.flush();
      return ts.id;
    }
    const { entitlementIds = [], ...fields } = request.payload.role as OnboardedRole;
    if (await this.em.count(Role, { workspace, name: fields.name })) throw conflict(`A role named "${fields.name}" exists already`, 'id');
    const role = this.em.create(Role, { ...fields, workspace });
    for (const id of entitlementIds) this.em.create(RoleEntitlement, { role, entitlement: this.em.getReference(Entitlement, id) });
    await this.em.flush();
    await this.syncRuleMemberships(workspace.id, { roles: [role] }, actor, { request: request.requestId });
    this.audit('role.create', 'Role', role.id, { name: role.name, entitlementIds, request: request.requestId }, actor);
    return role.id;
  }
}

type PartOf = (ts: TargetSystem, performer: string | null | undefined, rest: Pick<ProvisioningPart, 'account' | 'entitlementIds' | 'mechanism'>) => ProvisioningPart;

/** The application of an onboarding payload, as validated at submit. */
export interface OnboardedTargetSystem extends Partial<Omit<TargetSystem, 'entitlements'>> {
  name: string;
  displayName: string;
  businessOwner?: string | null;
  ITOwner?: string | null;
  entitlements?: Array<Partial<Entitlement> & { name: string; displayName: string; businessOwner?: string | null; ITOwner?: string | null }>;
}

export interface OnboardedRole extends Partial<Role> {
  name: string;
  displayName: string;
  entitlementIds?: string[];
}
