import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Knex } from 'knex';
import { byKey, groupedByKey, LoaderRegistry, rowsByKey } from '../graph/loader-kit.js';
import { NestedConnectionLoader } from '../graph/nested-connection.js';
import { User } from '../governance/user.entity.js';
import { IdentityProfile } from './identity-profile.entity.js';

/**
 * Precedence between profiles (SailPoint: "the lower the number, the higher the priority"; on
 * a tie the profile created first wins), as SQL: profile `q` ranks before profile `p`.
 */
const RANKS_BEFORE = '(q.priority < p.priority or (q.priority = p.priority and (q.created < p.created or (q.created = p.created and q.id < p.id))))';

/**
 * Who belongs to each of the given profiles, as distinct (profile_id, user_id) rows: people with
 * an account on the profile's authoritative source whom no profile of higher precedence claims
 * through an account on its own source. A person thus belongs to one profile at most, and
 * `identityCount`, `identities` and `User.identityProfile` all agree.
 */
function belonging(knex: Knex, profileIds: readonly string[]): Knex.QueryBuilder {
  return knex
    .distinct('p.id as profile_id', 'ua.user_id')
    .from('identity_profile as p')
    .join('user_account as ua', 'ua.target_system_id', 'p.authoritative_source_id')
    .whereIn('p.id', [...profileIds])
    .whereNotExists(
      knex
        .select(knex.raw('1'))
        .from('identity_profile as q')
        .join('user_account as ub', 'ub.target_system_id', 'q.authoritative_source_id')
        .whereRaw('ub.user_id = ua.user_id')
        .whereRaw('q.workspace_id = p.workspace_id')
        .whereRaw(RANKS_BEFORE),
    );
}

function identityCounts(knex: Knex, profileIds: readonly string[]): Knex.QueryBuilder {
  return knex.select('m.profile_id as __parent').count({ n: '*' }).from(belonging(knex, profileIds).as('m')).groupBy('m.profile_id');
}

/**
 * How many people belong to each given profile, in key order: one grouped COUNT. Runs through
 * `em`, so inside a transaction it reads (and waits for) that transaction's connection.
 */
export async function countIdentities(em: EntityManager, profileIds: readonly string[]): Promise<number[]> {
  const sql = em as SqlEntityManager;
  const rows: Array<{ __parent: string; n: number | string }> = await sql.execute(identityCounts(sql.getKnex(), profileIds));
  const counts = new Map(rows.map((r) => [r.__parent, Number(r.n)]));
  return profileIds.map((id) => counts.get(id) ?? 0);
}

/** Identity profile reads and edges, each one SQL statement per batch whatever the number of parents. */
export class ProfileLoaders extends LoaderRegistry {
  constructor(
    private readonly em: EntityManager,
    private readonly workspaceId: string,
  ) {
    super();
  }

  private get knex(): Knex {
    return (this.em as SqlEntityManager).getKnex();
  }

  get profile() {
    return this.get('profile', () => rowsByKey(this.em, IdentityProfile, this.workspaceId));
  }

  /** `identityCount` of each profile: one grouped COUNT for the whole batch. */
  get identityCount() {
    return this.get('identityCount', () => new DataLoader<string, number>((ids) => countIdentities(this.em, ids), { maxBatchSize: 1000 }));
  }

  /** The people belonging to each profile, ordered by login. */
  get identities(): NestedConnectionLoader<User> {
    return this.get(
      'identities',
      () =>
        new NestedConnectionLoader<User>(this.em, {
          entity: User,
          parentColumn: 'm.profile_id',
          sortColumn: 'c.login',
          sortProperty: 'login',
          rows: (knex, ids) => knex.from(belonging(knex, ids).as('m')).join('app_user as c', 'c.id', 'm.user_id'),
          counts: identityCounts,
        }) as never,
    ) as unknown as NestedConnectionLoader<User>;
  }

  /** Profiles whose authoritative source is each given application, in precedence order. */
  get profilesOfSource() {
    return this.get('profilesOfSource', () =>
      groupedByKey<string, IdentityProfile>(async (sourceIds) => {
        const rows = await this.em.find(
          IdentityProfile,
          { workspace: this.workspaceId, authoritativeSource: { $in: [...sourceIds] } },
          { orderBy: { priority: 'asc', created: 'asc', id: 'asc' } },
        );
        return rows.map((p) => [p.authoritativeSource.id, p] as [string, IdentityProfile]);
      }),
    );
  }

  /**
   * The profile each person belongs to: of the profiles whose authoritative source holds an
   * account of theirs, the first in precedence order.
   */
  get profileOfUser() {
    return this.get('profileOfUser', () =>
      byKey<string, { userId: string; profile: IdentityProfile }>(
        async (userIds) => {
          const rows: Array<Record<string, unknown>> = await this.knex
            .select('ua.user_id as __user', 'p.*')
            .from('user_account as ua')
            .join('identity_profile as p', 'p.authoritative_source_id', 'ua.target_system_id')
            .whereIn('ua.user_id', [...userIds])
            .where('p.workspace_id', this.workspaceId)
            .orderBy([{ column: 'ua.user_id' }, { column: 'p.priority' }, { column: 'p.created' }, { column: 'p.id' }]);
          const first = new Map<string, IdentityProfile>();
          for (const { __user, ...profile } of rows) {
            if (!first.has(__user as string)) first.set(__user as string, this.em.map(IdentityProfile, profile));
          }
          return [...first].map(([userId, profile]) => ({ userId, profile }));
        },
        (r) => r.userId,
      ),
    );
  }
}
