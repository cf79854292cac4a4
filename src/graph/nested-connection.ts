import DataLoader from 'dataloader';
import type { EntityClass, EntityManager } from '@mikro-orm/core';
import type { Knex } from 'knex';
import { toConnection, type ConnectionShape, type PageRequest } from '../common/pagination.js';
import { badInput } from '../errors.js';
import { knexOf, rowMapper } from './rows.js';

export interface NestedSpec<T> {
  entity: EntityClass<T>;
  /** The column holding the parent key, e.g. `rm.role_id`. */
  parentColumn: string;
  /** FROM/JOIN/WHERE of the child rows (child table aliased `c`), restricted to the given parents. */
  rows: (knex: Knex, parents: readonly string[]) => Knex.QueryBuilder;
  /** Child sort column as `c.<column>`; the child's id breaks ties. */
  sortColumn: string;
  sortProperty: keyof T & string;
  /** `select __parent, count(*) as n … group by __parent` for the same parents. */
  counts: (knex: Knex, parents: readonly string[]) => Knex.QueryBuilder;
}

/**
 * A connection under each of many parents (role members, direct reports, …) in one statement
 * per page shape: ROW_NUMBER() partitioned by parent, on SQLite and PostgreSQL alike.
 */
export class NestedConnectionLoader<T extends { id: string }> {
  private readonly pages = new DataLoader<string, ConnectionShape<T>>((keys) => this.loadPages(keys), { maxBatchSize: 500 });
  private readonly counts = new DataLoader<string, number>((parents) => this.loadCounts(parents), { maxBatchSize: 1000 });

  constructor(
    private readonly em: EntityManager,
    private readonly spec: NestedSpec<T>,
  ) {}

  load(parent: string, page: PageRequest): Promise<ConnectionShape<T>> {
    return this.pages.load(JSON.stringify([parent, page.first, page.after ?? null]));
  }

  clearAll() {
    this.pages.clearAll();
    this.counts.clearAll();
  }

  private async loadPages(keys: readonly string[]): Promise<ConnectionShape<T>[]> {
    const parsed = keys.map((k) => JSON.parse(k) as [string, number, unknown[] | null]);
    const shapes = new Map<string, string[]>();
    for (const [parent, first, after] of parsed) {
      const shape = JSON.stringify([first, after]);
      (shapes.get(shape) ?? shapes.set(shape, []).get(shape)!).push(parent);
    }
    const results = new Map<string, ConnectionShape<T>>();
    for (const [shape, parents] of shapes) {
      const [first, after] = JSON.parse(shape) as [number, unknown[] | null];
      const page: PageRequest = { first, after: after ?? undefined };
      const grouped = await this.fetch(parents, page);
      for (const parent of parents) {
        results.set(
          JSON.stringify([parent, first, after]),
          toConnection(
            grouped.get(parent) ?? [],
            page,
            (row) => [row[this.spec.sortProperty], row.id],
            () => this.counts.load(parent),
          ),
        );
      }
    }
    return parsed.map(([p, f, a]) => results.get(JSON.stringify([p, f, a]))!);
  }

  private async fetch(parents: string[], page: PageRequest): Promise<Map<string, T[]>> {
    const knex = knexOf(this.em);
    const { sortColumn } = this.spec;
    const inner = this.spec.rows(knex, parents);
    if (page.after) {
      const [value, id] = page.after;
      if (typeof id !== 'string') throw badInput('after', 'Invalid cursor for this list');
      inner.whereRaw(`(${sortColumn} > ? or (${sortColumn} = ? and c.id > ?))`, [value as string, value as string, id]);
    }
    const { parentColumn } = this.spec;
    inner.select(knex.raw(`${parentColumn} as __parent`), 'c.*', knex.raw(`row_number() over (partition by ${parentColumn} order by ${sortColumn}, c.id) as __rn`));
    const rows: Array<Record<string, unknown>> = await knex
      .select('*')
      .from(inner.as('w'))
      .where('__rn', '<=', page.first + 1)
      .orderBy([{ column: '__parent' }, { column: '__rn' }]);
    const mapper = rowMapper(this.em, this.spec.entity);
    const out = new Map<string, T[]>();
    for (const { __parent, __rn, ...row } of rows) {
      const entity = mapper.map(row);
      (out.get(__parent as string) ?? out.set(__parent as string, []).get(__parent as string)!).push(entity);
    }
    return out;
  }

  private async loadCounts(parents: readonly string[]): Promise<number[]> {
    const knex = knexOf(this.em);
    const rows: Array<{ __parent: string; n: number | string }> = await this.spec.counts(knex, parents);
    const index = new Map(rows.map((r) => [r.__parent, Number(r.n)]));
    return parents.map((p) => index.get(p) ?? 0);
  }
}
