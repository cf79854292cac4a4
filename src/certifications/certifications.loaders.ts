import type { EntityManager } from '@mikro-orm/core';
import { LoaderRegistry, rowsByKey } from '../graph/loader-kit.js';
import { NestedConnectionLoader } from '../graph/nested-connection.js';
import { Certification } from './certification.entity.js';
import { CertificationCampaign } from './certification-campaign.entity.js';
import { CertificationTask } from './certification-task.entity.js';
import { ReviewItem } from './review-item.entity.js';

/** Certifications, campaigns, tasks and review items: one statement per batch. */
export class CertificationLoaders extends LoaderRegistry {
  constructor(
    private readonly em: EntityManager,
    private readonly workspaceId: string,
  ) {
    super();
  }

  get certification() {
    return this.get('certification', () => rowsByKey(this.em, Certification, this.workspaceId));
  }
  get campaign() {
    return this.get('campaign', () => rowsByKey(this.em, CertificationCampaign, this.workspaceId));
  }
  get task() {
    return this.get('task', () => rowsByKey(this.em, CertificationTask, this.workspaceId));
  }
  get item() {
    return this.get('item', () => rowsByKey(this.em, ReviewItem, this.workspaceId));
  }

  /** Tasks of each campaign, by certifier login. */
  get tasksOfCampaign() {
    return this.get(
      'tasksOfCampaign',
      () =>
        new NestedConnectionLoader<CertificationTask>(this.em, {
          entity: CertificationTask,
          parentColumn: 'c.campaign_id',
          sortColumn: 'c.certifier_login',
          sortProperty: 'certifierLogin',
          rows: (knex, ids) => knex.from('certification_task as c').whereIn('c.campaign_id', [...ids]),
          counts: (knex, ids) =>
            knex
              .select('campaign_id as __parent')
              .count({ n: '*' })
              .from('certification_task')
              .whereIn('campaign_id', [...ids])
              .groupBy('campaign_id'),
        }),
    );
  }

  /** Review items of each campaign, or of each task, in creation order. */
  itemsOf(parent: 'campaign' | 'task') {
    const column = `${parent}_id`;
    return this.get(
      `itemsOf:${parent}`,
      () =>
        new NestedConnectionLoader<ReviewItem>(this.em, {
          entity: ReviewItem,
          parentColumn: `c.${column}`,
          sortColumn: 'c.id',
          sortProperty: 'id',
          rows: (knex, ids) => knex.from('review_item as c').whereIn(`c.${column}`, [...ids]),
          counts: (knex, ids) =>
            knex
              .select(`${column} as __parent`)
              .count({ n: '*' })
              .from('review_item')
              .whereIn(column, [...ids])
              .groupBy(column),
        }),
    );
  }
}
