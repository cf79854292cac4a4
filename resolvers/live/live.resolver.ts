import { Arg, Ctx, ID, Resolver, Root, Subscription, type ResolverData } from 'type-graphql';
import type { Context } from '../../src/context.js';
import type { LiveOperation } from '../../src/live/subscriptions.js';
import type { LiveEvent } from '../../src/live/event-bus.js';
import { AccessRequest } from '../../src/requests/access-request.entity.js';
import { ReconciliationBatch } from '../../src/reconciliation/reconciliation-batch.entity.js';
import { CertificationCampaign } from '../../src/certifications/certification-campaign.entity.js';
import { TaskInboxEvent } from '../../schema/live/live.types.js';

// `subscribe` runs once per subscription with the operation's LiveOperation; the field
// resolvers run once per event with a fresh per-event Context (see src/live/subscriptions.ts).
type Subscribe = Pick<ResolverData<LiveOperation>, 'args' | 'context'>;
const id = ({ args }: Subscribe) => String(args.id);

@Resolver()
export class LiveResolver {
  @Subscription(() => TaskInboxEvent, {
    description:
      'Tasks of a person as they are assigned and change: assigned to them, claimed by them or offered to one of their groups. The person is the credential’s (a service key with ACT_AS names one in `userLogin`).',
    subscribe: ({ args, context }: Subscribe) => context.live.taskInbox(args.userLogin as string | null),
  })
  taskInbox(
    @Root() event: TaskInboxEvent,
    @Arg('userLogin', () => String, { nullable: true, description: 'Only for a service key with ACT_AS: the person whose inbox to follow.' }) _userLogin: string | null,
  ): TaskInboxEvent {
    return event;
  }

  @Subscription(() => AccessRequest, {
    nullable: true,
    description: 'The request each time its status changes (e.g. PENDING → APPROVED → PROVISIONED).',
    subscribe: async (data: Subscribe) => data.context.live.requestStatus(id(data), (await data.context.context.requests.request(id(data))) !== null),
  })
  requestStatusChanged(@Root() event: LiveEvent, @Arg('id', () => ID, { description: 'Id of the request to follow.' }) _id: string, @Ctx() ctx: Context) {
    return ctx.requests.request(event.id);
  }

  @Subscription(() => ReconciliationBatch, {
    nullable: true,
    description: 'The batch at each step of its run: started, each page of events written, completed or failed.',
    subscribe: async (data: Subscribe) => data.context.live.reconciliationBatch(id(data), (await data.context.context.reconciliation.batch(id(data))) !== null),
  })
  reconciliationBatchProgress(@Root() event: LiveEvent, @Arg('id', () => ID, { description: 'Id of the reconciliation batch to follow.' }) _id: string, @Ctx() ctx: Context) {
    return ctx.reconciliation.batch(event.id);
  }

  @Subscription(() => CertificationCampaign, {
    nullable: true,
    description: 'The campaign each time its progress changes (a decision, its completion).',
    subscribe: async (data: Subscribe) => data.context.live.certificationCampaign(id(data), (await data.context.context.campaigns.campaign(id(data))) !== null),
  })
  certificationCampaignProgress(@Root() event: LiveEvent, @Arg('id', () => ID, { description: 'Id of the campaign to follow.' }) _id: string, @Ctx() ctx: Context) {
    return ctx.campaigns.campaign(event.id);
  }
}
