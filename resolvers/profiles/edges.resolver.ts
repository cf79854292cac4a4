import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../../src/context.js';
import type { Row } from '../../src/graph/rows.js';
import { IdentityProfile } from '../../src/profiles/identity-profile.entity.js';
import { OwnerReference, SourceReference } from '../../schema/profiles/identity-profile.types.js';

// Edges (identities, references' user and targetSystem, User.identityProfile,
// TargetSystem.identityProfiles) are declared in src/profiles/profiles.graph.ts.
@Resolver(() => IdentityProfile)
export class IdentityProfileFields {
  @FieldResolver(() => OwnerReference, { nullable: true, description: 'The owner of the Identity Profile.' })
  owner(@Root() p: Row<IdentityProfile>) {
    return p.owner ? new OwnerReference(p.owner.id) : null;
  }

  @FieldResolver(() => SourceReference, { description: 'The authoritative source for this Identity Profile.' })
  authoritativeSource(@Root() p: Row<IdentityProfile>) {
    return new SourceReference(p.authoritativeSource.id);
  }

  @FieldResolver(() => Int, {
    description:
      'The number of identities that belong to the Identity Profile: people with an account on its authoritative source, unless a profile of higher precedence (lower priority) claims them.',
  })
  identityCount(@Root() p: Row<IdentityProfile>, @Ctx() ctx: Context) {
    return ctx.profileLoaders.identityCount.load(p.id);
  }
}

@Resolver(() => OwnerReference)
export class OwnerReferenceFields {
  @FieldResolver(() => String, { nullable: true, description: 'Human-readable display name of the object to which this reference applies' })
  async name(@Root() ref: OwnerReference, @Ctx() ctx: Context) {
    return (await ctx.loaders.user.load(ref.id))?.displayName ?? null;
  }
}

@Resolver(() => SourceReference)
export class SourceReferenceFields {
  @FieldResolver(() => String, { nullable: true, description: 'Human-readable display name of the object to which this reference applies' })
  async name(@Root() ref: SourceReference, @Ctx() ctx: Context) {
    return (await ctx.loaders.targetSystem.load(ref.id))?.displayName ?? null;
  }
}
