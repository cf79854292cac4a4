import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED';

/** An expected failure: its message and code reach the client as they are. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field at fault, as a dotted path (`input.cartItems.0.entityId`). */
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (field: string, message: string) => new DomainError('BAD_USER_INPUT', message, field);
export const notFound = (what: string, id: string, field?: string) =>
  new DomainError('NOT_FOUND', `${what} ${JSON.stringify(id)} was not found`, field);
export const conflict = (message: string, field?: string) => new DomainError('CONFLICT', message, field);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);

export interface ErrorLogger {
  error(message: string, meta: Record<string, unknown>): void;
}

const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * The one place errors become client-visible. Domain errors keep their code and field;
 * errors graphql-js raised about the request itself (parse, validation, variable coercion)
 * pass; everything else is masked and logged with the request id.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: ErrorLogger,
  requestId?: string,
): GraphQLFormattedError {
  const domain = findDomainError(error);
  if (domain) {
    return {
      message: domain.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: domain.code, ...(domain.field ? { field: domain.field } : {}), ...domain.details },
    };
  }
  // Apollo wraps the request's own errors (parse, validation, variable coercion) in classes that
  // keep the graphql-js error as originalError; their codes, not the missing cause, mark them.
  const isRequestError = (error instanceof GraphQLError && !error.originalError) || REQUEST_ERROR_CODES.has(String(formatted.extensions?.code));
  if (isRequestError) {
    const extensions: Record<string, unknown> = { code: formatted.extensions?.code ?? 'BAD_USER_INPUT' };
    const field = fieldOfCoercionError(formatted.message);
    if (field) extensions.field = field;
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  const original = error instanceof GraphQLError ? error.originalError : error;
  log.error('unexpected error', { requestId, error: original instanceof Error ? original.stack : String(original) });
  return {
    message: `Internal server error (request ${requestId ?? 'unknown'})`,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  };
}

function findDomainError(error: unknown): DomainError | undefined {
  let e: unknown = error;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof DomainError) return e;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** graphql-js names the variable or argument in coercion messages; surface it as `field`. */
function fieldOfCoercionError(message: string): string | undefined {
  const m = /^Variable "\$([\w]+)"[^"]*?(?:at "([\w.[\]]+)")?/.exec(message) ?? /argument "([\w]+)"/.exec(message);
  if (!m) return undefined;
  return m[2] ? m[2].replace(/^\w+\./, `${m[1]}.`) : m[1];
}
