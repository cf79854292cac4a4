import type { EntityClass, EntityManager, EntityMetadata } from '@mikro-orm/core';
import type { Selection } from './selection.js';
import { knexOf, rowMapper } from './rows.js';

/**
 * The SQL planner: a nested selection over known edges becomes ONE statement that builds the
 * whole answer as JSON inside the database (correlated subqueries with json_object /
 * json_group_array on SQLite, json_build_object / json_agg on PostgreSQL). The objects it
 * returns carry their prefetched edges, which the edge resolvers hand back synchronously;
 * whatever the planner does not cover (edges with arguments, aliases, directives, fields it
 * does not know) is left to the resolvers and their DataLoaders, with the columns they need.
 */
export type Dialect = 'sqlite' | 'postgresql';

export interface PlanEdge {
  /** Registry name of the child type. */
  type: string;
  many: boolean;
  /** FROM … WHERE of the children of parent alias `p`, the child table aliased `c`. */
  from: (p: string, c: string) => string;
  /** Child sort columns (without alias), for lists. */
  orderBy?: string[];
}

export interface PlanType {
  entity: EntityClass<object>;
  edges: Record<string, PlanEdge>;
  /** Columns other fields need from the row: computed fields, and edges when left to loaders. */
  needs: Record<string, string[]>;
}

const PLANNED = Symbol('planned edges');

/** The prefetched value of an edge (null included), or `undefined` when the planner left it to the resolver. */
export function planned<T>(parent: object, edge: string): T | undefined {
  const edges = (parent as { [PLANNED]?: Record<string, unknown> })[PLANNED];
  return edges && edge in edges ? (edges[edge] as T) : undefined;
}

/** The prefetched value of an edge when there is one, otherwise what `resolve` gives. */
export function plannedOr<T>(parent: object, edge: string, resolve: () => T): T {
  const edges = (parent as { [PLANNED]?: Record<string, unknown> })[PLANNED];
  return edges && edge in edges ? (edges[edge] as T) : resolve();
}

export class SqlPlanner {
  private readonly metas = new Map<string, { meta: EntityMetadata; columns: Map<string, string> }>();

  constructor(
    private readonly registry: Record<string, PlanType>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Reads the objects with the given ids, in that order, with every plannable edge of the
   * selection prefetched: one SQL statement whatever the depth and the number of rows.
   */
  async load<T>(em: EntityManager, typeName: string, selection: Selection, ids: readonly string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const aliases = { n: 0 };
    const table = this.columnsOf(em, typeName).meta.tableName;
    const expr = this.objectSql(em, typeName, selection, 'c0', aliases);
    const sql = `select ${expr} as x from ${table} c0 where c0.id in (${ids.map(() => '?').join(', ')})`;
    const rows: Array<{ x: unknown }> = await knexOf(em).raw(sql, [...ids]).then((r: unknown) => (this.dialect === 'postgresql' ? (r as { rows: Array<{ x: unknown }> }).rows : (r as Array<{ x: unknown }>)));
    const byId = new Map<string, T>();
    for (const row of rows) {
      const json = (typeof row.x === 'string' ? JSON.parse(row.x) : row.x) as Record<string, unknown>;
      const value = this.materialize(em, typeName, selection, json) as T & { id: string };
      byId.set(value.id, value);
    }
    return ids.map((id) => byId.get(id)).filter((x): x is T => !!x);
  }

  private columnsOf(em: EntityManager, typeName: string) {
    let entry = this.metas.get(typeName);
    if (!entry) {
      const meta = em.getMetadata().get(this.registry[typeName].entity.name) as EntityMetadata;
      const columns = new Map<string, string>();
      for (const p of Object.values(meta.properties)) {
        if ((p.kind === 'scalar' || p.kind === 'm:1') && p.fieldNames?.length === 1 && p.persist !== false) columns.set(p.name, p.fieldNames[0]);
      }
      this.metas.set(typeName, (entry = { meta, columns }));
    }
    return entry;
  }

  private readonly shapes = new WeakMap<Selection, ReturnType<SqlPlanner['computeShape']>>();

  /** Which columns and which edges a selection takes from one type (computed once per selection). */
  private shape(em: EntityManager, typeName: string, selection: Selection) {
    let shape = this.shapes.get(selection);
    if (!shape) this.shapes.set(selection, (shape = this.computeShape(em, typeName, selection)));
    return shape;
  }

  private computeShape(em: EntityManager, typeName: string, selection: Selection) {
    const spec = this.registry[typeName];
    const { columns: all } = this.columnsOf(em, typeName);
    const columns = new Set<string>(['id']);
    const edges: Array<[string, PlanEdge, Selection]> = [];
    let everything = false;
    for (const [field, sub] of selection.fields) {
      if (field === '__typename') continue;
      const edge = spec.edges[field];
      if (edge && sub && !selection.opaque.has(field)) {
        edges.push([field, edge, sub]);
        continue;
      }
      const column = all.get(field);
      if (column && !edge) columns.add(column);
      else if (spec.needs[field]) for (const c of spec.needs[field]) columns.add(c);
      else if (!column) everything = true; // a field this plan does not know: give its resolver the whole row
    }
    const chosen = everything ? new Set(all.values()) : columns;
    const mapper = rowMapper(em, spec.entity);
    return { columns: chosen, edges, mapper, mappings: mapper.columns.filter(([, column]) => chosen.has(column)) };
  }

  private objectSql(em: EntityManager, typeName: string, selection: Selection, alias: string, aliases: { n: number }): string {
    const { columns, edges } = this.shape(em, typeName, selection);
    const parts: string[] = [];
    for (const column of columns) parts.push(`'${column}', ${alias}.${column}`);
    for (const [field, edge, sub] of edges) parts.push(`'$${field}', ${this.edgeSql(em, edge, sub, alias, aliases)}`);
    return this.dialect === 'sqlite' ? `json_object(${parts.join(', ')})` : `json_build_object(${parts.join(', ')})`;
  }

  private edgeSql(em: EntityManager, edge: PlanEdge, selection: Selection, parent: string, aliases: { n: number }): string {
    const n = ++aliases.n;
    const c = `c${n}`;
    const s = `s${n}`;
    const object = this.objectSql(em, edge.type, selection, c, aliases);
    const from = edge.from(parent, c);
    if (!edge.many) {
      const one = `(select ${object} from ${from})`;
      return this.dialect === 'sqlite' ? `json(${one})` : one;
    }
    const order = (edge.orderBy ?? ['id']).map((col, i) => `${c}.${col} as o${i}`);
    const orderRefs = (edge.orderBy ?? ['id']).map((_, i) => `${s}.o${i}`).join(', ');
    const inner = `select ${object} as x, ${order.join(', ')} from ${from}`;
    return this.dialect === 'sqlite'
      ? // SQLite drops the JSON subtype through an ordered aggregate, so the array is joined as text.
        `json((select coalesce('[' || group_concat(${s}.x, ',' order by ${orderRefs}) || ']', '[]') from (${inner}) ${s}))`
      : `(select coalesce(json_agg(${s}.x order by ${orderRefs}), '[]'::json) from (${inner}) ${s})`;
  }

  private materialize(em: EntityManager, typeName: string, selection: Selection, json: Record<string, unknown>): object {
    const { edges, mapper, mappings } = this.shape(em, typeName, selection);
    const value = mapper.mapSome(json, mappings) as Record<string | symbol, unknown>;
    if (edges.length) {
      const prefetched: Record<string, unknown> = {};
      for (const [field, edge, sub] of edges) {
        const raw = json[`$${field}`];
        prefetched[field] = edge.many
          ? ((raw as Array<Record<string, unknown>>) ?? []).map((child) => this.materialize(em, edge.type, sub, child))
          : raw == null ? null : this.materialize(em, edge.type, sub, raw as Record<string, unknown>);
      }
      value[PLANNED] = prefetched;
    }
    return value;
  }
}
