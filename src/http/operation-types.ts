import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * Refuses operations of a type the schema has no root for (a `subscription`, the schema having
 * none) as a validation error: graphql-js 16 lets them through validation, and the executor
 * would then fail on them.
 */
export const KnownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`This schema does not support ${node.operation} operations`, { nodes: node }));
    }
  },
});

/**
 * Subscriptions are served over WebSocket (graphql-ws) on the same URL; over HTTP one would run
 * once and end, so it is refused with a pointer to the right transport.
 */
export const SubscriptionsOverWebSocketRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('Subscriptions are served over WebSocket (the graphql-ws protocol) at this same URL, not over HTTP', { nodes: node }));
    }
  },
});
