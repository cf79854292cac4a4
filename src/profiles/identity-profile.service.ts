import { isDeepStrictEqual } from 'node:util';
import { UniqueConstraintViolationException, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import type { ProfileLoaders } from './profiles.loaders.js';
import { authorize } from '../auth/viewer.js';
import { audit } from '../audit/audit.service.js';
import { Workspace } from '../auth/workspace.entity.js';
import { badInput, conflict, notFound } from '../errors.js';
import { isId, isUuid, requireId } from '../common/ids.js';
import { pageRequest, type ConnectionShape } from '../common/pagination.js';
import { containsFilter, paginate } from '../common/keyset.js';
import { User } from '../governance/user.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { countIdentities } from './profiles.loaders.js';
import { IdentityProfile, type IdentityAttributeConfig, type IdentityExceptionReportReference } from './identity-profile.entity.js';

export interface Reference {
  type?: string | null;
  id: string;
  name?: string | null;
}

/** The writable fields of a profile; `undefined` leaves a field as it is, `null` clears it. */
export interface ProfileInput {
  name?: string | null;
  description?: string | null;
  owner?: Reference | null;
  priority?: number | null;
  authoritativeSource?: Reference | null;
  identityRefreshRequired?: boolean | null;
  identityAttributeConfig?: {
    enabled?: boolean | null;
    attributeTransforms?: Array<{ identityAttributeName: string; transformDefinition?: { type?: string | null; attributes?: Record<string, unknown> | null } | null }> | null;
  } | null;
  identityExceptionReportReference?: { taskResultId?: string | null; reportName?: string | null } | null;
  hasTimeBasedAttr?: boolean | null;
}

export interface ProfileListArgs {
  filter?: { name?: string | null; authoritativeSourceId?: string | null; ownerId?: string | null } | null;
  sort?: { field: 'name' | 'priority' | 'created'; direction?: 'asc' | 'desc' | null } | null;
  first?: number | null;
  after?: string | null;
}

/** New profiles without a priority rank after every existing one, this far apart. */
export const PRIORITY_STEP = 10;
/**
 * The largest priority (either sign): a GraphQL Int holds ±2^31 − 1, and a new profile without
 * one ranks PRIORITY_STEP after the highest, so the numbers keep room to grow.
 */
export const MAX_PRIORITY = 1_000_000_000;
const NAME_MAX = 255;

/** SailPoint identity profiles (seed 003): reads for every reader, writes for ORG_ADMIN only. */
export class IdentityProfileService {
  constructor(
    private readonly scope: RequestScope,
    private readonly loaders: ProfileLoaders,
  ) {}

  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  /** One profile by id; null when it is not in the caller's workspace. */
  async identityProfile(id: string): Promise<IdentityProfile | null> {
    authorize(this.scope.viewer, 'identityProfiles:read');
    return isId(id) ? this.loaders.profile.load(id) : null;
  }

  /** The workspace's profiles, filtered (name contains, source, owner) and sorted, as a connection. */
  async identityProfiles(args: ProfileListArgs): Promise<ConnectionShape<IdentityProfile>> {
    authorize(this.scope.viewer, 'identityProfiles:read');
    const page = pageRequest(args, this.scope.config);
    const f = args.filter ?? {};
    const where = (): FilterQuery<IdentityProfile> => {
      const w: FilterQuery<IdentityProfile> = { workspace: this.ws };
      if (f.name) Object.assign(w, containsFilter('name', f.name, 'filter.name'));
      if (f.authoritativeSourceId) Object.assign(w, { authoritativeSource: f.authoritativeSourceId });
      if (f.ownerId) Object.assign(w, { owner: f.ownerId });
      return w;
    };
    return paginate(this.scope.em, IdentityProfile, where, page, args.sort?.field ?? 'name', args.sort?.direction ?? 'asc');
  }

  /**
   * Creates a profile (seed 003). Checks: ORG_ADMIN; name given and unique in the workspace;
   * owner an IDENTITY reference to a person of the workspace; authoritativeSource a SOURCE
   * reference to an application of the workspace; transforms and the report reference well
   * formed. Writes the profile and its audit event in one transaction.
   */
  async create(input: ProfileInput & { name: string; authoritativeSource: Reference }): Promise<IdentityProfile> {
    authorize(this.scope.viewer, 'identityProfiles:write');
    const fields = checkFields(input);
    return this.write(async (em) => {
      const refs = await this.resolveReferences(em, input);
      await this.ensureNameFree(em, fields.name!);
      const priority = fields.priority ?? (await this.nextPriority(em));
      const now = new Date();
      const profile = em.create(IdentityProfile, {
        workspace: em.getReference(Workspace, this.ws),
        name: fields.name!,
        description: fields.description ?? null,
        owner: refs.owner ?? null,
        priority,
        authoritativeSource: refs.source!,
        identityRefreshRequired: fields.identityRefreshRequired ?? false,
        identityAttributeConfig: fields.identityAttributeConfig ?? { enabled: true, attributeTransforms: [] },
        identityExceptionReportReference: fields.identityExceptionReportReference ?? null,
        hasTimeBasedAttr: fields.hasTimeBasedAttr ?? true,
        created: now,
        modified: now,
      });
      audit(em, this.scope.viewer, { action: 'identityProfile.create', entityType: 'IdentityProfile', entityId: profile.id, after: snapshot(profile) }, this.scope.requestId);
      return profile;
    });
  }

  /**
   * Changes the given fields of a profile, with the checks of `create`; `modified` moves and an
   * audit event (before/after) is written only when something changed. A profile of another
   * workspace is NOT_FOUND.
   */
  async update(id: string, input: ProfileInput): Promise<IdentityProfile> {
    authorize(this.scope.viewer, 'identityProfiles:write');
    const fields = checkFields(input, { partial: true });
    return this.write(async (em) => {
      const profile = await this.find(em, id);
      const refs = await this.resolveReferences(em, input);
      if (fields.name !== undefined && fields.name !== profile.name) await this.ensureNameFree(em, fields.name!);
      const before = snapshot(profile);
      if (fields.name !== undefined) profile.name = fields.name!;
      if (fields.description !== undefined) profile.description = fields.description;
      if (input.owner !== undefined) profile.owner = refs.owner ?? null;
      if (fields.priority !== undefined) profile.priority = fields.priority!;
      if (refs.source) profile.authoritativeSource = refs.source;
      if (fields.identityRefreshRequired !== undefined) profile.identityRefreshRequired = fields.identityRefreshRequired!;
      if (fields.identityAttributeConfig !== undefined) profile.identityAttributeConfig = fields.identityAttributeConfig!;
      if (fields.identityExceptionReportReference !== undefined) profile.identityExceptionReportReference = fields.identityExceptionReportReference;
      if (fields.hasTimeBasedAttr !== undefined) profile.hasTimeBasedAttr = fields.hasTimeBasedAttr!;
      const after = snapshot(profile);
      // Key order is not kept by every store (PostgreSQL jsonb), so compare values, not text.
      if (!isDeepStrictEqual(before, after)) {
        profile.modified = new Date();
        audit(em, this.scope.viewer, { action: 'identityProfile.update', entityType: 'IdentityProfile', entityId: profile.id, before, after }, this.scope.requestId);
      }
      return profile;
    });
  }

  /**
   * Deletes a profile. Refused (CONFLICT) while identities belong to it: people must first lose
   * their accounts on its authoritative source, or move to a profile of higher precedence.
   * Writes the deletion and its audit event in one transaction; returns the deleted id.
   */
  async delete(id: string): Promise<string> {
    authorize(this.scope.viewer, 'identityProfiles:write');
    return this.write(async (em) => {
      const profile = await this.find(em, id);
      // Counted inside the transaction, so the answer holds for what is deleted.
      const [count] = await countIdentities(em, [profile.id]);
      if (count > 0) {
        throw conflict(
          `Identity profile "${profile.name}" cannot be deleted while identities depend on it: ${count} ${count === 1 ? 'person belongs' : 'people belong'} to it through accounts on its authoritative source`,
          'id',
        );
      }
      audit(em, this.scope.viewer, { action: 'identityProfile.delete', entityType: 'IdentityProfile', entityId: profile.id, before: snapshot(profile) }, this.scope.requestId);
      em.remove(profile);
      return profile.id;
    });
  }

  private async write<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.scope.transaction(work);
    } catch (error) {
      // Two writers raced past the name check; the unique index decided.
      if (error instanceof UniqueConstraintViolationException) throw conflict('An identity profile with this name already exists in the workspace', 'input.name');
      throw error;
    }
  }

  private async find(em: EntityManager, id: string): Promise<IdentityProfile> {
    const profile = isId(id) ? await em.findOne(IdentityProfile, { id, workspace: this.ws }) : null;
    if (!profile) throw notFound('IdentityProfile', id, 'id');
    return profile;
  }

  private async ensureNameFree(em: EntityManager, name: string): Promise<void> {
    if (await em.count(IdentityProfile, { workspace: this.ws, name })) {
      throw conflict(`An identity profile named ${JSON.stringify(name)} already exists in the workspace`, 'input.name');
    }
  }

  private async nextPriority(em: EntityManager): Promise<number> {
    const [last] = await em.find(IdentityProfile, { workspace: this.ws }, { orderBy: { priority: 'desc' }, limit: 1, fields: ['priority'] });
    return last ? Math.min(last.priority + PRIORITY_STEP, MAX_PRIORITY) : PRIORITY_STEP;
  }

  /** Looks up the owner and source references in the caller's workspace (NOT_FOUND naming the field). */
  private async resolveReferences(em: EntityManager, input: ProfileInput): Promise<{ owner?: User | null; source?: TargetSystem }> {
    const out: { owner?: User | null; source?: TargetSystem } = {};
    if (input.owner) {
      out.owner = await em.findOne(User, { id: input.owner.id, workspace: this.ws });
      if (!out.owner) throw notFound('User', input.owner.id, 'input.owner.id');
    }
    if (input.authoritativeSource) {
      const source = await em.findOne(TargetSystem, { id: input.authoritativeSource.id, workspace: this.ws });
      if (!source) throw notFound('TargetSystem', input.authoritativeSource.id, 'input.authoritativeSource.id');
      out.source = source;
    }
    return out;
  }
}

type CheckedFields = Omit<ProfileInput, 'identityAttributeConfig' | 'identityExceptionReportReference' | 'owner' | 'authoritativeSource'> & {
  identityAttributeConfig?: IdentityAttributeConfig;
  identityExceptionReportReference?: IdentityExceptionReportReference | null;
};

/**
 * The checks that need no database, run before the transaction opens. Throws BAD_USER_INPUT
 * naming the field (`input.owner.type`, `input.identityAttributeConfig.attributeTransforms.1
 * .identityAttributeName`, …); returns the normalised values.
 */
export function checkFields(input: ProfileInput, options: { partial?: boolean } = {}): CheckedFields {
  const out: CheckedFields = {};
  if (options.partial) {
    for (const key of ['name', 'authoritativeSource', 'priority', 'identityRefreshRequired', 'hasTimeBasedAttr'] as const) {
      if (input[key] === null) throw badInput(`input.${key}`, `${key} cannot be cleared`);
    }
  }

  if (input.name !== undefined && input.name !== null) {
    const name = input.name.trim();
    if (!name) throw badInput('input.name', 'name must not be empty');
    if (name.length > NAME_MAX) throw badInput('input.name', `name may be at most ${NAME_MAX} characters`);
    out.name = name;
  }
  if (input.description !== undefined) out.description = input.description;
  if (input.priority !== undefined && input.priority !== null) {
    if (Math.abs(input.priority) > MAX_PRIORITY) throw badInput('input.priority', `priority must be between -${MAX_PRIORITY} and ${MAX_PRIORITY}`);
    out.priority = input.priority;
  }
  if (input.identityRefreshRequired != null) out.identityRefreshRequired = input.identityRefreshRequired;
  if (input.hasTimeBasedAttr != null) out.hasTimeBasedAttr = input.hasTimeBasedAttr;

  checkReference(input.owner, 'input.owner', 'IDENTITY');
  checkReference(input.authoritativeSource, 'input.authoritativeSource', 'SOURCE');

  const config = input.identityAttributeConfig;
  if (config !== undefined) {
    const transforms = (config?.attributeTransforms ?? []).map((t, i) => {
      const at = `input.identityAttributeConfig.attributeTransforms.${i}`;
      const name = t.identityAttributeName.trim();
      if (!name) throw badInput(`${at}.identityAttributeName`, 'identityAttributeName must not be empty');
      return {
        identityAttributeName: name,
        transformDefinition: t.transformDefinition ? { type: t.transformDefinition.type ?? null, attributes: t.transformDefinition.attributes ?? null } : null,
      };
    });
    const seen = new Set<string>();
    transforms.forEach((t, i) => {
      if (seen.has(t.identityAttributeName)) {
        throw badInput(
          `input.identityAttributeConfig.attributeTransforms.${i}.identityAttributeName`,
          `identity attribute "${t.identityAttributeName}" has more than one transform`,
        );
      }
      seen.add(t.identityAttributeName);
    });
    out.identityAttributeConfig = { enabled: config?.enabled ?? true, attributeTransforms: transforms };
  }

  const report = input.identityExceptionReportReference;
  if (report !== undefined) {
    if (report?.taskResultId != null && !isUuid(report.taskResultId)) {
      throw badInput(
        'input.identityExceptionReportReference.taskResultId',
        `taskResultId must be a uuid (e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6), got ${JSON.stringify(report.taskResultId)}`,
      );
    }
    out.identityExceptionReportReference = report ? { taskResultId: report.taskResultId?.toLowerCase() ?? null, reportName: report.reportName ?? null } : null;
  }
  return out;
}

function checkReference(ref: Reference | null | undefined, field: string, type: 'IDENTITY' | 'SOURCE'): void {
  if (!ref) return;
  if (ref.type != null && ref.type !== type) throw badInput(`${field}.type`, `${field} must be a reference of type ${type}, got ${ref.type}`);
  requireId(ref.id, `${field}.id`);
}

/** The profile's stored fields, for the audit log. */
function snapshot(p: IdentityProfile) {
  return {
    name: p.name,
    description: p.description ?? null,
    ownerId: p.owner?.id ?? null,
    priority: p.priority,
    authoritativeSourceId: p.authoritativeSource.id,
    identityRefreshRequired: p.identityRefreshRequired,
    identityAttributeConfig: p.identityAttributeConfig,
    identityExceptionReportReference: p.identityExceptionReportReference ?? null,
    hasTimeBasedAttr: p.hasTimeBasedAttr,
  };
}
