import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'LIST_LIMIT_EXCEEDED'
  | 'RATE_LIMITED'
  | 'REQUEST_TIMEOUT'
  | 'SERVICE_UNAVAILABLE';

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
export const notFound = (what: string, id: string, field?: string) => new DomainError('NOT_FOUND', `${what} ${JSON.stringify(id)} was not found`, field);
export const conflict = (message: string, field?: string) => new DomainError('CONFLICT', message, field);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);

/** Whether an error was expected (a domain error or a problem with the request itself). */
export function isExpected(error: unknown): boolean {
  return !!findDomainError(error) || isRequestError(error);
}

// graphql-js and Apollo raise GraphQLErrors about the request (sometimes wrapping another
// GraphQLError), before execution: they have no path. An error with a path happened while
// executing (a resolver threw, a non-null field came back null): ours to log and mask.
// Apollo wraps some of them (a scalar's TypeError, a coercion failure) in classes that carry
// one of its request-error codes.
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

function isRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.path) return false;
  return !error.originalError || error.originalError instanceof GraphQLError || REQUEST_ERROR_CODES.has(String(error.extensions?.code));
}

/**
 * The one place errors become client-visible. Domain errors keep their code and field;
 * errors graphql-js raised about the request itself (parse, validation, variable coercion)
 * pass; everything else is masked (the server logs it with the request id, see app.ts).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const domain = findDomainError(error);
  if (domain) {
    return {
      message: domain.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: domain.code, ...(domain.field ? { field: domain.field } : {}), ...domain.details },
    };
  }
  if (isRequestError(error)) {
    // Apollo gives uncoded request errors (a persisted query's hash or version) its default
    // INTERNAL_SERVER_ERROR: they are about the request, so BAD_REQUEST.
    const code = formatted.extensions?.code;
    const extensions: Record<string, unknown> = { code: code && code !== 'INTERNAL_SERVER_ERROR' ? code : 'BAD_REQUEST' };
    const field = formatted.extensions?.field ?? fieldOfCoercionError(formatted.message);
    if (field) extensions.field = field;
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

function findDomainError(error: unknown): DomainError | undefined {
  let e: unknown = error;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof DomainError) return e;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * graphql-js names the variable, the path inside it and the missing or unknown input field in
 * coercion messages; surface them as one dotted `field` (`input.owner.id`, `input.items.0.name`),
 * the shape domain errors use.
 */
export function fieldOfCoercionError(message: string): string | undefined {
  const variable = /^Variable "\$(\w+)"/.exec(message);
  if (!variable) return /argument "(\w+)"/i.exec(message)?.[1];
  const at = / at "(\w+(?:\.\w+|\[\d+\])*)"; /.exec(message);
  let field = at ? at[1] : variable[1];
  const inner = /; Field "(\w+)" (?:of required type "[^"]+" was not provided|is not defined by type)/.exec(message);
  if (inner) field += `.${inner[1]}`;
  return field.replace(/\[(\d+)\]/g, '.$1');
}
