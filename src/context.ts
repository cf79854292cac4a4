import type { EntityManager } from '@mikro-orm/core';
import type { Config } from './config.js';
import type { Viewer } from './auth/viewer.js';
import { GovernanceLoaders } from './governance/governance.loaders.js';
import { CatalogService } from './governance/catalog.service.js';
import { RequestLoaders } from './requests/requests.loaders.js';
import { RequestService } from './requests/request.service.js';
import { TaskService } from './requests/task.service.js';
import { ApprovalGroupService } from './requests/approval-group.service.js';

/** Everything one request works with: built once per request, never shared. */
export class Context {
  readonly loaders: GovernanceLoaders;
  private catalogService?: CatalogService;
  private requestLoaderSet?: RequestLoaders;
  private requestService?: RequestService;
  private taskService?: TaskService;
  private approvalGroupService?: ApprovalGroupService;

  constructor(
    readonly requestId: string,
    readonly viewer: Viewer,
    /** A fork of the ORM's EntityManager: its own identity map and unit of work. */
    readonly em: EntityManager,
    readonly config: Config,
  ) {
    this.loaders = new GovernanceLoaders(em, viewer.workspaceId);
  }

  get catalog(): CatalogService {
    return (this.catalogService ??= new CatalogService(this));
  }

  get requestLoaders(): RequestLoaders {
    return (this.requestLoaderSet ??= new RequestLoaders(this.em, this.viewer.workspaceId));
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

  /**
   * Runs a mutation as one transaction; on success the request's loaders forget what they
   * read, so the mutation's payload and later fields see the new state.
   */
  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.em.transactional(work);
    this.loaders.clearAll();
    this.requestLoaderSet?.clearAll();
    return result;
  }
}
