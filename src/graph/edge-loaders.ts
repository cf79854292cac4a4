import type DataLoader from 'dataloader';
import type { EntityClass, EntityManager, EntityMetadata } from '@mikro-orm/core';
import { groupedByKey, KeyedLoader, rowsByKey } from './loader-kit.js';
import { knexOf, rowMapper } from './rows.js';
import { graphRegistry, type EdgeSpec } from './registry.js';

/** The table of a node type's entity. */
export function tableOf(em: EntityManager, entity: EntityClass<object>): string {
  return (em.getMetadata().get(entity.name) as EntityMetadata).tableName;
}

/** The entity of the node type an edge leads to, or of an edge's parent. */
export function entityOf(typeName: string): EntityClass<object> {
  const entity = graphRegistry.nodeType(typeName)?.entity;
  if (!entity) throw new Error(`Node type ${typeName} is not a stored entity`);
  return entity;
}

/**
 * The per-request loaders the edge registry derives: objects by key (for `ref` edges) and
 * children grouped by parent id (for `list` edges, from the same SQL the planner uses).
 */
export class EdgeLoaders {
  private readonly loaders = new Map<string, { clearAll(): unknown }>();

  constructor(
    private readonly em: EntityManager,
    private readonly workspaceId: string,
  ) {}

  /** Objects of one entity by a unique column, within the workspace. */
  byKey<T>(entity: EntityClass<T>, column = 'id'): KeyedLoader<T> {
    const name = `${entity.name}:${column}`;
    let loader = this.loaders.get(name) as KeyedLoader<T> | undefined;
    if (!loader) this.loaders.set(name, (loader = rowsByKey(this.em, entity, this.workspaceId, column)));
    return loader;
  }

  /** The children of a `list` edge, by parent id, at most `max + 1` per parent are kept. */
  children(edge: EdgeSpec): DataLoader<string, object[]> {
    const name = `${edge.parent}.${edge.field}`;
    let loader = this.loaders.get(name) as DataLoader<string, object[]> | undefined;
    if (!loader) {
      const sql = edge.sql;
      if (sql?.kind !== 'list') throw new Error(`${name} is not a list edge`);
      const mapper = rowMapper(this.em, entityOf(edge.of));
      const parentTable = tableOf(this.em, entityOf(edge.parent));
      const order = sql.orderBy.map((column) => `c.${column}`).join(', ');
      loader = groupedByKey<string, object>(async (keys) => {
        const text = `select p.id as __k, c.* from ${parentTable} p, ${sql.from('p', 'c')} and p.id in (${keys.map(() => '?').join(', ')}) order by p.id, ${order}`;
        const result: unknown = await knexOf(this.em).raw(text, [...keys]);
        const rows = (Array.isArray(result) ? result : (result as { rows: Array<Record<string, unknown>> }).rows) as Array<Record<string, unknown>>;
        return rows.map((row) => [row.__k as string, mapper.map(row) as object]);
      });
      this.loaders.set(name, loader);
    }
    return loader;
  }

  clearAll(): void {
    for (const loader of this.loaders.values()) loader.clearAll();
  }
}
