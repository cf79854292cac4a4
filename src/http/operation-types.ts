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
