import type { ClassType, NonEmptyArray } from 'type-graphql';
import '../src/graph/domains.js';
import { edgeFieldDeclarations } from '../src/graph/install.js';
import { CatalogResolver, PeopleResolver } from './governance/catalog.resolver.js';
import { ScimResolver, ScimUserFields } from './scim/scim.resolver.js';
import { EntitlementFields, RoleFields, ServiceRequestFields, TargetSystemFields, UserFields } from './governance/edges.resolver.js';
import { IdentityProfileResolver } from './profiles/identity-profile.resolver.js';
import { IdentityProfileFields, OwnerReferenceFields, SourceReferenceFields } from './profiles/edges.resolver.js';
import { EnrollmentAutomationResolver } from './enrollment/enrollment-automation.resolver.js';
import { ReconciliationResolver } from './reconciliation/reconciliation.resolver.js';
import { ReconciliationBatchFields, ReconciliationEventFields } from './reconciliation/edges.resolver.js';
import { RequestsResolver } from './requests/requests.resolver.js';
import { AttachmentFields, TaskCommentFields, TaskFields } from './requests/edges.resolver.js';
import { CertificationsResolver } from './certifications/certifications.resolver.js';
import { CertificationCampaignFields, CertificationFields, CertificationTaskFields } from './certifications/edges.resolver.js';
import { MeResolver } from './auth/me.resolver.js';
import { LiveResolver } from './live/live.resolver.js';

/**
 * The resolvers of each subgraph (federated mode): root fields and computed fields. A domain's
 * edges come from the registry (src/graph), where each edge names the domain that declares it.
 */
export const subgraphResolvers = {
  governance: [CatalogResolver, PeopleResolver, RoleFields, UserFields, ServiceRequestFields, EntitlementFields, TargetSystemFields, MeResolver],
  profiles: [IdentityProfileResolver, IdentityProfileFields, OwnerReferenceFields, SourceReferenceFields],
  enrollment: [EnrollmentAutomationResolver],
  scim: [ScimResolver, ScimUserFields],
  reconciliation: [ReconciliationResolver, ReconciliationBatchFields, ReconciliationEventFields, JobsResolver],
  // The subscriptions (task inbox, request status, batch and campaign progress) are served over
  // graphql-ws by the gateway process; they are declared in the requests subgraph's SDL.
  requests: [RequestsResolver, TaskFields, TaskCommentFields, AttachmentFields, LiveResolver],
  certifications: [CertificationsResolver, CertificationCampaignFields, CertificationTaskFields, CertificationFields],
} satisfies Record<string, ClassType[]>;

export type SubgraphName = keyof typeof subgraphResolvers;
import { JobsResolver } from './jobs/jobs.resolver.js';

/**
 * Every resolver of the gateway: root fields and computed fields per domain, and the edge
 * fields the read graph's registry declares (src/graph).
 */
export const resolvers: NonEmptyArray<ClassType> = [...Object.values(subgraphResolvers).flat(), ...edgeFieldDeclarations()] as NonEmptyArray<ClassType>;
