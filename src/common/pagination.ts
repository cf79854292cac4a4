import { ClassType, Field, ObjectType, Int, ArgsType, registerEnumType } from 'type-graphql';
import { badInput } from '../errors.js';
import { unstorablePath } from './text-input.js';

@ObjectType({ description: 'Where a page of a connection starts and ends.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more objects follow this page: read on with `after: endCursor`.' }) hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'Whether objects precede this page (true when `after` was given).' }) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the first edge of the page; null when the page is empty.' }) startCursor?: string | null;
  @Field(() => String, { nullable: true, description: 'Cursor of the last edge of the page; pass it as `after` for the next page. Null when the page is empty.' })
  endCursor?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: Promise<number> | number;
}

/** A page; `totalCount` is a getter, so its COUNT runs only when a client selects it. */
export class ConnectionResult<T> implements ConnectionShape<T> {
  constructor(
    readonly edges: Edge<T>[],
    readonly pageInfo: PageInfo,
    private readonly count: () => Promise<number> | number,
  ) {}

  get nodes(): T[] {
    return this.edges.map((e) => e.node);
  }

  get totalCount(): Promise<number> | number {
    return this.count();
  }

  /** The same page with each node replaced (cursors kept). */
  map<U>(f: (node: T) => U): ConnectionResult<U> {
    return new ConnectionResult(
      this.edges.map((e) => ({ cursor: e.cursor, node: f(e.node) })),
      this.pageInfo,
      this.count,
    );
  }
}

const connections = new Map<string, ClassType>();

/** The one connection type factory: `UserConnection`, `RoleConnection`, … */
export function Connection<T extends object>(node: ClassType<T> | object, name: string): ClassType<ConnectionShape<T>> {
  const existing = connections.get(name);
  if (existing) return existing as ClassType<ConnectionShape<T>>;

  @ObjectType(`${name}Edge`, { description: `One ${name} of a page, with the cursor that marks its place.` })
  class EdgeType {
    @Field(() => String, { description: 'Opaque cursor; pass it as `after` to read on.' }) cursor!: string;
    @Field(() => node as ClassType, { description: `The ${name} itself.` }) node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} objects.` })
  class ConnectionType {
    @Field(() => [EdgeType], { description: 'The objects of the page, each with its cursor.' }) edges!: Edge<T>[];
    @Field(() => [node as ClassType], { description: 'The nodes of `edges`, for clients that need no cursors.' }) nodes!: T[];
    @Field(() => PageInfo, { description: 'Where the page starts and ends, and whether more follow.' }) pageInfo!: PageInfo;
    @Field(() => Int, { description: 'How many objects match, across all pages.' }) totalCount!: number;
  }
  connections.set(name, ConnectionType);
  return ConnectionType as unknown as ClassType<ConnectionShape<T>>;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size (seed: `pagesize`); at most 100.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge already read.' })
  after?: string | null;
}

export interface PageRequest {
  first: number;
  after?: unknown[];
}

/** Validates `first`/`after`: a `first` over the maximum is an error, never silently cut. */
export function pageRequest(args: { first?: number | null; after?: string | null }, defaults: { defaultPageSize: number; maxPageSize: number }): PageRequest {
  const first = args.first ?? defaults.defaultPageSize;
  if (!Number.isInteger(first) || first < 0) throw badInput('first', '`first` must be a non-negative integer');
  if (first > defaults.maxPageSize) throw badInput('first', `\`first\` may be at most ${defaults.maxPageSize} (got ${first})`);
  return { first, after: args.after ? decodeCursor(args.after) : undefined };
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** A cursor this server did not give out for the list: a foreign, forged or malformed one. */
export const invalidCursor = () => badInput('after', 'Invalid cursor: pass the `cursor` or `endCursor` of an earlier page of the same list');

/** A cursor's values: a list of scalars (strings without NUL, finite numbers, booleans, null). */
export function decodeCursor(cursor: string): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const scalar = (v: unknown) =>
    v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && unstorablePath(v) === undefined);
  if (!Array.isArray(values) || values.length === 0 || !values.every(scalar)) throw invalidCursor();
  return values;
}

/** Builds a connection from `first + 1` rows read in keyset order. */
export function toConnection<T>(rows: T[], page: PageRequest, keyOf: (row: T) => unknown[], totalCount: () => Promise<number> | number): ConnectionResult<T> {
  const hasNextPage = rows.length > page.first;
  const slice = hasNextPage ? rows.slice(0, page.first) : rows;
  const edges = slice.map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }));
  return new ConnectionResult(edges, { hasNextPage, hasPreviousPage: !!page.after, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null }, totalCount);
}

export enum SortDirection {
  ASC = 'asc',
  DESC = 'desc',
}
registerEnumType(SortDirection, {
  valuesConfig: { ASC: { description: 'Ascending.' }, DESC: { description: 'Descending.' } },
  name: 'SortDirection',
  description: 'Ascending (`ASC`) or descending (`DESC`) order.',
});
