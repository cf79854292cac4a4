import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../src/context.js';
import { Certification } from '../../src/certifications/certification.entity.js';
import { CertificationCampaign } from '../../src/certifications/certification-campaign.entity.js';
import { ReviewItem } from '../../src/certifications/review-item.entity.js';
import {
  CertificationCampaignConnection,
  CertificationCampaignsArgs,
  CertificationConnection,
  CertificationImpact,
  CertificationsArgs,
  CertificationTaskConnection,
  CertificationTasksArgs,
  CreateCertificationInput,
  DecideReviewItemArgs,
  ReassignReviewItemArgs,
  ReviewItemConnection,
  ReviewItemsArgs,
} from '../../schema/certifications/certification.types.js';

@Resolver()
export class CertificationsResolver {
  @Query(() => CertificationConnection, { description: 'This endpoint enables you to fetch the list of certifications for your tenant (newest first).' })
  certifications(@Args() args: CertificationsArgs, @Ctx() ctx: Context) {
    return ctx.certifications.certifications(args);
  }

  @Query(() => Certification, { nullable: true, description: 'One certification definition by id; null when there is none in the workspace.' })
  certification(@Arg('id', () => ID, { description: 'Id of the certification.' }) id: string, @Ctx() ctx: Context) {
    return ctx.certifications.certification(id);
  }

  @Query(() => CertificationImpact, {
    description: 'The impact of running the certification now (userCount, resourceCount, certifierCount, taskCount, userList, resourceList), without running it.',
  })
  previewCertification(@Arg('id', () => ID, { description: 'This is the certificate definition ID.' }) id: string, @Ctx() ctx: Context) {
    return ctx.campaigns.previewCertification(id);
  }

  @Query(() => CertificationCampaign, { nullable: true, description: 'One campaign (a run of a certification) by id; null when there is none.' })
  certificationCampaign(@Arg('id', () => ID, { description: 'Id of the campaign.' }) id: string, @Ctx() ctx: Context) {
    return ctx.campaigns.campaign(id);
  }

  @Query(() => CertificationCampaignConnection, { description: 'Runs of certifications, newest first.' })
  certificationCampaigns(@Args() args: CertificationCampaignsArgs, @Ctx() ctx: Context) {
    return ctx.campaigns.campaigns(args);
  }

  @Query(() => CertificationTaskConnection, { description: 'Certification tasks (one per certifier per campaign), newest first.' })
  certificationTasks(@Args() args: CertificationTasksArgs, @Ctx() ctx: Context) {
    return ctx.campaigns.tasks(args);
  }

  @Query(() => ReviewItemConnection, { description: 'Review items of a campaign, in creation order.' })
  reviewItems(@Args() { campaignId, filter, ...page }: ReviewItemsArgs, @Ctx() ctx: Context) {
    return ctx.campaigns.items(campaignId, filter, page);
  }

  @Query(() => ReviewItem, { nullable: true, description: 'One review item by id; null when there is none the caller may read.' })
  reviewItem(@Arg('id', () => ID, { description: 'Id of the review item.' }) id: string, @Ctx() ctx: Context) {
    return ctx.campaigns.reviewItem(id);
  }

  @Mutation(() => Certification, { description: 'This endpoint enables you to create the certificate definition.' })
  createCertification(
    @Arg('input', () => CreateCertificationInput, { description: 'The certification definition (seed: Create Certification body).' }) input: CreateCertificationInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.certifications.createCertification(input);
  }

  @Mutation(() => Certification, { description: 'Makes a Draft certification Active, so it can run.' })
  activateCertification(@Arg('id', () => ID, { description: 'Id of the Draft certification to activate.' }) id: string, @Ctx() ctx: Context) {
    return ctx.certifications.activateCertification(id);
  }

  @Mutation(() => CertificationCampaign, {
    description: 'This endpoint enables you to run the certificate: a campaign with one review item per (user, access) in scope, in one task per certifier.',
  })
  runCertification(@Arg('id', () => ID, { description: 'This is the certificate definition ID of the certificate that you want to run.' }) id: string, @Ctx() ctx: Context) {
    return ctx.campaigns.runCertification(id);
  }

  @Mutation(() => ReviewItem, { description: 'Certify or revoke one review item as its certifier; a revoke goes through the request engine.' })
  decideReviewItem(@Args() args: DecideReviewItemArgs, @Ctx() ctx: Context) {
    return ctx.campaigns.decideReviewItem(args);
  }

  @Mutation(() => ReviewItem, { description: 'Hand an undecided review item to another certifier, when the certification allows reassignment.' })
  reassignReviewItem(@Args() args: ReassignReviewItemArgs, @Ctx() ctx: Context) {
    return ctx.campaigns.reassignReviewItem(args);
  }

  @Mutation(() => Int, {
    description:
      "Escalates overdue certification tasks (automaticEscalation) to the certifier's manager now; returns how many. Each task also escalates by itself at its due date (a job).",
  })
  escalateOverdueCertificationTasks(@Ctx() ctx: Context) {
    return ctx.campaigns.escalateOverdueCertificationTasks();
  }
}
