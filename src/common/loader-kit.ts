import DataLoader from 'dataloader';
import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/core';

/**
 * Building blocks for per-request loaders. Every batch function returns values in key order
 * and of the same length; request values (em, workspace) are captured when a loader is built.
 */
export function byKey<K extends string, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (v: V) => K): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetch(keys);
    const index = new Map<K, V>();
    for (const row of rows) index.set(keyOf(row), row);
    return keys.map((k) => index.get(k) ?? null);
  }, { maxBatchSize: 1000 });
}

export function groupedByKey<K extends string, V>(fetch: (keys: readonly K[]) => Promise<Array<[K, V]>>): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const pairs = await fetch(keys);
    const groups = new Map<K, V[]>();
    for (const [k, v] of pairs) {
      let list = groups.get(k);
      if (!list) groups.set(k, (list = []));
      list.push(v);
    }
    return keys.map((k) => groups.get(k) ?? []);
  }, { maxBatchSize: 1000 });
}

/** Loads entities of one workspace by id; ids of other workspaces come back null. */
export function entityById<T extends { id: string }>(em: EntityManager, entity: EntityClass<T>, workspaceId: string): DataLoader<string, T | null> {
  return byKey<string, T>(
    (ids) => em.find(entity, { id: { $in: [...ids] }, workspace: workspaceId } as unknown as FilterQuery<T>),
    (row) => row.id,
  );
}

/** Lazily builds named loaders, so a request pays only for the loaders it uses. */
export class LoaderRegistry {
  private readonly loaders = new Map<string, DataLoader<any, any>>();

  protected get<K, V>(name: string, build: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(name);
    if (!loader) this.loaders.set(name, (loader = build()));
    return loader as DataLoader<K, V>;
  }

  /** After a write: forget everything this request has read. */
  clearAll(): void {
    for (const loader of this.loaders.values()) loader.clearAll();
  }
}
