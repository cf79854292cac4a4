import { composeServices } from '@apollo/composition';
import type { DocumentNode } from 'graphql';
import { schemaText } from '../schema.js';
import type { Subgraph } from './subgraphs.js';

/** Where a supergraph composed for this repository expects each subgraph (the federated `npm start`). */
export const DEFAULT_SUBGRAPH_ORIGIN = 'http://localhost:4000';

export function subgraphPath(name: string): string {
  return `/subgraphs/${name}/graphql`;
}

export interface SubgraphService {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

export interface Supergraph {
  /** The supergraph SDL (what Apollo Router, Hive Gateway or @apollo/gateway load). */
  sdl: string;
  /** The API schema clients see, printed as `schema/schema.graphql` is. */
  apiSchemaText: string;
}

/** Composes subgraphs with @apollo/composition; a composition error lists every message. */
export function composeSupergraph(services: SubgraphService[]): Supergraph {
  const result = composeServices(services);
  if (result.errors) throw new Error(`The subgraphs do not compose:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  return { sdl: result.supergraphSdl, apiSchemaText: schemaText(result.schema.toAPISchema().toGraphQLJSSchema()) };
}

/** The identity subgraphs as services at `origin` (default: the federated `npm start`). */
export function identityServices(subgraphs: Subgraph[], origin = DEFAULT_SUBGRAPH_ORIGIN): SubgraphService[] {
  return subgraphs.map((s) => ({ name: s.name, url: `${origin}${subgraphPath(s.name)}`, typeDefs: s.typeDefs }));
}
