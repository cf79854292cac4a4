import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import { after, periodOf } from '../common/repeat.js';
import type { JobContext } from '../jobs/job-runner.js';
import type { CertificationLoaders } from './certifications.loaders.js';
import type { RequestService } from '../requests/request.service.js';
import { authorize } from '../auth/viewer.js';
import { actingPerson, decideActor } from '../auth/actor.js';
import { audit } from '../audit/audit.service.js';
import { badInput, conflict, DomainError, forbidden, notFound } from '../errors.js';
import { isId } from '../common/ids.js';
import { pageRequest } from '../common/pagination.js';
import { paginate } from '../common/keyset.js';
import { User } from '../governance/user.entity.js';
import { Role, RoleMember } from '../governance/role.entity.js';
import { Entitlement } from '../governance/entitlement.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { EntitlementAssignment, UserAccount } from '../governance/user-account.entity.js';
import { compileRule } from '../governance/rules.js';
import { RequestEntityType } from '../requests/workflow.js';
import { Certification, type SelectedResource } from './certification.entity.js';
import { CertificationCampaign } from './certification-campaign.entity.js';
import { CertificationTask } from './certification-task.entity.js';
import { ReviewItem } from './review-item.entity.js';
import {
  AccessKind,
  AlternateCertifier,
  CampaignStatus,
  CertificationStatus,
  CertificationTaskStatus,
  CertifierType,
  ResourceCollection,
  ReviewDecision,
  UserCertificationBy,
} from './certification.enums.js';
import { dueDateOf, impactOf, narrowScope, resolveCertifier, type AccessRow, type Impact } from './scope.js';
import { resourceVocabulary } from './certification.service.js';

/** Account and assignment statuses that no longer grant access (as the provisioning engine writes them). */
const ENDED = ['Revoked', 'Deprovisioned'];
/** Access a role grants is reviewed through the role, not item by item. */
const NOT_BY_ROLE = { $or: [{ provisionMechanism: null }, { provisionMechanism: { $ne: 'Role' } }] };
const CHUNK = 500;

const REVOKE_ENTITY: Record<AccessKind, RequestEntityType> = {
  [AccessKind.ROLE]: RequestEntityType.ROLE,
  [AccessKind.ENTITLEMENT]: RequestEntityType.ENTITLEMENT,
  [AccessKind.ACCOUNT]: RequestEntityType.TARGET_SYSTEM,
};

interface PlannedItem {
  row: AccessRow;
  certifier: string;
}

export interface ReviewItemFilter {
  decision?: ReviewDecision | null;
  undecided?: boolean | null;
  certifierLogin?: string | null;
  userLogin?: string | null;
}

type ScopeUser = Pick<User, 'id' | 'login' | 'managerLogin'>;

const chunks = <T>(list: readonly T[]) => Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK));

/** Runs of certifications: impact, campaigns, review decisions, reassignment and escalation. */
export class CampaignService {
  constructor(
    private readonly scope: RequestScope,
    private readonly loaders: CertificationLoaders,
    /** A revoke decision becomes a revoke request through the request engine. */
    private readonly requests: RequestService,
  ) {}

  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  private async definition(em: EntityManager, id: string): Promise<Certification> {
    const certification = isId(id) ? await em.findOne(Certification, { id, workspace: this.ws }) : null;
    if (!certification) throw notFound('Certification', id, 'id');
    return certification;
  }

  /** The impact of running the certification now, without writing anything (seed: impactObject). */
  async previewCertification(id: string): Promise<Impact> {
    authorize(this.scope.viewer, 'certifications:manage');
    const certification = await this.definition(this.scope.em, id);
    return impactOf(await this.plan(this.scope.em, certification));
  }

  /**
   * Runs an Active certification (seed: Certification Run): reads the access in scope, resolves
   * each item's certifier (CONFLICT when neither the certifier nor the alternate resolves), and
   * writes a campaign with one task per certifier and one review item per (user, access), due
   * after the certification duration, plus a `certification.run` audit event.
   */
  async runCertification(id: string): Promise<CertificationCampaign> {
    authorize(this.scope.viewer, 'certifications:manage');
    return this.scope.transaction(async (em) => {
      const certification = await this.definition(em, id);
      if (certification.status !== CertificationStatus.ACTIVE) {
        throw conflict(`Certification "${certification.name}" is ${certification.status}; only Active certifications run (activate it first)`, 'id');
      }
      const items = await this.plan(em, certification);
      if (items.length === 0) throw conflict(`Certification "${certification.name}" finds no access to review`, 'id');
      const impact = impactOf(items);
      const now = this.scope.clock.now();
      const dueDate = dueDateOf(now, certification.certificationDuration, certification.certificationDurationType);
      const campaign = em.create(CertificationCampaign, {
        workspace: this.ws,
        certification,
        name: certification.name,
        startedBy: this.scope.viewer.apiKeyName,
        startedAt: now,
        dueDate,
        userCount: impact.userCount,
        resourceCount: impact.resourceCount,
        certifierCount: impact.certifierCount,
        taskCount: impact.taskCount,
        itemCount: impact.itemCount,
        userIds: impact.userIds,
        resourceRefs: impact.resources,
      });
      const tasks = new Map<string, CertificationTask>();
      for (const { certifier } of items) {
        const task = tasks.get(certifier) ?? em.create(CertificationTask, { workspace: this.ws, campaign, certifierLogin: certifier, dueDate, itemCount: 0, createdAt: now });
        task.itemCount += 1;
        tasks.set(certifier, task);
      }
      if (certification.automaticEscalation) {
        for (const task of tasks.values()) await this.scope.jobs?.enqueue(escalationJob(task), em);
      }
      // A repeating certification runs again each period by itself (held by one job per certification).
      const period = periodOf(certification.repeat);
      if (period) {
        await this.scope.jobs?.enqueue(
          {
            type: CERTIFICATION_REPEAT,
            workspaceId: this.ws,
            payload: { certificationId: certification.id },
            runAt: after(now, period),
            singletonKey: `${CERTIFICATION_REPEAT}:${certification.id}`,
          },
          em,
        );
      }
      for (const { row, certifier } of items) {
        em.create(ReviewItem, {
          workspace: this.ws,
          campaign,
          task: tasks.get(certifier)!,
          userLogin: row.userLogin,
          accessKind: row.kind,
          resourceCollection: row.collection,
          resourceId: row.resourceId,
          resourceName: row.resourceName,
          targetSystemId: row.targetSystemId,
          riskLevel: row.riskLevel,
          certifierLogin: certifier,
        });
      }
      audit(
        em,
        this.scope.viewer,
        {
          action: 'certification.run',
          entityType: 'CertificationCampaign',
          entityId: campaign.id,
          after: { certification: certification.id, ...impact, userIds: undefined, resources: undefined, dueDate: dueDate.toISOString() },
        },
        this.scope.requestId,
      );
      return campaign;
    });
  }

  /** The review items the certification would create now, each with its certifier. */
  private async plan(em: EntityManager, c: Certification): Promise<PlannedItem[]> {
    const users = await this.usersInScope(em, c);
    const rows = narrowScope(await this.accessOf(em, users), {
      type: c.type,
      onlySelected: c.onlySelected,
      highRiskUsers: c.highRiskUsers,
      highRiskResources: c.highRiskResources,
      selected: await this.selectedResources(em, c),
    });
    const certifierRoleMembers = c.certifierType === CertifierType.ROLE ? await this.activeMembers(em, c.certifierRole!) : [];
    const alternateRoleMembers = c.alternateCertifier === AlternateCertifier.ROLE ? await this.activeMembers(em, c.alternateCertifierRole!) : [];
    const candidates = new Set<string>([...certifierRoleMembers, ...alternateRoleMembers]);
    for (const login of [c.certifier, c.alternateCertifierUser]) if (login) candidates.add(login);
    for (const row of rows) for (const login of [row.managerLogin, row.ownerLogin]) if (login) candidates.add(login);
    const activeLogins = new Set<string>();
    for (const part of chunks([...candidates])) {
      for (const u of await em.find(User, { workspace: this.ws, login: { $in: part }, status: 'Active' }, { fields: ['login'], disableIdentityMap: true }))
        activeLogins.add(u.login);
    }
    const facts = { certifierRoleMembers, alternateRoleMembers, activeLogins };
    const planned: PlannedItem[] = [];
    for (const row of rows) {
      const certifier = resolveCertifier(row, c, facts);
      if (!certifier) {
        throw conflict(
          `Nobody can certify ${row.resourceName} of ${row.userLogin}: neither the ${c.certifierType} certifier nor the alternate certifier (${c.alternateCertifier}) resolves to an active user who may decide it`,
          'id',
        );
      }
      planned.push({ row, certifier });
    }
    return planned;
  }

  private async usersInScope(em: EntityManager, c: Certification): Promise<ScopeUser[]> {
    const fields = ['id', 'login', 'managerLogin'] as const;
    if (c.userCertificationBy === UserCertificationBy.NAME) {
      return em.find(User, { workspace: this.ws, login: { $in: c.users ?? [] } }, { fields: [...fields], orderBy: { login: 'asc' } });
    }
    const filter = compileRule(c.userQuery, 'userQuery');
    if (!filter) return [];
    return em.find(User, { $and: [{ workspace: this.ws }, filter] } as FilterQuery<User>, { fields: [...fields], orderBy: { login: 'asc' } });
  }

  /** Active members of a role (assigned or by rule), in login order. */
  private async activeMembers(em: EntityManager, roleId: string): Promise<string[]> {
    const rows = await em.find(RoleMember, { role: roleId, user: { status: 'Active' } }, { populate: ['user'] });
    return [...new Set(rows.map((m) => m.user.login))].sort();
  }

  /** The selection, or the resources the resourceQuery matches; null when neither is given. */
  private async selectedResources(em: EntityManager, c: Certification): Promise<SelectedResource[] | null> {
    if (c.resources?.length) return c.resources;
    const filter = compileRule(c.resourceQuery, 'resourceQuery', resourceVocabulary);
    if (!filter) return null;
    const where = { $and: [{ workspace: this.ws }, filter] } as never;
    const of = async (entity: typeof Role | typeof Entitlement | typeof TargetSystem, collection: ResourceCollection) =>
      (await em.find(entity, where, { fields: ['id'] })).map((r) => ({ id: r.id, collection }));
    return [
      ...(await of(Role, ResourceCollection.ROLE)),
      ...(await of(Entitlement, ResourceCollection.ENTITLEMENT)),
      ...(await of(TargetSystem, ResourceCollection.TARGET_SYSTEM)),
    ];
  }

  /**
   * Access the users hold that a review can revoke: roles granted by request (a birthright role
   * follows its rule, a directory role its SCIM group), entitlements and accounts not provisioned through a role.
   */
  private async accessOf(em: EntityManager, users: ScopeUser[]): Promise<AccessRow[]> {
    const rows: AccessRow[] = [];
    for (const part of chunks(users)) {
      const byId = new Map(part.map((u) => [u.id, u]));
      const base = (userId: string) => ({ userId, userLogin: byId.get(userId)!.login, managerLogin: byId.get(userId)!.managerLogin ?? null });
      const ids = [...byId.keys()];
      for (const m of await em.find(RoleMember, { user: { $in: ids }, source: 'REQUEST' }, { populate: ['role'], orderBy: { id: 'asc' } })) {
        const r = m.role;
        rows.push({
          ...base(m.user.id),
          kind: AccessKind.ROLE,
          collection: ResourceCollection.ROLE,
          resourceId: r.id,
          resourceName: r.displayName,
          targetSystemId: null,
          riskLevel: r.riskLevel ?? null,
          ownerLogin: r.roleOwnerLogin ?? null,
        });
      }
      const assignments = await em.find(
        EntitlementAssignment,
        { account: { user: { $in: ids }, status: { $nin: ENDED } }, status: { $nin: ENDED }, ...NOT_BY_ROLE },
        { populate: ['account', 'entitlement.targetSystem'], orderBy: { id: 'asc' } },
      );
      for (const a of assignments) {
        const e = a.entitlement;
        const ts = e.targetSystem;
        rows.push({
          ...base(a.account.user.id),
          kind: AccessKind.ENTITLEMENT,
          collection: ResourceCollection.ENTITLEMENT,
          resourceId: e.id,
          resourceName: e.displayName,
          targetSystemId: ts.id,
          riskLevel: e.riskLevel ?? null,
          ownerLogin: e.businessOwnerLogin ?? ts.businessOwnerLogin ?? null,
        });
      }
      for (const a of await em.find(UserAccount, { user: { $in: ids }, status: { $nin: ENDED }, ...NOT_BY_ROLE }, { populate: ['targetSystem'], orderBy: { id: 'asc' } })) {
        const ts = a.targetSystem;
        rows.push({
          ...base(a.user.id),
          kind: AccessKind.ACCOUNT,
          collection: ResourceCollection.TARGET_SYSTEM,
          resourceId: ts.id,
          resourceName: ts.displayName,
          targetSystemId: ts.id,
          riskLevel: ts.riskLevel ?? null,
          ownerLogin: ts.businessOwnerLogin ?? null,
        });
      }
    }
    return rows;
  }

  /**
   * Decides one review item as its certifier: the credential's person, or the one an ACT_AS key
   * names in `userLogin` (FORBIDDEN for anyone else, and for one's own access unless the
   * certification allows selfCertification). A comment is required when the certification
   * says so for the decision. REVOKE submits a revoke request through the request engine, so
   * the access goes the way any revoke goes. The item is claimed with a guarded update, so two
   * decisions at once cannot both win. Writes the decision, task and campaign progress (each
   * completes with its last item) and audit events.
   */
  async decideReviewItem(args: { itemId: string; decision: ReviewDecision; userLogin?: string | null; comment?: string | null }): Promise<ReviewItem> {
    authorize(this.scope.viewer, 'certifications:decide');
    decideActor(this.scope.viewer, args.userLogin, 'userLogin');
    return this.scope.transaction(async (em) => {
      const { item, campaign, certification, userLogin } = await this.openItem(em, args.itemId, args.userLogin);
      const comment = args.comment?.trim() || null;
      const required = args.decision === ReviewDecision.CERTIFY ? certification.commentsOnCertify : certification.commentsOnRevoke;
      if (required && !comment) throw badInput('comment', `Certification "${certification.name}" requires a comment to ${args.decision.toLowerCase()}`);

      const now = this.scope.clock.now();
      const claimed = await em.nativeUpdate(ReviewItem, { id: item.id, decision: null }, { decision: args.decision });
      if (claimed !== 1) throw conflict(`Review item ${item.id} was decided by someone else at the same time`, 'itemId');
      Object.assign(item, { decision: args.decision, comment, decidedBy: userLogin, decidedAt: now });
      if (args.decision === ReviewDecision.REVOKE) {
        const request = await this.requests.submitCertificationRevoke(em, {
          beneficiaryLogin: item.userLogin,
          entityType: REVOKE_ENTITY[item.accessKind],
          entityId: item.resourceId,
          certifierLogin: userLogin,
          justification: `Revoked in certification "${certification.name}" (campaign ${campaign.id}, review item ${item.id}) by ${userLogin}${comment ? `: ${comment}` : ''}`,
          certification: { certificationId: certification.id, certificationName: certification.name, campaignId: campaign.id, reviewItemId: item.id, comment },
          field: 'itemId',
        });
        item.revokeRequestId = request.id;
      }
      audit(
        em,
        this.scope.viewer,
        {
          action: 'reviewItem.decide',
          entityType: 'ReviewItem',
          entityId: item.id,
          after: { decision: args.decision, comment, user: item.userLogin, resource: item.resourceId, revokeRequest: item.revokeRequestId ?? null },
          actorLogin: userLogin,
        },
        this.scope.requestId,
      );

      const task = item.task;
      task.decidedCount += 1;
      if (task.decidedCount >= task.itemCount) task.status = CertificationTaskStatus.COMPLETED;
      if (args.decision === ReviewDecision.CERTIFY) campaign.certifiedCount += 1;
      else campaign.revokedCount += 1;
      if (campaign.certifiedCount + campaign.revokedCount >= campaign.itemCount) {
        Object.assign(campaign, { status: CampaignStatus.COMPLETED, completedAt: now });
        audit(
          em,
          this.scope.viewer,
          {
            action: 'certificationCampaign.complete',
            entityType: 'CertificationCampaign',
            entityId: campaign.id,
            after: { certified: campaign.certifiedCount, revoked: campaign.revokedCount },
          },
          this.scope.requestId,
        );
      }
      return item;
    });
  }

  /** An undecided item of an Active campaign whose certifier is the acting person (src/auth/actor.ts). */
  private async openItem(em: EntityManager, itemId: string, named: string | null | undefined) {
    const item = isId(itemId) ? await em.findOne(ReviewItem, { id: itemId, workspace: this.ws }, { populate: ['task', 'campaign.certification'], refresh: true }) : null;
    if (!item) throw notFound('ReviewItem', itemId, 'itemId');
    const { login: userLogin } = await actingPerson(em, this.scope.viewer, named, 'userLogin');
    const campaign = item.campaign;
    const certification = campaign.certification;
    if (campaign.status !== CampaignStatus.ACTIVE) throw conflict(`Campaign ${campaign.id} is ${campaign.status}`, 'itemId');
    if (item.decision) throw conflict(`Review item ${item.id} was decided already (${item.decision} by ${item.decidedBy})`, 'itemId');
    if (item.certifierLogin !== userLogin) throw forbidden(`${userLogin} is not the certifier of this review item (${item.certifierLogin} is)`);
    if (!certification.selfCertification && userLogin === item.userLogin)
      throw new DomainError(
        'FORBIDDEN',
        `${userLogin} may not certify their own access: certification "${certification.name}" does not allow self-certification (rule: selfCertification)`,
        undefined,
        { rule: 'SELF_CERTIFICATION' },
      );
    return { item, campaign, certification, userLogin };
  }

  /**
   * Hands an undecided item to another active user (only when the certification allows
   * reassignment, only by the item's certifier, never to the item's own user without
   * selfCertification). The item moves to that person's open task in the campaign, created
   * when missing. Writes the item, both tasks and a `reviewItem.reassign` audit event.
   */
  async reassignReviewItem(args: { itemId: string; toLogin: string; userLogin?: string | null }): Promise<ReviewItem> {
    authorize(this.scope.viewer, 'certifications:decide');
    decideActor(this.scope.viewer, args.userLogin, 'userLogin');
    return this.scope.transaction(async (em) => {
      const { item, campaign, certification, userLogin } = await this.openItem(em, args.itemId, args.userLogin);
      if (!certification.reassignment) throw forbidden(`Certification "${certification.name}" does not allow reassignment`);
      const target = await em.findOne(User, { workspace: this.ws, login: args.toLogin, status: 'Active' });
      if (!target) throw notFound('User', args.toLogin, 'toLogin');
      if (args.toLogin === item.certifierLogin) throw badInput('toLogin', `${args.toLogin} is the certifier of this item already`);
      if (!certification.selfCertification && args.toLogin === item.userLogin) throw badInput('toLogin', `${args.toLogin} may not certify their own access`);
      await moveItems(em, this.scope, campaign, item.task, [item], args.toLogin, item.task.dueDate);
      audit(
        em,
        this.scope.viewer,
        {
          action: 'reviewItem.reassign',
          entityType: 'ReviewItem',
          entityId: item.id,
          before: { certifier: userLogin },
          after: { certifier: args.toLogin },
          actorLogin: userLogin,
        },
        this.scope.requestId,
      );
      return item;
    });
  }

  /**
   * Escalates every overdue open task of a certification with automaticEscalation now (each
   * also has its job at its due date; this is the on-demand form). Returns how many moved.
   */
  async escalateOverdue(): Promise<number> {
    const overdue = await this.scope.em.find(
      CertificationTask,
      {
        workspace: this.ws,
        status: CertificationTaskStatus.OPEN,
        dueDate: { $lt: this.scope.clock.now() },
        campaign: { status: CampaignStatus.ACTIVE, certification: { automaticEscalation: true } },
      },
      { fields: ['id'], disableIdentityMap: true },
    );
    let escalated = 0;
    for (const { id } of overdue) {
      try {
        if ((await escalateTask(this.scope, id)) === true) escalated++;
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'CONFLICT')) throw error;
      }
    }
    return escalated;
  }

  /** Escalates overdue tasks now (see escalateOverdue); returns how many were escalated. */
  async escalateOverdueCertificationTasks(): Promise<number> {
    authorize(this.scope.viewer, 'certifications:manage');
    return this.escalateOverdue();
  }

  async campaign(id: string): Promise<CertificationCampaign | null> {
    authorize(this.scope.viewer, 'certifications:read');
    return isId(id) ? this.loaders.campaign.load(id) : null;
  }

  /** Campaigns newest first, by certification and status. */
  async campaigns(args: { certificationId?: string | null; status?: CampaignStatus | null; first?: number | null; after?: string | null }) {
    authorize(this.scope.viewer, 'certifications:read');
    const page = pageRequest(args, this.scope.config);
    if (args.certificationId && !isId(args.certificationId)) throw badInput('certificationId', 'certificationId is the 24-hex id of a certification');
    const where = (): FilterQuery<CertificationCampaign> => {
      const w: Record<string, unknown> = { workspace: this.ws };
      if (args.certificationId) w.certification = args.certificationId;
      if (args.status) w.status = args.status;
      return w as FilterQuery<CertificationCampaign>;
    };
    return paginate(this.scope.em, CertificationCampaign, where, page, 'id', 'desc');
  }

  /** Certification tasks newest first, by certifier and status. */
  async tasks(args: { certifierLogin?: string | null; status?: CertificationTaskStatus | null; campaignId?: string | null; first?: number | null; after?: string | null }) {
    authorize(this.scope.viewer, 'certifications:read');
    const page = pageRequest(args, this.scope.config);
    if (args.campaignId && !isId(args.campaignId)) throw badInput('campaignId', 'campaignId is the 24-hex id of a campaign');
    const where = (): FilterQuery<CertificationTask> => {
      const w: Record<string, unknown> = { workspace: this.ws };
      if (args.certifierLogin) w.certifierLogin = args.certifierLogin;
      if (args.status) w.status = args.status;
      if (args.campaignId) w.campaign = args.campaignId;
      return w as FilterQuery<CertificationTask>;
    };
    return paginate(this.scope.em, CertificationTask, where, page, 'id', 'desc');
  }

  /** Review items of a campaign in creation order, by decision, certifier and user. */
  async items(campaignId: string, filter: ReviewItemFilter | null | undefined, args: { first?: number | null; after?: string | null }) {
    authorize(this.scope.viewer, 'certifications:read');
    const page = pageRequest(args, this.scope.config);
    if (!isId(campaignId)) throw badInput('campaignId', 'campaignId is the 24-hex id of a campaign');
    const f = filter ?? {};
    if (f.decision && f.undecided) throw badInput('filter.undecided', 'Filter by decision or by undecided, not both');
    const where = (): FilterQuery<ReviewItem> => {
      const w: Record<string, unknown> = { workspace: this.ws, campaign: campaignId };
      if (f.decision) w.decision = f.decision;
      if (f.undecided) w.decision = null;
      if (f.certifierLogin) w.certifierLogin = f.certifierLogin;
      if (f.userLogin) w.userLogin = f.userLogin;
      return w as FilterQuery<ReviewItem>;
    };
    return paginate(this.scope.em, ReviewItem, where, page);
  }

  async reviewItem(id: string): Promise<ReviewItem | null> {
    authorize(this.scope.viewer, 'certifications:read');
    return isId(id) ? this.loaders.item.load(id) : null;
  }
}

export const CERTIFICATION_TASK_ESCALATE = 'certificationTask.escalate';
export const CERTIFICATION_REPEAT = 'certification.repeat';

/** The job that escalates a certification task at its due date (one per task). */
export function escalationJob(task: Pick<CertificationTask, 'id' | 'dueDate'> & { workspace: string | { id: string } }) {
  const workspaceId = typeof task.workspace === 'string' ? task.workspace : task.workspace.id;
  return { type: CERTIFICATION_TASK_ESCALATE, workspaceId, payload: { taskId: task.id }, runAt: task.dueDate, singletonKey: `${CERTIFICATION_TASK_ESCALATE}:${task.id}` };
}

/** Moves undecided items from `from` to the open task of `to` in the campaign (created, with its escalation job, when missing). */
async function moveItems(
  em: EntityManager,
  scope: Pick<RequestScope, 'viewer' | 'clock' | 'jobs'>,
  campaign: CertificationCampaign,
  from: CertificationTask,
  items: ReviewItem[],
  to: string,
  dueDate: Date,
): Promise<CertificationTask> {
  const ws = scope.viewer.workspaceId;
  let target = await em.findOne(CertificationTask, { campaign, certifierLogin: to, status: CertificationTaskStatus.OPEN });
  if (!target) {
    target = em.create(CertificationTask, { workspace: ws, campaign, certifierLogin: to, dueDate, itemCount: 0, createdAt: scope.clock.now() });
    const certification = await em.findOneOrFail(Certification, { id: campaign.certification.id });
    if (certification.automaticEscalation) await scope.jobs?.enqueue(escalationJob({ id: target.id, dueDate, workspace: ws }), em);
  }
  for (const item of items) Object.assign(item, { task: target, previousCertifierLogin: item.certifierLogin, certifierLogin: to });
  target.itemCount += items.length;
  from.itemCount -= items.length;
  if (from.decidedCount >= from.itemCount) from.status = CertificationTaskStatus.COMPLETED;
  return target;
}

/**
 * Escalates one open, overdue task of an active campaign with automaticEscalation to the
 * certifier's manager (an active user), with a fresh duration, in one transaction. Returns true
 * when it moved, the due date when it is not due yet, false when there is nothing to do (decided,
 * not escalating, or a certifier without a manager: the task stays overdue). Writes the moved
 * items, the tasks and a `certificationTask.escalate` event.
 */
export async function escalateTask(scope: RequestScope, id: string): Promise<boolean | Date> {
  const ws = scope.viewer.workspaceId;
  return scope.transaction(async (em) => {
    const task = await em.findOne(CertificationTask, { id }, { populate: ['campaign.certification'], refresh: true });
    if (!task || task.status !== CertificationTaskStatus.OPEN) return false;
    const c = task.campaign.certification;
    if (task.campaign.status !== CampaignStatus.ACTIVE || !c.automaticEscalation) return false;
    const now = scope.clock.now();
    if (task.dueDate > now) return task.dueDate;
    const certifier = await em.findOne(User, { workspace: ws, login: task.certifierLogin });
    const manager = certifier?.managerLogin ? await em.findOne(User, { workspace: ws, login: certifier.managerLogin, status: 'Active' }) : null;
    if (!manager) return false;
    const items = await em.find(ReviewItem, { task, decision: null });
    const from = task.certifierLogin;
    const target = await moveItems(em, scope, task.campaign, task, items, manager.login, dueDateOf(now, c.certificationDuration, c.certificationDurationType));
    Object.assign(target, { escalatedFrom: from, escalatedAt: now });
    audit(
      em,
      scope.viewer,
      {
        action: 'certificationTask.escalate',
        entityType: 'CertificationTask',
        entityId: task.id,
        before: { certifier: from },
        after: { certifier: manager.login, task: target.id, items: items.length },
      },
      scope.requestId,
    );
    return true;
  });
}

/** The `certificationTask.escalate` job. */
export async function escalateTaskJob({ payload, scope, reschedule }: JobContext<{ taskId: string }>): Promise<void> {
  const outcome = await escalateTask(scope, payload.taskId);
  if (outcome instanceof Date) reschedule(outcome);
}
