import type { EntityManager } from '@mikro-orm/core';
import type { Config } from './config.js';
import type { Viewer } from './auth/viewer.js';
import type { LoaderRegistry } from './common/loader-kit.js';
import { can } from './auth/viewer.js';
import type { Action } from './auth/authorities.js';
import { EdgeLoaders } from './graph/edge-loaders.js';
import { nodeTypeLoader } from './graph/node.js';
import type DataLoader from 'dataloader';
import { GovernanceLoaders } from './governance/governance.loaders.js';
import { CatalogService } from './governance/catalog.service.js';
import { ProfileLoaders } from './profiles/profiles.loaders.js';
import { IdentityProfileService } from './profiles/identity-profile.service.js';
import { EnrollmentLoaders } from './enrollment/enrollment.loaders.js';
import { EnrollmentAutomationService } from './enrollment/enrollment-automation.service.js';
import { ScimLoaders } from './scim/scim.loaders.js';
import { ScimService } from './scim/scim.service.js';
import { ScimGroupService } from './scim/scim-group.service.js';
import { ReconciliationLoaders } from './reconciliation/reconciliation.loaders.js';
import { ReconciliationService } from './reconciliation/reconciliation.service.js';
import { RequestLoaders } from './requests/requests.loaders.js';
import { RequestService } from './requests/request.service.js';
import { TaskService } from './requests/task.service.js';
import { ApprovalGroupService } from './requests/approval-group.service.js';
import { CertificationLoaders } from './certifications/certifications.loaders.js';
import { CertificationService } from './certifications/certification.service.js';
import { CampaignService } from './certifications/campaign.service.js';

/** Everything one request works with: built once per request, never shared. */
export class Context {
  readonly loaders: GovernanceLoaders;
  /** The loaders the read graph's edges derive (src/graph). */
  readonly graph: EdgeLoaders;
  private readonly allowed = new Map<Action, boolean>();
  private nodeTypeSet?: DataLoader<string, string | null>;
  /** Every loader registry built for this request, so a write can make them all forget. */
  private readonly registries: Array<Pick<LoaderRegistry, 'clearAll'>> = [];
  private catalogService?: CatalogService;
  private profileService?: IdentityProfileService;
  private enrollmentService?: EnrollmentAutomationService;
  private profileLoaderSet?: ProfileLoaders;
  private enrollmentLoaderSet?: EnrollmentLoaders;
  private scimLoaderSet?: ScimLoaders;
  private scimService?: ScimService;
  private scimGroupService?: ScimGroupService;
  private reconciliationService?: ReconciliationService;
  private reconciliationLoaderSet?: ReconciliationLoaders;
  private requestLoaderSet?: RequestLoaders;
  private requestService?: RequestService;
  private taskService?: TaskService;
  private approvalGroupService?: ApprovalGroupService;
  private certificationLoaderSet?: CertificationLoaders;
  private certificationService?: CertificationService;
  private campaignService?: CampaignService;

  constructor(
    readonly requestId: string,
    readonly viewer: Viewer,
    /** A fork of the ORM's EntityManager: its own identity map and unit of work. */
    readonly em: EntityManager,
    readonly config: Config,
  ) {
    this.loaders = this.registered(new GovernanceLoaders(em, viewer.workspaceId));
    this.graph = this.registered(new EdgeLoaders(em, viewer.workspaceId));
  }

  /** Which node type each id is (see graph/node.ts). */
  get nodeTypes(): DataLoader<string, string | null> {
    return (this.nodeTypeSet ??= this.registered(nodeTypeLoader(this)));
  }

  /** Whether the caller may perform an action (asked once per request and action). */
  may(action: Action): boolean {
    let allowed = this.allowed.get(action);
    if (allowed === undefined) this.allowed.set(action, (allowed = can(this.viewer, action)));
    return allowed;
  }

  get catalog(): CatalogService {
    return (this.catalogService ??= new CatalogService(this));
  }

  get profiles(): IdentityProfileService {
    return (this.profileService ??= new IdentityProfileService(this));
  }

  get enrollment(): EnrollmentAutomationService {
    return (this.enrollmentService ??= new EnrollmentAutomationService(this));
  }

  get profileLoaders(): ProfileLoaders {
    return (this.profileLoaderSet ??= this.registered(new ProfileLoaders(this.em, this.viewer.workspaceId)));
  }

  get enrollmentLoaders(): EnrollmentLoaders {
    return (this.enrollmentLoaderSet ??= this.registered(new EnrollmentLoaders(this.em, this.viewer.workspaceId)));
  }

  get scimLoaders(): ScimLoaders {
    return (this.scimLoaderSet ??= this.registered(new ScimLoaders(this.em, this.viewer.workspaceId)));
  }

  get scim(): ScimService {
    return (this.scimService ??= new ScimService(this));
  }

  get scimGroups(): ScimGroupService {
    return (this.scimGroupService ??= new ScimGroupService(this));
  }

  get reconciliation(): ReconciliationService {
    return (this.reconciliationService ??= new ReconciliationService(this));
  }

  get reconciliationLoaders(): ReconciliationLoaders {
    return (this.reconciliationLoaderSet ??= this.registered(new ReconciliationLoaders(this.em, this.viewer.workspaceId)));
  }

  get requestLoaders(): RequestLoaders {
    return (this.requestLoaderSet ??= this.registered(new RequestLoaders(this.em, this.viewer.workspaceId)));
  }

  get requests(): RequestService {
    return (this.requestService ??= new RequestService(this));
  }

  get tasks(): TaskService {
    return (this.taskService ??= new TaskService(this));
  }

  get approvalGroups(): ApprovalGroupService {
    return (this.approvalGroupService ??= new ApprovalGroupService(this));
  }

  get certificationLoaders(): CertificationLoaders {
    return (this.certificationLoaderSet ??= this.registered(new CertificationLoaders(this.em, this.viewer.workspaceId)));
  }

  get certifications(): CertificationService {
    return (this.certificationService ??= new CertificationService(this));
  }

  get campaigns(): CampaignService {
    return (this.campaignService ??= new CampaignService(this));
  }

  private registered<T extends Pick<LoaderRegistry, 'clearAll'>>(registry: T): T {
    this.registries.push(registry);
    return registry;
  }

  /**
   * Runs a mutation as one transaction; on success the request's loaders forget what they
   * read, so the mutation's payload and later fields see the new state.
   */
  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.em.transactional(work);
    for (const registry of this.registries) registry.clearAll();
    return result;
  }
}
