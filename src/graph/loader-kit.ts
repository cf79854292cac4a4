import DataLoader from 'dataloader';
import type { EntityClass, EntityManager } from '@mikro-orm/core';
import type { Knex } from 'knex';
import { knexOf, rowMapper } from './rows.js';

/**
 * Building blocks for per-request loaders. Every batch function returns values in key order
 * and of the same length; request values (em, workspace) are captured when a loader is built.
 */
export function byKey<K extends string, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (v: V) => K): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(
    async (keys) => {
      const rows = await fetch(keys);
      const index = new Map<K, V>();
      for (const row of rows) index.set(keyOf(row), row);
      return keys.map((k) => index.get(k) ?? null);
    },
    { maxBatchSize: 1000 },
  );
}

export function groupedByKey<K extends string, V>(fetch: (keys: readonly K[]) => Promise<Array<[K, V]>>): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(
    async (keys) => {
      const pairs = await fetch(keys);
      const groups = new Map<K, V[]>();
      for (const [k, v] of pairs) {
        let list = groups.get(k);
        if (!list) groups.set(k, (list = []));
        list.push(v);
      }
      return keys.map((k) => groups.get(k) ?? []);
    },
    { maxBatchSize: 1000 },
  );
}

/**
 * Children grouped by a parent key, read in one statement: `query` selects the child table's
 * columns (aliased `c`) plus the parent key as `__k`. Rows map to read models (plain objects, see rows.ts).
 */
export function childrenBy<T>(em: EntityManager, entity: EntityClass<T>, query: (knex: Knex, keys: readonly string[]) => Knex.QueryBuilder): DataLoader<string, T[]> {
  const mapper = rowMapper(em, entity);
  return groupedByKey<string, T>(async (keys) => {
    const rows: Array<Record<string, unknown>> = await query(knexOf(em), keys);
    return rows.map((row) => [row.__k as string, mapper.map(row)]);
  });
}

/**
 * A DataLoader that also remembers what it has resolved: `get` answers synchronously for a
 * key already loaded in this request. Thousands of fields pointing at the same few objects
 * (every entitlement's application) then cost no promise each.
 */
export class KeyedLoader<V> {
  private readonly values = new Map<string, V | null>();
  private readonly loader: DataLoader<string, V | null>;

  constructor(batch: (keys: readonly string[]) => Promise<Array<V | null>>) {
    this.loader = new DataLoader(
      async (keys) => {
        const values = await batch(keys);
        keys.forEach((k, i) => {
          this.values.set(k, values[i]);
        });
        return values;
      },
      { maxBatchSize: 1000 },
    );
  }

  /** The value, synchronously when this request has already loaded it. */
  get(key: string): V | null | Promise<V | null> {
    const known = this.values.get(key);
    return known !== undefined || this.values.has(key) ? (known as V | null) : this.loader.load(key);
  }

  load(key: string): Promise<V | null> {
    return this.loader.load(key);
  }

  /** Loads every key not yet known, in one batch with whatever else loads in this tick. */
  async prefetch(keys: Iterable<string>): Promise<void> {
    const missing = [...new Set(keys)].filter((k) => !this.values.has(k));
    if (missing.length) await this.loader.loadMany(missing);
  }

  clearAll(): void {
    this.values.clear();
    this.loader.clearAll();
  }
}

/** Loads objects of one workspace by a unique column (id by default); others come back null. */
export function rowsByKey<T>(em: EntityManager, entity: EntityClass<T>, workspaceId: string, column = 'id', property = column as keyof T & string): KeyedLoader<T> {
  const mapper = rowMapper(em, entity);
  return new KeyedLoader<T>(async (keys) => {
    const rows: Array<Record<string, unknown>> = await knexOf(em)
      .select('*')
      .from(mapper.table)
      .whereIn(column, [...keys])
      .andWhere('workspace_id', workspaceId);
    const index = new Map<string, T>();
    for (const row of rows) {
      const value = mapper.map(row);
      index.set(value[property] as unknown as string, value);
    }
    return keys.map((k) => index.get(k) ?? null);
  });
}

/** Lazily builds named loaders, so a request pays only for the loaders it uses. */
export class LoaderRegistry {
  private readonly loaders = new Map<string, { clearAll(): unknown }>();

  protected get<L extends { clearAll(): unknown }>(name: string, build: () => L): L {
    let loader = this.loaders.get(name);
    if (!loader) this.loaders.set(name, (loader = build()));
    return loader as L;
  }

  /** After a write: forget everything this request has read. */
  clearAll(): void {
    for (const loader of this.loaders.values()) loader.clearAll();
  }
}
