import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Viewer } from '../auth/viewer.js';
import { formatError } from '../errors.js';
import { composeSupergraph, identityServices, subgraphPath } from './supergraph.js';
import type { Subgraph } from './subgraphs.js';

/** What the federation runtime keeps per request: who asked, and the credential it forwards. */
export interface GatewayContext {
  requestId: string;
  viewer: Viewer;
  /** The caller's `Authorization` header, sent on to every subgraph, which checks it again. */
  authorization: string;
}

/** A subgraph reached over HTTP with the caller's own credential. */
class ForwardingSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if ('authorization' in context && typeof context.authorization === 'string') request.http?.headers.set('authorization', context.authorization);
    if ('requestId' in context && typeof context.requestId === 'string') request.http?.headers.set('x-request-id', context.requestId);
  }
}

export interface FederationRuntime {
  gateway: ApolloGateway;
  /** Points every subgraph at this origin (known once the server listens). */
  serveFrom(origin: string): void;
}

/**
 * Apollo Gateway over the supergraph composed from the identity subgraphs, each reached at
 * `/subgraphs/<name>/graphql` of this process.
 */
export function federationRuntime(subgraphs: Subgraph[]): FederationRuntime {
  const { sdl } = composeSupergraph(identityServices(subgraphs));
  const sources = new Map<string, ForwardingSource>();
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    buildService: ({ name, url }) => {
      const source = new ForwardingSource({ url });
      sources.set(name, source);
      return source;
    },
  });
  return {
    gateway,
    serveFrom(origin) {
      for (const [name, source] of sources) source.url = `${origin}${subgraphPath(name)}`;
    },
  };
}

/**
 * Errors a subgraph sent were already formatted (and masked) there: they pass as they came,
 * without the runtime's `serviceName`, so both modes answer alike. Everything else is
 * formatted as in the default mode.
 */
export function formatGatewayError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const serviceName = formatted.extensions?.serviceName;
  if (error instanceof GraphQLError && typeof serviceName === 'string' && typeof formatted.extensions?.code === 'string') {
    const { serviceName: _, ...extensions } = formatted.extensions;
    if (extensions.code !== 'DOWNSTREAM_SERVICE_ERROR') return { ...formatted, extensions };
  }
  return formatError(formatted, error);
}
