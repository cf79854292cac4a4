import { registerEnumType } from 'type-graphql';

/**
 * The certification vocabulary of seed 002 (Certification Create). Stored values are the
 * seed's own spellings, so stored definitions read like the documented ones.
 */
export enum CertificationType {
  USER_ACCESS = 'User Access',
  RESOURCE_ASSIGNMENT = 'Resource Assignment',
}
registerEnumType(CertificationType, {
  name: 'CertificationType',
  description: 'This is the type of the certificate that you want to create. Certificate definition can be of either User Access or Resource Assignement.',
});

export enum ApproverType {
  USER = 'User',
  ROLE = 'Role',
  NONE = 'None',
}
registerEnumType(ApproverType, {
  name: 'CertificationApproverType',
  description: 'This is the Approval workflow for the certificate definition, which can be either User (a specific individual), Role or none.',
});

export enum UserCertificationBy {
  QUERY = 'query',
  NAME = 'name',
}
registerEnumType(UserCertificationBy, {
  name: 'UserCertificationBy',
  description: 'Here you select the users for the certificate. You can select the users by either query or the name of the user',
});

export enum CertifierType {
  USER = 'User',
  ROLE = 'Role',
  BENEFICIARY_MANAGER = "Benefeciary's Manager",
  RESOURCE_OWNER = 'Resource owner',
}
registerEnumType(CertifierType, {
  name: 'CertifierType',
  description: "Here you have to select the certifier for the certificate. The certifier can be individual user, role, benefeciary's manager or resource owner.",
});

export enum AlternateCertifier {
  USER_MANAGER = "User's Manager",
  ROLE = 'Role',
  USER = 'User',
}
registerEnumType(AlternateCertifier, {
  name: 'AlternateCertifier',
  description: "This is the alternate certififer for the certificate definition. By default, the alternate certifier is the user's manager.",
});

export enum CertificationDurationType {
  DAYS = 'days',
  MONTHS = 'months',
  YEARS = 'years',
}
registerEnumType(CertificationDurationType, { name: 'CertificationDurationType', description: 'Here you specify the duration of the certificate' });

export enum CertificationStatus {
  ACTIVE = 'Active',
  DRAFT = 'Draft',
}
registerEnumType(CertificationStatus, {
  name: 'CertificationStatus',
  description: 'This is the status of the certificate, which can be either Active or Draft',
});

export enum CampaignStatus {
  ACTIVE = 'Active',
  COMPLETED = 'Completed',
}
registerEnumType(CampaignStatus, { name: 'CertificationCampaignStatus', description: 'A run is Active until every review item is decided, then Completed.' });

/** What a review item certifies: a role held by assignment, an entitlement, or an account. */
export enum AccessKind {
  ROLE = 'Role',
  ENTITLEMENT = 'Entitlement',
  ACCOUNT = 'Account',
}
registerEnumType(AccessKind, { name: 'AccessKind', description: 'ROLE (held by assignment), ENTITLEMENT (assigned directly, not through a role) or ACCOUNT (on an application).' });

export enum ReviewDecision {
  CERTIFY = 'CERTIFY',
  REVOKE = 'REVOKE',
}
registerEnumType(ReviewDecision, { name: 'ReviewDecision', description: 'CERTIFY keeps the access; REVOKE removes it through a revoke request.' });

export enum CertificationTaskStatus {
  OPEN = 'Open',
  COMPLETED = 'Completed',
}
registerEnumType(CertificationTaskStatus, { name: 'CertificationTaskStatus', description: 'Open while the certifier has undecided items, then Completed.' });

/** The kind of catalog object a selected resource is (seed: `collection`). */
export enum ResourceCollection {
  ROLE = 'Role',
  ENTITLEMENT = 'Entitlement',
  TARGET_SYSTEM = 'TargetSystem',
}
registerEnumType(ResourceCollection, { name: 'ResourceCollection', description: 'The collection of a selected resource: Role, Entitlement or TargetSystem (an application).' });
