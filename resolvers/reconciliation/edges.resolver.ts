import { Args, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import type { Context } from '../../src/context.js';
import { pageRequest, PageArgs } from '../../src/common/pagination.js';
import type { Row } from '../../src/common/rows.js';
import { TargetSystem } from '../../src/governance/target-system.entity.js';
import { User } from '../../src/governance/user.entity.js';
import { UserAccount } from '../../src/governance/user-account.entity.js';
import { Entitlement } from '../../src/governance/entitlement.entity.js';
import { ReconciliationBatch } from '../../src/reconciliation/reconciliation-batch.entity.js';
import { ReconciliationEvent } from '../../src/reconciliation/reconciliation-event.entity.js';
import { ReconciliationEventStatus } from '../../src/reconciliation/reconciliation.enums.js';
import { ReconciliationCount, ReconciliationEventConnection } from '../../schema/reconciliation/reconciliation.types.js';

const STATUS_ORDER = Object.values(ReconciliationEventStatus);

@Resolver(() => ReconciliationBatch)
export class ReconciliationBatchEdges {
  @FieldResolver(() => ID, { description: 'Seed: `targetSystemId`.' })
  targetSystemId(@Root() b: Row<ReconciliationBatch>) {
    return b.targetSystem.id;
  }

  @FieldResolver(() => TargetSystem, { nullable: true, description: 'The application the run read.' })
  targetSystem(@Root() b: Row<ReconciliationBatch>, @Ctx() ctx: Context) {
    return ctx.loaders.targetSystem.get(b.targetSystem.id);
  }

  @FieldResolver(() => [ReconciliationCount], { description: 'Events per status (statuses with no event are left out), in the order of ReconciliationEventStatus.' })
  counts(@Root() b: Row<ReconciliationBatch>): ReconciliationCount[] {
    const counts = (b.counts ?? {}) as Record<string, number>;
    return STATUS_ORDER.filter((s) => (counts[s] ?? 0) > 0).map((status) => ({ status, count: counts[status] }));
  }

  @FieldResolver(() => ReconciliationEventConnection, { description: 'The events of the run, in row order.' })
  events(@Root() b: Row<ReconciliationBatch>, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return ctx.reconciliationLoaders.eventsOfBatch.load(b.id, pageRequest(page, ctx.config));
  }
}

@Resolver(() => ReconciliationEvent)
export class ReconciliationEventEdges {
  @FieldResolver(() => ID, { description: 'Seed: `reconciliationBatchId`.' })
  reconciliationBatchId(@Root() e: Row<ReconciliationEvent>) {
    return e.batch.id;
  }

  @FieldResolver(() => ReconciliationBatch, { nullable: true })
  batch(@Root() e: Row<ReconciliationEvent>, @Ctx() ctx: Context) {
    return ctx.reconciliationLoaders.batch.get(e.batch.id);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The person of `userId`, while it exists.' })
  user(@Root() e: Row<ReconciliationEvent>, @Ctx() ctx: Context) {
    return e.userId ? ctx.loaders.user.get(e.userId) : null;
  }

  @FieldResolver(() => UserAccount, { nullable: true, description: 'The account of `userAccountId`, while it exists.' })
  userAccount(@Root() e: Row<ReconciliationEvent>, @Ctx() ctx: Context) {
    return e.userAccountId ? ctx.loaders.account.get(e.userAccountId) : null;
  }

  @FieldResolver(() => Entitlement, { nullable: true, description: 'The entitlement of `entitlementId`, while it exists.' })
  entitlement(@Root() e: Row<ReconciliationEvent>, @Ctx() ctx: Context) {
    return e.entitlementId ? ctx.loaders.entitlement.get(e.entitlementId) : null;
  }
}
