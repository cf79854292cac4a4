import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../src/context.js';
import { TargetSystem } from '../../src/governance/target-system.entity.js';
import { ReconciliationBatch } from '../../src/reconciliation/reconciliation-batch.entity.js';
import {
  ConnectorInput,
  ReconcileTargetSystemArgs,
  ReconciliationBatchConnection,
  ReconciliationBatchesArgs,
  ReconciliationEventConnection,
  ReconciliationEventsArgs,
} from '../../schema/reconciliation/reconciliation.types.js';

@Resolver()
export class ReconciliationResolver {
  @Mutation(() => TargetSystem, { description: "Set the application's connector: DISCONNECTED, or SCIM 2.0 with a base URL and a bearer token (never returned)." })
  configureConnector(
    @Arg('targetSystemId', () => ID, { description: 'Id of the application whose connector is set.' }) targetSystemId: string,
    @Arg('input', () => ConnectorInput, { description: 'The connector: its type and, for SCIM, the base URL and bearer token.' }) input: ConnectorInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.reconciliation.configureConnector(targetSystemId, input);
  }

  @Mutation(() => ReconciliationBatch, {
    description:
      'This endpoint enables you to do the application reconciliation (seed: Reconciliation By ID). The batch is created Initiated and returned at once; a job runs it (Running, then Completed or Failed with its counts): read it with reconciliationBatch(id).',
  })
  reconcileTargetSystem(@Args() args: ReconcileTargetSystemArgs, @Ctx() ctx: Context) {
    return ctx.reconciliation.reconcileTargetSystem(args);
  }

  @Query(() => ReconciliationBatch, { nullable: true, description: 'One reconciliation run by id.' })
  reconciliationBatch(@Arg('id', () => ID, { description: 'Id of the batch (seed: `reconciliationId`).' }) id: string, @Ctx() ctx: Context) {
    return ctx.reconciliation.batch(id);
  }

  @Query(() => ReconciliationBatchConnection, { description: 'Reconciliation runs, newest first.' })
  reconciliationBatches(@Args() args: ReconciliationBatchesArgs, @Ctx() ctx: Context) {
    return ctx.reconciliation.batches(args);
  }

  @Query(() => ReconciliationEventConnection, { description: 'This endpoint enables you to view the application recon events (seed: Fetch past Recon Events), in row order.' })
  reconciliationEvents(@Args() args: ReconciliationEventsArgs, @Ctx() ctx: Context) {
    return ctx.reconciliation.events(args);
  }
}
