import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../src/context.js';
import type { Row } from '../../src/graph/rows.js';
import { CertificationCampaign } from '../../src/certifications/certification-campaign.entity.js';
import { CertificationTask } from '../../src/certifications/certification-task.entity.js';
import { Certification } from '../../src/certifications/certification.entity.js';
import { CampaignProgress, CertificationImpact } from '../../schema/certifications/certification.types.js';

// The edges of certifications are declared in src/certifications/certifications.graph.ts;
// what stays here are computed fields.
@Resolver(() => CertificationCampaign)
export class CertificationCampaignFields {
  @FieldResolver(() => CertificationImpact, { description: 'What the run reviews (seed: impactObject).' })
  impact(@Root() c: Row<CertificationCampaign>): CertificationImpact {
    const { userCount, resourceCount, certifierCount, taskCount, itemCount, userIds, resourceRefs } = c;
    return Object.assign(new CertificationImpact(), { userCount, resourceCount, certifierCount, taskCount, itemCount, userIds, resources: resourceRefs });
  }

  @FieldResolver(() => CampaignProgress, { description: 'Counts of decided, certified and revoked review items.' })
  progress(@Root() c: Row<CertificationCampaign>): CampaignProgress {
    const decided = c.certifiedCount + c.revokedCount;
    return { total: c.itemCount, decided, certified: c.certifiedCount, revoked: c.revokedCount, percent: c.itemCount ? Math.floor((decided * 100) / c.itemCount) : 100 };
  }
}

@Resolver(() => CertificationTask)
export class CertificationTaskFields {
  @FieldResolver(() => Boolean, { description: 'Open past its due date.' })
  overdue(@Root() t: Row<CertificationTask>, @Ctx() ctx: Context): boolean {
    return t.status === 'Open' && t.dueDate.getTime() < ctx.scope.clock.now().getTime();
  }
}

@Resolver(() => Certification)
export class CertificationFields {
  @FieldResolver(() => String, {
    description: "The alternate certifier's kind as the seed spells it (seed: `alternateCertifierType`: `User`, `Role` or `User's Manager`), from alternateCertifier.",
  })
  alternateCertifierType(@Root() c: Row<Certification>): string {
    return c.alternateCertifier;
  }
}
