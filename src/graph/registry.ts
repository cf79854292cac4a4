import type { EntityClass } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import type { Action } from '../auth/authorities.js';

/**
 * The read graph, declared once. A node type names a GraphQL type, its entity and the action a
 * caller needs to read it anywhere (at a root field, through an edge, through `node(id)`). An
 * edge names a field that leads from one type to objects of a node type; from its one entry come
 * the schema field, the field resolver, the permission check, the DataLoader, the SQL planner's
 * subquery and the cost weight (see README.md beside this file).
 */

export type ClassType = abstract new (...args: never[]) => object;

/**
 * The domain that declares a node type or an edge: the one that owns its data. In federated
 * mode it is the subgraph that serves the type, or the field on another domain's entity.
 */
export type Domain = 'governance' | 'auth' | 'profiles' | 'enrollment' | 'scim' | 'reconciliation' | 'requests' | 'certifications';

export interface NodeTypeSpec {
  domain: Domain;
  /** GraphQL type name. */
  name: string;
  /** The class (or union object) type-graphql knows the type by. */
  gqlType: () => object;
  /** The stored entity, for node types that are rows. */
  entity?: EntityClass<object>;
  /** What a caller needs to read objects of this type. */
  read: Action;
  /** Columns computed fields need when the planner reads a narrowed row (`status` → disabled, retired). */
  columns?: Record<string, readonly string[]>;
}

/**
 * The SQL of an edge, when it is a plain relation of rows. `p` is the parent's alias, `c` the
 * child's. The same text serves the per-request DataLoader (many parents at once) and the
 * planner's correlated subquery (one parent per row).
 */
export type EdgeSql =
  /** The parent's column holds the child's key (`id`, or `login` within the workspace). */
  | { kind: 'ref'; column: string; key?: 'id' | 'login' }
  /** `from(p, c)`: FROM … WHERE of the children of parent `p` (table aliased `c`). */
  | { kind: 'list'; from: (p: string, c: string) => string; orderBy: readonly string[] };

export interface EdgeContext {
  /** Whether the caller may perform an action. */
  may(action: Action): boolean;
}

export type Cardinality = 'one' | 'list' | 'connection';

export interface EdgeSpec {
  domain: Domain;
  /** Parent GraphQL type name and its type-graphql class. */
  parent: string;
  parentType: () => ClassType;
  field: string;
  /** The node type the edge leads to (its read action guards the edge). */
  of: string;
  cardinality: Cardinality;
  /** For lists: the most children a parent may have; more is an error, and the cost model uses it. */
  max?: number;
  /** For connections: the connection class. */
  connection?: () => ClassType;
  /** For connections: the arguments class (PageArgs). */
  args?: () => ClassType;
  nullable: boolean;
  description?: string;
  /** Cost of the edge per parent, before multiplying by its children (default 1). */
  weight: number;
  /** A relation of rows: loader and planner derive from it. */
  sql?: EdgeSql;
  /** Otherwise: code that loads the children through the request's loaders. */
  load?: (parent: never, args: never, ctx: never, info: GraphQLResolveInfo) => unknown;
  /** Columns of the parent the `load` code reads (default `id`). */
  needs?: readonly string[];
}

const nodeTypes = new Map<string, NodeTypeSpec>();
const edges = new Map<string, EdgeSpec>();
const classNames = new Map<string, string>();

export function defineNodeType(spec: NodeTypeSpec): void {
  nodeTypes.set(spec.name, spec);
  if (spec.entity) classNames.set((spec.entity as { name: string }).name, spec.name);
}

type EdgeInput = Omit<EdgeSpec, 'weight' | 'nullable' | 'cardinality' | 'domain'> & {
  weight?: number;
  nullable?: boolean;
  cardinality?: Cardinality;
};

/** Declares the edges of one parent type that a domain contributes. */
export function defineEdges(domain: Domain, parent: string, parentType: () => ClassType, list: Array<Omit<EdgeInput, 'parent' | 'parentType'>>): void {
  for (const input of list) {
    const cardinality = input.cardinality ?? (input.connection ? 'connection' : input.max !== undefined ? 'list' : 'one');
    const spec: EdgeSpec = { ...input, domain, parent, parentType, cardinality, weight: input.weight ?? 1, nullable: input.nullable ?? cardinality === 'one' };
    if (cardinality === 'list' && !spec.max) throw new Error(`Edge ${parent}.${spec.field}: a list needs a maximum`);
    if (!spec.sql && !spec.load) throw new Error(`Edge ${parent}.${spec.field}: give sql or load`);
    edges.set(`${parent}.${spec.field}`, spec);
  }
}

export const graphRegistry = {
  nodeType: (name: string) => nodeTypes.get(name),
  nodeTypes: () => [...nodeTypes.values()],
  edge: (parent: string, field: string) => edges.get(`${parent}.${field}`),
  edges: () => [...edges.values()],
  edgesOf: (parent: string) => [...edges.values()].filter((e) => e.parent === parent),
  /** Every edge's cost weight and list maximum (`'User.roles'` → …), for the cost analysis. */
  costTable: (): Record<string, { weight: number; maxItems?: number }> =>
    Object.fromEntries([...edges.values()].map((e) => [`${e.parent}.${e.field}`, { weight: e.weight, ...(e.max ? { maxItems: e.max } : {}) }])),
  /** The GraphQL type name of an entity class (`AccessRequest` → `Request`). */
  typeNameOfClass: (className: string) => classNames.get(className) ?? className,
};
