import type { NonEmptyArray } from 'type-graphql';
import { CatalogResolver } from './governance/catalog.resolver.js';
import { EntitlementAssignmentEdges, EntitlementEdges, RoleEdges, TargetSystemEdges, UserAccountEdges, UserEdges } from './governance/edges.resolver.js';
import { RequestsResolver } from './requests/requests.resolver.js';
import { ApprovalGroupEdges, AttachmentEdges, CartEdges, RequestEdges, TaskCommentEdges, TaskEdges } from './requests/edges.resolver.js';

/** Every resolver of the gateway. */
export const resolvers: NonEmptyArray<Function> = [
  CatalogResolver,
  UserEdges,
  RoleEdges,
  EntitlementEdges,
  TargetSystemEdges,
  UserAccountEdges,
  EntitlementAssignmentEdges,
  RequestsResolver,
  RequestEdges,
  TaskEdges,
  TaskCommentEdges,
  AttachmentEdges,
  CartEdges,
  ApprovalGroupEdges,
];
