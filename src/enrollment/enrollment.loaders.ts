import type { EntityManager } from '@mikro-orm/core';
import { groupedByKey, LoaderRegistry, rowsByKey } from '../graph/loader-kit.js';
import { EnrollmentAutomation } from './enrollment-automation.entity.js';

/** Enrollment automation reads and edges, one SQL statement per batch. */
export class EnrollmentLoaders extends LoaderRegistry {
  constructor(
    private readonly em: EntityManager,
    private readonly workspaceId: string,
  ) {
    super();
  }

  get automation() {
    return this.get('automation', () => rowsByKey(this.em, EnrollmentAutomation, this.workspaceId));
  }

  /** Each person's enrollment automations, running or stopped, oldest first. */
  get automationsOfUser() {
    return this.get('automationsOfUser', () =>
      groupedByKey<string, EnrollmentAutomation>(async (userIds) => {
        const rows = await this.em.find(
          EnrollmentAutomation,
          { workspace: this.workspaceId, userIdentity: { $in: [...userIds] } },
          { orderBy: { userIdentity: 'asc', createdAt: 'asc', id: 'asc' } },
        );
        return rows.map((r) => [r.userIdentity.id, r] as [string, EnrollmentAutomation]);
      }),
    );
  }
}
