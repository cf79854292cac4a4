import { randomBytes } from 'node:crypto';
import type { EntityManager, EntityMetadata, EntityProperty } from '@mikro-orm/core';
import {
  getNamedType,
  getNullableType,
  getOperationAST,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  typeFromAST,
  validate,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionSetNode,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { Action } from '../auth/authorities.js';
import type { Dialect } from './planner.js';
import { refFrom } from './planner.js';
import { entityOf, tableOf } from './edge-loaders.js';
import { knexOf } from './rows.js';
import { readCommitted } from '../db/bound-parameters.js';
import { graphRegistry, type EdgeSpec } from './registry.js';

/**
 * Compiled selections: the parts of a query made only of columns and readable `sql` edges are
 * answered by SQL that builds the answer's JSON text (keys as the query names them, scalars as
 * graphql-js serialises them), and that text goes into the response as is. graphql-jit still
 * runs the rest of the operation (root fields, arguments, connections, code fields), with each
 * compiled field's selection replaced by a marker that reads only the object's id; the ids it
 * finds are then read in one statement per compiled field, whatever the number of rows.
 *
 * What SQL cannot tell apart from an error (a list over its maximum, a null in a non-null
 * field, a value outside an enum) makes the SQL write a control character no JSON text
 * contains; the operation then runs again by plain execution, so errors stay exactly those of
 * graphql-js.
 */

/** A field whose selection is answered by one SQL expression over its rows (alias c0). */
interface Site {
  table: string;
  /** JSON text of one object, over alias `c0`. */
  expr: string;
}

export interface CompiledOperation {
  /** The operation with every compiled selection replaced by its marker. */
  document: DocumentNode;
  /** Marker alias → site. */
  sites: Map<string, Site>;
}

/** The SQL wrote the control character: the answer needs graphql-js's errors. */
export class NeedsPlainExecution extends Error {}

const SENTINEL = '\u0001';

/**
 * How deep (in nested subqueries) a compiled selection may go: SQLite's parser has a fixed
 * stack (the planner's budget; a list costs two levels, an object one).
 */
const NESTING_BUDGET: Record<Dialect, number> = { sqlite: 6, postgresql: 64 };

/** Fields of object types answered by code (type-graphql field resolvers), by `Type.field`. */
let codeFields: Set<string> | undefined;
function answeredByCode(typeName: string, field: string): boolean {
  codeFields ??= new Set(
    getMetadataStorage().fieldResolvers.map((r) => {
      const cls = r.getObjectType?.() as { name: string } | undefined;
      return `${graphRegistry.typeNameOfClass(cls?.name ?? '')}.${r.schemaName}`;
    }),
  );
  return codeFields.has(`${typeName}.${field}`);
}

function hasGetter(cls: { prototype: object } | undefined, name: string): boolean {
  for (let proto: object | null = cls?.prototype ?? null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor && (descriptor.get || typeof descriptor.value === 'function')) return true;
  }
  return false;
}

export class SelectionCompiler {
  private readonly plainColumns = new Map<string, EntityProperty | null>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly dialect: Dialect,
  ) {}

  /**
   * The compiled form of an operation for a caller, or null when no part of it compiles (or it
   * is not a query). `may` tells what the caller may read; the result depends on nothing else.
   */
  compile(em: EntityManager, document: DocumentNode, operationName: string | null | undefined, may: (action: Action) => boolean): CompiledOperation | null {
    const operation = getOperationAST(document, operationName);
    if (operation?.operation !== 'query') return null;
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const nonce = randomBytes(6).toString('hex');
    const sites = new Map<string, Site>();
    const replaced = new Map<FieldNode, string>();
    const kept = new Set<FieldNode>();
    const context: Walk = { em, fragments, may, nonce, sites, replaced, kept, conflict: false };
    this.walk(context, this.schema.getQueryType()!, [operation.selectionSet]);
    if (sites.size === 0 || context.conflict) return null;
    const rewritten = visit(document, {
      Field: (node) => {
        const marker = replaced.get(node);
        if (!marker) return undefined;
        const read: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: marker }, name: { kind: Kind.NAME, value: 'id' } };
        return { ...node, selectionSet: { kind: Kind.SELECTION_SET, selections: [read] } };
      },
    });
    // The rewritten operation must be as valid as the one it replaces, or it is not used.
    if (validate(this.schema, rewritten).length) return null;
    return { document: rewritten, sites };
  }

  /** Walks the part graphql-jit runs, turning each topmost compilable object field into a site. */
  private walk(w: Walk, type: GraphQLObjectType, sets: readonly SelectionSetNode[]): void {
    for (const [, nodes] of this.collect(w, type, sets, false)!) {
      const field = type.getFields()[nodes[0].name.value];
      if (!field) continue;
      const named = getNamedType(field.type);
      if (!isObjectType(named) && !isAbstractType(named)) continue;
      const subSets = nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s);
      const site = isObjectType(named) && this.siteShape(field.type) ? this.site(w, named, subSets) : null;
      if (site) {
        let marker = [...nodes].map((n) => w.replaced.get(n)).find((m) => m);
        if (!marker) {
          marker = `__compiled_${w.sites.size}_${w.nonce}`;
          w.sites.set(marker, site);
        }
        for (const node of nodes) {
          if (w.kept.has(node) || (w.replaced.has(node) && w.replaced.get(node) !== marker)) w.conflict = true;
          w.replaced.set(node, marker);
        }
        continue;
      }
      for (const node of nodes) {
        if (w.replaced.has(node)) w.conflict = true;
        w.kept.add(node);
      }
      const types = isObjectType(named) ? [named] : this.schema.getPossibleTypes(named);
      for (const t of types) this.walk(w, t, subSets);
    }
  }

  /** A compiled field is an object or a list of objects (not a list of lists). */
  private siteShape(type: GraphQLOutputType): boolean {
    const inner = getNullableType(type);
    return !isListType(inner) || !isListType(getNullableType(inner.ofType));
  }

  private site(w: Walk, type: GraphQLObjectType, sets: readonly SelectionSetNode[]): Site | null {
    const spec = graphRegistry.nodeType(type.name);
    if (!spec?.entity || !type.getFields().id || !this.plainColumn(w.em, type.name, 'id')) return null;
    const aliases = { n: 0 };
    const expr = this.objectSql(w, type, sets, 'c0', aliases, NESTING_BUDGET[this.dialect]);
    // Columns alone are no gain: the resolver already holds the row, and a site costs a statement.
    if (expr === null || aliases.n === 0) return null;
    return { table: tableOf(w.em, spec.entity), expr };
  }

  /**
   * graphql-js's field collection over one object type: response keys in first-seen order, the
   * fields under each. `strict` (inside a compiled selection) refuses directives, which depend
   * on the variables; outside, every conditional field is walked.
   */
  private collect(w: Walk, type: GraphQLObjectType, sets: readonly SelectionSetNode[], strict: boolean): Map<string, FieldNode[]> | null {
    const grouped = new Map<string, FieldNode[]>();
    const seen = new Set<string>();
    const visitSet = (set: SelectionSetNode): boolean => {
      for (const s of set.selections) {
        if (strict && s.directives?.length) return false;
        if (s.kind === Kind.FIELD) {
          const key = s.alias?.value ?? s.name.value;
          (grouped.get(key) ?? grouped.set(key, []).get(key)!).push(s);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          if (this.matches(s.typeCondition, type) && !visitSet(s.selectionSet)) return false;
        } else if (!seen.has(s.name.value)) {
          seen.add(s.name.value);
          const fragment = w.fragments[s.name.value];
          if (fragment && this.matches(fragment.typeCondition, type) && !visitSet(fragment.selectionSet)) return false;
        }
      }
      return true;
    };
    for (const set of sets) if (!visitSet(set)) return null;
    return grouped;
  }

  private matches(condition: InlineFragmentNode['typeCondition'], type: GraphQLObjectType): boolean {
    if (!condition) return true;
    const target = typeFromAST(this.schema, condition);
    if (!target) return false;
    if (target === type) return true;
    return isAbstractType(target) && this.schema.isSubType(target, type);
  }

  private objectSql(w: Walk, type: GraphQLObjectType, sets: readonly SelectionSetNode[], alias: string, aliases: { n: number }, budget: number): string | null {
    const fields = this.collect(w, type, sets, true);
    if (!fields) return null;
    const parts: string[] = [];
    for (const [key, nodes] of fields) {
      const name = nodes[0].name.value;
      let value: string | null;
      if (name === '__typename') value = `'"${type.name}"'`;
      else if (nodes.some((n) => n.arguments?.length)) return null;
      else {
        const field = type.getFields()[name];
        if (!field) return null;
        const edge = graphRegistry.edge(type.name, name);
        if (edge) {
          const subSets = nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s);
          value = this.edgeSql(w, edge, subSets, alias, aliases, budget);
        } else {
          value = this.leafSql(w.em, type.name, field, alias);
        }
      }
      if (value === null) return null;
      parts.push(`'${parts.length ? ',' : ''}"${key}":' || ${value}`);
    }
    return parts.length ? `'{' || ${parts.join(' || ')} || '}'` : `'{}'`;
  }

  private edgeSql(w: Walk, edge: EdgeSpec, sets: readonly SelectionSetNode[], parent: string, aliases: { n: number }, budget: number): string | null {
    const sql = edge.sql;
    const child = this.schema.getType(edge.of);
    if (!sql || edge.cardinality === 'connection' || !isObjectType(child)) return null;
    if (!w.may(graphRegistry.nodeType(edge.of)!.read)) return null;
    const n = ++aliases.n;
    const c = `c${n}`;
    const s = `s${n}`;
    if (sql.kind === 'ref') {
      if (budget < 1) return null;
      const object = this.objectSql(w, child, sets, c, aliases, budget - 1);
      if (object === null) return null;
      return `coalesce((select ${object} from ${refFrom(w.em, edge, parent, c)}), ${edge.nullable ? `'null'` : this.sentinel()})`;
    }
    if (budget < 2) return null;
    const object = this.objectSql(w, child, sets, c, aliases, budget - 2);
    if (object === null) return null;
    const order = sql.orderBy.map((col, i) => `${c}.${col} as o${i}`).join(', ');
    const orderRefs = sql.orderBy.map((_, i) => `${s}.o${i}`).join(', ');
    // One child more than the maximum is read, so an overflowing list is told apart. Which
    // children those are does not matter: at most the maximum means all of them (ordered by
    // the aggregate), more means the error. So the subquery is not sorted as well.
    const inner = `select ${object} as x, ${order} from ${sql.from(parent, c)} limit ${edge.max! + 1}`;
    const joined = this.dialect === 'sqlite' ? `group_concat(${s}.x, ',' order by ${orderRefs})` : `string_agg(${s}.x, ',' order by ${orderRefs})`;
    return `(select case when count(*) > ${edge.max} then ${this.sentinel()} else '[' || coalesce(${joined}, '') || ']' end from (${inner}) ${s})`;
  }

  private sentinel(): string {
    return this.dialect === 'sqlite' ? 'char(1)' : 'chr(1)';
  }

  /** The JSON text of a column field, exactly as graphql-js serialises it; null when only code can. */
  private leafSql(em: EntityManager, typeName: string, field: GraphQLField<unknown, unknown>, alias: string): string | null {
    const prop = this.plainColumn(em, typeName, field.name);
    if (!prop) return null;
    const column = `${alias}.${prop.fieldNames[0]}`;
    const type = getNullableType(field.type);
    if (isListType(type)) return null;
    const sqlite = this.dialect === 'sqlite';
    let text: string;
    if (isEnumType(type)) {
      const cases = type
        .getValues()
        .filter((v) => typeof v.value === 'string')
        .map((v) => `when '${(v.value as string).replaceAll("'", "''")}' then '"${v.name}"'`);
      text = `case ${column} ${cases.join(' ')} else ${this.sentinel()} end`;
    } else {
      switch (type.name) {
        case 'String':
        case 'ID':
          if (prop.runtimeType !== 'string') return null;
          text = sqlite ? `json_quote(${column})` : `to_json(${column})::text`;
          break;
        case 'Int':
          if (prop.runtimeType !== 'number') return null;
          text = sqlite ? `case when typeof(${column}) = 'integer' then cast(${column} as text) else ${this.sentinel()} end` : `(${column})::bigint::text`;
          break;
        case 'Boolean':
          if (prop.runtimeType !== 'boolean') return null;
          text = `case when ${column} then 'true' else 'false' end`;
          break;
        case 'DateTimeISO':
          if (prop.runtimeType !== 'Date') return null;
          // Date#toISOString: milliseconds, UTC, `Z`. SQLite keeps the epoch milliseconds.
          text = sqlite
            ? `case when typeof(${column}) = 'integer' and ${column} >= 0 and ${column} < 253402300800000 then '"' || strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000, 'unixepoch') || '.' || substr('00' || (${column} % 1000), -3) || 'Z"' else ${this.sentinel()} end`
            : `'"' || to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') || 'Z"'`;
          if (!sqlite && !/^timestamptz|^timestamp with time zone/.test(prop.columnTypes?.[0] ?? '')) return null;
          break;
        default:
          return null; // JSON, Float and custom scalars serialise in code
      }
    }
    const ifNull = isNonNullType(field.type) ? this.sentinel() : `'null'`;
    return `case when ${column} is null then ${ifNull} else ${text} end`;
  }

  /** The entity property behind a field when the field is that column and nothing else. */
  private plainColumn(em: EntityManager, typeName: string, field: string): EntityProperty | null {
    const key = `${typeName}.${field}`;
    let prop = this.plainColumns.get(key);
    if (prop !== undefined) return prop;
    prop = null;
    const spec = graphRegistry.nodeType(typeName);
    if (spec?.entity && !spec.columns?.[field] && !answeredByCode(typeName, field) && !hasGetter(spec.entity as never, field)) {
      const meta = em.getMetadata().get(entityOf(typeName).name) as EntityMetadata;
      const p = meta.properties[field as never] as EntityProperty | undefined;
      if (p && p.kind === 'scalar' && p.persist !== false && p.fieldNames?.length === 1 && !p.customType?.constructor?.name?.includes('Json')) prop = p;
    }
    this.plainColumns.set(key, prop);
    return prop;
  }
}

interface Walk {
  em: EntityManager;
  fragments: Record<string, FragmentDefinitionNode>;
  may: (action: Action) => boolean;
  nonce: string;
  sites: Map<string, Site>;
  replaced: Map<FieldNode, string>;
  kept: Set<FieldNode>;
  conflict: boolean;
}

/**
 * Replaces, in graphql-jit's answer to the rewritten operation, every marker object (and list
 * of them) by the JSON text SQL built for it, held by `hold` until the response is written.
 * One statement per compiled field.
 */
export async function fillCompiled(em: EntityManager, dialect: Dialect, compiled: CompiledOperation, data: Record<string, unknown>, hold: (text: string) => string): Promise<void> {
  type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number; marker: string; ids: Array<string | null>; list: boolean };
  const slots: Slot[] = [];
  const markerOf = (value: unknown): string | undefined => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const keys = Object.keys(value);
    const marker = keys.find((k) => compiled.sites.has(k));
    if (marker && keys.length !== 1) throw new NeedsPlainExecution('a compiled field merged with others');
    return marker;
  };
  const walk = (container: Record<string, unknown> | unknown[]) => {
    const entries: Array<[string | number, unknown]> = Array.isArray(container) ? container.map((v, i) => [i, v]) : Object.entries(container);
    for (const [key, value] of entries) {
      if (!value || typeof value !== 'object') continue;
      if (Array.isArray(value)) {
        const marker = value.map(markerOf).find((m) => m);
        if (marker) {
          const ids = value.map((item) => (item == null ? null : ((item as Record<string, string>)[marker] ?? null)));
          slots.push({ parent: container, key, marker, ids, list: true });
        } else walk(value);
        continue;
      }
      const marker = markerOf(value);
      if (marker) slots.push({ parent: container, key, marker, ids: [(value as Record<string, string>)[marker]], list: false });
      else walk(value as Record<string, unknown>);
    }
  };
  walk(data);
  const bySite = new Map<string, Set<string>>();
  for (const slot of slots) {
    const set = bySite.get(slot.marker) ?? bySite.set(slot.marker, new Set()).get(slot.marker)!;
    for (const id of slot.ids) if (id !== null) set.add(id);
  }
  const texts = new Map<string, Map<string, string>>();
  for (const [marker, ids] of bySite) {
    const site = compiled.sites.get(marker)!;
    const byId = new Map<string, string>();
    texts.set(marker, byId);
    if (ids.size === 0) continue;
    const sql = `select c0.id as k, ${site.expr} as x from ${site.table} c0 where c0.id in (${[...ids].map(() => '?').join(', ')})`;
    // Outside a transaction SQLite's answer comes from the synchronous reader when there is one.
    const direct = dialect === 'sqlite' && !em.getTransactionContext() ? readCommitted(em.getConnection(), sql, [...ids]) : undefined;
    const result: unknown = direct ?? (await knexOf(em).raw(sql, [...ids]));
    const rows = (dialect === 'postgresql' ? (result as { rows: unknown[] }).rows : result) as Array<{ k: string; x: string }>;
    for (const row of rows) {
      if (row.x.includes(SENTINEL)) throw new NeedsPlainExecution('the answer holds an error');
      byId.set(String(row.k), row.x);
    }
  }
  for (const slot of slots) {
    const byId = texts.get(slot.marker)!;
    const one = (id: string | null) => {
      if (id === null) return 'null';
      const text = byId.get(id);
      if (text === undefined) throw new NeedsPlainExecution('a row went away');
      return text;
    };
    const text = slot.list ? `[${slot.ids.map(one).join(',')}]` : one(slot.ids[0]);
    (slot.parent as Record<string | number, unknown>)[slot.key] = hold(text);
  }
}
