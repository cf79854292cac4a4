import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import { periodOf, REPEAT_FORMS } from '../common/repeat.js';
import type { CertificationLoaders } from './certifications.loaders.js';
import { authorize } from '../auth/viewer.js';
import { audit } from '../audit/audit.service.js';
import { badInput, conflict, notFound } from '../errors.js';
import { isId } from '../common/ids.js';
import { pageRequest } from '../common/pagination.js';
import { paginate } from '../common/keyset.js';
import { User } from '../governance/user.entity.js';
import { Role } from '../governance/role.entity.js';
import { Entitlement } from '../governance/entitlement.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { compileRule } from '../governance/rules.js';
import { Certification, type SelectedResource } from './certification.entity.js';
import {
  AlternateCertifier,
  ApproverType,
  CertificationDurationType,
  CertificationStatus,
  CertificationType,
  CertifierType,
  ResourceCollection,
  UserCertificationBy,
} from './certification.enums.js';
import { RESOURCE_RULE_ATTRIBUTES } from './scope.js';

/** The fields of Certification Create (seed 002), as the GraphQL input carries them. */
export interface CertificationInput {
  name: string;
  searchTags?: string | null;
  description: string;
  type: CertificationType;
  approverType: ApproverType;
  workflowName: string;
  workflowDescription?: string | null;
  approver?: string | null;
  approverRole?: string | null;
  status?: CertificationStatus | null;
  highRiskUsers?: boolean | null;
  userCertificationBy: UserCertificationBy;
  userQuery?: string | null;
  displayUserQuery?: string | null;
  users?: string[] | null;
  highRiskResources?: boolean | null;
  certificationBy?: string | null;
  onlySelected?: boolean | null;
  resourceQuery?: string | null;
  resources?: SelectedResource[] | null;
  certifierType: CertifierType;
  certifier?: string | null;
  certifierDisplayName?: string | null;
  certifierRole?: string | null;
  repeat: string;
  commentsOnCertify?: boolean | null;
  commentsOnRevoke?: boolean | null;
  reassignment?: boolean | null;
  selfCertification?: boolean | null;
  automaticEscalation?: boolean | null;
  certificationReminderEmail?: boolean | null;
  alternateCertifier: AlternateCertifier;
  alternateCertifierUser?: string | null;
  alternateCertifierRole?: string | null;
  triggerCondition?: string | null;
  certificationDurationType?: CertificationDurationType | null;
  certificationDuration?: number | null;
}

/** A run lasts this long when the definition gives no duration (the request engine's task expiry). */
export const DEFAULT_DURATION = { certificationDuration: 15, certificationDurationType: CertificationDurationType.DAYS };

export const resourceVocabulary = { noun: 'resource attribute', attributes: RESOURCE_RULE_ATTRIBUTES };

const COLLECTIONS: Record<ResourceCollection, EntityClass<{ id: string; displayName: string }>> = {
  [ResourceCollection.ROLE]: Role,
  [ResourceCollection.ENTITLEMENT]: Entitlement,
  [ResourceCollection.TARGET_SYSTEM]: TargetSystem,
};

/** Certification definitions: creation with the seed's conditional rules, activation, reads. */
export class CertificationService {
  constructor(
    private readonly scope: RequestScope,
    private readonly loaders: CertificationLoaders,
  ) {}

  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  /**
   * Creates a certification definition (seed: Certification Create). Checks the required texts
   * are non-empty and the name unused, then each conditional rule: approverType User needs an
   * approver user, Role an approver role, None neither; userCertificationBy query needs a valid
   * userQuery (the role rule language), name the selected users; a Resource Assignment review
   * or onlySelected needs resources (selected, or a valid resourceQuery); certifierType User
   * needs a certifier user, Role a certifier role; the alternate certifier User or Role needs
   * its user or role; the duration is whole and positive. Writes the definition (status Draft
   * unless given, createdBy the calling key) and a `certification.create` audit event.
   */
  async createCertification(input: CertificationInput): Promise<Certification> {
    authorize(this.scope.viewer, 'certifications:manage');
    return this.scope.transaction(async (em) => {
      const text = (field: keyof CertificationInput) => {
        const value = (input[field] as string | null | undefined)?.trim();
        if (!value) throw badInput(`input.${field}`, `${field} is required and may not be empty`);
        return value;
      };
      const name = text('name');
      const description = text('description');
      const workflowName = text('workflowName');
      const repeat = text('repeat');
      if (periodOf(repeat) === undefined) throw badInput('input.repeat', `repeat must be one of: ${REPEAT_FORMS}; got ${JSON.stringify(repeat)}`);
      if (await em.count(Certification, { workspace: this.ws, name })) throw conflict(`A certification named "${name}" exists already`, 'input.name');

      const approver = await this.approver(em, input);
      const selection = await this.userSelection(em, input);
      const resources = await this.resourceSelection(em, input);
      const certifier = await this.certifier(em, input);
      const alternate = await this.alternate(em, input);
      const duration = this.duration(input);

      const certification = em.create(Certification, {
        workspace: this.ws,
        name,
        searchTags: input.searchTags ?? null,
        description,
        type: input.type,
        approverType: input.approverType,
        workflowName,
        workflowDescription: input.workflowDescription ?? null,
        ...approver,
        status: input.status ?? CertificationStatus.DRAFT,
        highRiskUsers: input.highRiskUsers ?? false,
        userCertificationBy: input.userCertificationBy,
        ...selection,
        displayUserQuery: input.displayUserQuery ?? null,
        highRiskResources: input.highRiskResources ?? false,
        certificationBy: input.certificationBy ?? null,
        onlySelected: input.onlySelected ?? false,
        ...resources,
        certifierType: input.certifierType,
        ...certifier,
        repeat,
        commentsOnCertify: input.commentsOnCertify ?? false,
        commentsOnRevoke: input.commentsOnRevoke ?? false,
        reassignment: input.reassignment ?? false,
        selfCertification: input.selfCertification ?? false,
        automaticEscalation: input.automaticEscalation ?? false,
        certificationReminderEmail: input.certificationReminderEmail ?? false,
        alternateCertifier: input.alternateCertifier,
        ...alternate,
        triggerCondition: input.triggerCondition ?? null,
        ...duration,
        createdBy: this.scope.viewer.apiKeyName,
      });
      audit(
        em,
        this.scope.viewer,
        { action: 'certification.create', entityType: 'Certification', entityId: certification.id, after: { name, type: input.type, status: certification.status } },
        this.scope.requestId,
      );
      return certification;
    });
  }

  /** An active user's login, or NOT_FOUND on `field`. */
  private async person(em: EntityManager, login: string, field: string): Promise<User> {
    const user = await em.findOne(User, { workspace: this.ws, login });
    if (!user) throw notFound('User', login, field);
    if (user.status !== 'Active') throw badInput(field, `${user.displayName} is ${user.status}; only active users can take part in a certification`);
    return user;
  }

  private async role(em: EntityManager, id: string, field: string): Promise<Role> {
    const role = isId(id) ? await em.findOne(Role, { workspace: this.ws, id }) : null;
    if (!role) throw notFound('Role', id, field);
    return role;
  }

  private async approver(em: EntityManager, input: CertificationInput) {
    if (input.approverType === ApproverType.USER) {
      if (!input.approver) throw badInput('input.approver', 'approverType User needs an approver: the login of the user who will approve the certification');
      await this.person(em, input.approver, 'input.approver');
      return { approver: input.approver, approverRole: null };
    }
    if (input.approverType === ApproverType.ROLE) {
      if (!input.approverRole) throw badInput('input.approverRole', 'approverType Role needs approverRole: the id of the role whose members approve');
      await this.role(em, input.approverRole, 'input.approverRole');
      return { approver: null, approverRole: input.approverRole };
    }
    if (input.approver) throw badInput('input.approver', 'approverType None takes no approver');
    if (input.approverRole) throw badInput('input.approverRole', 'approverType None takes no approver role');
    return { approver: null, approverRole: null };
  }

  private async userSelection(em: EntityManager, input: CertificationInput) {
    if (input.userCertificationBy === UserCertificationBy.QUERY) {
      if (!input.userQuery?.trim()) throw badInput('input.userQuery', 'userCertificationBy query needs a userQuery, e.g. {"$and":[{"status":"Active"}]}');
      if (!compileRule(input.userQuery, 'input.userQuery')) throw badInput('input.userQuery', 'The userQuery selects nobody by itself: give at least one condition');
      if (input.users?.length) throw badInput('input.users', 'Users are selected by query; leave users empty');
      return { userQuery: input.userQuery.trim(), users: null };
    }
    const logins = [...new Set(input.users ?? [])];
    if (logins.length === 0) throw badInput('input.users', 'userCertificationBy name needs the logins of the selected users');
    if (input.userQuery?.trim()) throw badInput('input.userQuery', 'Users are selected by name; leave userQuery empty');
    const found = new Set((await em.find(User, { workspace: this.ws, login: { $in: logins } }, { fields: ['login'] })).map((u) => u.login));
    (input.users ?? []).forEach((login, i) => {
      if (!found.has(login)) throw notFound('User', login, `input.users.${i}`);
    });
    return { userQuery: null, users: logins };
  }

  /**
   * Resources are picked by selection (`resources`) or by `resourceQuery`. With a selection the
   * query is kept as the text describing it (the seed sends both); without one, it must be a
   * valid rule over resource attributes.
   */
  private async resourceSelection(em: EntityManager, input: CertificationInput) {
    const selected = input.resources ?? [];
    for (const [i, resource] of selected.entries()) {
      const entity = COLLECTIONS[resource.collection];
      const found = isId(resource.id) ? await em.count(entity, { workspace: this.ws, id: resource.id } as FilterQuery<{ id: string; displayName: string }>) : 0;
      if (!found) throw notFound(resource.collection, resource.id, `input.resources.${i}.id`);
    }
    const query = input.resourceQuery?.trim() || null;
    if (selected.length === 0 && query && !compileRule(query, 'input.resourceQuery', resourceVocabulary)) {
      throw badInput('input.resourceQuery', 'The resourceQuery selects nothing by itself: give at least one condition');
    }
    const needed = input.type === CertificationType.RESOURCE_ASSIGNMENT || input.onlySelected;
    if (needed && selected.length === 0 && !query) {
      const why = input.type === CertificationType.RESOURCE_ASSIGNMENT ? 'A Resource Assignment certification' : 'onlySelected';
      throw badInput('input.resources', `${why} needs resources: select them in resources or describe them in resourceQuery`);
    }
    return { resources: selected.length ? selected.map((r) => ({ id: r.id, collection: r.collection })) : null, resourceQuery: query };
  }

  private async certifier(em: EntityManager, input: CertificationInput) {
    if (input.certifierType === CertifierType.USER) {
      if (!input.certifier) throw badInput('input.certifier', 'certifierType User needs a certifier: the login of the user who certifies');
      const user = await this.person(em, input.certifier, 'input.certifier');
      return { certifier: user.login, certifierDisplayName: input.certifierDisplayName ?? user.displayName, certifierRole: null };
    }
    if (input.certifierType === CertifierType.ROLE) {
      if (!input.certifierRole) throw badInput('input.certifierRole', 'certifierType Role needs certifierRole: the id of the role whose members certify');
      await this.role(em, input.certifierRole, 'input.certifierRole');
      return { certifier: null, certifierDisplayName: null, certifierRole: input.certifierRole };
    }
    if (input.certifier) throw badInput('input.certifier', `certifierType ${input.certifierType} resolves the certifier per item; leave certifier empty`);
    return { certifier: null, certifierDisplayName: null, certifierRole: null };
  }

  private async alternate(em: EntityManager, input: CertificationInput) {
    if (input.alternateCertifier === AlternateCertifier.USER) {
      if (!input.alternateCertifierUser)
        throw badInput('input.alternateCertifierUser', 'alternateCertifier User needs alternateCertifierUser: the login of the alternate certifier');
      await this.person(em, input.alternateCertifierUser, 'input.alternateCertifierUser');
      return { alternateCertifierUser: input.alternateCertifierUser, alternateCertifierRole: null };
    }
    if (input.alternateCertifier === AlternateCertifier.ROLE) {
      if (!input.alternateCertifierRole)
        throw badInput('input.alternateCertifierRole', 'alternateCertifier Role needs alternateCertifierRole: the id of the role whose member certifies');
      await this.role(em, input.alternateCertifierRole, 'input.alternateCertifierRole');
      return { alternateCertifierUser: null, alternateCertifierRole: input.alternateCertifierRole };
    }
    return { alternateCertifierUser: null, alternateCertifierRole: null };
  }

  private duration(input: CertificationInput) {
    const { certificationDuration: n, certificationDurationType: unit } = input;
    if (n == null && unit == null) return DEFAULT_DURATION;
    if (n == null) throw badInput('input.certificationDuration', 'certificationDurationType needs a certificationDuration');
    if (!Number.isInteger(n) || n < 1) throw badInput('input.certificationDuration', 'certificationDuration must be a whole number of at least 1');
    return { certificationDuration: n, certificationDurationType: unit ?? CertificationDurationType.DAYS };
  }

  /** Makes a Draft definition Active, so it can run. Writes the status and an audit event. */
  async activateCertification(id: string): Promise<Certification> {
    authorize(this.scope.viewer, 'certifications:manage');
    return this.scope.transaction(async (em) => {
      const certification = isId(id) ? await em.findOne(Certification, { id, workspace: this.ws }) : null;
      if (!certification) throw notFound('Certification', id, 'id');
      if (certification.status === CertificationStatus.ACTIVE) throw conflict(`Certification "${certification.name}" is Active already`, 'id');
      certification.status = CertificationStatus.ACTIVE;
      audit(
        em,
        this.scope.viewer,
        {
          action: 'certification.activate',
          entityType: 'Certification',
          entityId: id,
          before: { status: CertificationStatus.DRAFT },
          after: { status: CertificationStatus.ACTIVE },
        },
        this.scope.requestId,
      );
      return certification;
    });
  }

  /** Definitions newest first (seed: Certification Fetch), by status. */
  async certifications(args: { status?: CertificationStatus | null; first?: number | null; after?: string | null }) {
    authorize(this.scope.viewer, 'certifications:read');
    const page = pageRequest(args, this.scope.config);
    const where = (): FilterQuery<Certification> => (args.status ? { workspace: this.ws, status: args.status } : { workspace: this.ws });
    return paginate(this.scope.em, Certification, where, page, 'id', 'desc');
  }

  /** One definition; another workspace's is null. */
  async certification(id: string): Promise<Certification | null> {
    authorize(this.scope.viewer, 'certifications:read');
    return isId(id) ? this.loaders.certification.load(id) : null;
  }
}
