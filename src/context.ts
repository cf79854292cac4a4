import type { EntityManager } from '@mikro-orm/core';
import type { RawAnswers } from './http/raw-answers.js';
import type { Config } from './config.js';
import type { Viewer } from './auth/viewer.js';
import { can } from './auth/viewer.js';
import type { Action } from './auth/authorities.js';
import { RequestScope } from './common/request-scope.js';
import { systemClock, type Clock } from './common/clock.js';
import type { JobQueue } from './common/job-queue.js';
import { EdgeLoaders } from './graph/edge-loaders.js';
import { nodeTypeLoader } from './graph/node.js';
import type DataLoader from 'dataloader';
import { GovernanceLoaders } from './governance/governance.loaders.js';
import { CatalogService } from './governance/catalog.service.js';
import { PeopleService } from './governance/people.service.js';
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
import { JobService } from './jobs/job.service.js';

/**
 * Everything one request works with, built once per request and never shared: the composition
 * root of a request. It builds the request's scope, loaders and services and hands each service
 * what it uses; no service imports it (resolvers and the HTTP entry points do).
 */
export class Context {
  /** Who calls, the EntityManager fork, the configuration and the transaction every service shares. */
  readonly scope: RequestScope;
  readonly loaders: GovernanceLoaders;
  /** The loaders the read graph's edges derive (src/graph). */
  readonly graph: EdgeLoaders;
  /** Set by the HTTP layer: JSON texts the response carries as they are (compiled selections). */
  rawAnswers?: RawAnswers;
  private readonly allowed = new Map<Action, boolean>();
  private nodeTypeSet?: DataLoader<string, string | null>;
  private catalogService?: CatalogService;
  private peopleService?: PeopleService;
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
  private jobService?: JobService;

  constructor(
    readonly requestId: string,
    readonly viewer: Viewer,
    /** A fork of the ORM's EntityManager: its own identity map and unit of work. */
    readonly em: EntityManager,
    readonly config: Config,
    /** Aborted when the request was answered 504 while it still ran (see RequestScope.transaction). */
    signal?: AbortSignal,
    clock: Clock = systemClock,
    jobs?: JobQueue,
  ) {
    this.scope = new RequestScope(requestId, viewer, em, config, signal, clock, jobs);
    this.loaders = this.scope.clearsAfterWrites(new GovernanceLoaders(em, viewer.workspaceId));
    this.graph = this.scope.clearsAfterWrites(new EdgeLoaders(em, viewer.workspaceId));
  }

  /** Which node type each id is (see graph/node.ts). */
  get nodeTypes(): DataLoader<string, string | null> {
    return (this.nodeTypeSet ??= this.scope.clearsAfterWrites(nodeTypeLoader(this)));
  }

  /** Whether the caller may perform an action (asked once per request and action). */
  may(action: Action): boolean {
    let allowed = this.allowed.get(action);
    if (allowed === undefined) this.allowed.set(action, (allowed = can(this.viewer, action)));
    return allowed;
  }

  get catalog(): CatalogService {
    return (this.catalogService ??= new CatalogService(this.scope, this.loaders));
  }

  get people(): PeopleService {
    return (this.peopleService ??= new PeopleService(this.scope, this.requests));
  }

  get profiles(): IdentityProfileService {
    return (this.profileService ??= new IdentityProfileService(this.scope, this.profileLoaders));
  }

  get enrollment(): EnrollmentAutomationService {
    return (this.enrollmentService ??= new EnrollmentAutomationService(this.scope, this.enrollmentLoaders));
  }

  get profileLoaders(): ProfileLoaders {
    return (this.profileLoaderSet ??= this.scope.clearsAfterWrites(new ProfileLoaders(this.em, this.viewer.workspaceId)));
  }

  get enrollmentLoaders(): EnrollmentLoaders {
    return (this.enrollmentLoaderSet ??= this.scope.clearsAfterWrites(new EnrollmentLoaders(this.em, this.viewer.workspaceId)));
  }

  get scimLoaders(): ScimLoaders {
    return (this.scimLoaderSet ??= this.scope.clearsAfterWrites(new ScimLoaders(this.em, this.viewer.workspaceId)));
  }

  get scim(): ScimService {
    return (this.scimService ??= new ScimService(this.scope, this.scimLoaders, this.people));
  }

  get scimGroups(): ScimGroupService {
    return (this.scimGroupService ??= new ScimGroupService(this.scope, this.scimLoaders, this.loaders));
  }

  get reconciliation(): ReconciliationService {
    return (this.reconciliationService ??= new ReconciliationService(this.scope, this.reconciliationLoaders));
  }

  get reconciliationLoaders(): ReconciliationLoaders {
    return (this.reconciliationLoaderSet ??= this.scope.clearsAfterWrites(new ReconciliationLoaders(this.em, this.viewer.workspaceId)));
  }

  get requestLoaders(): RequestLoaders {
    return (this.requestLoaderSet ??= this.scope.clearsAfterWrites(new RequestLoaders(this.em, this.viewer.workspaceId)));
  }

  get requests(): RequestService {
    return (this.requestService ??= new RequestService(this.scope, this.requestLoaders));
  }

  get tasks(): TaskService {
    return (this.taskService ??= new TaskService(this.scope, this.requestLoaders));
  }

  get approvalGroups(): ApprovalGroupService {
    return (this.approvalGroupService ??= new ApprovalGroupService(this.scope));
  }

  get certificationLoaders(): CertificationLoaders {
    return (this.certificationLoaderSet ??= this.scope.clearsAfterWrites(new CertificationLoaders(this.em, this.viewer.workspaceId)));
  }

  get certifications(): CertificationService {
    return (this.certificationService ??= new CertificationService(this.scope, this.certificationLoaders));
  }

  get campaigns(): CampaignService {
    return (this.campaignService ??= new CampaignService(this.scope, this.certificationLoaders, this.requests));
  }

  /** The scope's transaction: one transaction, after which every loader of the request forgets. */
  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.scope.transaction(work);
  }

  get jobs(): JobService {
    return (this.jobService ??= new JobService(this.scope));
  }
}
