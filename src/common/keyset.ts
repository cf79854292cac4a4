import { raw, type EntityClass, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { badInput } from '../errors.js';
import { invalidCursor, toConnection, type ConnectionResult, type PageRequest } from './pagination.js';

/**
 * The one paginated read: rows of `entity` matching `where`, ordered by `sort` then id,
 * starting after the cursor's (sort value, id); totalCount runs only when selected.
 */
export async function paginate<T extends { id: string }>(
  em: EntityManager,
  entity: EntityClass<T>,
  /** Built anew for each statement: raw fragments in a filter may be used only once. */
  where: () => FilterQuery<T>,
  page: PageRequest,
  sort: keyof T & string = 'id' as keyof T & string,
  direction: 'asc' | 'desc' = 'asc',
  /** Read only the keys (id and sort value): the caller replaces the nodes (the SQL planner). */
  keysOnly = false,
): Promise<ConnectionResult<T>> {
  const conditions: unknown[] = [where()];
  if (page.after) {
    const [value, id] = page.after as [unknown, string];
    if (page.after.length !== 2 || typeof id !== 'string') throw invalidCursor();
    const cmp = direction === 'asc' ? '$gt' : '$lt';
    const v = sort === 'id' ? id : cursorValue(em, entity, sort, value);
    conditions.push(sort === 'id' ? { id: { [cmp]: id } } : { $or: [{ [sort]: { [cmp]: v } }, { [sort]: v, id: { [cmp]: id } }] });
  }
  const filter = { $and: conditions } as FilterQuery<T>;
  const orderBy = (sort === 'id' ? { id: direction } : { [sort]: direction, id: direction }) as never;
  const rows = keysOnly
    ? // Only the keys, as plain rows: no entity is built for a page the planner replaces.
      ((await (em as SqlEntityManager)
        .createQueryBuilder(entity)
        .select([...new Set(['id', sort])] as never)
        .where(filter)
        .orderBy(orderBy)
        .limit(page.first + 1)
        .execute('all', true)) as T[])
    : await em.find(entity, filter, { orderBy, limit: page.first + 1 });
  return toConnection(
    rows,
    page,
    (row) => [sortValue(row[sort]), row.id],
    () => em.count(entity, where()),
  );
}

const sortValue = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

/** A cursor's sort value, checked against the sort property's type (a forged one is BAD_USER_INPUT). */
function cursorValue<T extends object>(em: EntityManager, entity: EntityClass<T>, sort: string, value: unknown): unknown {
  if (value === null) return null;
  const type = em.getMetadata().find(entity.name)?.properties[sort as never]?.runtimeType;
  if (type === 'Date') {
    const date = typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw invalidCursor();
    return date;
  }
  if (type === 'number' ? typeof value !== 'number' : type === 'boolean' ? typeof value !== 'boolean' : typeof value !== 'string') throw invalidCursor();
  return value;
}

/**
 * The longest text a substring search takes. SQLite refuses LIKE patterns of 50,000 bytes or
 * more (escaping can double a character, UTF-8 takes up to 4 bytes); no display name is longer.
 */
export const MAX_SEARCH_LENGTH = 1000;

/**
 * `%keyword%` for a case-insensitive contains match, with LIKE's wildcards escaped by `\`.
 * `field` names the argument in the error for a keyword over MAX_SEARCH_LENGTH.
 */
export function containsPattern(keyword: string, field: string, error: (field: string, message: string) => Error = badInput): string {
  if (keyword.length > MAX_SEARCH_LENGTH) throw error(field, `\`${field}\` may be at most ${MAX_SEARCH_LENGTH} characters for a substring search (got ${keyword.length})`);
  return `%${keyword.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A filter entry: `column` contains `keyword`, case-insensitively, the same on SQLite and
 * PostgreSQL (lower() + LIKE with an explicit escape character, which SQLite lacks by default).
 */
export function containsFilter(column: string, keyword: string, field: string): Record<string, unknown> {
  return { [raw((alias: string) => `lower(${alias}.${column}) like ? escape '\\'`, [containsPattern(keyword, field)])]: [] };
}
