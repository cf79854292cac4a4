import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../src/context.js';
import { IdentityProfile } from '../../src/profiles/identity-profile.entity.js';
import { CreateIdentityProfileInput, IdentityProfileConnection, IdentityProfilesArgs, UpdateIdentityProfileInput } from '../../schema/profiles/identity-profile.types.js';

@Resolver()
export class IdentityProfileResolver {
  @Query(() => IdentityProfile, { nullable: true, description: 'One Identity Profile by id; null when there is none in your workspace.' })
  identityProfile(@Arg('id', () => ID, { description: 'Id of the Identity Profile.' }) id: string, @Ctx() ctx: Context) {
    return ctx.profiles.identityProfile(id);
  }

  @Query(() => IdentityProfileConnection, { description: 'The Identity Profiles of the workspace, filtered and sorted.' })
  identityProfiles(@Args() args: IdentityProfilesArgs, @Ctx() ctx: Context) {
    return ctx.profiles.identityProfiles(args);
  }

  @Mutation(() => IdentityProfile, {
    description: 'This creates an Identity Profile. A token with ORG_ADMIN authority is required to call this API to create an Identity Profile.',
  })
  createIdentityProfile(
    @Arg('input', () => CreateIdentityProfileInput, { description: 'The profile (seed: Create Identity Profile body).' }) input: CreateIdentityProfileInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.profiles.create(input);
  }

  @Mutation(() => IdentityProfile, { description: 'Changes the given fields of an Identity Profile (ORG_ADMIN).' })
  updateIdentityProfile(
    @Arg('id', () => ID, { description: 'Id of the profile to change.' }) id: string,
    @Arg('input', () => UpdateIdentityProfileInput, { description: 'The fields to change; omitted ones are kept.' }) input: UpdateIdentityProfileInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.profiles.update(id, input);
  }

  @Mutation(() => ID, { description: 'Deletes an Identity Profile (ORG_ADMIN) and returns its id; refused while identities belong to it.' })
  deleteIdentityProfile(@Arg('id', () => ID, { description: 'Id of the profile to delete.' }) id: string, @Ctx() ctx: Context) {
    return ctx.profiles.delete(id);
  }
}
