import { Arg, Args, Ctx, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { connectionNodeSelection, selectionOf } from '../../src/graph/selection.js';
import type { Context } from '../../src/context.js';
import { Node } from '../../src/common/node.js';
import { findNode } from '../../src/graph/node.js';
import { Role } from '../../src/governance/role.entity.js';
import { TargetSystem } from '../../src/governance/target-system.entity.js';
import { User } from '../../src/governance/user.entity.js';
import {
  AuditEventConnection,
  AuditEventsArgs,
  CatalogItemConnection,
  DisplayNameArgs,
  EntitlementConnection,
  EntitlementsArgs,
  LifecycleOperation,
  RoleConnection,
  SearchCatalogArgs,
  TargetSystemConnection,
  UserAccountConnection,
  UserAccountsArgs,
  UserArgs,
  UserConnection,
  UsersArgs,
} from '../../schema/governance/catalog.types.js';
import { AuthoritativeSourceKind, CreateUserInput, UpdateUserInput } from '../../schema/governance/people.types.js';

@Resolver()
export class CatalogResolver {
  @Query(() => CatalogItemConnection, {
    description: 'Search the catalog using the display name of the item which contains the search keyword; narrow by relevanceFilter, collection and tag.',
  })
  searchCatalog(@Args() args: SearchCatalogArgs, @Ctx() ctx: Context) {
    return ctx.catalog.searchCatalog(args);
  }

  @Query(() => UserConnection, { description: 'People of the catalog.' })
  users(@Args() args: UsersArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.catalog.users(args, connectionNodeSelection(info));
  }

  @Query(() => User, { nullable: true, description: 'One person by id or login.' })
  user(@Args() args: UserArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.catalog.user(args, selectionOf(info));
  }

  @Query(() => RoleConnection, { description: 'Fetch the list of roles and their details (seed: Roles Fetch All).' })
  roles(@Args() args: DisplayNameArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.catalog.roles(args, connectionNodeSelection(info));
  }

  @Query(() => TargetSystemConnection, { description: 'Fetch the list of applications and their details (seed: Applications Fetch All).' })
  targetSystems(@Args() args: DisplayNameArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.catalog.targetSystems(args, connectionNodeSelection(info));
  }

  @Query(() => EntitlementConnection, { description: 'Entitlements of the catalog, optionally of one application (seed: Entitlements Fetch All).' })
  entitlements(@Args() args: EntitlementsArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.catalog.entitlements(args, connectionNodeSelection(info));
  }

  @Query(() => UserAccountConnection, { description: 'Get user accounts by userId, login and status (seed: User Account Fetch).' })
  userAccounts(@Args() args: UserAccountsArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.catalog.userAccounts(args, connectionNodeSelection(info));
  }

  @Query(() => Node, { nullable: true, description: 'Any object of the workspace by its id, of a type the API key may read; null otherwise.' })
  node(@Arg('id', () => ID, { description: 'Id of the object (any type implementing Node).' }) id: string, @Ctx() ctx: Context) {
    return findNode(ctx, id);
  }

  @Query(() => AuditEventConnection, { description: 'The audit log, newest first.' })
  auditEvents(@Args() args: AuditEventsArgs, @Ctx() ctx: Context) {
    return ctx.catalog.auditEvents(args);
  }

  @Mutation(() => Role, { description: 'Operation on the role: Enable / Disable / Retire (seed: Role Operation). Retired is final.' })
  operateRole(
    @Arg('roleId', () => ID, { description: 'roleID of the role for which you want to take the action.' }) roleId: string,
    @Arg('operation', () => LifecycleOperation, { description: 'ENABLE, DISABLE or RETIRE (seed: `operation`).' }) operation: LifecycleOperation,
    @Ctx() ctx: Context,
  ) {
    return ctx.catalog.operateRole(roleId, operation);
  }

  @Mutation(() => TargetSystem, { description: 'Operation on the application: Enable / Disable / Retire (seed: Application Operation).' })
  operateTargetSystem(
    @Arg('targetSystemId', () => ID, { description: 'Id of the application to operate on.' }) targetSystemId: string,
    @Arg('operation', () => LifecycleOperation, { description: 'ENABLE, DISABLE or RETIRE (seed: `operation`).' }) operation: LifecycleOperation,
    @Ctx() ctx: Context,
  ) {
    return ctx.catalog.operateTargetSystem(targetSystemId, operation);
  }

  @Mutation(() => Role, { description: "Set a role's birthright rule (seed syntax); invalid rules are rejected, never executed. Members are recomputed." })
  setRoleRule(
    @Arg('roleId', () => ID, { description: 'Id of the role whose birthright rule is set.' }) roleId: string,
    @Arg('rule', () => String, { nullable: true, description: 'e.g. {"$and":[{"status":"Active"},{"department":{"$nin":["CO"]}}]}; null removes the rule.' }) rule: string | null,
    @Arg('ruleForm', () => String, { nullable: true, description: 'The rule in seed notation (e.g. `$and:[department:Sales]`) or JSON; null removes it.' }) ruleForm:
      | string
      | null
      | undefined,
    @Ctx() ctx: Context,
  ) {
    return ctx.catalog.setRoleRule(roleId, rule, ruleForm);
  }
}

@Resolver()
export class PeopleResolver {
  @Mutation(() => User, {
    description:
      'Joiner: creates a person (ORG_ADMIN). The birthright rules are evaluated at once: the roles they match are held, with their entitlements and accounts (mechanism `Rule`). Audited.',
  })
  createUser(@Arg('input', () => CreateUserInput, { description: "The new person's attributes; `login` is required." }) input: CreateUserInput, @Ctx() ctx: Context) {
    return ctx.people.createUser(input);
  }

  @Mutation(() => User, {
    description:
      'Mover: changes a person’s attributes (ORG_ADMIN). The birthright rules are evaluated again at once: roles gained are provisioned, roles lost revoked (access of other sources stays). Status `Active` rehires a terminated person. Audited.',
  })
  updateUser(
    @Arg('id', () => ID, { description: 'Id of the person who moves.' }) id: string,
    @Arg('input', () => UpdateUserInput, { description: 'The attributes that change; omitted ones are kept, null clears one.' }) input: UpdateUserInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.people.updateUser(id, input);
  }

  @Mutation(() => User, {
    description:
      'Leaver: ends a person’s employment (ORG_ADMIN): open requests are cancelled, every role, account and entitlement is revoked through revoke requests (workflow `Leaver`, no approval), and the person becomes `Inactive` with `terminatedAt`. Audited.',
  })
  terminateUser(
    @Arg('id', () => ID, { description: 'Id of the person who leaves.' }) id: string,
    @Arg('reason', () => String, { nullable: true, description: 'Why the person leaves; kept in the audit event and the revoke requests.' }) reason: string | null | undefined,
    @Ctx() ctx: Context,
  ) {
    return ctx.people.terminateUser(id, reason);
  }

  @Mutation(() => AuthoritativeSourceKind, { description: "Names who is authoritative for the workspace's people (ORG_ADMIN). Audited." })
  setAuthoritativeSource(@Arg('source', () => AuthoritativeSourceKind, { description: 'NONE or SCIM.' }) source: AuthoritativeSourceKind, @Ctx() ctx: Context) {
    return ctx.people.setAuthoritativeSource(source);
  }

  @Query(() => AuthoritativeSourceKind, { description: "Who is authoritative for the workspace's people." })
  authoritativeSource(@Ctx() ctx: Context) {
    return ctx.people.authoritativeSource();
  }
}
