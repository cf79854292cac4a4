import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { EntityClass, EntityManager, EntityMetadata } from '@mikro-orm/core';
import type { Selection } from './selection.js';
import { identity, knexOf, rowMapper, TYPE, type ColumnMapping } from './rows.js';

/**
 * The SQL planner: a nested selection over known edges becomes ONE statement that builds the
 * whole answer as JSON inside the database (correlated subqueries; on SQLite JSON text joined
 * with json_quote and ordered group_concat, never re-parsed on the way up; on PostgreSQL
 * json_build_object / json_agg). The parsed objects are the read models themselves, carrying
 * their prefetched edges, which a wrapper installed on each edge field hands back without a
 * resolver call. Whatever the planner does not cover (edges with arguments, aliases,
 * directives, fields it does not know) is left to the resolvers and their DataLoaders, with
 * the columns they need.
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
const NOT_PLANNED = Symbol('not planned');

function prefetched(parent: unknown, edge: string): unknown {
  const edges = (parent as { [PLANNED]?: Record<string, unknown> } | null)?.[PLANNED];
  return edges && edge in edges ? edges[edge] : NOT_PLANNED;
}

/**
 * Wraps the resolver of every edge the registry knows: a prefetched value is returned as it
 * is (synchronously, without the resolver's own wrapping); otherwise the resolver runs.
 */
export function installPlannedEdges(schema: GraphQLSchema, registry: Record<string, PlanType>): void {
  for (const [typeName, spec] of Object.entries(registry)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const fields = type.getFields();
    for (const edge of Object.keys(spec.edges)) {
      const field = fields[edge];
      const resolve = field?.resolve as GraphQLFieldResolver<unknown, unknown> | undefined;
      if (!resolve) continue;
      field.resolve = (source, args, context, info) => {
        const value = prefetched(source, edge);
        return value === NOT_PLANNED ? resolve(source, args, context, info) : value;
      };
    }
  }
}

interface Shape {
  /** [property, column, convert] of the columns read. */
  columns: ColumnMapping[];
  /** Only those whose value needs converting after JSON.parse. */
  conversions: ColumnMapping[];
  edges: Array<[string, PlanEdge, Selection]>;
}

export class SqlPlanner {
  private readonly shapes = new WeakMap<Selection, Shape>();

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
    const table = (em.getMetadata().get(this.registry[typeName].entity.name) as EntityMetadata).tableName;
    const expr = this.objectSql(em, typeName, selection, 'c0', aliases, true);
    const sql = `select ${expr} as x from ${table} c0 where c0.id in (${ids.map(() => '?').join(', ')})`;
    const result: unknown = await knexOf(em).raw(sql, [...ids]);
    const rows = (this.dialect === 'postgresql' ? (result as { rows: Array<{ x: unknown }> }).rows : (result as Array<{ x: unknown }>));
    const byId = new Map<string, T>();
    for (const row of rows) {
      const json = (typeof row.x === 'string' ? JSON.parse(row.x) : row.x) as Record<string | symbol, unknown>;
      const value = this.materialize(typeName, selection, json) as T & { id: string };
      byId.set(value.id, value);
    }
    return ids.map((id) => byId.get(id)).filter((x): x is T => !!x);
  }

  /** Which columns and edges a selection takes from one type (computed once per selection). */
  private shape(em: EntityManager, typeName: string, selection: Selection, top = false): Shape {
    let shape = this.shapes.get(selection);
    if (shape) return shape;
    const spec = this.registry[typeName];
    const mapper = rowMapper(em, spec.entity);
    const byProperty = new Map(mapper.columns.map((c) => [c[0], c]));
    const wanted = new Set<string>(top ? ['id'] : []);
    const edges: Shape['edges'] = [];
    let everything = false;
    for (const [field, sub] of selection.fields) {
      if (field === '__typename') continue;
      const edge = spec.edges[field];
      if (edge && sub && !selection.opaque.has(field)) edges.push([field, edge, sub]);
      else if (spec.needs[field]) for (const c of spec.needs[field]) wanted.add(c);
      else if (byProperty.has(field) && !edge) wanted.add(byProperty.get(field)![1]);
      else everything = true; // a field this plan does not know: give its resolver the whole row
    }
    const columns = mapper.columns.filter(([, column]) => everything || wanted.has(column));
    shape = { columns, conversions: columns.filter(([, , convert]) => convert !== identity), edges };
    this.shapes.set(selection, shape);
    return shape;
  }

  private objectSql(em: EntityManager, typeName: string, selection: Selection, alias: string, aliases: { n: number }, top = false): string {
    const { columns, edges } = this.shape(em, typeName, selection, top);
    if (this.dialect === 'sqlite') {
      const parts = columns.map(([property, column]) => `'"${property}":' || json_quote(${alias}.${column})`);
      for (const [field, edge, sub] of edges) parts.push(`'"$${field}":' || ${this.edgeSql(em, edge, sub, alias, aliases)}`);
      return parts.length ? `'{' || ${parts.join(` || ',' || `)} || '}'` : `'{}'`;
    }
    const parts = columns.map(([property, column]) => `'${property}', ${alias}.${column}`);
    for (const [field, edge, sub] of edges) parts.push(`'$${field}', ${this.edgeSql(em, edge, sub, alias, aliases)}`);
    return `json_build_object(${parts.join(', ')})`;
  }

  private edgeSql(em: EntityManager, edge: PlanEdge, selection: Selection, parent: string, aliases: { n: number }): string {
    const n = ++aliases.n;
    const c = `c${n}`;
    const s = `s${n}`;
    const object = this.objectSql(em, edge.type, selection, c, aliases);
    const from = edge.from(parent, c);
    if (!edge.many) {
      const one = `(select ${object} from ${from})`;
      return this.dialect === 'sqlite' ? `coalesce(${one}, 'null')` : one;
    }
    const order = (edge.orderBy ?? ['id']).map((col, i) => `${c}.${col} as o${i}`);
    const orderRefs = (edge.orderBy ?? ['id']).map((_, i) => `${s}.o${i}`).join(', ');
    const inner = `select ${object} as x, ${order.join(', ')} from ${from}`;
    return this.dialect === 'sqlite'
      ? `'[' || coalesce((select group_concat(${s}.x, ',' order by ${orderRefs}) from (${inner}) ${s}), '') || ']'`
      : `(select coalesce(json_agg(${s}.x order by ${orderRefs}), '[]'::json) from (${inner}) ${s})`;
  }

  /** The parsed object becomes the read model in place: typed, converted, edges attached. */
  private materialize(typeName: string, selection: Selection, json: Record<string | symbol, unknown>): object {
    const shape = this.shapes.get(selection)!;
    json[TYPE] = (this.registry[typeName].entity as { name: string }).name;
    for (const [property, , convert] of shape.conversions) json[property] = convert(json[property]);
    if (shape.edges.length) {
      const edges: Record<string, unknown> = {};
      for (const [field, edge, sub] of shape.edges) {
        const raw = json[`$${field}`];
        edges[field] = edge.many
          ? ((raw as Array<Record<string, unknown>>) ?? []).map((child) => this.materialize(edge.type, sub, child))
          : raw == null ? null : this.materialize(edge.type, sub, raw as Record<string, unknown>);
      }
      json[PLANNED] = edges;
    }
    return json;
  }
}
