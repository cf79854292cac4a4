import { defineEdges, defineNodeType } from '../graph/registry.js';
import { PageArgs, pageRequest } from '../common/pagination.js';
import type { Row } from '../graph/rows.js';
import type { Context } from '../context.js';
import { ReconciliationBatch } from './reconciliation-batch.entity.js';
import { ReconciliationEvent } from './reconciliation-event.entity.js';
import { ReconciliationEventConnection } from '../../schema/reconciliation/reconciliation.types.js';

/** Reconciliation's part of the graph (see src/graph/README.md). */
defineNodeType({ domain: 'reconciliation', name: 'ReconciliationBatch', gqlType: () => ReconciliationBatch, entity: ReconciliationBatch, read: 'reconciliation:read' });
defineNodeType({ domain: 'reconciliation', name: 'ReconciliationEvent', gqlType: () => ReconciliationEvent, entity: ReconciliationEvent, read: 'reconciliation:read' });

defineEdges('reconciliation', 'ReconciliationBatch', () => ReconciliationBatch, [
  { field: 'targetSystem', of: 'TargetSystem', sql: { kind: 'ref', column: 'target_system_id' }, description: 'The application the run read.' },
  {
    field: 'events',
    of: 'ReconciliationEvent',
    connection: () => ReconciliationEventConnection,
    args: () => PageArgs,
    description: 'The events of the run, in row order.',
    load: (b: Row<ReconciliationBatch>, args: PageArgs, ctx: Context) => ctx.reconciliationLoaders.eventsOfBatch.load(b.id, pageRequest(args, ctx.config)),
  },
]);

defineEdges('reconciliation', 'ReconciliationEvent', () => ReconciliationEvent, [
  { field: 'batch', of: 'ReconciliationBatch', sql: { kind: 'ref', column: 'batch_id' }, description: 'The run the event belongs to.' },
  { field: 'user', of: 'User', sql: { kind: 'ref', column: 'user_id' }, description: 'The person of `userId`, while it exists.' },
  { field: 'userAccount', of: 'UserAccount', sql: { kind: 'ref', column: 'user_account_id' }, description: 'The account of `userAccountId`, while it exists.' },
  { field: 'entitlement', of: 'Entitlement', sql: { kind: 'ref', column: 'entitlement_id' }, description: 'The entitlement of `entitlementId`, while it exists.' },
]);
