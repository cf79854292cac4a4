import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { resolvers } from '../resolvers/index.js';

let built: Promise<GraphQLSchema> | undefined;

/** The gateway's schema, built once from the resolvers and types in code. */
export function gatewaySchema(): Promise<GraphQLSchema> {
  return (built ??= buildSchema({ resolvers, validate: false }));
}

/** The committed `schema/schema.graphql` is exactly this text. */
export function schemaText(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
