import type { EntityManager } from '@mikro-orm/core';
import { LoaderRegistry, rowsByKey } from '../graph/loader-kit.js';
import { NestedConnectionLoader } from '../graph/nested-connection.js';
import { ReconciliationBatch } from './reconciliation-batch.entity.js';
import { ReconciliationEvent } from './reconciliation-event.entity.js';

/** Reconciliation's edges: batches by id and the events of each batch, one statement per batch of keys. */
export class ReconciliationLoaders extends LoaderRegistry {
  constructor(
    private readonly em: EntityManager,
    private readonly workspaceId: string,
  ) {
    super();
  }

  get batch() {
    return this.get('batch', () => rowsByKey(this.em, ReconciliationBatch, this.workspaceId));
  }

  /** Events of each batch, in row order (parents are batches already scoped to the workspace). */
  get eventsOfBatch() {
    return this.get(
      'eventsOfBatch',
      () =>
        new NestedConnectionLoader(this.em, {
          entity: ReconciliationEvent,
          parentColumn: 'c.batch_id',
          sortColumn: 'c.row_number',
          sortProperty: 'rowNumber',
          rows: (knex, batches) => knex.from('reconciliation_event as c').whereIn('c.batch_id', [...batches]),
          counts: (knex, batches) =>
            knex
              .select('batch_id as __parent')
              .count({ n: '*' })
              .from('reconciliation_event')
              .whereIn('batch_id', [...batches])
              .groupBy('batch_id'),
        }),
    );
  }
}
