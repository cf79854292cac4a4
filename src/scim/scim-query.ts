import { raw, type Platform } from '@mikro-orm/core';
import { containsPattern } from '../common/keyset.js';
import { invalidFilter, type AttrPath, type Filter, type ScalarValue } from './scim-filter.js';
import { GROUP_SCHEMA, USER_SCHEMA } from './scim-schemas.js';

/**
 * Translates a parsed SCIM filter into one SQL condition, so filtering and paging happen in the
 * database. Each resource type names the attributes that may be filtered on and where they live:
 * a column of the resource's table, or a sub-attribute of a multi-valued attribute kept in a
 * child table (tested with EXISTS).
 */

/** `ci`: caseExact=false text, compared in lower case; `key`: a column already stored lower-cased. */
type ColumnKind = 'exact' | 'ci' | 'key' | 'boolean' | 'datetime' | 'integer';

interface ColumnSpec {
  column: string;
  kind: ColumnKind;
}

interface MultiSpec {
  table: string;
  /** The child's column holding the parent's id. */
  parent: string;
  /** A fixed condition on the child rows, e.g. kind = 'ROLE'. */
  where?: { column: string; value: string };
  subs: Record<string, ColumnSpec>;
}

export interface ResourceSpec {
  schema: string;
  columns: Record<string, ColumnSpec>;
  multi: Record<string, MultiSpec>;
}

const col = (column: string, kind: ColumnKind): ColumnSpec => ({ column, kind });

export const USER_FILTER: ResourceSpec = {
  schema: USER_SCHEMA,
  columns: {
    id: col('id', 'exact'),
    username: col('user_name_key', 'key'),
    externalid: col('external_id', 'exact'),
    displayname: col('display_name', 'ci'),
    nickname: col('nick_name', 'ci'),
    usertype: col('user_type', 'ci'),
    active: col('active', 'boolean'),
    'name.familyname': col('family_name', 'ci'),
    'name.givenname': col('given_name', 'ci'),
    'name.middlename': col('middle_name', 'ci'),
    'name.formatted': col('formatted', 'ci'),
    'name.honorificprefix': col('honorific_prefix', 'ci'),
    'name.honorificsuffix': col('honorific_suffix', 'ci'),
    'meta.created': col('created_at', 'datetime'),
    'meta.lastmodified': col('last_modified', 'datetime'),
  },
  multi: {
    emails: { table: 'scim_user_email', parent: 'scim_user_id', subs: { value: col('value_key', 'key'), type: col('type_key', 'key'), primary: col('is_primary', 'boolean') } },
    roles: { table: 'scim_user_role', parent: 'scim_user_id', where: { column: 'kind', value: 'ROLE' }, subs: { value: col('value', 'ci'), display: col('display', 'ci') } },
    groups: { table: 'scim_user_role', parent: 'scim_user_id', where: { column: 'kind', value: 'GROUP' }, subs: { value: col('role_id', 'exact'), display: col('display', 'ci') } },
  },
};

export const GROUP_FILTER: ResourceSpec = {
  schema: GROUP_SCHEMA,
  columns: {
    id: col('id', 'exact'),
    displayname: col('display_name', 'ci'),
    'meta.created': col('created_on', 'datetime'),
  },
  multi: {
    members: {
      table: 'scim_user_role',
      parent: 'role_id',
      where: { column: 'kind', value: 'GROUP' },
      subs: { value: col('scim_user_id', 'exact'), display: col('display', 'ci') },
    },
  },
};

interface Sql {
  sql: string;
  params: unknown[];
}

/**
 * The filter as a MikroORM condition entry (`{ [raw(…)]: [] }`), to merge into a FilterQuery.
 * Build it anew for each statement: a raw fragment may be used once.
 */
export function filterCondition(filter: Filter, spec: ResourceSpec, platform: Platform): Record<string, unknown> {
  return { [raw((alias: string) => compile(filter, spec, platform, alias, { n: 0 }).sql, compile(filter, spec, platform, 'x', { n: 0 }).params)]: [] };
}

/** Compiles to SQL against `alias`; exported for unit tests. */
export function compile(filter: Filter, spec: ResourceSpec, platform: Platform, alias: string, aliases: { n: number }): Sql {
  switch (filter.op) {
    case 'and':
    case 'or': {
      // A chain of one operator is one flat parenthesis: SQLite's parser stack holds about a
      // hundred nested ones, and the parser nests `a or b or c` to the left.
      const parts = operands(filter, filter.op).map((f) => compile(f, spec, platform, alias, aliases));
      return { sql: `(${parts.map((p) => p.sql).join(` ${filter.op} `)})`, params: parts.flatMap((p) => p.params) };
    }
    case 'not': {
      const inner = compile(filter.filter, spec, platform, alias, aliases);
      return { sql: `not (${inner.sql})`, params: inner.params };
    }
    case 'has': {
      const multi = multiOf(filter.path, spec);
      if (!multi) throw invalidFilter(`"${pathText(filter.path)}" is not a multi-valued attribute that can be filtered`);
      return exists(multi, alias, aliases, (child) => compile(filter.filter, { schema: spec.schema, columns: multi.subs, multi: {} }, platform, child, aliases));
    }
    default: {
      const column = own(spec.columns, key(filter.path, spec));
      if (column) return condition(column, alias, filter, platform);
      const multi = multiOf(filter.path, spec);
      if (multi) {
        const sub = (filter.path.sub ?? 'value').toLowerCase();
        const subColumn = own(multi.subs, sub);
        if (!subColumn) throw invalidFilter(`"${pathText(filter.path)}" cannot be filtered on (sub-attributes: ${Object.keys(multi.subs).join(', ')})`);
        return exists(multi, alias, aliases, (child) => condition(subColumn, child, filter, platform));
      }
      throw invalidFilter(`"${pathText(filter.path)}" cannot be filtered on (attributes: ${[...Object.keys(spec.columns), ...Object.keys(spec.multi)].join(', ')})`);
    }
  }
}

/** The operands of a chain of `op` (`a or b or c` parses as `(a or b) or c`), in order. */
function operands(filter: Filter, op: 'and' | 'or'): Filter[] {
  const out: Filter[] = [];
  const stack: Filter[] = [filter];
  while (stack.length) {
    const f = stack.pop()!;
    if (f.op === op) stack.push(f.right, f.left);
    else out.push(f);
  }
  return out;
}

const pathText = (p: AttrPath) => `${p.schema ? `${p.schema}:` : ''}${p.attr}${p.sub ? `.${p.sub}` : ''}`;

function checkSchema(path: AttrPath, spec: ResourceSpec) {
  if (path.schema && path.schema.toLowerCase() !== spec.schema.toLowerCase()) throw invalidFilter(`Attributes of ${path.schema} cannot be filtered on`);
}

function key(path: AttrPath, spec: ResourceSpec): string {
  checkSchema(path, spec);
  return (path.sub ? `${path.attr}.${path.sub}` : path.attr).toLowerCase();
}

function multiOf(path: AttrPath, spec: ResourceSpec): MultiSpec | undefined {
  checkSchema(path, spec);
  return own(spec.multi, path.attr.toLowerCase());
}

/** A record's own entry: attribute names come from the client (`constructor`, `__proto__`). */
const own = <T>(record: Record<string, T>, name: string): T | undefined => (Object.hasOwn(record, name) ? record[name] : undefined);

function exists(multi: MultiSpec, alias: string, aliases: { n: number }, inner: (child: string) => Sql): Sql {
  const child = `scim_f${aliases.n++}`;
  const body = inner(child);
  const fixed = multi.where ? ` and ${child}.${multi.where.column} = ?` : '';
  return {
    sql: `exists (select 1 from ${multi.table} ${child} where ${child}.${multi.parent} = ${alias}.id${fixed} and ${body.sql})`,
    params: [...(multi.where ? [multi.where.value] : []), ...body.params],
  };
}

function condition(spec: ColumnSpec, alias: string, filter: Exclude<Filter, { op: 'and' | 'or' | 'not' | 'has' }>, platform: Platform): Sql {
  const ref = `${alias}.${spec.column}`;
  if (filter.op === 'pr')
    return { sql: spec.kind === 'boolean' || spec.kind === 'datetime' || spec.kind === 'integer' ? `${ref} is not null` : `(${ref} is not null and ${ref} <> '')`, params: [] };
  const { op, value } = filter;
  if (value === null) {
    if (op === 'eq') return { sql: `${ref} is null`, params: [] };
    if (op === 'ne') return { sql: `${ref} is not null`, params: [] };
    throw invalidFilter(`"${op} null" is not a valid comparison`);
  }
  const operand = operandOf(spec, value, op, platform);
  const target = spec.kind === 'ci' ? `lower(${ref})` : ref;
  switch (op) {
    case 'eq':
      return { sql: `${target} = ?`, params: [operand] };
    case 'ne':
      return { sql: `(${ref} is null or ${target} <> ?)`, params: [operand] };
    case 'co':
    case 'sw':
    case 'ew': {
      if (typeof operand !== 'string') throw invalidFilter(`"${op}" needs a string value`);
      // Substring matches are case-insensitive on every attribute: LIKE differs between SQLite
      // and PostgreSQL in case handling, lower() on both sides makes them agree.
      const pattern = containsPattern(operand, 'filter', (field, message) => invalidFilter(message, field));
      const like = op === 'co' ? pattern : op === 'sw' ? pattern.slice(1) : pattern.slice(0, -1);
      return { sql: `lower(${ref}) like ? escape '\\'`, params: [like] };
    }
    default: {
      if (spec.kind === 'boolean') throw invalidFilter(`"${op}" cannot compare a boolean`);
      const sqlOp = { gt: '>', ge: '>=', lt: '<', le: '<=' }[op];
      return { sql: `${target} ${sqlOp} ?`, params: [operand] };
    }
  }
}

function operandOf(spec: ColumnSpec, value: Exclude<ScalarValue, null>, op: string, platform: Platform): unknown {
  switch (spec.kind) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw invalidFilter(`"${op}" on a boolean needs true or false, not ${JSON.stringify(value)}`);
    case 'datetime': {
      const date = parseDateTime(value);
      if (!date) throw invalidFilter(`${JSON.stringify(value)} is not a dateTime (expected e.g. 2015-10-10T14:38:21Z)`);
      return platform.processDateProperty(date);
    }
    case 'integer':
      if (typeof value !== 'number') throw invalidFilter(`${JSON.stringify(value)} is not a number`);
      return value;
    case 'exact':
      return String(value);
    default:
      return String(value).toLowerCase();
  }
}

/** xsd:dateTime as SCIM sends it; fractions beyond milliseconds (.NET's 7 digits) are cut. */
export function parseDateTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?$/i.exec(value.trim());
  if (!m) return undefined;
  const date = new Date(`${m[1]}${m[2] ? m[2].slice(0, 4) : ''}${m[3] ?? 'Z'}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
