import { defineEdges, defineNodeType } from '../graph/registry.js';
import type { Row } from '../graph/rows.js';
import type { Context } from '../context.js';
import { User } from '../governance/user.entity.js';
import { ScimUser } from './scim-user.entity.js';
import { ScimGroupRef } from '../../schema/scim/scim.types.js';

/** The SCIM directory's part of the graph (see src/graph/README.md). */
defineNodeType({ domain: 'scim', name: 'ScimUser', gqlType: () => ScimUser, entity: ScimUser, read: 'scim:read' });

defineEdges('scim', 'User', () => User, [
  {
    field: 'scimUser',
    of: 'ScimUser',
    description: 'The SCIM directory user of this person (the first provisioned, when several).',
    load: (u: Row<User>, _: unknown, ctx: Context) => ctx.scimLoaders.scimUserOfUser.load(u.id),
  },
]);

defineEdges('scim', 'ScimUser', () => ScimUser, [
  {
    field: 'roles',
    of: 'Role',
    max: 100,
    description: "The Roles of the workspace that the user's roles and groups name (at most 100).",
    load: (u: Row<ScimUser>, _: unknown, ctx: Context) => ctx.scimLoaders.rolesOfScimUser.load(u.id),
  },
  {
    field: 'user',
    of: 'User',
    sql: { kind: 'ref', column: 'user_id' },
    description: 'The IGA identity this SCIM user is (matched at creation by userName = login or email, or externalId = employeeNumber).',
  },
]);

defineEdges('scim', 'ScimGroupRef', () => ScimGroupRef, [
  {
    field: 'role',
    of: 'Role',
    description: 'The Role this group is.',
    load: (g: ScimGroupRef, _: unknown, ctx: Context) => (g.roleId ? ctx.loaders.role.load(g.roleId) : null),
  },
]);
