import { defineEdges } from '../graph/registry.js';
import type { Context } from '../context.js';
import { Me } from '../../schema/auth/me.types.js';

/** The caller's part of the graph (see src/graph/README.md). */
defineEdges('auth', 'Me', () => Me, [
  {
    field: 'person',
    of: 'User',
    description: 'The person the credential acts as (a personal API key, a sign-in token); null for a service key.',
    load: (me: Me, _: unknown, ctx: Context) => (me.personId ? ctx.loaders.user.load(me.personId) : null),
  },
]);
