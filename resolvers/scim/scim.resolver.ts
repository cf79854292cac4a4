import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../src/context.js';
import type { Row } from '../../src/graph/rows.js';
import { ScimUser } from '../../src/scim/scim-user.entity.js';
import { NAME_PARTS, scimLocation, userEtag } from '../../src/scim/scim-resource.js';
import {
  CreateScimUserInput,
  DeleteScimUserPayload,
  ScimEmail,
  ScimGroupRef,
  ScimMeta,
  ScimName,
  ScimUserConnection,
  ScimUsersArgs,
  ScimUserType,
  UpdateScimUserInput,
} from '../../schema/scim/scim.types.js';

@Resolver()
export class ScimResolver {
  @Query(() => ScimUser, { nullable: true, description: 'One SCIM user by id; null when there is none in the workspace.' })
  scimUser(@Arg('id', () => ID, { description: 'Id of the SCIM user.' }) id: string, @Ctx() ctx: Context) {
    return ctx.scim.user(id);
  }

  @Query(() => ScimUserConnection, { description: 'SCIM users, narrowed by a SCIM filter expression, in creation order.' })
  scimUsers(@Args() args: ScimUsersArgs, @Ctx() ctx: Context) {
    return ctx.scim.users(args);
  }

  @Mutation(() => ScimUser, { description: 'Create creates a user and namespace roles binding for this user (seed: Create User with Role Assignment).' })
  createScimUser(@Arg('input', () => CreateScimUserInput, { description: 'The user (seed: SCIM Create User body).' }) input: CreateScimUserInput, @Ctx() ctx: Context) {
    return ctx.scim.createUser(input as never);
  }

  @Mutation(() => ScimUser, {
    description: 'Change a SCIM user: given fields replace stored ones; roles relink to Roles (groups are read-only: membership changes through /scim/v2/Groups).',
  })
  updateScimUser(
    @Arg('id', () => ID, { description: 'Id of the SCIM user to change.' }) id: string,
    @Arg('input', () => UpdateScimUserInput, { description: 'The fields to replace; omitted ones are kept.' }) input: UpdateScimUserInput,
    @Arg('version', () => String, { nullable: true, description: 'The meta.version read last (e.g. W/"3"): the update fails with CONFLICT when the user changed since.' }) version:
      | string
      | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.scim.updateUser(id, input as never, version);
  }

  @Mutation(() => DeleteScimUserPayload, { description: 'Delete a SCIM user; the roles it assigned to its IGA identity are unassigned.' })
  async deleteScimUser(@Arg('id', () => ID, { description: 'Id of the SCIM user to delete.' }) id: string, @Ctx() ctx: Context) {
    return { deletedId: await ctx.scim.delete(id) };
  }
}

// ScimUser.roles, ScimUser.user and ScimGroupRef.role are edges, declared in src/scim/scim.graph.ts.
@Resolver(() => ScimUser)
export class ScimUserFields {
  @FieldResolver(() => ScimName, { nullable: true, description: 'Name of the user.' })
  name(@Root() u: Row<ScimUser>): ScimName | null {
    return NAME_PARTS.some((p) => u[p] != null) ? Object.fromEntries(NAME_PARTS.map((p) => [p, u[p] ?? null])) : null;
  }

  @FieldResolver(() => [ScimEmail], { description: 'Emails for the user whether primary or secondary.' })
  emails(@Root() u: Row<ScimUser>): ScimEmail[] {
    return u.emails.map((e) => ({ value: e.value, type: e.type ?? null, primary: e.primary ?? null }));
  }

  @FieldResolver(() => ScimUserType, { description: 'Type of the user.' })
  userType(@Root() u: Row<ScimUser>) {
    return u.userType;
  }

  @FieldResolver(() => [String], { description: 'Roles defined for the user (seed: `roles`), as given. Required: YES.' })
  async roleNames(@Root() u: Row<ScimUser>, @Ctx() ctx: Context) {
    return (await ctx.scimLoaders.linksOfScimUser.load(u.id)).filter((l) => l.kind === 'ROLE').map((l) => l.value);
  }

  @FieldResolver(() => [ScimGroupRef], { description: 'Groups to which user is part of. Required: YES.' })
  async groups(@Root() u: Row<ScimUser>, @Ctx() ctx: Context): Promise<ScimGroupRef[]> {
    const links = (await ctx.scimLoaders.linksOfScimUser.load(u.id)).filter((l) => l.kind === 'GROUP');
    // A group's display is its Role's name (the row's own display is the member's, for /Groups).
    const roles = await Promise.all(links.map((l) => (l.role ? ctx.loaders.role.load(l.role.id) : null)));
    return links.map((l, i) => ({ id: l.role?.id ?? l.value, display: roles[i]?.displayName ?? l.display ?? null, roleId: l.role?.id ?? null }));
  }

  @FieldResolver(() => ScimMeta, { description: 'Resource metadata: created, lastModified, location, resourceType, version.' })
  meta(@Root() u: Row<ScimUser>, @Ctx() ctx: Context): ScimMeta {
    return {
      created: u.createdAt,
      lastModified: u.lastModified,
      location: scimLocation(ctx.config.publicUrl ?? '', 'Users', u.id),
      resourceType: 'User',
      version: userEtag(u as ScimUser),
    };
  }
}
