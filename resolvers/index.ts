import type { NonEmptyArray } from 'type-graphql';
import { CatalogResolver } from './governance/catalog.resolver.js';
import { EntitlementAssignmentEdges, EntitlementEdges, RoleEdges, TargetSystemEdges, UserAccountEdges, UserEdges } from './governance/edges.resolver.js';
import { ReconciliationResolver } from './reconciliation/reconciliation.resolver.js';
import { ReconciliationBatchEdges, ReconciliationEventEdges } from './reconciliation/edges.resolver.js';

/** Every resolver of the gateway. */
export const resolvers: NonEmptyArray<Function> = [
  CatalogResolver,
  UserEdges,
  RoleEdges,
  EntitlementEdges,
  TargetSystemEdges,
  UserAccountEdges,
  EntitlementAssignmentEdges,
  ReconciliationResolver,
  ReconciliationBatchEdges,
  ReconciliationEventEdges,
];
