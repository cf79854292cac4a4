import type { ClassType, NonEmptyArray } from 'type-graphql';
import '../src/graph/domains.js';
import { edgeFieldDeclarations } from '../src/graph/install.js';
import { CatalogResolver, PeopleResolver } from './governance/catalog.resolver.js';
import { ScimResolver, ScimUserFields } from './scim/scim.resolver.js';
import { EntitlementFields, RoleFields, TargetSystemFields, UserFields } from './governance/edges.resolver.js';
import { IdentityProfileResolver } from './profiles/identity-profile.resolver.js';
import { IdentityProfileFields, OwnerReferenceFields, SourceReferenceFields } from './profiles/edges.resolver.js';
import { EnrollmentAutomationResolver } from './enrollment/enrollment-automation.resolver.js';
import { ReconciliationResolver } from './reconciliation/reconciliation.resolver.js';
import { ReconciliationBatchFields, ReconciliationEventFields } from './reconciliation/edges.resolver.js';
import { RequestsResolver } from './requests/requests.resolver.js';
import { AttachmentFields, TaskCommentFields, TaskFields } from './requests/edges.resolver.js';
import { CertificationsResolver } from './certifications/certifications.resolver.js';
import { CertificationCampaignFields, CertificationTaskFields } from './certifications/edges.resolver.js';
import { MeResolver } from './auth/me.resolver.js';
import { JobsResolver } from './jobs/jobs.resolver.js';

/**
 * Every resolver of the gateway: root fields and computed fields per domain, and the edge
 * fields the read graph's registry declares (src/graph).
 */
export const resolvers: NonEmptyArray<ClassType> = [
  CatalogResolver,
  PeopleResolver,
  RoleFields,
  UserFields,
  EntitlementFields,
  TargetSystemFields,
  IdentityProfileResolver,
  IdentityProfileFields,
  OwnerReferenceFields,
  SourceReferenceFields,
  EnrollmentAutomationResolver,
  ScimResolver,
  ScimUserFields,
  ReconciliationResolver,
  ReconciliationBatchFields,
  ReconciliationEventFields,
  RequestsResolver,
  TaskFields,
  TaskCommentFields,
  AttachmentFields,
  CertificationsResolver,
  CertificationCampaignFields,
  CertificationTaskFields,
  MeResolver,
  JobsResolver,
  ...edgeFieldDeclarations(),
];
