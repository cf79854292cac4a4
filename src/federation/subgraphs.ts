import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { subgraphResolvers, type SubgraphName } from '../../resolvers/index.js';
import { DomainError } from '../errors.js';
import { entityOf } from '../graph/edge-loaders.js';
import type { GraphContext } from '../graph/install.js';
import { graphRegistry, type Domain } from '../graph/registry.js';
import { graphqlTypeOf } from '../graph/rows.js';
import { schemaText } from '../schema.js';

/**
 * The identity domains as Federation 2 subgraphs, cut from the one schema the default mode
 * serves (so both modes run the same resolvers and the composed API schema is that schema):
 *
 * - a subgraph has the root fields of its resolver classes (resolvers/index.ts);
 * - every type implementing Node is an entity `@key(fields: "id")`, served in full by the domain
 *   that declares its node type; another subgraph that reaches it holds a stub (`id`, plus the
 *   edges and computed fields that subgraph contributes, such as `User.scimUser` in scim);
 * - an edge belongs to the domain that declares it in the registry, a computed field to the
 *   subgraph of its resolver class;
 * - every other object type (connections, payloads, references) is a value type, the same in
 *   each subgraph that reaches it, and `@shareable`.
 *
 * Entity references resolve through the registry's by-id loaders: one statement per type for a
 * batch of references, within the caller's workspace (another workspace's id is null).
 */
export const SUBGRAPH_NAMES = Object.keys(subgraphResolvers) as SubgraphName[];

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

/** The subgraph a registry domain is served in (the caller's `me` lives with governance). */
function subgraphOfDomain(domain: Domain): SubgraphName {
  return domain === 'auth' ? 'governance' : domain;
}

interface Ownership {
  /** Entity type name → the subgraph that serves it in full. */
  entities: Map<string, SubgraphName>;
  /** `Type.field` → the subgraph that resolves it (edges, computed fields, root fields). */
  fields: Map<string, SubgraphName>;
}

function ownership(schema: GraphQLSchema): Ownership {
  const entities = new Map<string, SubgraphName>();
  const node = schema.getType('Node');
  if (!isInterfaceType(node)) throw new Error('The schema has no Node interface');
  for (const type of schema.getPossibleTypes(node)) {
    const spec = graphRegistry.nodeType(type.name);
    if (!spec) throw new Error(`${type.name} implements Node but is not a node type of the registry`);
    entities.set(type.name, subgraphOfDomain(spec.domain));
  }
  const fields = new Map<string, SubgraphName>();
  for (const edge of graphRegistry.edges()) fields.set(`${edge.parent}.${edge.field}`, subgraphOfDomain(edge.domain));
  const subgraphOfClass = new Map<object, SubgraphName>();
  for (const name of SUBGRAPH_NAMES) for (const target of subgraphResolvers[name]) subgraphOfClass.set(target, name);
  const storage = getMetadataStorage();
  const typeNameOfClass = new Map<object, string>(storage.objectTypes.map((o) => [o.target, o.name]));
  for (const [root, list] of [
    ['Query', storage.queries],
    ['Mutation', storage.mutations],
    ['Subscription', storage.subscriptions],
  ] as const) {
    for (const meta of list) {
      const owner = subgraphOfClass.get(meta.target);
      if (owner) fields.set(`${root}.${meta.schemaName}`, owner);
    }
  }
  for (const meta of storage.fieldResolvers) {
    const owner = subgraphOfClass.get(meta.target);
    const objectClass = meta.getObjectType?.() ?? meta.resolverClassMetadata?.getObjectType();
    const typeName = objectClass ? typeNameOfClass.get(objectClass) : undefined;
    if (owner && typeName && !fields.has(`${typeName}.${meta.schemaName}`)) fields.set(`${typeName}.${meta.schemaName}`, owner);
  }
  return { entities, fields };
}

/** Which fields of which types a subgraph holds (`all` for value types and its own entities). */
type Selection = Map<string, 'all' | Set<string>>;

function selectSubgraph(schema: GraphQLSchema, owned: Ownership, subgraph: SubgraphName): Selection {
  const selection: Selection = new Map();
  const pending: GraphQLNamedType[] = [];
  const fieldOwner = (type: string, field: string) => owned.fields.get(`${type}.${field}`) ?? owned.entities.get(type);
  const include = (type: GraphQLNamedType) => {
    if (selection.has(type.name)) return;
    const owner = owned.entities.get(type.name);
    if (owner !== undefined && owner !== subgraph && isObjectType(type)) {
      const contributed = Object.keys(type.getFields()).filter((f) => f === 'id' || fieldOwner(type.name, f) === subgraph);
      selection.set(type.name, new Set(contributed));
    } else {
      selection.set(type.name, 'all');
    }
    pending.push(type);
  };
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    const mine = Object.keys(root.getFields()).filter((f) => owned.fields.get(`${root.name}.${f}`) === subgraph);
    if (mine.length > 0) {
      selection.set(root.name, new Set(mine));
      pending.push(root);
    }
  }
  for (const [name, owner] of owned.entities) if (owner === subgraph) include(schema.getType(name)!);
  for (const [key, owner] of owned.fields) {
    const [type] = key.split('.');
    if (owner === subgraph && owned.entities.has(type)) include(schema.getType(type)!);
  }
  while (pending.length > 0) {
    const type = pending.pop()!;
    if (isObjectType(type) || isInterfaceType(type)) {
      const kept = selection.get(type.name)!;
      for (const iface of type.getInterfaces()) include(iface);
      for (const field of Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>) {
        if (kept !== 'all' && !kept.has(field.name)) continue;
        if (kept === 'all' && owned.entities.get(type.name) === subgraph && fieldOwner(type.name, field.name) !== subgraph) continue;
        const target = getNamedType(field.type);
        include(target);
        // A field returning an abstract type may return any of its members.
        if (isInterfaceType(target) || isUnionType(target)) for (const member of schema.getPossibleTypes(target)) include(member);
        for (const arg of field.args) include(getNamedType(arg.type));
      }
    } else if (isUnionType(type)) {
      for (const member of type.getTypes()) include(member);
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) include(getNamedType(field.type));
    }
  }
  return selection;
}

function directive(name: string, args: Record<string, string | boolean> = {}): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: name },
    arguments: Object.entries(args).map(([arg, value]) => ({
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: arg },
      value: typeof value === 'boolean' ? { kind: Kind.BOOLEAN, value } : { kind: Kind.STRING, value },
    })),
  };
}

/** The subgraph's SDL: the schema's own definitions, cut to the selection, with federation directives. */
function subgraphDocument(schema: GraphQLSchema, owned: Ownership, subgraph: SubgraphName, selection: Selection): DocumentNode {
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
  const definitions: DefinitionNode[] = [];
  for (const definition of parse(schemaText(schema)).definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const name = definition.name.value;
    const kept = selection.get(name);
    if (!kept) continue;
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) {
      definitions.push(definition);
      continue;
    }
    const entityOwner = owned.entities.get(name);
    const fields = (definition.fields ?? []).filter((field) => {
      if (kept !== 'all') return kept.has(field.name.value);
      return entityOwner !== subgraph || (owned.fields.get(`${name}.${field.name.value}`) ?? subgraph) === subgraph;
    });
    let directives: ConstDirectiveNode[] = [];
    if (entityOwner !== undefined) {
      // A stub that adds nothing but its key cannot answer for the type: the owner does.
      const resolvable = entityOwner === subgraph || fields.length > 1;
      directives = [directive('key', resolvable ? { fields: 'id' } : { fields: 'id', resolvable: false })];
    } else if (!roots.has(name)) {
      directives = [directive('shareable')];
    }
    definitions.push({ ...definition, fields, directives: [...(definition.directives ?? []), ...directives] });
  }
  return { kind: Kind.DOCUMENT, definitions: [...parse(FEDERATION_LINK).definitions, ...definitions] };
}

/** The resolvers of a subgraph: the one schema's own, and entity references through the registry's loaders. */
/** Resolvers by type and field, as `buildSubgraphSchema` takes them (enum values, scalars, `__resolveReference`). */
type ResolverMap = Record<string, Record<string, unknown>>;

function subgraphResolverMap(schema: GraphQLSchema, owned: Ownership, selection: Selection): ResolverMap {
  const map: ResolverMap = {};
  for (const [name, kept] of selection) {
    const type = schema.getType(name)!;
    if (isScalarType(type)) {
      if (!type.astNode && ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(name)) continue;
      map[name] = { serialize: type.serialize, parseValue: type.parseValue, parseLiteral: type.parseLiteral };
    } else if (isEnumType(type)) {
      map[name] = Object.fromEntries(type.getValues().map((v) => [v.name, v.value]));
    } else if (isInterfaceType(type) || isUnionType(type)) {
      map[name] = { __resolveType: (value: object) => graphqlTypeOf(value) };
    } else if (isObjectType(type)) {
      const resolvers: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        if ((kept === 'all' || kept.has(field.name)) && field.resolve) resolvers[field.name] = field.resolve;
      }
      if (owned.entities.has(name)) resolvers.__resolveReference = referenceResolver(name);
      map[name] = resolvers;
    }
  }
  return map;
}

/**
 * An entity reference, read through the registry's by-id loader: every reference of a type in
 * one `_entities` call is one statement, scoped to the caller's workspace.
 */
function referenceResolver(typeName: string) {
  const spec = graphRegistry.nodeType(typeName)!;
  const entity = entityOf(typeName);
  return (reference: { id?: unknown }, ctx: GraphContext) => {
    if (!ctx.may(spec.read)) throw new DomainError('FORBIDDEN', `This API key may not read ${typeName}: it needs ${spec.read}`, undefined, { action: spec.read });
    if (typeof reference.id !== 'string') return null;
    return ctx.graph.byKey(entity).get(reference.id);
  };
}

export interface Subgraph {
  name: SubgraphName;
  /** The subgraph's SDL with its federation directives (what `_service { sdl }` answers). */
  typeDefs: DocumentNode;
  sdl: string;
  /** The executable subgraph schema (with `_service` and `_entities`). */
  schema: GraphQLSchema;
}

/** Every subgraph, cut from the gateway's one schema (built by `gatewaySchema()`). */
export function buildSubgraphs(schema: GraphQLSchema): Subgraph[] {
  const owned = ownership(schema);
  return SUBGRAPH_NAMES.map((name) => {
    const selection = selectSubgraph(schema, owned, name);
    const typeDefs = subgraphDocument(schema, owned, name, selection);
    // The map's shape is @apollo/subgraph's GraphQLResolverMap, which the package does not export.
    const subgraphSchema = buildSubgraphSchema({ typeDefs, resolvers: subgraphResolverMap(schema, owned, selection) as never });
    return { name, typeDefs, sdl: `${print(typeDefs)}\n`, schema: subgraphSchema };
  });
}
