/**
 * Shape of the demo data set. Values come from the IDHub samples (seed 002) and keep the
 * seed's own 24-hex ids so the documented examples replay against the demo workspace.
 * People, roles and systems are referenced by login / id, never by array position.
 */

export interface DemoUser {
  id: string;
  login: string;
  firstName: string;
  lastName: string;
  displayName: string;
  email?: string;
  phoneNumber?: string;
  jobTitle?: string;
  department?: string;
  organizationName?: string;
  location?: string;
  userType?: string;
  status: string;
  employeeNumber?: string;
  employeeType?: string;
  isAdministrator?: boolean;
  managerLogin?: string;
  homeAddressLine1?: string;
  homeAddressLine2?: string;
  homeAddressCity?: string;
  homeAddressState?: string;
  homeAddressZipcode?: string;
  homeAddressCountry?: string;
  officeAddressLine1?: string;
  officeAddressLine2?: string;
  officeAddressCity?: string;
  officeAddressState?: string;
  officeAddressZipcode?: string;
  officeAddressCountry?: string;
  officeAddressPostal?: string;
  /** Seam user identity id (seeds 000/001), a uuid. */
  userIdentityId?: string;
  createdOn?: string;
  createDate?: string;
  provisionedDate?: string;
  logoURL?: string;
}

/** One attribute of a target system's account form (seed: TargetSystem.form). */
export interface DemoFormAttribute {
  name: string;
  dataType?: string;
  isRequired?: boolean;
  matchingAttribute?: string;
  syncDirection?: string;
  isReconKey?: boolean;
  isAccountName?: boolean;
  isMultiValue?: boolean;
  description?: string;
  [extra: string]: unknown;
}

export interface DemoTargetSystem {
  id: string;
  name: string;
  displayName: string;
  description?: string;
  integrationLevel: string;
  trustedReconciliation?: boolean;
  form?: DemoFormAttribute[];
  schedule?: Record<string, unknown>;
  logoURL?: string;
  applicationURL?: string;
  authenticationType?: string;
  businessOwner?: string;
  ITOwner?: string;
  performer?: string | null;
  approver1?: string;
  approver2?: string;
  approver3?: string;
  approvalWorkflow?: string;
  approvalWorkflowDisplayName?: string;
  riskLevel?: string;
  searchTags?: string;
  isRequestable?: boolean;
  isCertifiable?: boolean | null;
  /** Serves as a credential manager for Seam enrollment automations (default false). */
  isCredentialManager?: boolean;
  /** Seam ACS system id (seeds 000/001), a uuid. */
  acsSystemId?: string;
  requestFormId?: string | null;
  requestFormName?: string | null;
  isDefaultAttr?: boolean | null;
  disabled?: boolean;
  retired?: boolean;
  workflowRequestFormId?: string | null;
  staleCheckEnabled?: boolean;
  staleDays?: number;
  createdOn?: string;
  updatedOn?: string;
}

export interface DemoEntitlement {
  id: string;
  targetSystemId: string;
  name: string;
  displayName: string;
  description?: string;
  performer?: string | null;
  riskLevel?: string;
  ITOwner?: string;
  businessOwner?: string;
  searchTags?: string;
  approvalWorkflow?: string;
  approvalWorkflowDisplayName?: string;
  isRequestable?: boolean;
  isCertifiable?: boolean | null;
  externalId?: string;
  form?: Record<string, unknown>;
  formValues?: Record<string, unknown>;
  disabled?: boolean;
  retired?: boolean;
  createdOn?: string;
}

export interface DemoRole {
  id: string;
  name: string;
  displayName: string;
  description?: string;
  /** Birthright rule in the seed's syntax, e.g. {"$and":[{"status":"Active"}]}; null when none. */
  rule?: string | null;
  ruleForm?: string | null;
  isCertifiable?: boolean | null;
  isRequestable?: boolean;
  disabled?: boolean;
  retired?: boolean;
  approvalWorkflow?: string;
  approvalWorkflowDisplayName?: string;
  approver1?: string;
  approver2?: string;
  approver3?: string;
  performer?: string | null;
  riskLevel?: string;
  searchTags?: string;
  workflowRequestFormId?: string | null;
  roleOwnerLogin?: string;
  createdOn?: string;
  /** Entitlements the role grants (ids of DemoEntitlement). */
  entitlementIds: string[];
  /** Users explicitly assigned the role (logins), besides those its rule matches. */
  memberLogins?: string[];
}

export interface DemoEntitlementAssignment {
  entitlementId: string;
  status: string;
  provisionMechanism?: string;
  provisionedDate?: string;
}

export interface DemoUserAccount {
  id: string;
  userLogin: string;
  targetSystemId: string;
  /** Account name on the target (seed: login / accountName). */
  login: string;
  status: string;
  provisionMechanism?: string;
  provisionedDate?: string;
  form?: Record<string, unknown>;
  logoURL?: string;
  entitlements: DemoEntitlementAssignment[];
}

/** A group named as approver1..3 or performer (e.g. `Approval Group 1`, `Manual Fulfiller`). */
export interface DemoApprovalGroup {
  id?: string;
  name: string;
  description?: string;
  /** Login that ESCALATE hands the group's tasks to. */
  escalationAssignee?: string;
  memberLogins: string[];
}

export interface DemoDataSet {
  users: DemoUser[];
  targetSystems: DemoTargetSystem[];
  entitlements: DemoEntitlement[];
  roles: DemoRole[];
  accounts: DemoUserAccount[];
  approvalGroups?: DemoApprovalGroup[];
  serviceRequests?: DemoServiceRequest[];
}

/** A requestable service that grants no access (seed: catalog collection `ServiceRequest`). */
export interface DemoServiceRequest {
  id: string;
  name: string;
  displayName: string;
  description?: string;
  /** The approval group (or login) that fulfils it. */
  performer: string;
  form?: DemoFormAttribute[];
  approvalWorkflow: string;
  approvalWorkflowDisplayName?: string;
  approver1?: string;
  riskLevel?: string;
  searchTags?: string;
  isRequestable?: boolean;
  createdOn?: string;
}
