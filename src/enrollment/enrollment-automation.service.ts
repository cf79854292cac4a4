import { randomUUID } from 'node:crypto';
import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import type { EnrollmentLoaders } from './enrollment.loaders.js';
import { authorize } from '../auth/viewer.js';
import { audit } from '../audit/audit.service.js';
import { Workspace } from '../auth/workspace.entity.js';
import { badInput, conflict, DomainError, notFound } from '../errors.js';
import { isId, isUuid } from '../common/ids.js';
import { pageRequest, type ConnectionShape } from '../common/pagination.js';
import { paginate } from '../common/keyset.js';
import { User } from '../governance/user.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { UserAccount } from '../governance/user-account.entity.js';
import { EnrollmentAutomation } from './enrollment-automation.entity.js';

export interface LaunchInput {
  userIdentityId: string;
  credentialManagerAcsSystemId: string;
  acsCredentialPoolId?: string | null;
  createCredentialManagerUser?: boolean | null;
  credentialManagerAcsUserId?: string | null;
}

/** How an account created by an enrollment came to be (UserAccount.provisionMechanism). */
export const ENROLLMENT_MECHANISM = 'Enrollment';

/** Seam enrollment automations (seeds 000, 001) over the catalog's people, applications and accounts. */
export class EnrollmentAutomationService {
  constructor(
    private readonly scope: RequestScope,
    private readonly loaders: EnrollmentLoaders,
  ) {}

  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  /** One automation by id; null when it is not in the caller's workspace. */
  async enrollmentAutomation(id: string): Promise<EnrollmentAutomation | null> {
    authorize(this.scope.viewer, 'enrollment:read');
    if (isUuid(id)) return this.scope.em.findOne(EnrollmentAutomation, { workspace: this.ws, acsCredentialProvisioningAutomationId: id.toLowerCase() });
    return isId(id) ? this.loaders.automation.load(id) : null;
  }

  /** A person's automations, oldest first, optionally only running (or stopped) ones. */
  async enrollmentAutomations(args: {
    userIdentityId: string;
    isRunning?: boolean | null;
    first?: number | null;
    after?: string | null;
  }): Promise<ConnectionShape<EnrollmentAutomation>> {
    authorize(this.scope.viewer, 'enrollment:read');
    const page = pageRequest(args, this.scope.config);
    const where = (): FilterQuery<EnrollmentAutomation> => {
      const w: FilterQuery<EnrollmentAutomation> = isUuid(args.userIdentityId)
        ? { workspace: this.ws, userIdentity: { userIdentityId: args.userIdentityId.toLowerCase() } }
        : { workspace: this.ws, userIdentity: args.userIdentityId };
      if (args.isRunning != null) Object.assign(w, { isRunning: args.isRunning });
      return w;
    };
    return paginate(this.scope.em, EnrollmentAutomation, where, page, 'createdAt');
  }

  /**
   * Launches an automation (seed: POST /user_identities/enrollment_automations/launch).
   * Checks: enrollment:write; createCredentialManagerUser and credentialManagerAcsUserId not
   * both; ids well formed and acsCredentialPoolId a uuid; the person and the system exist in
   * the workspace and the system is a credential manager; a given ACS user is an account of
   * that person on that system; a created one does not exist yet. Writes, in one transaction:
   * the created account (provisionMechanism "Enrollment") when asked, the automation, and an
   * audit event for each.
   */
  async launch(input: LaunchInput): Promise<EnrollmentAutomation> {
    authorize(this.scope.viewer, 'enrollment:write');
    if (input.createCredentialManagerUser && input.credentialManagerAcsUserId != null) {
      throw new DomainError(
        'BAD_USER_INPUT',
        'createCredentialManagerUser and credentialManagerAcsUserId are mutually exclusive: if you set createCredentialManagerUser to true, you cannot specify a credentialManagerAcsUserId',
        'input.createCredentialManagerUser',
        { fields: ['input.createCredentialManagerUser', 'input.credentialManagerAcsUserId'] },
      );
    }
    const userKey = seamKey(input.userIdentityId, 'input.userIdentityId', 'userIdentityId');
    const systemKey = seamKey(input.credentialManagerAcsSystemId, 'input.credentialManagerAcsSystemId', 'acsSystemId');
    const acsUserKey = input.credentialManagerAcsUserId != null ? seamKey(input.credentialManagerAcsUserId, 'input.credentialManagerAcsUserId', 'acsUserId') : null;
    if (input.acsCredentialPoolId != null && !isUuid(input.acsCredentialPoolId)) {
      throw badInput(
        'input.acsCredentialPoolId',
        `acsCredentialPoolId must be a uuid (e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6), got ${JSON.stringify(input.acsCredentialPoolId)}`,
      );
    }

    return this.scope.transaction(async (em) => {
      const user = await em.findOne(User, { ...userKey, workspace: this.ws });
      if (!user) throw notFound('User', input.userIdentityId, 'input.userIdentityId');
      const system = await em.findOne(TargetSystem, { ...systemKey, workspace: this.ws });
      if (!system) throw notFound('TargetSystem', input.credentialManagerAcsSystemId, 'input.credentialManagerAcsSystemId');
      if (!system.isCredentialManager) {
        throw badInput('input.credentialManagerAcsSystemId', `${system.displayName} is not a credential manager: choose an application whose isCredentialManager is true`);
      }
      const acsUser = await this.acsUser(em, input, acsUserKey, user, system);
      const automation = em.create(EnrollmentAutomation, {
        workspace: em.getReference(Workspace, this.ws),
        userIdentity: user,
        credentialManager: system,
        credentialManagerAcsUser: acsUser,
        acsCredentialPoolId: input.acsCredentialPoolId?.toLowerCase() ?? null,
        acsCredentialProvisioningAutomationId: randomUUID(),
        isRunning: true,
        createdAt: new Date(),
      });
      audit(
        em,
        this.scope.viewer,
        { action: 'enrollmentAutomation.launch', entityType: 'EnrollmentAutomation', entityId: automation.id, after: snapshot(automation) },
        this.scope.requestId,
      );
      return automation;
    });
  }

  /**
   * The credential manager ACS user: the given account (which must be the person's, on that
   * system), a new account when asked for, or else the person's existing account there, if any.
   */
  private async acsUser(em: EntityManager, input: LaunchInput, key: Record<string, string> | null, user: User, system: TargetSystem): Promise<UserAccount | null> {
    if (input.credentialManagerAcsUserId != null && key) {
      const account = await em.findOne(UserAccount, { ...key, workspace: this.ws });
      if (!account) throw notFound('UserAccount', input.credentialManagerAcsUserId, 'input.credentialManagerAcsUserId');
      if (account.user.id !== user.id || account.targetSystem.id !== system.id) {
        throw badInput('input.credentialManagerAcsUserId', `Account ${account.id} is not an account of ${user.login} on ${system.displayName}`);
      }
      return account;
    }
    const existing = await em.findOne(UserAccount, { workspace: this.ws, user, targetSystem: system }, { orderBy: { id: 'asc' } });
    if (!input.createCredentialManagerUser) return existing;
    if (existing) {
      throw conflict(
        `${user.login} already has an account on ${system.displayName} (${existing.id}): pass it as credentialManagerAcsUserId instead of setting createCredentialManagerUser`,
        'input.createCredentialManagerUser',
      );
    }
    const account = em.create(UserAccount, {
      workspace: em.getReference(Workspace, this.ws),
      user,
      targetSystem: system,
      login: user.email ?? user.login,
      status: 'Provisioned',
      provisionMechanism: ENROLLMENT_MECHANISM,
      provisionedDate: new Date(),
    });
    audit(
      em,
      this.scope.viewer,
      {
        action: 'userAccount.create',
        entityType: 'UserAccount',
        entityId: account.id,
        after: { userId: user.id, targetSystemId: system.id, login: account.login, status: account.status, provisionMechanism: account.provisionMechanism },
      },
      this.scope.requestId,
    );
    return account;
  }

  /**
   * Stops an automation (seed's delete): isRunning false, stoppedAt set, audited; the record
   * stays. Stopping a stopped automation changes nothing. Another workspace's is NOT_FOUND.
   */
  async stop(id: string): Promise<EnrollmentAutomation> {
    authorize(this.scope.viewer, 'enrollment:write');
    return this.scope.transaction(async (em) => {
      const key = isUuid(id) ? { acsCredentialProvisioningAutomationId: id.toLowerCase() } : isId(id) ? { id } : null;
      const automation = key ? await em.findOne(EnrollmentAutomation, { ...key, workspace: this.ws }) : null;
      if (!automation) throw notFound('EnrollmentAutomation', id, 'enrollmentAutomationId');
      if (!automation.isRunning) return automation;
      const before = snapshot(automation);
      automation.isRunning = false;
      automation.stoppedAt = new Date();
      audit(
        em,
        this.scope.viewer,
        { action: 'enrollmentAutomation.stop', entityType: 'EnrollmentAutomation', entityId: automation.id, before, after: snapshot(automation) },
        this.scope.requestId,
      );
      return automation;
    });
  }
}

function snapshot(a: EnrollmentAutomation) {
  return {
    userIdentityId: a.userIdentity.id,
    credentialManagerAcsSystemId: a.credentialManager.id,
    credentialManagerAcsUserId: a.credentialManagerAcsUser?.id ?? null,
    acsCredentialPoolId: a.acsCredentialPoolId ?? null,
    acsCredentialProvisioningAutomationId: a.acsCredentialProvisioningAutomationId,
    isRunning: a.isRunning,
    stoppedAt: a.stoppedAt?.toISOString() ?? null,
  };
}

/**
 * How a Seam id finds its object: this product's 24-hex id, or the uuid Seam's documents use
 * (kept in the object's Seam column), so the seed's calls replay as written.
 */
function seamKey(value: string, field: string, uuidColumn: string): Record<string, string> {
  if (isUuid(value)) return { [uuidColumn]: value.toLowerCase() };
  if (!isId(value)) throw badInput(field, `${field} must be an id of this product (24 hex characters) or a Seam uuid, got ${JSON.stringify(value)}`);
  return { id: value };
}
