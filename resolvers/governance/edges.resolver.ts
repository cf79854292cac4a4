import { Args, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { selects } from '../../src/common/lookahead.js';
import type { Context } from '../../src/context.js';
import { pageRequest, PageArgs } from '../../src/common/pagination.js';
import type { Row } from '../../src/common/rows.js';
import { User } from '../../src/governance/user.entity.js';
import { Role } from '../../src/governance/role.entity.js';
import { TargetSystem } from '../../src/governance/target-system.entity.js';
import { Entitlement } from '../../src/governance/entitlement.entity.js';
import { EntitlementAssignment, UserAccount } from '../../src/governance/user-account.entity.js';
import { LifecycleStatus, UserAccountConnection, UserConnection } from '../../schema/governance/catalog.types.js';
import { ScimUser } from '../../src/scim/scim-user.entity.js';

const lifecycle = (x: { readonly disabled: boolean; readonly retired: boolean }) =>
  x.retired ? LifecycleStatus.RETIRED : x.disabled ? LifecycleStatus.DISABLED : LifecycleStatus.ACTIVE;
const byLogin = (ctx: Context, login: string | null | undefined) => (login ? ctx.loaders.userByLogin.get(login) : null);

@Resolver(() => User)
export class UserEdges {
  @FieldResolver(() => User, { nullable: true, description: 'The manager (by managerLogin).' })
  manager(@Root() user: Row<User>, @Ctx() ctx: Context) {
    return byLogin(ctx, user.managerLogin);
  }

  @FieldResolver(() => UserConnection, { description: 'People whose manager this is.' })
  directReports(@Root() user: Row<User>, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return ctx.loaders.directReports.load(user.login, pageRequest(page, ctx.config));
  }

  @FieldResolver(() => [Role], { description: 'Roles held, by assignment or birthright rule.' })
  roles(@Root() user: Row<User>, @Ctx() ctx: Context) {
    return ctx.loaders.rolesOfUser.load(user.id);
  }

  @FieldResolver(() => [UserAccount], { description: 'Accounts on applications.' })
  async accounts(@Root() user: Row<User>, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    const accounts = await ctx.loaders.accountsOfUser.load(user.id);
    if (selects(info, 'targetSystem')) await ctx.loaders.targetSystem.prefetch(accounts.map((a) => a.targetSystem.id));
    return accounts;
  }

  @FieldResolver(() => [Entitlement], { description: 'Entitlements held through any account.' })
  entitlements(@Root() user: Row<User>, @Ctx() ctx: Context) {
    return ctx.loaders.entitlementsOfUser.load(user.id);
  }

  @FieldResolver(() => ScimUser, { nullable: true, description: 'The SCIM directory user of this person (the first provisioned, when several).' })
  scimUser(@Root() user: Row<User>, @Ctx() ctx: Context) {
    return ctx.scimLoaders.scimUserOfUser.load(user.id);
  }
}

@Resolver(() => Role)
export class RoleEdges {
  @FieldResolver(() => LifecycleStatus)
  status(@Root() role: Row<Role>) {
    return lifecycle(role);
  }

  @FieldResolver(() => [Entitlement], { description: 'Entitlements the role grants.' })
  async entitlements(@Root() role: Row<Role>, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    const entitlements = await ctx.loaders.entitlementsOfRole.load(role.id);
    if (selects(info, 'targetSystem')) await ctx.loaders.targetSystem.prefetch(entitlements.map((e) => e.targetSystem.id));
    return entitlements;
  }

  @FieldResolver(() => [TargetSystem], { description: 'Applications the role reaches through its entitlements.' })
  targetSystems(@Root() role: Row<Role>, @Ctx() ctx: Context) {
    return ctx.loaders.targetSystemsOfRole.load(role.id);
  }

  @FieldResolver(() => UserConnection, { description: 'People holding the role, by assignment or by rule.' })
  members(@Root() role: Row<Role>, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return ctx.loaders.membersOfRole.load(role.id, pageRequest(page, ctx.config));
  }

  @FieldResolver(() => User, { nullable: true, description: 'The role owner (by roleOwnerLogin).' })
  owner(@Root() role: Row<Role>, @Ctx() ctx: Context) {
    return byLogin(ctx, role.roleOwnerLogin);
  }
}

@Resolver(() => Entitlement)
export class EntitlementEdges {
  @FieldResolver(() => TargetSystem, { description: 'The application the entitlement belongs to.' })
  targetSystem(@Root() e: Row<Entitlement>, @Ctx() ctx: Context) {
    return ctx.loaders.targetSystem.get(e.targetSystem.id);
  }

  @FieldResolver(() => LifecycleStatus)
  status(@Root() e: Row<Entitlement>) {
    return lifecycle(e);
  }

  @FieldResolver(() => UserConnection, { description: 'People holding the entitlement through an account.' })
  members(@Root() e: Row<Entitlement>, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return ctx.loaders.membersOfEntitlement.load(e.id, pageRequest(page, ctx.config));
  }
}

@Resolver(() => TargetSystem)
export class TargetSystemEdges {
  @FieldResolver(() => LifecycleStatus)
  status(@Root() t: Row<TargetSystem>) {
    return lifecycle(t);
  }

  @FieldResolver(() => [Entitlement])
  entitlements(@Root() t: Row<TargetSystem>, @Ctx() ctx: Context) {
    return ctx.loaders.entitlementsOfTargetSystem.load(t.id);
  }

  @FieldResolver(() => UserAccountConnection)
  accounts(@Root() t: Row<TargetSystem>, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return ctx.loaders.accountsOfTargetSystem.load(t.id, pageRequest(page, ctx.config));
  }

  @FieldResolver(() => User, { nullable: true })
  businessOwner(@Root() t: Row<TargetSystem>, @Ctx() ctx: Context) {
    return byLogin(ctx, t.businessOwnerLogin);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The IT owner (seed: ITOwner).' })
  itOwner(@Root() t: Row<TargetSystem>, @Ctx() ctx: Context) {
    return byLogin(ctx, t.itOwnerLogin);
  }
}

@Resolver(() => UserAccount)
export class UserAccountEdges {
  @FieldResolver(() => User)
  user(@Root() a: Row<UserAccount>, @Ctx() ctx: Context) {
    return ctx.loaders.user.get(a.user.id);
  }

  @FieldResolver(() => TargetSystem)
  targetSystem(@Root() a: Row<UserAccount>, @Ctx() ctx: Context) {
    return ctx.loaders.targetSystem.get(a.targetSystem.id);
  }

  @FieldResolver(() => [EntitlementAssignment], { description: 'Entitlement assignments of the account.' })
  entitlements(@Root() a: Row<UserAccount>, @Ctx() ctx: Context) {
    return ctx.loaders.assignmentsOfAccount.load(a.id);
  }
}

@Resolver(() => EntitlementAssignment)
export class EntitlementAssignmentEdges {
  @FieldResolver(() => Entitlement)
  entitlement(@Root() a: Row<EntitlementAssignment>, @Ctx() ctx: Context) {
    return ctx.loaders.entitlement.get(a.entitlement.id);
  }

  @FieldResolver(() => [Role], { description: 'Roles through which the account holder gets this entitlement.' })
  async associatedRoles(@Root() a: Row<EntitlementAssignment>, @Ctx() ctx: Context) {
    const account = await ctx.loaders.account.load(a.account.id);
    return account ? ctx.loaders.rolesGrantingEntitlementToUser.load(`${account.user.id}:${a.entitlement.id}`) : [];
  }
}
