import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../src/context.js';
import { User } from '../../src/governance/user.entity.js';
import { ServiceRequest } from '../../src/governance/service-request.entity.js';
import { RoleMembership } from '../../schema/governance/people.types.js';
import type { Row } from '../../src/graph/rows.js';
import { Role } from '../../src/governance/role.entity.js';
import { TargetSystem } from '../../src/governance/target-system.entity.js';
import { Entitlement } from '../../src/governance/entitlement.entity.js';
import { LifecycleStatus, UserAccessList } from '../../schema/governance/catalog.types.js';

// The catalog's edges (roles, entitlements, owners, members, …) are declared in
// src/governance/governance.graph.ts; what stays here are computed fields.
const lifecycle = (x: { readonly disabled: boolean; readonly retired: boolean }) =>
  x.retired ? LifecycleStatus.RETIRED : x.disabled ? LifecycleStatus.DISABLED : LifecycleStatus.ACTIVE;

@Resolver(() => Role)
export class RoleFields {
  @FieldResolver(() => LifecycleStatus, { description: 'ACTIVE, DISABLED or RETIRED (seed: Role Operation).' })
  status(@Root() role: Row<Role>) {
    return lifecycle(role);
  }
}

@Resolver(() => Entitlement)
export class EntitlementFields {
  @FieldResolver(() => LifecycleStatus, { description: 'ACTIVE, DISABLED or RETIRED.' })
  status(@Root() e: Row<Entitlement>) {
    return lifecycle(e);
  }
}

@Resolver(() => TargetSystem)
export class TargetSystemFields {
  @FieldResolver(() => LifecycleStatus, { description: 'ACTIVE, DISABLED or RETIRED (seed: Application Operation).' })
  status(@Root() t: Row<TargetSystem>) {
    return lifecycle(t);
  }
}

@Resolver(() => User)
export class UserFields {
  @FieldResolver(() => UserAccessList, { description: 'How many applications and entitlements the person holds (seed: `accessList`), counted in the database.' })
  async accessList(@Root() u: Row<User>, @Ctx() ctx: Context) {
    return ctx.loaders.accessCountsOfUser.load(u.id);
  }

  @FieldResolver(() => [RoleMembership], { description: 'How the person holds each role: one entry per source, with when it ends for a time-bound grant (`expiresAt`).' })
  roleMemberships(@Root() user: Row<User>, @Ctx() ctx: Context) {
    return ctx.loaders.membershipsOfUser.load(user.id);
  }
}

@Resolver(() => ServiceRequest)
export class ServiceRequestFields {
  @FieldResolver(() => LifecycleStatus, { description: 'ACTIVE, DISABLED or RETIRED, as for roles and applications.' })
  status(@Root() s: Row<ServiceRequest>) {
    return lifecycle(s);
  }
}
