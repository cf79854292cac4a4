import type { EntityClass, EntityManager, EntityMetadata, EntityProperty } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Knex } from 'knex';
import { graphRegistry } from './registry.js';

/**
 * Read-side mapping from SQL rows to plain objects shaped like the entity, without the ORM's
 * identity map and change tracking. The catalog graph reads thousands of rows per query;
 * hydrating them as managed entities costs far more than the SQL. Objects built here are for
 * reading only: services load what they change through the EntityManager. A many-to-one
 * becomes `{ id }`, and `typeOf` tells which GraphQL type the object is (see graphqlTypeOf).
 */
export const TYPE = Symbol('graphql type');

/** The GraphQL type name of a read-model object or of a managed entity. */
export function graphqlTypeOf(value: object): string {
  return graphRegistry.typeNameOfClass((value as { [TYPE]?: string })[TYPE] ?? value.constructor.name);
}
type Convert = (value: unknown) => unknown;

const toBoolean: Convert = (v) => (v == null ? null : typeof v === 'boolean' ? v : Boolean(Number(v)));
const toDate: Convert = (v) => (v == null ? null : v instanceof Date ? v : new Date(typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : (v as string | number)));
const toJson: Convert = (v) => (typeof v === 'string' ? JSON.parse(v) : (v ?? null));
const toNumber: Convert = (v) => (v == null ? null : Number(v));
const toReference: Convert = (v) => (v == null ? null : { id: v });
/** The converter of columns whose values need no change (strings, numbers from the driver). */
export const identity: Convert = (v) => v;

function converter(prop: EntityProperty): Convert {
  if (prop.kind === 'm:1' || prop.kind === '1:1') return toReference;
  if (prop.customType?.constructor?.name === 'JsonType' || prop.type === 'json') return toJson;
  if (prop.runtimeType === 'boolean') return toBoolean;
  if (prop.runtimeType === 'Date') return toDate;
  if (prop.runtimeType === 'number') return toNumber;
  return identity;
}

export type ColumnMapping = readonly [property: string, column: string, convert: Convert];

export interface RowMapper<T> {
  table: string;
  typeName: string;
  columns: readonly ColumnMapping[];
  map(row: Record<string, unknown>): T;
  /** Maps only the given columns (a planned selection), leaving the others unset. */
  mapSome(row: Record<string, unknown>, columns: readonly ColumnMapping[]): T;
}

const mappers = new WeakMap<EntityMetadata, RowMapper<unknown>>();

export function rowMapper<T>(em: EntityManager, entity: EntityClass<T>): RowMapper<T> {
  const meta = em.getMetadata().get(entity.name) as EntityMetadata;
  let mapper = mappers.get(meta);
  if (!mapper) {
    const columns = Object.values(meta.properties)
      .filter((p) => (p.kind === 'scalar' || p.kind === 'm:1') && p.fieldNames?.length === 1 && p.persist !== false)
      .map((p): ColumnMapping => [p.name, p.fieldNames[0], converter(p)]);
    const typeName = meta.className;
    const mapSome = (row: Record<string, unknown>, some: readonly ColumnMapping[]) => {
      const out: Record<string | symbol, unknown> = { [TYPE]: typeName };
      for (const [name, column, convert] of some) out[name] = convert(row[column]);
      return out;
    };
    mapper = { table: meta.tableName, typeName, columns, map: (row) => mapSome(row, columns), mapSome };
    mappers.set(meta, mapper);
  }
  return mapper as RowMapper<T>;
}

export const knexOf = (em: EntityManager): Knex => (em as SqlEntityManager).getKnex();

/**
 * The type of a resolver's `@Root()`: a mapped type, so its design-time metadata is `Object`
 * and type-graphql passes the value through instead of copying it into `new Entity()`.
 */
export type Row<T> = Readonly<T>;
