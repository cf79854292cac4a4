import type { EntityManager } from '@mikro-orm/core';
import type { Action } from '../auth/authorities.js';
import type { Selection } from './selection.js';
import { identity, knexOf, rowMapper, TYPE, type ColumnMapping } from './rows.js';
import { graphRegistry, type EdgeSpec } from './registry.js';
import { entityOf, tableOf } from './edge-loaders.js';

/**
 * The SQL planner: a nested selection over the registry's `sql` edges becomes ONE statement
 * that builds the whole answer as JSON inside the database (correlated subqueries; on SQLite
 * JSON text joined with json_quote and ordered group_concat, never re-parsed on the way up; on
 * PostgreSQL json_build_object / json_agg). The parsed objects are the read models themselves,
 * carrying their prefetched edges, which the edge resolvers hand back (see install.ts).
 * Whatever the planner does not cover (edges with arguments, aliases, directives, code edges,
 * edges the caller may not read, nesting deeper than the database parses) is left to the
 * resolvers and their DataLoaders, with the columns they need.
 */
export type Dialect = 'sqlite' | 'postgresql';

const PLANNED = Symbol('planned edges');
export const NOT_PLANNED = Symbol('not planned');

/** The value the planner fetched for an edge of this object, or NOT_PLANNED. */
export function prefetched(parent: unknown, edge: string): unknown {
  const edges = (parent as { [PLANNED]?: Record<string, unknown> } | null)?.[PLANNED];
  return edges && edge in edges ? edges[edge] : NOT_PLANNED;
}

/** Raised for a list edge with more children than its declared maximum. */
export class ListLimitExceeded {
  constructor(readonly edge: EdgeSpec) {}
}

/**
 * How deep (in nested subqueries) a statement may go. SQLite's parser has a fixed stack and
 * fails with "parser stack overflow" on deeper nesting; each list costs two levels, each
 * single object one. Past the budget the edges are left to the DataLoaders.
 */
const NESTING_BUDGET: Record<Dialect, number> = { sqlite: 6, postgresql: 64 };

interface Shape {
  /** [property, column, convert] of the columns read. */
  columns: ColumnMapping[];
  /** Only those whose value needs converting after JSON.parse. */
  conversions: ColumnMapping[];
  edges: Array<[string, EdgeSpec, Selection]>;
}

export interface PlanOptions {
  may: (action: Action) => boolean;
}

export class SqlPlanner {
  private readonly shapes = new WeakMap<Selection, Shape>();

  constructor(private readonly dialect: Dialect) {}

  /**
   * Reads the objects with the given ids, in that order, with every plannable edge of the
   * selection prefetched: one SQL statement whatever the depth and the number of rows.
   */
  async load<T>(em: EntityManager, typeName: string, selection: Selection, ids: readonly string[], options: PlanOptions): Promise<T[]> {
    if (ids.length === 0) return [];
    // Only the ids (a compiled selection's marker, see compiled.ts): the caller has them already.
    if ([...selection.fields.keys()].every((f) => f === 'id' || f === '__typename')) return ids.map((id) => ({ id, [TYPE]: typeName }) as T);
    const aliases = { n: 0 };
    const table = tableOf(em, entityOf(typeName));
    const expr = this.objectSql(em, typeName, selection, 'c0', aliases, options, NESTING_BUDGET[this.dialect], true);
    const sql = `select ${expr} as x from ${table} c0 where c0.id in (${ids.map(() => '?').join(', ')})`;
    const result: unknown = await knexOf(em).raw(sql, [...ids]);
    const rows = this.dialect === 'postgresql' ? (result as { rows: Array<{ x: unknown }> }).rows : (result as Array<{ x: unknown }>);
    const byId = new Map<string, T>();
    for (const row of rows) {
      const json = (typeof row.x === 'string' ? JSON.parse(row.x) : row.x) as Record<string | symbol, unknown>;
      const value = this.materialize(typeName, selection, json) as T & { id: string };
      byId.set(value.id, value);
    }
    return ids.map((id) => byId.get(id)).filter((x): x is T => !!x);
  }

  /** Which columns and edges a selection takes from one type (computed once per selection). */
  private shape(em: EntityManager, typeName: string, selection: Selection, options: PlanOptions, budget: number, top: boolean): Shape {
    let shape = this.shapes.get(selection);
    if (shape) return shape;
    const type = graphRegistry.nodeType(typeName)!;
    const mapper = rowMapper(em, entityOf(typeName));
    const byProperty = new Map(mapper.columns.map((c) => [c[0], c]));
    const wanted = new Set<string>(top ? ['id'] : []);
    const edges: Shape['edges'] = [];
    let everything = false;
    for (const [field, sub] of selection.fields) {
      if (field === '__typename') continue;
      const edge = graphRegistry.edge(typeName, field);
      if (edge) {
        const cost = edge.cardinality === 'list' ? 2 : 1;
        if (edge.sql && sub && !selection.opaque.has(field) && options.may(graphRegistry.nodeType(edge.of)!.read) && cost <= budget) {
          edges.push([field, edge, sub]);
        } else {
          for (const column of neededColumns(edge)) wanted.add(column);
        }
      } else if (type.columns?.[field]) {
        for (const c of type.columns[field]) wanted.add(c);
      } else if (byProperty.has(field)) {
        wanted.add(byProperty.get(field)![1]);
      } else {
        everything = true; // a field this plan does not know: give its resolver the whole row
      }
    }
    const columns = mapper.columns.filter(([, column]) => everything || wanted.has(column));
    shape = { columns, conversions: columns.filter(([, , convert]) => convert !== identity), edges };
    this.shapes.set(selection, shape);
    return shape;
  }

  private objectSql(em: EntityManager, typeName: string, selection: Selection, alias: string, aliases: { n: number }, options: PlanOptions, budget: number, top = false): string {
    const { columns, edges } = this.shape(em, typeName, selection, options, budget, top);
    const edgeParts = edges.map(([field, edge, sub]) => [field, this.edgeSql(em, edge, sub, alias, aliases, options, budget)] as const);
    if (this.dialect === 'sqlite') {
      const parts = columns.map(([property, column]) => `'"${property}":' || json_quote(${alias}.${column})`);
      for (const [field, sql] of edgeParts) parts.push(`'"$${field}":' || ${sql}`);
      return parts.length ? `'{' || ${parts.join(` || ',' || `)} || '}'` : `'{}'`;
    }
    const parts = columns.map(([property, column]) => `'${property}', ${alias}.${column}`);
    for (const [field, sql] of edgeParts) parts.push(`'$${field}', ${sql}`);
    return `json_build_object(${parts.join(', ')})`;
  }

  private edgeSql(em: EntityManager, edge: EdgeSpec, selection: Selection, parent: string, aliases: { n: number }, options: PlanOptions, budget: number): string {
    const n = ++aliases.n;
    const c = `c${n}`;
    const s = `s${n}`;
    const sql = edge.sql!;
    if (sql.kind === 'ref') {
      const object = this.objectSql(em, edge.of, selection, c, aliases, options, budget - 1);
      const one = `(select ${object} from ${refFrom(em, edge, parent, c)})`;
      return this.dialect === 'sqlite' ? `coalesce(${one}, 'null')` : one;
    }
    const object = this.objectSql(em, edge.of, selection, c, aliases, options, budget - 2);
    const order = sql.orderBy.map((col, i) => `${c}.${col} as o${i}`);
    const orderRefs = sql.orderBy.map((_, i) => `${s}.o${i}`).join(', ');
    // One child more than the maximum is read, so an overflowing list is told apart.
    const inner = `select ${object} as x, ${order.join(', ')} from ${sql.from(parent, c)} order by ${sql.orderBy.map((col) => `${c}.${col}`).join(', ')} limit ${edge.max! + 1}`;
    return this.dialect === 'sqlite'
      ? `'[' || coalesce((select group_concat(${s}.x, ',' order by ${orderRefs}) from (${inner}) ${s}), '') || ']'`
      : `(select coalesce(json_agg(${s}.x order by ${orderRefs}), '[]'::json) from (${inner}) ${s})`;
  }

  /** The parsed object becomes the read model in place: typed, converted, edges attached. */
  private materialize(typeName: string, selection: Selection, json: Record<string | symbol, unknown>): object {
    const shape = this.shapes.get(selection)!;
    json[TYPE] = typeName;
    for (const [property, , convert] of shape.conversions) json[property] = convert(json[property]);
    if (shape.edges.length) {
      const edges: Record<string, unknown> = {};
      for (const [field, edge, sub] of shape.edges) {
        const raw = json[`$${field}`];
        if (edge.cardinality === 'list') {
          const list = (raw as Array<Record<string, unknown>>) ?? [];
          edges[field] = list.length > edge.max! ? new ListLimitExceeded(edge) : list.map((child) => this.materialize(edge.of, sub, child));
        } else {
          edges[field] = raw == null ? null : this.materialize(edge.of, sub, raw as Record<string, unknown>);
        }
      }
      json[PLANNED] = edges;
    }
    return json;
  }
}

/** FROM … WHERE of the one child a `ref` edge points to. */
export function refFrom(em: EntityManager, edge: EdgeSpec, p: string, c: string): string {
  const sql = edge.sql as Extract<EdgeSpec['sql'], { kind: 'ref' }>;
  const table = tableOf(em, entityOf(edge.of));
  const key = sql.key ?? 'id';
  return `${table} ${c} where ${c}.${key} = ${p}.${sql.column}${key === 'id' ? '' : ` and ${c}.workspace_id = ${p}.workspace_id`}`;
}

/** Columns of the parent an edge's resolver reads when the planner leaves the edge to it. */
export function neededColumns(edge: EdgeSpec): readonly string[] {
  if (edge.sql?.kind === 'ref') return [edge.sql.column];
  return edge.needs ?? ['id'];
}
