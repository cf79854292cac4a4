import type { SqlEntityManager as EntityManager } from '@mikro-orm/knex';
import { recordChange } from '../live/change-feed.js';
import type { Viewer } from '../auth/viewer.js';
import { Workspace } from '../auth/workspace.entity.js';
import { audit } from '../audit/audit.service.js';
import { newId } from '../common/ids.js';
import { DomainError } from '../errors.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { Entitlement } from '../governance/entitlement.entity.js';
import { EntitlementAssignment, UserAccount } from '../governance/user-account.entity.js';
import { AccountMapping, type Diff } from './account-mapping.js';
import { scimUserFor, type AttributeMapping } from './attribute-mapping.js';
import { ReconciliationBatch, type StatusCounts } from './reconciliation-batch.entity.js';
import { ReconciliationEvent } from './reconciliation-event.entity.js';
import { ReconciliationMark } from './reconciliation-mark.entity.js';
import {
  ReconciliationBatchStatus as BatchStatus,
  ReconciliationEntityType,
  ReconciliationEventStatus as S,
  ReconciliationOperation,
  ReconciliationResourceType,
} from './reconciliation.enums.js';
import { User } from '../governance/user.entity.js';
import { ScimError, type ScimClient, type ScimGroup, type ScimMultiValue, type ScimUser } from './scim-client.js';

/** Account status the gateway gives an account the target no longer has (with `updateOnMismatch`). */
export const DEPROVISIONED = 'Deprovisioned';
const PROVISIONED = 'Provisioned';
/** Seed: accounts found by reconciliation carry this provisionMechanism. */
export const RECONCILIATION_MECHANISM = 'Connected Reconciliation';
/** provisionMechanism of the entitlement assignments a target's group memberships bring. */
export const MEMBERSHIP_MECHANISM = 'Reconciliation';
const ENDED = ['Revoked', DEPROVISIONED];

export interface RunSpec {
  batchId: string;
  workspaceId: string;
  targetSystem: Pick<TargetSystem, 'id' | 'name' | 'itOwnerLogin' | 'businessOwnerLogin' | 'approvalWorkflow' | 'approvalWorkflowDisplayName' | 'riskLevel' | 'searchTags'>;
  operation: ReconciliationOperation;
  entityType: ReconciliationEntityType;
  dryRun: boolean;
  /** The batch's condition asks for mismatches to be applied to the gateway. */
  updateOnMismatch: boolean;
  mapping: AccountMapping | null;
  /** How PROVISION writes people into the target (the connector's attributeMapping over the defaults). */
  attributeMapping?: AttributeMapping;
  client: ScimClient;
  /** Resources per page: per SCIM request, and per page of gateway rows. */
  pageSize: number;
  viewer: Viewer;
  requestId: string;
  /** Aborted when the gateway shuts down: the run stops at the next page boundary (each page is committed on its own). */
  signal?: AbortSignal;
  /** Most accounts a run may deprovision, in percent of the application's active accounts (the safety threshold). */
  safetyThresholdPercent?: number;
  /** Now, as the gateway's clock says. */
  now?: () => Date;
}

/** A run stopped on purpose (shutdown, safety threshold): the batch fails with this message. */
class RunStopped extends Error {}

/** What one committed page cost: tests read it to show memory stays bounded by the page. */
export interface PageReport {
  batchId: string;
  page: number;
  resources: number;
  /** Entities the page's EntityManager held when it committed. */
  managedEntities: number;
}

/** Test hook, called after each committed page. */
export const reconciliationObserver: { onPage?: (report: PageReport) => void } = {};

interface EventDraft {
  resourceType: ReconciliationResourceType;
  status: S;
  applied: boolean;
  resourceId?: string | null;
  resourceName?: string | null;
  resourceDisplayName?: string | null;
  userId?: string | null;
  userAccountId?: string | null;
  entitlementId?: string | null;
  diff?: Diff | null;
  resource?: unknown;
  message?: string | null;
  numberOfEntitlements?: number | null;
  personBefore?: unknown;
  accountBefore?: unknown;
}

/** Groups the target lists on a user (SCIM `groups`, read-only there): the seed's numberOfEntitlements. */
function groupCount(target: ScimUser): number {
  const groups = (target as { groups?: unknown }).groups;
  return Array.isArray(groups) ? groups.length : 0;
}

/** A group the target lists on a user (RFC 7643 §4.1.2 `groups`: value = the group's id, display = its name). */
interface GroupRef {
  value: string | null;
  display: string | null;
}

function groupsOf(target: ScimUser): GroupRef[] {
  const groups = (target as { groups?: unknown }).groups;
  if (!Array.isArray(groups)) return [];
  const refs: GroupRef[] = [];
  for (const g of groups) {
    const ref =
      typeof g === 'string'
        ? { value: g, display: null }
        : g && typeof g === 'object'
          ? { value: nonEmpty((g as ScimMultiValue).value), display: nonEmpty((g as ScimMultiValue).display) }
          : null;
    if (ref && (ref.value || ref.display)) refs.push(ref);
  }
  return refs;
}

const nonEmpty = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** A target user and the gateway account it stands for (null: a dry run that links none). */
interface Holder {
  target: ScimUser;
  account: UserAccount | null;
  /** The account existed before this page (it may hold assignments). */
  existing: boolean;
  userId: string;
}

/** The gateway's person as an event found it (seed: `resourceInIdhubBeforeModification`). */
function personImage(u: User | undefined): Record<string, unknown> | null {
  if (!u) return null;
  const { id, login, displayName, firstName, lastName, email, department, jobTitle, status, userType, employeeType, employeeNumber, managerLogin, location, organizationName } = u;
  return {
    id,
    collection: 'User',
    login,
    displayName,
    firstName,
    lastName,
    email,
    department,
    jobTitle,
    status,
    userType,
    employeeType,
    employeeNumber,
    managerLogin,
    location,
    organizationName,
  };
}

/** The gateway's account as an event found it (seed: `userAccountBeforeModification`). */
function accountImage(a: UserAccount): Record<string, unknown> {
  return {
    id: a.id,
    collection: 'UserAccount',
    login: a.login,
    status: a.status,
    provisionMechanism: a.provisionMechanism ?? null,
    provisionedDate: a.provisionedDate ?? null,
    form: a.form ?? null,
  };
}

interface PageResult {
  events: EventDraft[];
  /** Gateway objects found in the target (see ReconciliationMark). */
  seen: string[];
  /** Ends the batch after this page's events are written (the target refused to go on). */
  abort?: unknown;
}

const EVENT_TYPE: Record<ReconciliationResourceType, string> = {
  [ReconciliationResourceType.USER]: 'TargetSystemAccount',
  [ReconciliationResourceType.ENTITLEMENT]: 'TargetSystemEntitlement',
};

/**
 * Processes one batch page by page. Each page gets a fresh EntityManager (an empty identity
 * map), is read and computed outside any transaction (SCIM calls included), then commits its
 * gateway changes, events, marks and the batch's counters in one short transaction. Nothing
 * outlives a page except a few counters, so memory does not grow with the target's size.
 */
export class BatchRunner {
  private rowNumber = 0;
  private counts: StatusCounts = {};
  private pages = 0;

  constructor(
    private readonly root: EntityManager,
    private readonly spec: RunSpec,
  ) {}

  async run(): Promise<void> {
    await this.write(this.root.fork({ clear: true }), async (em) => {
      await em.nativeUpdate(ReconciliationBatch, { id: this.spec.batchId }, { status: BatchStatus.RUNNING });
      recordChange(em, { kind: 'reconciliationBatch', workspaceId: this.spec.workspaceId, id: this.spec.batchId });
    });
    let failure: string | null = null;
    try {
      if (this.spec.operation === ReconciliationOperation.PROVISION) await this.provisionAccounts();
      else if (this.spec.entityType === ReconciliationEntityType.ENTITLEMENT) await this.reconcileEntitlements();
      else await this.reconcileAccounts();
    } catch (error) {
      failure = error instanceof RunStopped ? error.message : describe(error);
    }
    await this.finish(failure);
  }

  private checkpoint(): void {
    if (this.spec.signal?.aborted) {
      throw new RunStopped(`The gateway shut down during the run, after ${this.pages} committed page(s) (their changes are kept); run it again`);
    }
  }

  /**
   * Stops the run before it deprovisions more of the application's active accounts than its
   * safety threshold allows (a target that suddenly answers nothing would otherwise take
   * everyone's access away); the stop is recorded as an event and as the batch's error.
   */
  private async guardDeprovisioning(): Promise<void> {
    if (!this.spec.updateOnMismatch || this.spec.dryRun) return;
    const threshold = this.spec.safetyThresholdPercent ?? 20;
    const em = this.root.fork({ clear: true });
    const where = { workspace: this.spec.workspaceId, targetSystem: this.spec.targetSystem.id, status: { $ne: DEPROVISIONED } };
    const active = await em.count(UserAccount, where);
    if (active === 0) return;
    const missing = await em
      .createQueryBuilder(UserAccount, 'o')
      .where(where)
      .andWhere('not exists (select 1 from reconciliation_mark m where m.batch_id = ? and m.object_id = o.id)', [this.spec.batchId])
      .getCount();
    const percent = (missing * 100) / active;
    if (percent <= threshold) return;
    const message = `Safety threshold: the run would deprovision ${missing} of ${active} active accounts (${Math.round(percent)} %), more than the application's limit of ${threshold} %; nothing was deprovisioned`;
    await this.page(0, async () => ({
      seen: [],
      events: [{ resourceType: ReconciliationResourceType.USER, status: S.SAFETY_THRESHOLD_EXCEEDED, applied: false, message }],
    }));
    throw new RunStopped(message);
  }

  // ---- RECONCILE ACCOUNT -------------------------------------------------------------------

  private async reconcileAccounts(): Promise<void> {
    for await (const page of this.spec.client.list<ScimUser>('Users', { count: this.spec.pageSize })) {
      await this.page(page.resources.length, (em) => this.accountPage(em, page.resources));
    }
    await this.guardDeprovisioning();
    await this.unseenAccounts(async (em, accounts) => {
      const apply = this.spec.updateOnMismatch && !this.spec.dryRun;
      // An account gone from the target takes the entitlements it carried with it.
      const carried =
        apply && accounts.length ? await em.find(EntitlementAssignment, { account: { $in: accounts.map((a) => a.id) }, status: { $nin: ['Revoked', DEPROVISIONED] } }) : [];
      const revoked = new Map<string, number>();
      for (const assignment of carried) {
        assignment.status = DEPROVISIONED;
        revoked.set(assignment.account.id, (revoked.get(assignment.account.id) ?? 0) + 1);
      }
      return {
        seen: [],
        events: accounts.map((account) => {
          const apply = this.spec.updateOnMismatch;
          const before = account.status;
          const accountBefore = accountImage(account);
          if (apply && !this.spec.dryRun) {
            account.status = DEPROVISIONED;
            account.sync = false;
            account.updatedOn = this.spec.now?.() ?? new Date();
          }
          return {
            accountBefore,
            resourceType: ReconciliationResourceType.USER,
            status: S.USER_ACCOUNT_MISSING_IN_TARGET,
            applied: apply && !this.spec.dryRun,
            resourceName: account.login,
            userId: account.user.id,
            userAccountId: account.id,
            diff: apply
              ? { status: { before, after: DEPROVISIONED }, ...(revoked.get(account.id) ? { activeEntitlements: { before: revoked.get(account.id), after: 0 } } : {}) }
              : null,
          };
        }),
      };
    });
  }

  private async accountPage(em: EntityManager, targets: ScimUser[]): Promise<PageResult> {
    const { spec } = this;
    const mapping = spec.mapping!;
    const logins = [...new Set(targets.map((t) => t.userName).filter((l): l is string => typeof l === 'string' && l.length > 0))];
    const existing = logins.length
      ? await em.find(UserAccount, { workspace: spec.workspaceId, targetSystem: spec.targetSystem.id, login: { $in: logins } }, { orderBy: { id: 'asc' } })
      : [];
    const byLogin = new Map<string, UserAccount>();
    for (const account of existing) if (!byLogin.has(account.login)) byLogin.set(account.login, account);
    // The people of the linked accounts, for the events' before-images: read outside the
    // identity map, so a page keeps managing only its accounts (memory bounded by the page).
    const owners = existing.length
      ? new Map((await em.find(User, { id: { $in: [...new Set(existing.map((a) => a.user.id))] } }, { disableIdentityMap: true })).map((u) => [u.id, u]))
      : new Map<string, User>();
    const people = await mapping.findPeople(
      em,
      spec.workspaceId,
      targets.filter((t) => t.userName && !byLogin.has(t.userName)),
    );

    const result: PageResult = { events: [], seen: [] };
    const holders: Holder[] = [];
    for (const target of targets) {
      const about = {
        resourceType: ReconciliationResourceType.USER,
        resourceId: target.id ?? null,
        resourceName: target.userName ?? null,
        resourceDisplayName: target.displayName ?? target.name?.formatted ?? target.userName ?? null,
        resource: target,
        numberOfEntitlements: groupCount(target),
      };
      const values = mapping.formValues(target);
      const account = target.userName ? byLogin.get(target.userName) : undefined;
      if (account) {
        result.seen.push(account.id);
        const images = { personBefore: personImage(owners.get(account.user.id)), accountBefore: accountImage(account) };
        result.events.push({ ...about, ...images, ...this.compare(account, values), userId: account.user.id, userAccountId: account.id });
        holders.push({ target, account, existing: true, userId: account.user.id });
        if (!spec.dryRun) {
          account.sync = true;
          account.lastSyncedOn = new Date();
        }
        continue;
      }
      const matches = people.get(target) ?? [];
      if (!target.userName || matches.length !== 1) {
        const message = !target.userName ? 'The account has no userName' : matches.length > 1 ? `${matches.length} people match the recon key` : 'No person matches the recon key';
        result.events.push({ ...about, status: S.ORPHAN_ACCOUNT_FOUND, applied: false, message });
        continue;
      }
      const person = matches[0];
      let accountId: string | null = null;
      if (!spec.dryRun) {
        const created = em.create(UserAccount, {
          workspace: em.getReference(Workspace, spec.workspaceId),
          user: person,
          targetSystem: em.getReference(TargetSystem, spec.targetSystem.id),
          login: target.userName,
          status: PROVISIONED,
          provisionMechanism: RECONCILIATION_MECHANISM,
          provisionedDate: new Date(),
          form: values,
          sync: true,
          lastSyncedOn: new Date(),
        });
        // A target listing the same account twice links it once.
        byLogin.set(target.userName, created);
        result.seen.push(created.id);
        accountId = created.id;
      }
      result.events.push({ ...about, personBefore: personImage(person), status: S.NEW_USER_ACCOUNT_LINKED, applied: !spec.dryRun, userId: person.id, userAccountId: accountId });
      holders.push({ target, account: accountId ? byLogin.get(target.userName)! : null, existing: false, userId: person.id });
    }
    await this.memberships(em, holders, result);
    return result;
  }

  /**
   * The target's group memberships of a page's accounts, as entitlement assignments. A group
   * names the application's entitlement whose externalId equals its id, else whose name equals
   * its id, else whose displayName equals its display name. A membership with no active
   * assignment adds one (mechanism Reconciliation); an active assignment the memberships no
   * longer include is revoked when the target owns it: its entitlement carries the target's
   * group id (externalId), or reconciliation made it. Assignments granted otherwise to
   * entitlements the target does not identify as groups are left alone. Written only with
   * updateOnMismatch outside a dry run; reported as events either way. Two queries a page.
   */
  private async memberships(em: EntityManager, holders: Holder[], result: PageResult): Promise<void> {
    const { spec } = this;
    const refs = holders.map((h) => groupsOf(h.target));
    const values = [...new Set(refs.flat().flatMap((r) => (r.value ? [r.value] : [])))];
    const displays = [...new Set(refs.flat().flatMap((r) => (r.display ? [r.display] : [])))];
    const alternatives = [...(values.length ? [{ externalId: { $in: values } }, { name: { $in: values } }] : []), ...(displays.length ? [{ displayName: { $in: displays } }] : [])];
    const entitlements = alternatives.length
      ? await em.find(Entitlement, { workspace: spec.workspaceId, targetSystem: spec.targetSystem.id, $or: alternatives }, { orderBy: { id: 'asc' } })
      : [];
    const index = (key: (e: Entitlement) => string | null | undefined) => {
      const map = new Map<string, Entitlement>();
      for (const e of entitlements) {
        const k = key(e);
        if (k && !map.has(k)) map.set(k, e);
      }
      return map;
    };
    const byExternalId = index((e) => e.externalId);
    const byName = index((e) => e.name);
    const byDisplayName = index((e) => e.displayName);
    const match = (r: GroupRef) => (r.value ? (byExternalId.get(r.value) ?? byName.get(r.value)) : undefined) ?? (r.display ? byDisplayName.get(r.display) : undefined);

    const accountIds = holders.flatMap((h) => (h.existing && h.account ? [h.account.id] : []));
    const held = accountIds.length ? await em.find(EntitlementAssignment, { account: { $in: accountIds } }, { populate: ['entitlement'], orderBy: { id: 'asc' } }) : [];
    const byAccount = new Map<string, EntitlementAssignment[]>();
    for (const a of held) (byAccount.get(a.account.id) ?? byAccount.set(a.account.id, []).get(a.account.id)!).push(a);

    const apply = spec.updateOnMismatch && !spec.dryRun;
    const now = spec.now?.() ?? new Date();
    // A target that lists one account twice is read once (its first listing).
    const done = new Set<string>();
    holders.forEach((holder, i) => {
      const key = holder.account?.id ?? `login:${holder.target.userName}`;
      if (done.has(key)) return;
      done.add(key);
      const wanted = new Map<string, { entitlement: Entitlement; ref: GroupRef }>();
      for (const ref of refs[i]) {
        const entitlement = match(ref);
        if (entitlement && !wanted.has(entitlement.id)) wanted.set(entitlement.id, { entitlement, ref });
      }
      const current = holder.account ? (byAccount.get(holder.account.id) ?? []) : [];
      const about = (entitlement: Entitlement, ref: GroupRef | null) => ({
        resourceType: ReconciliationResourceType.ENTITLEMENT,
        resourceId: ref?.value ?? entitlement.externalId ?? null,
        resourceName: ref?.display ?? entitlement.displayName,
        resourceDisplayName: entitlement.displayName,
        userId: holder.userId,
        userAccountId: holder.account?.id ?? null,
        entitlementId: entitlement.id,
        applied: apply && !!holder.account,
      });
      for (const { entitlement, ref } of wanted.values()) {
        const assignment = current.find((a) => a.entitlement.id === entitlement.id);
        // A retired entitlement keeps the assignments its members hold, and is given to no one new.
        if ((assignment && !ENDED.includes(assignment.status)) || entitlement.retired) continue;
        const before = assignment?.status ?? null;
        if (apply && holder.account) {
          const changed =
            assignment ??
            em.create(EntitlementAssignment, {
              workspace: em.getReference(Workspace, spec.workspaceId),
              account: holder.account,
              entitlement,
              provisionMechanism: MEMBERSHIP_MECHANISM,
            });
          Object.assign(changed, { status: PROVISIONED, provisionMechanism: MEMBERSHIP_MECHANISM, provisionedDate: now, expiresAt: null });
          this.auditAssignment(em, 'entitlementAssignment.provision', changed, holder.account.id, entitlement.id, before);
        }
        result.events.push({ ...about(entitlement, ref), status: S.ENTITLEMENT_ASSIGNMENT_ADDED, diff: { status: { before, after: PROVISIONED } } });
      }
      for (const assignment of current) {
        const entitlement = assignment.entitlement;
        const owned = !!entitlement.externalId || assignment.provisionMechanism === MEMBERSHIP_MECHANISM;
        if (assignment.status !== PROVISIONED || wanted.has(entitlement.id) || !owned) continue;
        if (apply) {
          assignment.status = 'Revoked';
          this.auditAssignment(em, 'entitlementAssignment.revoke', assignment, holder.account!.id, entitlement.id, PROVISIONED);
        }
        result.events.push({ ...about(entitlement, null), status: S.ENTITLEMENT_ASSIGNMENT_REVOKED, diff: { status: { before: PROVISIONED, after: 'Revoked' } } });
      }
    });
  }

  private auditAssignment(em: EntityManager, action: string, assignment: EntitlementAssignment, accountId: string, entitlementId: string, before: string | null): void {
    audit(
      em,
      this.spec.viewer,
      {
        action,
        entityType: 'EntitlementAssignment',
        entityId: assignment.id,
        before: before ? { status: before } : undefined,
        after: {
          account: accountId,
          entitlement: entitlementId,
          status: assignment.status,
          provisionMechanism: assignment.provisionMechanism,
          reconciliationBatch: this.spec.batchId,
        },
      },
      this.spec.requestId,
    );
  }

  /** A linked account: equal, updated (condition on), or a mismatch that is only reported. */
  private compare(account: UserAccount, values: Record<string, string | null>): Pick<EventDraft, 'status' | 'applied' | 'diff'> {
    const diff = this.spec.mapping!.diff(account.form, values) ?? {};
    if (account.status !== PROVISIONED) diff.status = { before: account.status, after: PROVISIONED };
    if (Object.keys(diff).length === 0) return { status: S.EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE, applied: false, diff: null };
    if (!this.spec.updateOnMismatch) return { status: S.EXISTING_USER_ACCOUNT_MISMATCH_FOUND, applied: false, diff };
    if (!this.spec.dryRun) {
      account.form = { ...((account.form as object | null) ?? {}), ...values };
      account.status = PROVISIONED;
      account.updatedOn = new Date();
    }
    return { status: S.EXISTING_USER_ACCOUNT_RECONCILED_UPDATED, applied: !this.spec.dryRun, diff };
  }

  // ---- RECONCILE ENTITLEMENT ---------------------------------------------------------------

  private async reconcileEntitlements(): Promise<void> {
    for await (const page of this.spec.client.list<ScimGroup>('Groups', { count: this.spec.pageSize })) {
      await this.page(page.resources.length, (em) => this.groupPage(em, page.resources));
    }
    await this.unseen(Entitlement, { retired: false }, (_em, entitlements) => ({
      seen: [],
      events: entitlements.map((entitlement) => {
        const apply = this.spec.updateOnMismatch;
        if (apply && !this.spec.dryRun) {
          entitlement.retired = true;
          entitlement.disabled = true;
        }
        return {
          resourceType: ReconciliationResourceType.ENTITLEMENT,
          status: S.ENTITLEMENT_REMOVED,
          applied: apply && !this.spec.dryRun,
          resourceName: entitlement.name,
          resourceDisplayName: entitlement.displayName,
          entitlementId: entitlement.id,
          diff: apply ? { retired: { before: false, after: true } } : null,
        };
      }),
    }));
  }

  /** A group matches the entitlement named by its id, else the one with its display name. */
  private async groupPage(em: EntityManager, groups: ScimGroup[]): Promise<PageResult> {
    const { spec } = this;
    const ids = [...new Set(groups.map((g) => g.id).filter(Boolean))];
    const names = [...new Set(groups.map((g) => g.displayName).filter(Boolean))];
    const existing = groups.length
      ? await em.find(
          Entitlement,
          { workspace: spec.workspaceId, targetSystem: spec.targetSystem.id, $or: [{ name: { $in: ids } }, { displayName: { $in: names } }] },
          { orderBy: { id: 'asc' } },
        )
      : [];
    const byName = new Map<string, Entitlement>();
    const byDisplayName = new Map<string, Entitlement>();
    for (const e of existing) {
      if (!byName.has(e.name)) byName.set(e.name, e);
      if (!byDisplayName.has(e.displayName)) byDisplayName.set(e.displayName, e);
    }

    const result: PageResult = { events: [], seen: [] };
    for (const group of groups) {
      const about = {
        resourceType: ReconciliationResourceType.ENTITLEMENT,
        resourceId: group.id ?? null,
        resourceName: group.displayName ?? null,
        resourceDisplayName: group.displayName ?? null,
        resource: { ...group, members: undefined, memberCount: Array.isArray(group.members) ? group.members.length : undefined },
      };
      const entitlement = byName.get(group.id) ?? byDisplayName.get(group.displayName);
      if (entitlement) {
        result.seen.push(entitlement.id);
        if (!spec.dryRun) entitlement.lastSyncedOn = new Date();
        result.events.push({ ...about, status: S.EXISTING_ENTITLEMENT_RECONCILED_NO_CHANGE, applied: false, entitlementId: entitlement.id });
        continue;
      }
      let entitlementId: string | null = null;
      if (!spec.dryRun && group.id && group.displayName) {
        const t = spec.targetSystem;
        const created = em.create(Entitlement, {
          workspace: em.getReference(Workspace, spec.workspaceId),
          targetSystem: em.getReference(TargetSystem, t.id),
          name: group.id,
          displayName: group.displayName,
          description: `${group.displayName} (group of ${t.name})`,
          itOwnerLogin: t.itOwnerLogin ?? null,
          businessOwnerLogin: t.businessOwnerLogin ?? null,
          approvalWorkflow: t.approvalWorkflow ?? null,
          approvalWorkflowDisplayName: t.approvalWorkflowDisplayName ?? null,
          riskLevel: t.riskLevel ?? null,
          searchTags: t.searchTags ?? null,
          externalId: group.id,
          lastSyncedOn: new Date(),
        });
        byName.set(group.id, created);
        result.seen.push(created.id);
        entitlementId = created.id;
      }
      const invalid = !group.id || !group.displayName;
      result.events.push({
        ...about,
        status: S.NEW_ENTITLEMENT_CREATED,
        applied: !!entitlementId,
        entitlementId,
        message: invalid ? 'The group has no id or displayName; no entitlement was created' : null,
      });
    }
    return result;
  }

  // ---- PROVISION ACCOUNT -------------------------------------------------------------------

  /**
   * Two passes: mark the gateway accounts the target already has (by userName = login), then
   * create the unmarked ones in the target. Deprovisioned accounts are not pushed.
   */
  private async provisionAccounts(): Promise<void> {
    const { spec } = this;
    for await (const page of spec.client.list<ScimUser>('Users', { count: spec.pageSize })) {
      await this.page(page.resources.length, async (em) => {
        const logins = [...new Set(page.resources.map((t) => t.userName).filter(Boolean))];
        const present = logins.length
          ? await em.find(UserAccount, { workspace: spec.workspaceId, targetSystem: spec.targetSystem.id, login: { $in: logins } }, { fields: ['id'] })
          : [];
        return { events: [], seen: present.map((a) => a.id) };
      });
    }
    await this.unseenAccounts(
      async (em, accounts) => {
        await em.populate(accounts, ['user']);
        const events: EventDraft[] = [];
        let abort: unknown;
        for (const account of accounts) {
          const about = {
            resourceType: ReconciliationResourceType.USER,
            resourceName: account.login,
            resourceDisplayName: account.user.displayName,
            userId: account.user.id,
            userAccountId: account.id,
          };
          const body = scimUserFor(account.login, account.user, spec.attributeMapping);
          if (spec.dryRun) {
            events.push({ ...about, status: S.ACCOUNT_PROVISIONED, applied: false, resource: body });
            continue;
          }
          try {
            const created = await spec.client.create<ScimUser>('Users', body);
            events.push({ ...about, status: S.ACCOUNT_PROVISIONED, applied: true, resourceId: created?.id ?? null, resource: created ?? body });
          } catch (error) {
            // Unreachable or refusing our token: every further call would fail the same way.
            if (!(error instanceof ScimError) || error.status === null || error.status === 401 || error.status === 403) {
              abort = error;
              break;
            }
            events.push({ ...about, status: S.PROVISIONING_FAILED, applied: false, resource: body, message: error.message });
          }
        }
        return { events, seen: [], abort };
      },
      Math.min(spec.pageSize, 100),
    );
  }

  // ---- pages -------------------------------------------------------------------------------

  /** Gateway accounts of the system, not Deprovisioned, that this batch has not found in the target. */
  private unseenAccounts(work: (em: EntityManager, accounts: UserAccount[]) => PageResult | Promise<PageResult>, pageSize?: number) {
    return this.unseen(UserAccount, { status: { $ne: DEPROVISIONED } }, work, pageSize);
  }

  /**
   * Pages (by id) through the system's objects of one kind that carry no mark of this batch,
   * testing each in the database (NOT EXISTS), so no set of seen ids is ever held in memory.
   */
  private async unseen<T extends UserAccount | Entitlement>(
    entity: new () => T,
    where: Record<string, unknown>,
    work: (em: EntityManager, rows: T[]) => PageResult | Promise<PageResult>,
    pageSize = this.spec.pageSize,
  ): Promise<void> {
    let after = '';
    for (;;) {
      let rows: T[] = [];
      await this.page(
        () => rows.length,
        async (em) => {
          rows = (await em
            .createQueryBuilder(entity as never, 'o')
            .select('*')
            .where({ workspace: this.spec.workspaceId, targetSystem: this.spec.targetSystem.id, id: { $gt: after }, ...where })
            .andWhere('not exists (select 1 from reconciliation_mark m where m.batch_id = ? and m.object_id = o.id)', [this.spec.batchId])
            .orderBy({ id: 'asc' })
            .limit(pageSize)
            .getResultList()) as T[];
          return work(em, rows);
        },
      );
      if (rows.length < pageSize) return;
      after = rows.at(-1)!.id;
    }
  }

  /**
   * Runs one page: `work` reads and computes with a fresh EntityManager; then one transaction
   * writes its entity changes, events, marks and the batch's counters.
   */
  private async page(resources: number | (() => number), work: (em: EntityManager) => Promise<PageResult>): Promise<void> {
    this.checkpoint();
    const em = this.root.fork({ clear: true });
    const result = await work(em);
    const counts = { ...this.counts };
    let rowNumber = this.rowNumber;
    const createDate = this.spec.now?.() ?? new Date();
    const rows = result.events.map((e) => {
      counts[e.status] = (counts[e.status] ?? 0) + 1;
      return {
        id: newId(),
        workspace: this.spec.workspaceId,
        batch: this.spec.batchId,
        rowNumber: ++rowNumber,
        resourceType: e.resourceType,
        eventType: EVENT_TYPE[e.resourceType],
        status: e.status,
        resourceId: e.resourceId ?? null,
        resourceName: e.resourceName ?? null,
        resourceDisplayName: e.resourceDisplayName ?? null,
        userId: e.userId ?? null,
        userAccountId: e.userAccountId ?? null,
        entitlementId: e.entitlementId ?? null,
        applied: e.applied,
        diff: e.diff ?? null,
        resourceFromTargetSystem: e.resource ?? null,
        message: e.message ?? null,
        createDate,
        lastModified: createDate,
        numberOfEntitlements: e.numberOfEntitlements ?? null,
        resourceInIdhubBeforeModification: e.personBefore ?? null,
        userAccountBeforeModification: e.accountBefore ?? null,
      };
    });
    await this.write(em, async (tx) => {
      if (rows.length) await tx.insertMany(ReconciliationEvent, rows as never);
      const seen = [...new Set(result.seen)];
      if (seen.length) {
        await tx
          .createQueryBuilder(ReconciliationMark)
          .insert(seen.map((objectId) => ({ batch: this.spec.batchId, objectId })) as never)
          .onConflict(['batch', 'objectId'] as never)
          .ignore()
          .execute();
      }
      if (rows.length) {
        await tx.nativeUpdate(ReconciliationBatch, { id: this.spec.batchId }, { counts, eventCount: rowNumber });
        recordChange(tx, { kind: 'reconciliationBatch', workspaceId: this.spec.workspaceId, id: this.spec.batchId });
      }
    });
    this.counts = counts;
    this.rowNumber = rowNumber;
    reconciliationObserver.onPage?.({
      batchId: this.spec.batchId,
      page: ++this.pages,
      resources: typeof resources === 'number' ? resources : resources(),
      managedEntities: em.getUnitOfWork().getIdentityMap().values().length,
    });
    if (result.abort) throw result.abort;
  }

  /** Completed or Failed, with the end date, the counters and an audit record. */
  private async finish(failure: string | null): Promise<void> {
    const status = failure ? BatchStatus.FAILED : BatchStatus.COMPLETED;
    await this.write(this.root.fork({ clear: true }), async (em) => {
      await em.nativeDelete(ReconciliationMark, { batch: this.spec.batchId });
      await em.nativeUpdate(
        ReconciliationBatch,
        { id: this.spec.batchId },
        { status, endDate: this.spec.now?.() ?? new Date(), error: failure, counts: this.counts, eventCount: this.rowNumber },
      );
      recordChange(em, { kind: 'reconciliationBatch', workspaceId: this.spec.workspaceId, id: this.spec.batchId });
      audit(
        em,
        this.spec.viewer,
        {
          action: failure ? 'reconciliation.fail' : 'reconciliation.complete',
          entityType: 'ReconciliationBatch',
          entityId: this.spec.batchId,
          after: { status, eventCount: this.rowNumber, counts: this.counts, error: failure },
        },
        this.spec.requestId,
      );
    });
  }

  /** One transaction on `em`: flushes the entities it manages, then commits. */
  private async write(em: EntityManager, work: (em: EntityManager) => Promise<void>): Promise<void> {
    await em.begin();
    try {
      await work(em);
      await em.commit();
    } catch (error) {
      await em.rollback();
      throw error;
    }
  }
}

/** What a failed batch records: the connector's own words, or the expected error's message. */
function describe(error: unknown): string {
  if (error instanceof ScimError || error instanceof DomainError) return error.message;
  return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}
