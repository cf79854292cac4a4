import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../src/context.js';
import type { Row } from '../../src/common/rows.js';
import { pageRequest, PageArgs } from '../../src/common/pagination.js';
import { User } from '../../src/governance/user.entity.js';
import { AccessRequest } from '../../src/requests/access-request.entity.js';
import { Certification, type SelectedResource } from '../../src/certifications/certification.entity.js';
import { CertificationCampaign } from '../../src/certifications/certification-campaign.entity.js';
import { CertificationTask } from '../../src/certifications/certification-task.entity.js';
import { ReviewItem } from '../../src/certifications/review-item.entity.js';
import { ResourceCollection } from '../../src/certifications/certification.enums.js';
import { CatalogItem } from '../../schema/governance/catalog.types.js';
import {
  CampaignProgress, CertificationImpact, CertificationTaskConnection, ReviewItemConnection,
} from '../../schema/certifications/certification.types.js';

const resource = (ctx: Context, r: SelectedResource) => {
  const l = ctx.loaders;
  return { [ResourceCollection.ROLE]: l.role, [ResourceCollection.ENTITLEMENT]: l.entitlement, [ResourceCollection.TARGET_SYSTEM]: l.targetSystem }[r.collection].get(r.id);
};

@Resolver(() => CertificationImpact)
export class CertificationImpactEdges {
  @FieldResolver(() => [User], { description: 'The users whose access is reviewed.' })
  async userList(@Root() impact: CertificationImpact, @Ctx() ctx: Context) {
    return (await Promise.all(impact.userIds.map((id) => ctx.loaders.user.get(id)))).filter(Boolean);
  }

  @FieldResolver(() => [CatalogItem], { description: 'The roles, entitlements and applications reviewed.' })
  async resourceList(@Root() impact: CertificationImpact, @Ctx() ctx: Context) {
    return (await Promise.all(impact.resources.map((r) => resource(ctx, r)))).filter(Boolean);
  }
}

@Resolver(() => CertificationCampaign)
export class CertificationCampaignEdges {
  @FieldResolver(() => Certification, { nullable: true })
  certification(@Root() c: Row<CertificationCampaign>, @Ctx() ctx: Context) {
    return ctx.certificationLoaders.certification.get(c.certification.id);
  }

  @FieldResolver(() => CertificationImpact, { description: 'What the run reviews (seed: impactObject).' })
  impact(@Root() c: Row<CertificationCampaign>): CertificationImpact {
    const { userCount, resourceCount, certifierCount, taskCount, itemCount, userIds, resourceRefs } = c;
    return Object.assign(new CertificationImpact(), { userCount, resourceCount, certifierCount, taskCount, itemCount, userIds, resources: resourceRefs });
  }

  @FieldResolver(() => CampaignProgress)
  progress(@Root() c: Row<CertificationCampaign>): CampaignProgress {
    const decided = c.certifiedCount + c.revokedCount;
    return { total: c.itemCount, decided, certified: c.certifiedCount, revoked: c.revokedCount, percent: c.itemCount ? Math.floor((decided * 100) / c.itemCount) : 100 };
  }

  @FieldResolver(() => CertificationTaskConnection, { description: 'One task per certifier, by certifier login.' })
  tasks(@Root() c: Row<CertificationCampaign>, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return ctx.certificationLoaders.tasksOfCampaign.load(c.id, pageRequest(page, ctx.config));
  }

  @FieldResolver(() => ReviewItemConnection, { description: 'Review items in creation order (reviewItems filters them).' })
  items(@Root() c: Row<CertificationCampaign>, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return ctx.certificationLoaders.itemsOf('campaign').load(c.id, pageRequest(page, ctx.config));
  }
}

@Resolver(() => CertificationTask)
export class CertificationTaskEdges {
  @FieldResolver(() => CertificationCampaign, { nullable: true })
  campaign(@Root() t: Row<CertificationTask>, @Ctx() ctx: Context) {
    return ctx.certificationLoaders.campaign.get(t.campaign.id);
  }

  @FieldResolver(() => User, { nullable: true })
  certifier(@Root() t: Row<CertificationTask>, @Ctx() ctx: Context) {
    return ctx.loaders.userByLogin.get(t.certifierLogin);
  }

  @FieldResolver(() => Boolean, { description: 'Open past its due date.' })
  overdue(@Root() t: Row<CertificationTask>): boolean {
    return t.status === 'Open' && t.dueDate.getTime() < Date.now();
  }

  @FieldResolver(() => ReviewItemConnection)
  items(@Root() t: Row<CertificationTask>, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return ctx.certificationLoaders.itemsOf('task').load(t.id, pageRequest(page, ctx.config));
  }
}

@Resolver(() => ReviewItem)
export class ReviewItemEdges {
  @FieldResolver(() => User, { nullable: true, description: 'The user whose access is reviewed.' })
  user(@Root() i: Row<ReviewItem>, @Ctx() ctx: Context) {
    return ctx.loaders.userByLogin.get(i.userLogin);
  }

  @FieldResolver(() => User, { nullable: true })
  certifier(@Root() i: Row<ReviewItem>, @Ctx() ctx: Context) {
    return ctx.loaders.userByLogin.get(i.certifierLogin);
  }

  @FieldResolver(() => CatalogItem, { nullable: true, description: 'The role, entitlement or application (for an account).' })
  resource(@Root() i: Row<ReviewItem>, @Ctx() ctx: Context) {
    return resource(ctx, { id: i.resourceId, collection: i.resourceCollection });
  }

  @FieldResolver(() => AccessRequest, { nullable: true, description: 'The revoke request a REVOKE decision created.' })
  revokeRequest(@Root() i: Row<ReviewItem>, @Ctx() ctx: Context) {
    return i.revokeRequestId ? ctx.requestLoaders.request.load(i.revokeRequestId) : null;
  }

  @FieldResolver(() => CertificationCampaign, { nullable: true })
  campaign(@Root() i: Row<ReviewItem>, @Ctx() ctx: Context) {
    return ctx.certificationLoaders.campaign.get(i.campaign.id);
  }

  @FieldResolver(() => CertificationTask, { nullable: true })
  task(@Root() i: Row<ReviewItem>, @Ctx() ctx: Context) {
    return ctx.certificationLoaders.task.get(i.task.id);
  }
}
