import { Args, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../../src/context.js';
import type { Row } from '../../src/common/rows.js';
import { pageRequest, PageArgs } from '../../src/common/pagination.js';
import { User } from '../../src/governance/user.entity.js';
import { TargetSystem } from '../../src/governance/target-system.entity.js';
import { IdentityProfile } from '../../src/profiles/identity-profile.entity.js';
import { OwnerReference, SourceReference } from '../../schema/profiles/identity-profile.types.js';
import { UserConnection } from '../../schema/governance/catalog.types.js';

@Resolver(() => IdentityProfile)
export class IdentityProfileEdges {
  @FieldResolver(() => OwnerReference, { nullable: true, description: 'The owner of the Identity Profile.' })
  owner(@Root() p: Row<IdentityProfile>) {
    return p.owner ? new OwnerReference(p.owner.id) : null;
  }

  @FieldResolver(() => SourceReference, { description: 'The authoritative source for this Identity Profile.' })
  authoritativeSource(@Root() p: Row<IdentityProfile>) {
    return new SourceReference(p.authoritativeSource.id);
  }

  @FieldResolver(() => Int, { description: 'The number of identities that belong to the Identity Profile: people with an account on its authoritative source, unless a profile of higher precedence (lower priority) claims them.' })
  identityCount(@Root() p: Row<IdentityProfile>, @Ctx() ctx: Context) {
    return ctx.profileLoaders.identityCount.load(p.id);
  }

  @FieldResolver(() => UserConnection, { description: 'The identities that belong to the Identity Profile (the `identityCount` people), by login.' })
  identities(@Root() p: Row<IdentityProfile>, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return ctx.profileLoaders.identities.load(p.id, pageRequest(page, ctx.config));
  }
}

@Resolver(() => OwnerReference)
export class OwnerReferenceEdges {
  @FieldResolver(() => String, { nullable: true, description: 'Human-readable display name of the object to which this reference applies' })
  async name(@Root() ref: OwnerReference, @Ctx() ctx: Context) {
    return (await ctx.loaders.user.load(ref.id))?.displayName ?? null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The person the reference points to.' })
  user(@Root() ref: OwnerReference, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(ref.id);
  }
}

@Resolver(() => SourceReference)
export class SourceReferenceEdges {
  @FieldResolver(() => String, { nullable: true, description: 'Human-readable display name of the object to which this reference applies' })
  async name(@Root() ref: SourceReference, @Ctx() ctx: Context) {
    return (await ctx.loaders.targetSystem.load(ref.id))?.displayName ?? null;
  }

  @FieldResolver(() => TargetSystem, { nullable: true, description: 'The application the reference points to.' })
  targetSystem(@Root() ref: SourceReference, @Ctx() ctx: Context) {
    return ctx.loaders.targetSystem.load(ref.id);
  }
}

@Resolver(() => User)
export class UserProfileEdges {
  @FieldResolver(() => IdentityProfile, {
    nullable: true,
    description: 'The Identity Profile this person belongs to: of the profiles whose authoritative source holds an account of theirs, the one with the lowest priority number (the earliest created on a tie); null when there is none.',
  })
  async identityProfile(@Root() user: Row<User>, @Ctx() ctx: Context) {
    return (await ctx.profileLoaders.profileOfUser.load(user.id))?.profile ?? null;
  }
}

@Resolver(() => TargetSystem)
export class TargetSystemProfileEdges {
  @FieldResolver(() => [IdentityProfile], { description: 'Identity Profiles whose authoritative source this application is, in precedence order.' })
  identityProfiles(@Root() t: Row<TargetSystem>, @Ctx() ctx: Context) {
    return ctx.profileLoaders.profilesOfSource.load(t.id);
  }
}
