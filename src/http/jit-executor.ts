import { getOperationAST, getVariableValues, GraphQLError, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { UNSTORABLE_TEXT, unstorablePath, unstorablePathInDocument } from '../common/text-input.js';

/**
 * Executes operations with graphql-jit: each distinct operation is compiled once into plain
 * JavaScript, which removes most of graphql-js's per-field interpretation cost on large
 * nested answers. Apollo Server 5 accepts a custom executor through its gateway interface;
 * parsing, validation, errors, plugins and the HTTP layer stay Apollo's.
 */
export function jitGateway(schema: GraphQLSchema, cacheSize = 500): GatewayInterface {
  const compiled = new Map<string, CompiledQuery>();

  const executor: GatewayExecutor = async (request) => {
    // Variables are coerced by graphql-js first, so a bad variable gets graphql-js's exact
    // error (with the path inside the variable, which the error formatter reports as `field`).
    const operation = getOperationAST(request.document, request.operationName);
    const variables = getVariableValues(schema, operation?.variableDefinitions ?? [], request.request.variables ?? {}, { maxErrors: 20 });
    if (variables.errors) return { errors: variables.errors };
    const bad = unstorablePathInDocument(request.document) ?? unstorablePath(variables.coerced);
    if (bad !== undefined) return { errors: [new GraphQLError(`\`${bad}\` ${UNSTORABLE_TEXT}`, { extensions: { code: 'BAD_USER_INPUT', field: bad } })] };
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    let query = compiled.get(key);
    if (!query) {
      const result = compileQuery(schema, request.document, request.operationName ?? undefined);
      if (!isCompiledQuery(result)) return result;
      query = result;
      // A bounded cache: the oldest compiled operation makes room for a new one.
      if (compiled.size >= cacheSize) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, query);
    }
    const result = await query.query(undefined, request.context, request.request.variables ?? {});
    return result.errors ? { ...result, errors: result.errors.map(normalizeError) } : result;
  };

  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async stop() {},
  };
}

/**
 * graphql-jit builds its own error objects (no `extensions`, which Apollo's error formatting
 * expects); rebuild each as a graphql-js GraphQLError with the same message, locations, path
 * and cause, so our one error formatter sees the domain error behind it.
 */
function normalizeError(error: GraphQLError): GraphQLError {
  // Without a path the error is about the request itself (variable coercion), not a resolver.
  const aboutRequest = !error.path;
  const normalized = new GraphQLError(error.message, {
    path: error.path,
    originalError: aboutRequest ? undefined : (error.originalError ?? undefined),
    extensions: aboutRequest ? { code: 'BAD_USER_INPUT' } : (error.extensions ?? undefined),
  });
  if (error.locations) (normalized as { locations?: unknown }).locations = error.locations;
  return normalized;
}
