import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  valueFromAST,
  GraphQLInt,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * What one field of the graph costs: `weight` per object it returns (default 1), and for a
 * list without a `first` argument the most items it can hold (`maxItems`). The edge registry
 * answers this from its declarations; `schemaFieldCosts` is the stand-in derived from the
 * schema alone.
 */
export type FieldCosts = (parentTypeName: string, fieldName: string) => { weight?: number; maxItems?: number } | undefined;

/** What an operation may cost, measured on the document before anything runs. */
export interface QueryCost {
  /**
   * Objects the answer may hold at most (GitHub's model): each object-typed field costs its
   * weight once per object it returns; a field with `first` returns up to `first` objects, a
   * list without it up to its declared maximum.
   */
  cost: number;
  /** Longest chain of nested fields (`{ a { b } }` is 2); fragments add no level. */
  depth: number;
  /** Aliases once every fragment is expanded where it is spread. */
  aliases: number;
  /** Fields directly under the operation (through fragments). */
  rootFields: number;
  /**
   * Field selections once every fragment is expanded where it is spread: what the compiled
   * executor generates code for.
   */
  fields: number;
}

export interface CostOptions {
  fieldCosts: FieldCosts;
  /** `first` when a connection is given none. */
  defaultPageSize: number;
  /** The largest `first` a connection accepts (a larger one is refused before it runs). */
  maxPageSize: number;
}

export interface OperationCost extends QueryCost {
  /** Names of the variables the numbers depend on (those passed as `first`). */
  variablesRead: string[];
}

/** Where the numbers stop growing: past it, every limit has long been exceeded. */
export const SATURATED = Number.MAX_SAFE_INTEGER;
/** A list of objects without `first` or a declared maximum holds at most this many items. */
export const DEFAULT_MAX_ITEMS = 100;

const sat = (n: number) => Math.min(n, SATURATED);

/** Measures of one selection set; `perType` holds cost that applies only to one concrete type. */
interface Measure {
  cost: number;
  perType: Map<string, number> | null;
  depth: number;
  aliases: number;
  fields: number;
  top: number;
}

const empty = (): Measure => ({ cost: 0, perType: null, depth: 0, aliases: 0, fields: 0, top: 0 });

/**
 * Measures the selected operation of a parsed (and validated) document, in time linear in the
 * document: each fragment is measured once, and a spread reuses its numbers (a fragment's
 * numbers do not depend on where it is spread, since the variables are fixed for the
 * operation). Abstract types: the cost of a selection on an interface or union is the largest
 * over its possible types (an inline fragment on `User` only counts when the object is a User).
 * `@skip`/`@include` are ignored (the selection counts, an over-estimate). Never throws on a
 * document that did not pass validation: unknown fields, types and fragments count as leaves,
 * fragment cycles as empty.
 */
export function analyzeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  options: CostOptions,
): OperationCost | undefined {
  const operation = selectOperation(document, operationName);
  if (!operation) return undefined;
  const root = rootType(schema, operation);
  if (!root) return undefined;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, Measure | null>(); // null: being measured (a cycle)
  const read = new Set<string>();
  const vars = variables ?? {};
  const variableDefaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const shapes = connectionShapes(schema);
  const possible = new Map<string, Set<string>>();
  const possibleNames = (type: GraphQLCompositeType) => {
    let names = possible.get(type.name);
    if (!names) possible.set(type.name, (names = new Set(isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name])));
    return names;
  };

  function fragment(name: string): { measure: Measure; on: GraphQLCompositeType } | undefined {
    const definition = fragments.get(name);
    if (!definition) return undefined;
    const on = compositeType(schema, definition.typeCondition.name.value);
    if (!on) return undefined;
    const known = measured.get(name);
    if (known === null) return undefined; // a cycle (validation refuses those)
    if (known) return { measure: known, on };
    measured.set(name, null);
    const measure = selectionSet(definition.selectionSet, on);
    measured.set(name, measure);
    return { measure, on };
  }

  function selectionSet(set: SelectionSetNode, scope: GraphQLCompositeType): Measure {
    const m = empty();
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        field(m, selection, scope);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? compositeType(schema, selection.typeCondition.name.value) : scope;
        if (!on) continue;
        merge(m, selectionSet(selection.selectionSet, on), scope, on);
      } else {
        const spread = fragment(selection.name.value);
        if (spread) merge(m, spread.measure, scope, spread.on);
      }
    }
    return m;
  }

  function field(m: Measure, node: FieldNode, scope: GraphQLCompositeType) {
    m.fields = sat(m.fields + 1);
    m.top = sat(m.top + 1);
    if (node.alias) m.aliases = sat(m.aliases + 1);
    const definition = fieldDefinition(schema, scope, node.name.value);
    const type = definition && getNamedType(definition.type);
    if (!definition || !node.selectionSet || !isCompositeType(type)) {
      m.depth = Math.max(m.depth, 1);
      return;
    }
    const child = selectionSet(node.selectionSet, type);
    m.depth = Math.max(m.depth, child.depth + 1);
    m.aliases = sat(m.aliases + child.aliases);
    m.fields = sat(m.fields + child.fields);

    const declared = options.fieldCosts(scope.name, node.name.value);
    const wrapper = shapes.isWrapper(scope, node.name.value);
    const weight = declared?.weight ?? (wrapper ? 0 : 1);
    let items = 1; // a wrapper's connection field counted the page's items already
    if (!wrapper && definition.args.some((a) => a.name === 'first')) items = firstOf(node, definition);
    else if (!wrapper && isListType(getNullableType(definition.type))) items = declared?.maxItems ?? DEFAULT_MAX_ITEMS;
    m.cost = sat(m.cost + sat(items * (weight + total(child))));
  }

  /** The page size a connection field asks for, as its resolver will see it (at most the maximum). */
  function firstOf(node: FieldNode, definition: GraphQLField<unknown, unknown>): number {
    const argument = node.arguments?.find((a) => a.name.value === 'first');
    let value: unknown;
    if (!argument) {
      const declared = definition.args.find((a) => a.name === 'first')?.defaultValue;
      value = declared ?? null;
    } else if (argument.value.kind === Kind.VARIABLE) {
      const name = argument.value.name.value;
      read.add(name);
      if (vars[name] !== undefined) value = vars[name];
      else {
        const fallback = variableDefaults.get(name);
        value = fallback ? valueFromAST(fallback, GraphQLInt) : null;
      }
    } else {
      value = valueFromAST(argument.value, GraphQLInt);
    }
    if (value === null) return Math.min(options.defaultPageSize, options.maxPageSize);
    // Anything else than a non-negative integer is refused when the variables are coerced or
    // by the resolver; count the largest page meanwhile.
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return options.maxPageSize;
    return Math.min(value, options.maxPageSize);
  }

  /** Adds a fragment's measures (`on` its type condition) to a selection set on `scope`. */
  function merge(m: Measure, sub: Measure, scope: GraphQLCompositeType, on: GraphQLCompositeType) {
    m.depth = Math.max(m.depth, sub.depth);
    m.aliases = sat(m.aliases + sub.aliases);
    m.fields = sat(m.fields + sub.fields);
    m.top = sat(m.top + sub.top);
    if (!isAbstractType(scope)) {
      m.cost = sat(m.cost + costFor(sub, scope.name));
    } else if (on === scope) {
      m.cost = sat(m.cost + sub.cost);
      for (const [name, cost] of sub.perType ?? []) addPerType(m, name, cost);
    } else {
      const inScope = possibleNames(scope);
      for (const name of isAbstractType(on) ? possibleNames(on) : [on.name]) {
        if (inScope.has(name)) addPerType(m, name, costFor(sub, name));
      }
    }
  }

  const measure = selectionSet(operation.selectionSet, root);
  return {
    cost: total(measure),
    depth: measure.depth,
    aliases: measure.aliases,
    rootFields: measure.top,
    fields: measure.fields,
    variablesRead: [...read].sort(),
  };
}

function costFor(m: Measure, typeName: string): number {
  return sat(m.cost + (m.perType?.get(typeName) ?? 0));
}

/** The cost of a selection set: its common part plus the costliest concrete type. */
function total(m: Measure): number {
  let extra = 0;
  for (const cost of m.perType?.values() ?? []) if (cost > extra) extra = cost;
  return sat(m.cost + extra);
}

function addPerType(m: Measure, typeName: string, cost: number) {
  m.perType ??= new Map();
  m.perType.set(typeName, sat((m.perType.get(typeName) ?? 0) + cost));
}

function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLObjectType | undefined {
  if (operation.operation === 'query') return schema.getQueryType() ?? undefined;
  if (operation.operation === 'mutation') return schema.getMutationType() ?? undefined;
  return schema.getSubscriptionType() ?? undefined;
}

function compositeType(schema: GraphQLSchema, name: string): GraphQLCompositeType | undefined {
  const type = schema.getType(name);
  return isCompositeType(type) ? type : undefined;
}

function fieldDefinition(schema: GraphQLSchema, scope: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (scope === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(scope) || isInterfaceType(scope) ? scope.getFields()[name] : undefined;
}

const shapesOf = new WeakMap<GraphQLSchema, { isWrapper: (scope: GraphQLCompositeType, field: string) => boolean }>();

/**
 * Connection wrappers: `nodes`, `edges`, `pageInfo` of a connection type (one with `edges` and
 * `pageInfo`) and `node` of an edge type (one with `node` and `cursor`). The connection field
 * already counted the page's items; its wrappers add neither items nor weight by default.
 */
function connectionShapes(schema: GraphQLSchema) {
  let shapes = shapesOf.get(schema);
  if (!shapes) {
    const wrappers = new Map<string, Set<string>>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type)) continue;
      const fields = type.getFields();
      if (fields.edges && fields.pageInfo) wrappers.set(type.name, new Set(['nodes', 'edges', 'pageInfo']));
      else if (fields.node && fields.cursor) wrappers.set(type.name, new Set(['node']));
    }
    shapes = { isWrapper: (scope, field) => wrappers.get(scope.name)?.has(field) ?? false };
    shapesOf.set(schema, shapes);
  }
  return shapes;
}

/**
 * Field costs from the schema alone, until the edge registry declares them: every object
 * field weighs 1; a list of objects without `first` holds at most `DEFAULT_MAX_ITEMS`, unless
 * `maxima` names it (`{ 'User.roles': { maxItems: 100 } }`); introspection lists hold at most
 * what this schema has (its number of types, the most fields of a type, …).
 */
export function schemaFieldCosts(schema: GraphQLSchema, maxima: Record<string, { weight?: number; maxItems?: number }> = {}): FieldCosts {
  const types = Object.values(schema.getTypeMap());
  const most = (counts: number[]) => Math.max(1, ...counts);
  const fieldLists = types.flatMap((t) => (isObjectType(t) || isInterfaceType(t) ? [Object.values(t.getFields())] : []));
  const introspection: Record<string, number> = {
    '__Schema.types': types.length,
    '__Schema.directives': schema.getDirectives().length,
    '__Type.fields': most(fieldLists.map((f) => f.length)),
    '__Type.interfaces': most(types.map((t) => (isObjectType(t) || isInterfaceType(t) ? t.getInterfaces().length : 0))),
    '__Type.possibleTypes': most(types.map((t) => (isAbstractType(t) ? schema.getPossibleTypes(t).length : 0))),
    '__Type.enumValues': most(types.map((t) => (isEnumType(t) ? t.getValues().length : 0))),
    '__Type.inputFields': most(types.map((t) => (isInputObjectType(t) ? Object.keys(t.getFields()).length : 0))),
    '__Field.args': most(fieldLists.flatMap((fields) => fields.map((f) => f.args.length))),
    '__Directive.args': most(schema.getDirectives().map((d) => d.args.length)),
  };
  return (parent, field) => {
    const key = `${parent}.${field}`;
    const declared = maxima[key];
    if (declared) return declared;
    const items = introspection[key];
    return items === undefined ? undefined : { maxItems: items };
  };
}
