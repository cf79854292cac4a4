import 'reflect-metadata';
import { buildSchema, type PubSub } from 'type-graphql';
import { isAbstractType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { graphqlTypeOf } from './graph/rows.js';
import { installEdges } from './graph/install.js';
import { resolvers } from '../resolvers/index.js';

let built: Promise<GraphQLSchema> | undefined;

/**
 * type-graphql asks for a PubSub whenever there are subscriptions; ours never use its topics
 * (each declares its own `subscribe`, fed by src/live), so none is ever called.
 */
const NO_TOPICS: PubSub = {
  publish: () => {
    throw new Error('Subscriptions publish through src/live, not type-graphql topics');
  },
  subscribe: () => {
    throw new Error('Subscriptions subscribe through src/live, not type-graphql topics');
  },
};

/** The gateway's schema, built once from the resolvers and types in code and the edge registry. */
export function gatewaySchema(): Promise<GraphQLSchema> {
  return (built ??= buildSchema({ resolvers, validate: false, pubSub: NO_TOPICS })
    .then(withSyncTypeResolution)
    .then((schema) => {
      installEdges(schema);
      describeRootTypes(schema);
      return schema;
    }));
}

/** type-graphql gives the root types no description option; Sandbox shows these first. */
function describeRootTypes(schema: GraphQLSchema): void {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  if (query)
    query.description =
      "Every read: catalog, people, requests and tasks, certifications, reconciliation, identity profiles, SCIM users, enrollment automations and jobs. Each read goes through the authorities of the caller's credential.";
  if (mutation)
    mutation.description =
      'Every change: requests and tasks, catalog onboarding, people, certifications, reconciliation, identity profiles, SCIM users and enrollment automations. Each runs in one transaction and is audited.';
  if (subscription) subscription.description = 'Live updates over WebSocket (graphql-ws): request status, task inbox, campaign and reconciliation progress.';
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
