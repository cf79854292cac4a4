import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../src/context.js';
import { Me } from '../../schema/auth/me.types.js';

@Resolver()
export class MeResolver {
  @Query(() => Me, { description: 'Who you are: your credential, its authorities and, for a personal credential or a sign-in token, your person.' })
  me(@Ctx() ctx: Context): Me {
    return new Me(ctx.viewer);
  }
}
