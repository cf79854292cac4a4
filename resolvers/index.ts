import type { ClassType, NonEmptyArray } from 'type-graphql';
import { CatalogResolver } from './governance/catalog.resolver.js';
import { ScimGroupRefEdges, ScimResolver, ScimUserEdges } from './scim/scim.resolver.js';
import { EntitlementAssignmentEdges, EntitlementEdges, RoleEdges, TargetSystemEdges, UserAccountEdges, UserEdges } from './governance/edges.resolver.js';
import { IdentityProfileResolver } from './profiles/identity-profile.resolver.js';
import { IdentityProfileEdges, OwnerReferenceEdges, SourceReferenceEdges, TargetSystemProfileEdges, UserProfileEdges } from './profiles/edges.resolver.js';
import { EnrollmentAutomationResolver } from './enrollment/enrollment-automation.resolver.js';
import { EnrollmentAutomationEdges, UserEnrollmentEdges } from './enrollment/edges.resolver.js';
import { ReconciliationResolver } from './reconciliation/reconciliation.resolver.js';
import { ReconciliationBatchEdges, ReconciliationEventEdges } from './reconciliation/edges.resolver.js';
import { RequestsResolver } from './requests/requests.resolver.js';
import { CertificationsResolver } from './certifications/certifications.resolver.js';
import { CertificationCampaignEdges, CertificationImpactEdges, CertificationTaskEdges, ReviewItemEdges } from './certifications/edges.resolver.js';
import { ApprovalGroupEdges, AttachmentEdges, CartEdges, RequestEdges, TaskCommentEdges, TaskEdges } from './requests/edges.resolver.js';

/** Every resolver of the gateway. */
export const resolvers: NonEmptyArray<ClassType> = [
  CatalogResolver,
  UserEdges,
  RoleEdges,
  EntitlementEdges,
  TargetSystemEdges,
  UserAccountEdges,
  EntitlementAssignmentEdges,
  IdentityProfileResolver,
  IdentityProfileEdges,
  OwnerReferenceEdges,
  SourceReferenceEdges,
  UserProfileEdges,
  TargetSystemProfileEdges,
  EnrollmentAutomationResolver,
  EnrollmentAutomationEdges,
  UserEnrollmentEdges,
  ScimResolver,
  ScimUserEdges,
  ScimGroupRefEdges,
  ReconciliationResolver,
  ReconciliationBatchEdges,
  ReconciliationEventEdges,
  RequestsResolver,
  RequestEdges,
  TaskEdges,
  TaskCommentEdges,
  AttachmentEdges,
  CartEdges,
  ApprovalGroupEdges,
  CertificationsResolver,
  CertificationImpactEdges,
  CertificationCampaignEdges,
  CertificationTaskEdges,
  ReviewItemEdges,
];
