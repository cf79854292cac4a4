import { createHash } from 'node:crypto';
import { GraphQLClient, ClientError, type RequestMiddleware } from 'graphql-request';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export * from './generated.js';
export { ClientError };

export interface IdentityGraphOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** An API key (`igk_…`) or a sign-in token. */
  apiKey: string;
  /**
   * Send each operation by its SHA-256 only (Apollo's persisted-query protocol), as a gateway
   * with TRUSTED_DOCUMENTS=on requires; its text never travels.
   */
  persisted?: boolean;
}

/** A typed client of the gateway for scripts: each generated document gives the types of its variables and answer. */
export interface IdentityGraphClient {
  request<Result, Variables extends Record<string, unknown>>(document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result>;
  /** The underlying graphql-request client (headers, middleware). */
  readonly graphql: GraphQLClient;
}

export function identityGraph(options: IdentityGraphOptions): IdentityGraphClient {
  const graphql = new GraphQLClient(options.url, {
    headers: { authorization: `Bearer ${options.apiKey}` },
    requestMiddleware: options.persisted ? byHash : undefined,
  });
  return {
    graphql,
    request: (document, variables) => graphql.request({ document, variables } as never),
  };
}

/** Replaces the query text by its hash; the gateway looks the text up in its manifest. */
const byHash: RequestMiddleware = (request) => {
  if (typeof request.body !== 'string') return request;
  const body = JSON.parse(request.body) as { query?: string; extensions?: Record<string, unknown> };
  if (typeof body.query !== 'string') return request;
  const sha256Hash = createHash('sha256').update(body.query, 'utf8').digest('hex');
  const { query: _text, ...rest } = body;
  return { ...request, body: JSON.stringify({ ...rest, extensions: { ...rest.extensions, persistedQuery: { version: 1, sha256Hash } } }) };
};

/** The settings every example reads from the environment: IG_URL and IG_API_KEY. */
export function clientFromEnvironment(env: NodeJS.ProcessEnv = process.env): IdentityGraphClient {
  const url = env.IG_URL ?? 'http://127.0.0.1:4000/graphql';
  const apiKey = env.IG_API_KEY;
  if (!apiKey) {
    process.stderr.write('IG_API_KEY is not set: give the API key to use (npm run keys -- create …)\n');
    process.exit(2);
  }
  return identityGraph({ url, apiKey, persisted: env.IG_PERSISTED === '1' });
}

/** A failed operation as one line: the first error's code and message (never a stack). */
export function describeFailure(error: unknown): string {
  if (error instanceof ClientError) {
    const first = error.response.errors?.[0];
    if (first) return `${(first.extensions as { code?: string } | undefined)?.code ?? 'ERROR'}: ${first.message}`;
    return `HTTP ${error.response.status}`;
  }
  return error instanceof Error ? error.message : String(error);
}
