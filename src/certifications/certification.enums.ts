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
  valuesConfig: { RESOURCE_ASSIGNMENT: { description: 'Review who holds the selected resources.' }, USER_ACCESS: { description: 'Review everything the selected users hold.' } },
  name: 'CertificationType',
  description: 'This is the type of the certificate that you want to create. Certificate definition can be of either User Access or Resource Assignement.',
});

export enum ApproverType {
  USER = 'User',
  ROLE = 'Role',
  NONE = 'None',
}
registerEnumType(ApproverType, {
  valuesConfig: {
    NONE: { description: "No approval of the certifiers' decisions." },
    ROLE: { description: 'Members of a role approve the decisions.' },
    USER: { description: 'A named person approves the decisions.' },
  },
  name: 'CertificationApproverType',
  description: 'This is the Approval workflow for the certificate definition, which can be either User (a specific individual), Role or none.',
});

export enum UserCertificationBy {
  QUERY = 'query',
  NAME = 'name',
}
registerEnumType(UserCertificationBy, {
  valuesConfig: { NAME: { description: 'Users are named one by one.' }, QUERY: { description: 'Users are selected by a user query.' } },
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
  valuesConfig: {
    BENEFICIARY_MANAGER: { description: 'The manager of the person whose access is reviewed.' },
    RESOURCE_OWNER: { description: 'The owner of the reviewed role, entitlement or application.' },
    ROLE: { description: 'Members of a role.' },
    USER: { description: 'A named person.' },
  },
  name: 'CertifierType',
  description: "Here you have to select the certifier for the certificate. The certifier can be individual user, role, benefeciary's manager or resource owner.",
});

export enum AlternateCertifier {
  USER_MANAGER = "User's Manager",
  ROLE = 'Role',
  USER = 'User',
}
registerEnumType(AlternateCertifier, {
  valuesConfig: {
    ROLE: { description: 'Members of a role certify when the certifier cannot.' },
    USER: { description: 'A named person certifies when the certifier cannot.' },
    USER_MANAGER: { description: 'The manager of the user under review (the default).' },
  },
  name: 'AlternateCertifier',
  description: "This is the alternate certififer for the certificate definition. By default, the alternate certifier is the user's manager.",
});

export enum CertificationDurationType {
  DAYS = 'days',
  MONTHS = 'months',
  YEARS = 'years',
}
registerEnumType(CertificationDurationType, {
  valuesConfig: {
    DAYS: { description: 'The duration counts days.' },
    MONTHS: { description: 'The duration counts months.' },
    YEARS: { description: 'The duration counts years.' },
  },
  name: 'CertificationDurationType',
  description: 'Here you specify the duration of the certificate',
});

export enum CertificationStatus {
  ACTIVE = 'Active',
  DRAFT = 'Draft',
}
registerEnumType(CertificationStatus, {
  valuesConfig: { ACTIVE: { description: 'Activated: campaigns may be launched.' }, DRAFT: { description: 'Created but not yet activated.' } },
  name: 'CertificationStatus',
  description: 'This is the status of the certificate, which can be either Active or Draft',
});

export enum CampaignStatus {
  ACTIVE = 'Active',
  COMPLETED = 'Completed',
}
registerEnumType(CampaignStatus, {
  valuesConfig: { ACTIVE: { description: 'Some review items are still open.' }, COMPLETED: { description: 'Every review item is decided.' } },
  name: 'CertificationCampaignStatus',
  description: 'A run is Active until every review item is decided, then Completed.',
});

/** What a review item certifies: a role held by assignment, an entitlement, or an account. */
export enum AccessKind {
  ROLE = 'Role',
  ENTITLEMENT = 'Entitlement',
  ACCOUNT = 'Account',
}
registerEnumType(AccessKind, {
  valuesConfig: {
    ACCOUNT: { description: 'An account the person holds on an application (TargetSystem).' },
    ENTITLEMENT: { description: 'An entitlement assigned to the person directly, not through a role.' },
    ROLE: { description: 'A role the person holds.' },
  },
  name: 'AccessKind',
  description: 'ROLE (held by assignment), ENTITLEMENT (assigned directly, not through a role) or ACCOUNT (on an application).',
});

export enum ReviewDecision {
  CERTIFY = 'CERTIFY',
  REVOKE = 'REVOKE',
}
registerEnumType(ReviewDecision, {
  valuesConfig: { CERTIFY: { description: 'Keep the access.' }, REVOKE: { description: 'Remove the access (through a revoke request).' } },
  name: 'ReviewDecision',
  description: 'CERTIFY keeps the access; REVOKE removes it through a revoke request.',
});

export enum CertificationTaskStatus {
  OPEN = 'Open',
  COMPLETED = 'Completed',
}
registerEnumType(CertificationTaskStatus, {
  valuesConfig: { COMPLETED: { description: 'Every review item of the task is decided.' }, OPEN: { description: 'Some review items of the task are undecided.' } },
  name: 'CertificationTaskStatus',
  description: 'Open while the certifier has undecided items, then Completed.',
});

/** The kind of catalog object a selected resource is (seed: `collection`). */
export enum ResourceCollection {
  ROLE = 'Role',
  ENTITLEMENT = 'Entitlement',
  TARGET_SYSTEM = 'TargetSystem',
}
registerEnumType(ResourceCollection, {
  valuesConfig: { ENTITLEMENT: { description: 'An entitlement.' }, ROLE: { description: 'A role.' }, TARGET_SYSTEM: { description: 'An application (seed: `TargetSystem`).' } },
  name: 'ResourceCollection',
  description: 'The collection of a selected resource: Role, Entitlement or TargetSystem (an application).',
});
