import { defineEdges, defineNodeType } from '../graph/registry.js';
import { PageArgs, pageRequest } from '../common/pagination.js';
import type { Row } from '../graph/rows.js';
import type { Context } from '../context.js';
import { User } from '../governance/user.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { IdentityProfile } from './identity-profile.entity.js';
import { OwnerReference, SourceReference } from '../../schema/profiles/identity-profile.types.js';
import { UserConnection } from '../../schema/governance/catalog.types.js';

/** Identity profiles' part of the graph (see src/graph/README.md). */
defineNodeType({ domain: 'profiles', name: 'IdentityProfile', gqlType: () => IdentityProfile, entity: IdentityProfile, read: 'identityProfiles:read' });

defineEdges('profiles', 'IdentityProfile', () => IdentityProfile, [
  {
    field: 'identities',
    of: 'User',
    connection: () => UserConnection,
    args: () => PageArgs,
    description: 'The identities that belong to the Identity Profile (the `identityCount` people), by login.',
    load: (p: Row<IdentityProfile>, args: PageArgs, ctx: Context) => ctx.profileLoaders.identities.load(p.id, pageRequest(args, ctx.config)),
  },
]);

defineEdges('profiles', 'OwnerReference', () => OwnerReference, [
  { field: 'user', of: 'User', description: 'The person the reference points to.', load: (ref: OwnerReference, _: unknown, ctx: Context) => ctx.loaders.user.load(ref.id) },
]);

defineEdges('profiles', 'SourceReference', () => SourceReference, [
  {
    field: 'targetSystem',
    of: 'TargetSystem',
    description: 'The application the reference points to.',
    load: (ref: SourceReference, _: unknown, ctx: Context) => ctx.loaders.targetSystem.load(ref.id),
  },
]);

defineEdges('profiles', 'User', () => User, [
  {
    field: 'identityProfile',
    of: 'IdentityProfile',
    description:
      'The Identity Profile this person belongs to: of the profiles whose authoritative source holds an account of theirs, the one with the lowest priority number (the earliest created on a tie); null when there is none.',
    load: async (u: Row<User>, _: unknown, ctx: Context) => (await ctx.profileLoaders.profileOfUser.load(u.id))?.profile ?? null,
  },
]);

defineEdges('profiles', 'TargetSystem', () => TargetSystem, [
  {
    field: 'identityProfiles',
    of: 'IdentityProfile',
    max: 100,
    description: 'Identity Profiles whose authoritative source this application is, in precedence order (at most 100).',
    load: (t: Row<TargetSystem>, _: unknown, ctx: Context) => ctx.profileLoaders.profilesOfSource.load(t.id),
  },
]);
