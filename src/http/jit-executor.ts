import { getOperationAST, getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { Context } from '../context.js';
import { graphRegistry } from '../graph/registry.js';
import type { Dialect } from '../graph/planner.js';
import { fillCompiled, NeedsPlainExecution, SelectionCompiler, type CompiledOperation } from '../graph/compiled.js';
import { UNSTORABLE_TEXT, unstorablePath, unstorablePathInDocument } from '../common/text-input.js';

/**
 * Executes operations with graphql-jit: each distinct operation is compiled once into plain
 * JavaScript, which removes most of graphql-js's per-field interpretation cost on large
 * nested answers. Apollo Server 5 accepts a custom executor through its gateway interface;
 * parsing, validation, errors, plugins and the HTTP layer stay Apollo's.
 */
export function jitGateway(schema: GraphQLSchema, cacheSize = 500): GatewayInterface {
  const compiled = new Map<string, CompiledQuery>();
  /** Compiled selections per operation, dialect and read permissions (null: nothing compiles). */
  const plans = new Map<string, { operation: CompiledOperation; key: string } | null>();
  const compilers: Partial<Record<Dialect, SelectionCompiler>> = {};

  const executor: GatewayExecutor = async (request) => {
    // Variables are coerced by graphql-js first, so a bad variable gets graphql-js's exact
    // error (with the path inside the variable, which the error formatter reports as `field`).
    const operation = getOperationAST(request.document, request.operationName);
    const variables = getVariableValues(schema, operation?.variableDefinitions ?? [], request.request.variables ?? {}, { maxErrors: 20 });
    if (variables.errors) return { errors: variables.errors };
    const bad = unstorablePathInDocument(request.document) ?? unstorablePath(variables.coerced);
    if (bad !== undefined) return { errors: [new GraphQLError(`\`${bad}\` ${UNSTORABLE_TEXT}`, { extensions: { code: 'BAD_USER_INPUT', field: bad } })] };
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    const context = request.context as unknown as Context;
    // SQL_PLANNER=false means every nested edge through its DataLoader: no compiled SQL either.
    if (context.rawAnswers && context.config?.compiledSelections && context.config.sqlPlanner && operation?.operation === 'query') {
      const answer = await compiledAnswer(key, request.document, request.operationName, context, request.request.variables ?? {});
      if (answer) return answer;
    }
    const query = jitted(key, request.document, request.operationName);
    if (!isCompiledQuery(query)) return query;
    const result = await query.query(undefined, request.context, request.request.variables ?? {});
    return result.errors ? { ...result, errors: result.errors.map(normalizeError) } : result;
  };

  function jitted(key: string, document: DocumentNode, operationName: string | null | undefined): CompiledQuery | ExecutionResult {
    let query = compiled.get(key);
    if (!query) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      if (!isCompiledQuery(result)) return result;
      query = result;
      // A bounded cache: the oldest compiled operation makes room for a new one.
      if (compiled.size >= cacheSize) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, query);
    }
    return query;
  }

  /**
   * The answer with its compiled selections written by SQL, or undefined when nothing compiles
   * or the SQL met what only plain execution reports (see graph/compiled.ts). A plan depends on
   * the operation and on which node types the caller may read.
   */
  async function compiledAnswer(key: string, document: DocumentNode, operationName: string | null | undefined, context: Context, variables: Record<string, unknown>) {
    const dialect = context.config.database;
    const reads = readSignature(context);
    const planKey = `${key}:${dialect}:${reads}`;
    let plan = plans.get(planKey);
    if (plan === undefined) {
      compilers[dialect] ??= new SelectionCompiler(schema, dialect);
      const operation = compilers[dialect].compile(context.em, document, operationName, (action) => context.may(action));
      plan = operation && { operation, key: `${planKey}:compiled` };
      if (plans.size >= cacheSize) plans.delete(plans.keys().next().value!);
      plans.set(planKey, plan);
    }
    if (!plan) return undefined;
    const query = jitted(plan.key, plan.operation.document, operationName);
    if (!isCompiledQuery(query)) return undefined;
    const result = await query.query(undefined, context, variables);
    if (result.data) {
      try {
        const raw = context.rawAnswers!;
        await fillCompiled(context.em, dialect, plan.operation, result.data as Record<string, unknown>, (text) => raw.hold(text));
      } catch (error) {
        if (error instanceof NeedsPlainExecution) return undefined;
        throw error;
      }
    }
    return result.errors ? { ...result, errors: result.errors.map(normalizeError) } : result;
  }

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

/** Which node types the caller may read, as one string (a compiled plan depends on it). */
function readSignature(context: Context): string {
  let signature = '';
  for (const type of graphRegistry.nodeTypes()) signature += context.may(type.read) ? '1' : '0';
  return signature;
}
