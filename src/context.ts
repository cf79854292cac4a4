import type { EntityManager } from '@mikro-orm/core';
import type { Config } from './config.js';
import type { Viewer } from './auth/viewer.js';
import { GovernanceLoaders } from './governance/governance.loaders.js';
import { CatalogService } from './governance/catalog.service.js';
import { ReconciliationLoaders } from './reconciliation/reconciliation.loaders.js';
import { ReconciliationService } from './reconciliation/reconciliation.service.js';

/** Everything one request works with: built once per request, never shared. */
export class Context {
  readonly loaders: GovernanceLoaders;
  private catalogService?: CatalogService;
  private reconciliationService?: ReconciliationService;
  private reconciliationLoaderSet?: ReconciliationLoaders;

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

  get reconciliation(): ReconciliationService {
    return (this.reconciliationService ??= new ReconciliationService(this));
  }

  get reconciliationLoaders(): ReconciliationLoaders {
    return (this.reconciliationLoaderSet ??= new ReconciliationLoaders(this.em, this.viewer.workspaceId));
  }

  /**
   * Runs a mutation as one transaction; on success the request's loaders forget what they
   * read, so the mutation's payload and later fields see the new state.
   */
  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.em.transactional(work);
    this.loaders.clearAll();
    this.reconciliationLoaderSet?.clearAll();
    return result;
  }
}
