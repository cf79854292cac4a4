import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import { isAbstractType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { graphqlTypeOf } from './graph/rows.js';
import { installEdges } from './graph/install.js';
import { resolvers } from '../resolvers/index.js';

let built: Promise<GraphQLSchema> | undefined;

/** The gateway's schema, built once from the resolvers and types in code and the edge registry. */
export function gatewaySchema(): Promise<GraphQLSchema> {
  return (built ??= buildSchema({ resolvers, validate: false })
    .then(withSyncTypeResolution)
    .then((schema) => {
      installEdges(schema);
      return schema;
    }));
}

/**
 * type-graphql wraps `resolveType` in an async function; the compiled executor (graphql-jit)
 * needs the type synchronously. Every object knows its type (see common/rows.ts), so one
 * synchronous resolver serves every interface and union.
 */
function withSyncTypeResolution(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type)) type.resolveType = (value: object) => graphqlTypeOf(value);
  }
  return schema;
}

/** The committed `schema/schema.graphql` is exactly this text. */
export function schemaText(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
