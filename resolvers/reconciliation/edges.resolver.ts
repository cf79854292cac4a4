import { FieldResolver, ID, Resolver, Root } from 'type-graphql';
import type { Row } from '../../src/graph/rows.js';
import { ReconciliationBatch } from '../../src/reconciliation/reconciliation-batch.entity.js';
import { ReconciliationEvent } from '../../src/reconciliation/reconciliation-event.entity.js';
import { ReconciliationEventStatus } from '../../src/reconciliation/reconciliation.enums.js';
import { ReconciliationCount } from '../../schema/reconciliation/reconciliation.types.js';

// The edges of runs and events are declared in src/reconciliation/reconciliation.graph.ts;
// what stays here are computed fields.
const STATUS_ORDER = Object.values(ReconciliationEventStatus);

@Resolver(() => ReconciliationBatch)
export class ReconciliationBatchFields {
  @FieldResolver(() => ID, { description: 'Seed: `targetSystemId`.' })
  targetSystemId(@Root() b: Row<ReconciliationBatch>) {
    return b.targetSystem.id;
  }

  @FieldResolver(() => [ReconciliationCount], { description: 'Events per status (statuses with no event are left out), in the order of ReconciliationEventStatus.' })
  counts(@Root() b: Row<ReconciliationBatch>): ReconciliationCount[] {
    const counts = (b.counts ?? {}) as Record<string, number>;
    return STATUS_ORDER.filter((s) => (counts[s] ?? 0) > 0).map((status) => ({ status, count: counts[status] }));
  }
}

@Resolver(() => ReconciliationEvent)
export class ReconciliationEventFields {
  @FieldResolver(() => ID, { description: 'Seed: `reconciliationBatchId`.' })
  reconciliationBatchId(@Root() e: Row<ReconciliationEvent>) {
    return e.batch.id;
  }
}
