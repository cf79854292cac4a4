import { Buffer } from 'node:buffer';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema, type OperationTypeNode } from 'graphql';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { QueryLimits } from '../config.js';
import { analyzeOperation, type FieldCosts, type QueryCost } from './cost.js';

/** One code per limit; `extensions.value` is what the operation asks for, `extensions.limit` the limit. */
export const LIMIT_CODES = {
  bytes: 'DOCUMENT_TOO_LARGE',
  tokens: 'TOKEN_LIMIT_EXCEEDED',
  depth: 'DEPTH_LIMIT_EXCEEDED',
  aliases: 'ALIAS_LIMIT_EXCEEDED',
  rootFields: 'ROOT_FIELD_LIMIT_EXCEEDED',
  fields: 'FIELD_LIMIT_EXCEEDED',
  cost: 'COST_LIMIT_EXCEEDED',
} as const satisfies Record<keyof QueryLimits, string>;

const MESSAGES: Record<keyof QueryLimits, (value: number | undefined, limit: number) => string> = {
  bytes: (value, limit) => `The query text has ${value} bytes; the limit is ${limit}`,
  tokens: (_, limit) => `The query text has more than ${limit} tokens; the limit is ${limit}`,
  depth: (value, limit) => `The operation nests fields ${value} levels deep; the limit is ${limit}`,
  aliases: (value, limit) => `The operation has ${value} aliases once its fragments are expanded; the limit is ${limit}`,
  rootFields: (value, limit) => `The operation has ${value} root fields; the limit is ${limit}`,
  fields: (value, limit) => `The operation selects ${value} fields once its fragments are expanded; the limit is ${limit}`,
  cost: (value, limit) => `The operation may return ${value} objects (its cost); the limit is ${limit}`,
};

/** An operation refused before it ran: nothing was compiled, no resolver and no SQL ran. */
export class QueryLimitError extends GraphQLError {
  constructor(
    readonly limitName: keyof QueryLimits,
    value: number | undefined,
    limit: number,
  ) {
    super(MESSAGES[limitName](value, limit), {
      extensions: { code: LIMIT_CODES[limitName], ...(value === undefined ? {} : { value }), limit, http: { status: 400 } },
    });
  }
}

/** The checks in the order they are reported: the first limit exceeded is the error. */
const CHECKED: Array<keyof QueryCost & keyof QueryLimits> = ['depth', 'aliases', 'rootFields', 'fields', 'cost'];

// graphql's parser aborts with "Document contains more than N tokens" ("more that" in 16.x).
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;

export interface QueryLimitsOptions<TContext = BaseContext> {
  schema: GraphQLSchema;
  limits: QueryLimits;
  fieldCosts: FieldCosts;
  pageSizes: { defaultPageSize: number; maxPageSize: number };
  /** Documents whose analysis is kept (the oldest goes first). */
  cacheSize?: number;
  /**
   * Runs once an operation is within every limit, before it executes (the rate limit spends
   * its cost here); an error it throws refuses the operation.
   */
  admit?: (context: TContext, measured: { cost: number; rootFields: number; operation: OperationTypeNode }) => Promise<void>;
}

/**
 * Refuses an operation over a limit after Apollo parsed and validated it and before it
 * executes (so before graphql-jit compiles it and before any resolver or SQL runs), with a
 * 400 and an error naming the limit. Every answer to an analysed operation reports
 * `extensions.cost: { requested, limit }`. The tokens of the query text are counted by
 * graphql's parser (`parseOptions.maxTokens`, set in app.ts); its size is checked before Apollo
 * sees the request (`oversizedDocument`), since an error thrown by a plugin before parsing
 * becomes a 500.
 */
export function queryLimitsPlugin<TContext extends BaseContext>(options: QueryLimitsOptions<TContext>): ApolloServerPlugin<TContext> {
  const { limits } = options;
  const cache = new AnalysisCache(options.cacheSize ?? 1000);
  return {
    async requestDidStart() {
      let measured: QueryCost | undefined;
      let tooManyTokens = false;
      return {
        async parsingDidStart() {
          return async (error) => {
            tooManyTokens = !!error && TOO_MANY_TOKENS.test(error.message);
          };
        },
        async didResolveOperation({ document, request, queryHash, contextValue, operation }) {
          const key = `${queryHash}\u0000${request.operationName ?? ''}`;
          measured = cache.get(key, request.variables, () =>
            analyzeOperation(options.schema, document, request.operationName, request.variables, { fieldCosts: options.fieldCosts, ...options.pageSizes }),
          );
          // Apollo resolves the operation before this hook; a query is the harmless assumption otherwise.
          const kind = operation?.operation ?? ('query' as OperationTypeNode);
          if (!measured) {
            await options.admit?.(contextValue, { cost: 1, rootFields: 1, operation: kind });
            return;
          }
          const over = exceededLimit(measured, limits);
          if (over) throw over;
          await options.admit?.(contextValue, { cost: measured.cost, rootFields: measured.rootFields, operation: kind });
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (measured) result.extensions = { ...result.extensions, cost: { requested: measured.cost, limit: limits.cost } };
          if (tooManyTokens) {
            const error = result.errors?.find((e) => TOO_MANY_TOKENS.test(e.message));
            if (error)
              Object.assign(error, { message: new QueryLimitError('tokens', undefined, limits.tokens).message, extensions: { code: LIMIT_CODES.tokens, limit: limits.tokens } });
          }
        },
      };
    },
  };
}

/** The first limit `measured` exceeds, in the order they are reported (subscriptions use it too). */
export function exceededLimit(measured: QueryCost, limits: QueryLimits): QueryLimitError | undefined {
  const name = CHECKED.find((n) => measured[n] > limits[n]);
  return name && new QueryLimitError(name, measured[name], limits[name]);
}

/**
 * The refusal of a GraphQL HTTP request whose query text (POST body or GET `query`) is over
 * the byte limit; nothing else is checked here (Apollo answers malformed requests).
 */
export function oversizedDocument(body: unknown, search: URLSearchParams, limit: number): { message: string; extensions: Record<string, unknown> } | undefined {
  const query = body && typeof body === 'object' && !Array.isArray(body) ? (body as { query?: unknown }).query : search.get('query');
  if (typeof query !== 'string') return undefined;
  const bytes = Buffer.byteLength(query, 'utf8');
  if (bytes <= limit) return undefined;
  const error = new QueryLimitError('bytes', bytes, limit);
  const { http: _status, ...extensions } = error.extensions;
  return { message: error.message, extensions };
}

/**
 * The error formatter with the limit errors passed as they are (code, value, limit); every
 * other error goes to `format`.
 */
export function withLimitErrors(format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError =>
    error instanceof QueryLimitError ? { message: formatted.message, extensions: formatted.extensions } : format(formatted, error);
}

/**
 * Analyses by document (query hash and operation name) and by the values of the variables
 * they depend on (those passed as `first`), so a repeated document is measured once. Bounded:
 * the oldest document makes room, and a document keeps a few variable combinations.
 */
export class AnalysisCache {
  private readonly documents = new Map<string, { variables: string[]; byValues: Map<string, QueryCost | undefined> }>();

  constructor(
    private readonly size: number,
    private readonly perDocument = 16,
  ) {}

  get(key: string, variables: Record<string, unknown> | undefined, analyse: () => (QueryCost & { variablesRead: string[] }) | undefined): QueryCost | undefined {
    const entry = this.documents.get(key);
    // An absent variable (its default applies) and a null one (the page size default) differ.
    const valuesKey = (names: string[]) => JSON.stringify(names.map((n) => (variables && variables[n] !== undefined ? [variables[n]] : [])));
    if (entry) {
      const values = valuesKey(entry.variables);
      if (entry.byValues.has(values)) return entry.byValues.get(values);
    }
    const result = analyse();
    const measured = result && { cost: result.cost, depth: result.depth, aliases: result.aliases, rootFields: result.rootFields, fields: result.fields };
    const names = result?.variablesRead ?? [];
    const target = entry ?? { variables: names, byValues: new Map() };
    if (!entry) {
      if (this.documents.size >= this.size) this.documents.delete(this.documents.keys().next().value!);
      this.documents.set(key, target);
    }
    if (target.byValues.size >= this.perDocument) target.byValues.delete(target.byValues.keys().next().value!);
    target.byValues.set(valuesKey(target.variables), measured);
    return measured;
  }
}
