import { Args, FieldResolver, Resolver, type ClassType as ResolverClass } from 'type-graphql';
import { isInterfaceType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { setNodeImplementers } from './node.js';
import type { EntityManager } from '@mikro-orm/core';
import type { Action } from '../auth/authorities.js';
import { DomainError } from '../errors.js';
import { graphRegistry, type EdgeSpec } from './registry.js';
import { entityOf, type EdgeLoaders } from './edge-loaders.js';
import { ListLimitExceeded, NOT_PLANNED, prefetched } from './planner.js';

/** What an edge resolver needs of the request context. */
export interface GraphContext {
  may(action: Action): boolean;
  readonly graph: EdgeLoaders;
  readonly em: EntityManager;
}

/**
 * The schema fields of the registry's edges, as type-graphql resolver classes (one per parent
 * type). They only declare the fields: `installEdges` gives each its resolver once the schema
 * is built, so no logic can hide in a method the registry bypasses.
 */
let declared: ResolverClass[] | undefined;

export function edgeFieldDeclarations(): ResolverClass[] {
  return (declared ??= declare());
}

function declare(): ResolverClass[] {
  const byParent = new Map<string, EdgeSpec[]>();
  for (const edge of graphRegistry.edges()) (byParent.get(edge.parent) ?? byParent.set(edge.parent, []).get(edge.parent)!).push(edge);
  const classes: ResolverClass[] = [];
  for (const [parent, edges] of byParent) {
    const declaration = { [`${parent}Edges`]: class {} }[`${parent}Edges`];
    for (const edge of edges) {
      const method = () => {
        throw new Error(`${parent}.${edge.field} is resolved by the edge registry`);
      };
      Object.defineProperty(declaration.prototype, edge.field, { value: method, writable: true, configurable: true });
      const descriptor = Object.getOwnPropertyDescriptor(declaration.prototype, edge.field)!;
      const child = graphRegistry.nodeType(edge.of);
      if (!child) throw new Error(`Edge ${parent}.${edge.field} leads to ${edge.of}, which is not a declared node type`);
      const returns = edge.cardinality === 'connection' ? edge.connection! : edge.cardinality === 'list' ? () => [child.gqlType()] : child.gqlType;
      FieldResolver(returns as () => ResolverClass, { nullable: edge.nullable, description: edge.description })(declaration.prototype, edge.field, descriptor);
      if (edge.args) Args(edge.args as () => ResolverClass)(declaration.prototype, edge.field, 0);
    }
    Resolver(edges[0].parentType as () => ResolverClass)(declaration);
    classes.push(declaration);
  }
  return classes;
}

/** Gives every registered edge its resolver; fails when the schema lacks a declared edge. */
export function installEdges(schema: GraphQLSchema): void {
  const node = schema.getType('Node');
  if (isInterfaceType(node)) setNodeImplementers(schema.getPossibleTypes(node).map((t) => t.name));
  for (const edge of graphRegistry.edges()) {
    const type = schema.getType(edge.parent);
    const field = isObjectType(type) ? type.getFields()[edge.field] : undefined;
    if (!field) throw new Error(`Edge ${edge.parent}.${edge.field} is declared but not in the schema`);
    field.resolve = edgeResolver(edge) as GraphQLFieldResolver<unknown, unknown>;
  }
}

export function forbiddenEdge(edge: EdgeSpec, read: Action): DomainError {
  return new DomainError('FORBIDDEN', `This API key may not read ${edge.parent}.${edge.field}: it needs ${read}`, undefined, { action: read });
}

export function listLimit(edge: EdgeSpec): DomainError {
  return new DomainError('LIST_LIMIT_EXCEEDED', `${edge.parent}.${edge.field} has more than ${edge.max} items, the most this list answers`, undefined, { max: edge.max });
}

/**
 * The one resolver shape of every edge: the caller must be allowed to read the child type (else
 * FORBIDDEN at this path), then the planner's prefetched value, the derived loader, or the
 * edge's own load code.
 */
function edgeResolver(edge: EdgeSpec): GraphQLFieldResolver<Record<string, unknown>, GraphContext> {
  const read = graphRegistry.nodeType(edge.of)!.read;
  const checked = <T>(children: T[]): T[] => {
    if (children.length > edge.max!) throw listLimit(edge);
    return children;
  };
  const finish =
    edge.cardinality === 'list'
      ? (value: unknown) => (value instanceof Promise ? value.then((v) => checked(v as unknown[])) : checked(value as unknown[]))
      : (value: unknown) => value;
  const load = loadFor(edge);
  return (source, args, ctx, info) => {
    if (!ctx.may(read)) throw forbiddenEdge(edge, read);
    const planned = prefetched(source, edge.field);
    if (planned !== NOT_PLANNED) {
      if (planned instanceof ListLimitExceeded) throw listLimit(edge);
      return planned;
    }
    return finish(load(source, args, ctx, info));
  };
}

function loadFor(edge: EdgeSpec): GraphQLFieldResolver<Record<string, unknown>, GraphContext> {
  const sql = edge.sql;
  if (!sql) return edge.load as unknown as GraphQLFieldResolver<Record<string, unknown>, GraphContext>;
  if (sql.kind === 'list') return (source, _args, ctx) => ctx.graph.children(edge).load(source.id as string);
  const child = entityOf(edge.of);
  const key = sql.key ?? 'id';
  let property: { name: string; reference: boolean } | undefined;
  return (source, _args, ctx) => {
    property ??= propertyOf(ctx.em, edge.parent, sql.column);
    const raw = source[property.name] as { id?: string } | string | null | undefined;
    const value = property.reference ? (raw as { id?: string } | null | undefined)?.id : (raw as string | null | undefined);
    return value == null ? null : ctx.graph.byKey(child, key).get(value);
  };
}

/** The property of a parent entity stored in a column (a many-to-one gives its reference). */
function propertyOf(em: EntityManager, parent: string, column: string): { name: string; reference: boolean } {
  const meta = em.getMetadata().get(entityOf(parent).name);
  const prop = Object.values(meta.properties).find((p) => p.fieldNames?.[0] === column);
  if (!prop) throw new Error(`${parent} has no column ${column}`);
  return { name: prop.name, reference: prop.kind === 'm:1' || prop.kind === '1:1' };
}
