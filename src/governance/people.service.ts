import type { EntityManager } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import type { RequestService } from '../requests/request.service.js';
import { authorize } from '../auth/viewer.js';
import { audit } from '../audit/audit.service.js';
import { Workspace, type AuthoritativeSource } from '../auth/workspace.entity.js';
import { badInput, conflict, DomainError, notFound } from '../errors.js';
import { isId } from '../common/ids.js';
import { User } from './user.entity.js';
import { RoleMember } from './role.entity.js';
import { UserAccount } from './user-account.entity.js';
import { Provisioning } from '../requests/provisioning.service.js';
import { SYSTEM_PERPETRATOR } from '../requests/request-flow.js';
import { RequestEntityType } from '../requests/workflow.js';

/** The attributes of a person that joiner and mover change (everything but the login). */
export const PERSON_ATTRIBUTES = [
  'firstName',
  'lastName',
  'displayName',
  'email',
  'phoneNumber',
  'jobTitle',
  'department',
  'organizationName',
  'location',
  'userType',
  'status',
  'employeeNumber',
  'managerLogin',
  'officeAddressCity',
  'officeAddressState',
  'officeAddressCountry',
  'homeAddressCity',
  'homeAddressState',
  'homeAddressCountry',
] as const;
export type PersonAttribute = (typeof PERSON_ATTRIBUTES)[number];
export type PersonChanges = Partial<Record<PersonAttribute, string | null>>;

export interface NewPerson extends PersonChanges {
  login: string;
}

/** The statuses a person may have; `Inactive` people hold no access they did not keep. */
export const PERSON_STATUSES = ['Active', 'Inactive'];

/** How a leaver's access ends: requests with no approval stage, named so in their history. */
export const LEAVER_WORKFLOW = 'Leaver';

const LOGIN = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Who or what drove a lifecycle change, for the audit trail. */
export interface LifecycleOrigin {
  via: 'GRAPHQL' | 'SCIM';
  scimUser?: string;
}

/**
 * Joiner, mover and leaver: creates, changes and terminates people. A change re-evaluates the
 * birthright rules at once (roles, entitlements and accounts follow); termination ends every
 * access through revoke requests and deactivates the person. GraphQL calls the public methods
 * (each one transaction); the SCIM directory, when authoritative, calls the `*In` methods
 * inside its own transaction.
 */
export class PeopleService {
  constructor(
    private readonly scope: RequestScope,
    private readonly requests: RequestService,
  ) {}

  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  /** The person acting, for audits and request history; none for a service key. */
  private get actor(): string | undefined {
    return this.scope.viewer.person?.login;
  }

  /** Joiner: checks people:manage and the input, creates the person, applies the rules; audited. */
  async createUser(input: NewPerson): Promise<User> {
    authorize(this.scope.viewer, 'people:manage');
    return this.scope.transaction((em) => this.joinIn(em, input, 'input.', { via: 'GRAPHQL' }));
  }

  /** Mover: checks people:manage and the changes, applies them and the rules; audited. */
  async updateUser(id: string, input: PersonChanges): Promise<User> {
    authorize(this.scope.viewer, 'people:manage');
    return this.scope.transaction(async (em) => {
      const user = await this.find(em, id);
      if (user.terminatedAt && input.status !== 'Active') {
        throw conflict(`${user.login} was terminated; rehire them (status "Active") to change them`, 'id');
      }
      return this.moveIn(em, user, input, 'input.', { via: 'GRAPHQL' });
    });
  }

  /** Leaver: checks people:manage; revokes all access through the request engine, deactivates; audited. */
  async terminateUser(id: string, reason?: string | null): Promise<User> {
    authorize(this.scope.viewer, 'people:manage');
    return this.scope.transaction(async (em) => {
      const user = await this.find(em, id);
      if (user.login === this.actor) throw new DomainError('FORBIDDEN', 'Nobody terminates themselves', 'id');
      if (user.terminatedAt) throw conflict(`${user.login} was terminated on ${user.terminatedAt.toISOString()}`, 'id');
      await this.leaveIn(em, user, reason ?? null, { via: 'GRAPHQL' });
      return user;
    });
  }

  /** Names who is authoritative for the workspace's people (ORG_ADMIN); audited. */
  async setAuthoritativeSource(source: AuthoritativeSource): Promise<AuthoritativeSource> {
    authorize(this.scope.viewer, 'people:manage');
    return this.scope.transaction(async (em) => {
      const workspace = await em.findOneOrFail(Workspace, this.ws);
      const before = workspace.authoritativeSource;
      workspace.authoritativeSource = source;
      audit(
        em,
        this.scope.viewer,
        { action: 'workspace.authoritativeSource.set', entityType: 'Workspace', entityId: this.ws, before: { source: before }, after: { source } },
        this.scope.requestId,
      );
      return source;
    });
  }

  async authoritativeSource(em: EntityManager = this.scope.em): Promise<AuthoritativeSource> {
    authorize(this.scope.viewer, 'catalog:read');
    return (await em.findOneOrFail(Workspace, this.ws)).authoritativeSource;
  }

  private async find(em: EntityManager, id: string): Promise<User> {
    const user = isId(id) ? await em.findOne(User, { id, workspace: this.ws }) : null;
    if (!user) throw notFound('User', id, 'id');
    return user;
  }

  private provisioning(em: EntityManager): Provisioning {
    return new Provisioning(em, this.scope.viewer, this.scope.requestId);
  }

  /** Joiner inside the caller's transaction; errors name `prefix` + the field. */
  async joinIn(em: EntityManager, input: NewPerson, prefix: string, origin: LifecycleOrigin): Promise<User> {
    const login = input.login?.trim() ?? '';
    if (!login) throw badInput(`${prefix}login`, 'A person needs a login');
    if (!LOGIN.test(login)) throw badInput(`${prefix}login`, 'A login is letters, digits and . _ @ + - (starting with a letter or digit)');
    if (await em.count(User, { workspace: this.ws, login })) throw conflict(`A person with the login "${login}" exists already`, `${prefix}login`);
    const changes = await this.checked(em, input, prefix, login);
    const displayName = changes.displayName || [changes.firstName, changes.lastName].filter(Boolean).join(' ') || login;
    const user = em.create(User, { workspace: em.getReference(Workspace, this.ws), ...changes, login, displayName, status: changes.status ?? 'Active' });
    await em.flush();
    audit(
      em,
      this.scope.viewer,
      { action: 'user.create', entityType: 'User', entityId: user.id, after: { login, ...changes, displayName, status: user.status, ...origin }, actorLogin: this.actor },
      this.scope.requestId,
    );
    await this.provisioning(em).syncRuleMemberships(this.ws, { userIds: [user.id] }, this.actor, { lifecycle: 'joiner', ...origin });
    return user;
  }

  /**
   * Mover inside the caller's transaction: applies the changed attributes (a terminated person
   * given status `Active` is rehired) and re-evaluates the rules for them. Unchanged input
   * writes nothing.
   */
  async moveIn(em: EntityManager, user: User, input: PersonChanges, prefix: string, origin: LifecycleOrigin): Promise<User> {
    const changes = await this.checked(em, input, prefix, user.login);
    const record = user as unknown as Record<string, unknown>;
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(changes)) {
      if ((record[key] ?? null) === (value ?? null)) continue;
      before[key] = record[key] ?? null;
      after[key] = value ?? null;
    }
    const rehire = !!user.terminatedAt && after.status === 'Active';
    if (Object.keys(after).length === 0) return user;
    Object.assign(user, after);
    if (rehire) user.terminatedAt = null;
    await em.flush();
    audit(
      em,
      this.scope.viewer,
      { action: rehire ? 'user.rehire' : 'user.update', entityType: 'User', entityId: user.id, before, after: { ...after, ...origin }, actorLogin: this.actor },
      this.scope.requestId,
    );
    await this.provisioning(em).syncRuleMemberships(this.ws, { userIds: [user.id] }, this.actor, { lifecycle: rehire ? 'rehire' : 'mover', ...origin });
    return user;
  }

  /**
   * Leaver inside the caller's transaction. Open requests for the person are cancelled; each
   * role granted by request, then each active account (with every entitlement on it), is
   * revoked by a revoke request without approval stages (workflow `Leaver`), fulfilled at once
   * on Connected applications and by a fulfilment task on Disconnected ones; memberships of
   * every other source (rule, SCIM, reconciliation) end, their entitlements revoked. The person
   * becomes `Inactive` with `terminatedAt`. One `user.terminate` event sums it up.
   */
  async leaveIn(em: EntityManager, user: User, reason: string | null, origin: LifecycleOrigin): Promise<void> {
    const requester = this.actor ?? SYSTEM_PERPETRATOR;
    const justification = reason ? `Leaver: ${reason}` : 'Leaver';
    const before = { status: user.status, terminatedAt: null };
    const cancelled = await this.requests.cancelOpenRequestsFor(em, user, requester, justification);
    user.status = 'Inactive';
    user.terminatedAt = new Date();
    await em.flush();

    const revoke = (entityType: RequestEntityType, entityId: string, title: string) =>
      this.requests.submitSystemRevoke(em, {
        beneficiary: user,
        entityType,
        entityId,
        title,
        requesterLogin: requester,
        justification,
        workflowName: LEAVER_WORKFLOW,
        payload: { lifecycle: 'leaver', ...origin },
      });
    const requests: string[] = [];
    const requested = await em.find(RoleMember, { user, source: 'REQUEST' }, { populate: ['role'], orderBy: { id: 'asc' } });
    for (const m of requested) requests.push((await revoke(RequestEntityType.ROLE, m.role.id, m.role.displayName)).requestId);

    const accounts = await em.find(UserAccount, { user, status: { $nin: ['Revoked', 'Deprovisioned'] } }, { populate: ['targetSystem'], orderBy: { id: 'asc' } });
    for (const a of accounts) requests.push((await revoke(RequestEntityType.TARGET_SYSTEM, a.targetSystem.id, a.targetSystem.displayName)).requestId);

    // The accounts are gone, so the memberships left end without anything left to revoke.
    const provisioning = this.provisioning(em);
    const context = { lifecycle: 'leaver', ...origin };
    await provisioning.syncRuleMemberships(this.ws, { userIds: [user.id] }, this.actor, context);
    const others = await em.find(RoleMember, { user }, { orderBy: { id: 'asc' } });
    for (const m of others) await provisioning.removeMembership(user, m.role.id, m.source, this.actor, context);

    audit(
      em,
      this.scope.viewer,
      {
        action: 'user.terminate',
        entityType: 'User',
        entityId: user.id,
        before,
        after: { status: user.status, terminatedAt: user.terminatedAt.toISOString(), reason, cancelledRequests: cancelled, revokeRequests: requests, ...origin },
        actorLogin: this.actor,
      },
      this.scope.requestId,
    );
  }

  /** Checks a change of attributes; returns the attributes given, trimmed (blank ones null). */
  private async checked(em: EntityManager, input: PersonChanges, prefix: string, login: string): Promise<PersonChanges> {
    const out: PersonChanges = {};
    for (const key of PERSON_ATTRIBUTES) {
      if (input[key] === undefined) continue;
      const value = input[key] === null ? null : String(input[key]).trim() || null;
      out[key] = value;
    }
    if ('displayName' in out && !out.displayName) throw badInput(`${prefix}displayName`, 'A display name cannot be blank');
    if ('status' in out && !PERSON_STATUSES.includes(out.status ?? '')) {
      throw badInput(`${prefix}status`, `status must be one of ${PERSON_STATUSES.join(', ')}; to end someone's employment use terminateUser`);
    }
    if (out.email && !EMAIL.test(out.email)) throw badInput(`${prefix}email`, `"${out.email}" is not an e-mail address`);
    if (out.managerLogin) {
      if (out.managerLogin === login) throw badInput(`${prefix}managerLogin`, 'A person cannot be their own manager');
      const manager = await em.findOne(User, { workspace: this.ws, login: out.managerLogin });
      if (!manager) throw notFound('User', out.managerLogin, `${prefix}managerLogin`);
    }
    return out;
  }
}
