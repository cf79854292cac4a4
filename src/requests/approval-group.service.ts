import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import { authorize } from '../auth/viewer.js';
import { audit } from '../audit/audit.service.js';
import { badInput, conflict, notFound } from '../errors.js';
import { isId } from '../common/ids.js';
import { pageRequest } from '../common/pagination.js';
import { containsFilter, paginate } from '../common/keyset.js';
import { User } from '../governance/user.entity.js';
import { ApprovalGroup, ApprovalGroupMember } from './approval-group.entity.js';

/** Approval groups (approver1..3 and performers) and their members. */
export class ApprovalGroupService {
  constructor(private readonly scope: RequestScope) {}

  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  async approvalGroups(args: { name?: string | null; first?: number | null; after?: string | null }) {
    authorize(this.scope.viewer, 'catalog:read');
    const page = pageRequest(args, this.scope.config);
    const where = (): FilterQuery<ApprovalGroup> => ({ workspace: this.ws, ...(args.name ? containsFilter('name', args.name, 'name') : {}) }) as FilterQuery<ApprovalGroup>;
    return paginate(this.scope.em, ApprovalGroup, where, page, 'name');
  }

  /** Creates a group with its members. Checks the name is free and every login exists; audits. */
  async createApprovalGroup(input: { name: string; description?: string | null; escalationAssignee?: string | null; memberLogins: string[] }): Promise<ApprovalGroup> {
    authorize(this.scope.viewer, 'catalog:operate');
    const name = input.name?.trim();
    if (!name) throw badInput('input.name', 'name is required');
    return this.scope.transaction(async (em) => {
      if (await em.count(ApprovalGroup, { workspace: this.ws, name })) throw conflict(`An approval group named "${name}" exists already`, 'input.name');
      if (input.escalationAssignee && !(await em.count(User, { workspace: this.ws, login: input.escalationAssignee }))) {
        throw notFound('User', input.escalationAssignee, 'input.escalationAssignee');
      }
      const group = em.create(ApprovalGroup, { workspace: this.ws, name, description: input.description ?? null, escalationAssignee: input.escalationAssignee ?? null });
      const members = await this.members(em, input.memberLogins, 'input.memberLogins');
      for (const user of members) em.create(ApprovalGroupMember, { group, user });
      audit(
        em,
        this.scope.viewer,
        { action: 'approvalGroup.create', entityType: 'ApprovalGroup', entityId: group.id, after: { name, members: members.map((m) => m.login) } },
        this.scope.requestId,
      );
      return group;
    });
  }

  /** Replaces a group's members. Checks every login exists; audits the before and after lists. */
  async setApprovalGroupMembers(groupId: string, memberLogins: string[]): Promise<ApprovalGroup> {
    authorize(this.scope.viewer, 'catalog:operate');
    return this.scope.transaction(async (em) => {
      const group = isId(groupId) ? await em.findOne(ApprovalGroup, { id: groupId, workspace: this.ws }) : null;
      if (!group) throw notFound('ApprovalGroup', groupId, 'groupId');
      const before = (await em.find(ApprovalGroupMember, { group }, { populate: ['user'] })).map((m) => m.user.login).sort();
      const members = await this.members(em, memberLogins, 'memberLogins');
      await em.nativeDelete(ApprovalGroupMember, { group });
      for (const user of members) em.create(ApprovalGroupMember, { group, user });
      audit(
        em,
        this.scope.viewer,
        {
          action: 'approvalGroup.members.set',
          entityType: 'ApprovalGroup',
          entityId: group.id,
          before: { members: before },
          after: { members: members.map((m) => m.login).sort() },
        },
        this.scope.requestId,
      );
      return group;
    });
  }

  private async members(em: EntityManager, logins: string[], field: string): Promise<User[]> {
    const unique = [...new Set(logins)];
    const users = await em.find(User, { workspace: this.ws, login: { $in: unique } });
    const found = new Set(users.map((u) => u.login));
    unique.forEach((login) => {
      if (!found.has(login)) throw notFound('User', login, `${field}.${logins.indexOf(login)}`);
    });
    return users;
  }
}
