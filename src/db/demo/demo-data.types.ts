import { z } from 'zod';

/**
 * Shape of the demo data set, as zod schemas: the data files in ./records are checked against them
 * when loaded, and the types below come from them. Values come from the seed documents (IDHub
 * samples, seed 002; Seam's uuids, seeds 000/001) and keep the seed's own 24-hex ids so the
 * documented examples replay against the demo workspace. People, roles and systems are
 * referenced by login / id, never by array position. Unknown keys are refused, so a misspelt
 * field fails the load instead of being dropped.
 */
const id = z.string().regex(/^[0-9a-f]{24}$/, 'a 24-hex id');
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a uuid');
const text = z.string();
const jsonObject = z.record(z.string(), z.unknown());

export const DemoUserSchema = z.strictObject({
  id,
  login: text,
  firstName: text,
  lastName: text,
  displayName: text,
  email: text.optional(),
  phoneNumber: text.optional(),
  jobTitle: text.optional(),
  department: text.optional(),
  organizationName: text.optional(),
  location: text.optional(),
  userType: text.optional(),
  status: text,
  employeeNumber: text.optional(),
  employeeType: text.optional(),
  isAdministrator: z.boolean().optional(),
  managerLogin: text.optional(),
  homeAddressLine1: text.optional(),
  homeAddressLine2: text.optional(),
  homeAddressCity: text.optional(),
  homeAddressState: text.optional(),
  homeAddressZipcode: text.optional(),
  homeAddressCountry: text.optional(),
  officeAddressLine1: text.optional(),
  officeAddressLine2: text.optional(),
  officeAddressCity: text.optional(),
  officeAddressState: text.optional(),
  officeAddressZipcode: text.optional(),
  officeAddressCountry: text.optional(),
  officeAddressPostal: text.optional(),
  /** Seam user identity id (seeds 000/001). */
  userIdentityId: uuid.optional(),
  createdOn: text.optional(),
  createDate: text.optional(),
  provisionedDate: text.optional(),
  logoURL: text.optional(),
});

/** One attribute of a target system's account form (seed: TargetSystem.form); extra keys are kept. */
export const DemoFormAttributeSchema = z.looseObject({
  name: text,
  dataType: text.optional(),
  isRequired: z.boolean().optional(),
  matchingAttribute: text.optional(),
  syncDirection: text.optional(),
  isReconKey: z.boolean().optional(),
  isAccountName: z.boolean().optional(),
  isMultiValue: z.boolean().optional(),
  description: text.optional(),
});

export const DemoTargetSystemSchema = z.strictObject({
  id,
  name: text,
  displayName: text,
  description: text.optional(),
  integrationLevel: z.enum(['Connected', 'Disconnected']),
  trustedReconciliation: z.boolean().optional(),
  form: z.array(DemoFormAttributeSchema).optional(),
  schedule: jsonObject.optional(),
  logoURL: text.optional(),
  applicationURL: text.optional(),
  authenticationType: text.optional(),
  businessOwner: text.optional(),
  ITOwner: text.optional(),
  performer: text.nullable().optional(),
  approver1: text.optional(),
  approver2: text.optional(),
  approver3: text.optional(),
  approvalWorkflow: text.optional(),
  approvalWorkflowDisplayName: text.optional(),
  riskLevel: text.optional(),
  searchTags: text.optional(),
  isRequestable: z.boolean().optional(),
  isCertifiable: z.boolean().nullable().optional(),
  /** Serves as a credential manager for Seam enrollment automations (default false). */
  isCredentialManager: z.boolean().optional(),
  /** Seam ACS system id (seeds 000/001). */
  acsSystemId: uuid.optional(),
  requestFormId: text.nullable().optional(),
  requestFormName: text.nullable().optional(),
  isDefaultAttr: z.boolean().nullable().optional(),
  disabled: z.boolean().optional(),
  retired: z.boolean().optional(),
  workflowRequestFormId: text.nullable().optional(),
  staleCheckEnabled: z.boolean().optional(),
  staleDays: z.number().int().optional(),
  createdOn: text.optional(),
  updatedOn: text.optional(),
});

export const DemoEntitlementSchema = z.strictObject({
  id,
  targetSystemId: id,
  name: text,
  displayName: text,
  description: text.optional(),
  performer: text.nullable().optional(),
  riskLevel: text.optional(),
  ITOwner: text.optional(),
  businessOwner: text.optional(),
  searchTags: text.optional(),
  approvalWorkflow: text.optional(),
  approvalWorkflowDisplayName: text.optional(),
  isRequestable: z.boolean().optional(),
  isCertifiable: z.boolean().nullable().optional(),
  externalId: text.optional(),
  form: jsonObject.optional(),
  formValues: jsonObject.optional(),
  disabled: z.boolean().optional(),
  retired: z.boolean().optional(),
  createdOn: text.optional(),
});

export const DemoRoleSchema = z.strictObject({
  id,
  name: text,
  displayName: text,
  description: text.optional(),
  /** Birthright rule in the seed's syntax, e.g. {"$and":[{"status":"Active"}]}; null when none. */
  rule: text.nullable().optional(),
  ruleForm: text.nullable().optional(),
  isCertifiable: z.boolean().nullable().optional(),
  isRequestable: z.boolean().optional(),
  disabled: z.boolean().optional(),
  retired: z.boolean().optional(),
  approvalWorkflow: text.optional(),
  approvalWorkflowDisplayName: text.optional(),
  approver1: text.optional(),
  approver2: text.optional(),
  approver3: text.optional(),
  performer: text.nullable().optional(),
  riskLevel: text.optional(),
  searchTags: text.optional(),
  workflowRequestFormId: text.nullable().optional(),
  roleOwnerLogin: text.optional(),
  createdOn: text.optional(),
  /** Entitlements the role grants (their applications follow). */
  entitlementIds: z.array(id),
  /** People the role is assigned to directly (rule members are computed). */
  memberLogins: z.array(text).optional(),
});

export const DemoEntitlementAssignmentSchema = z.strictObject({
  entitlementId: id,
  status: text,
  provisionMechanism: text.optional(),
  provisionedDate: text.optional(),
});

export const DemoUserAccountSchema = z.strictObject({
  id,
  userLogin: text,
  targetSystemId: id,
  login: text,
  status: text,
  provisionMechanism: text.optional(),
  provisionedDate: text.optional(),
  form: jsonObject.optional(),
  logoURL: text.optional(),
  entitlements: z.array(DemoEntitlementAssignmentSchema),
});

export const DemoApprovalGroupSchema = z.strictObject({
  id: id.optional(),
  name: text,
  description: text.optional(),
  escalationAssignee: text.optional(),
  memberLogins: z.array(text),
});

/** A requestable service that grants no access (seed: catalog collection `ServiceRequest`). */
export const DemoServiceRequestSchema = z.strictObject({
  id,
  name: text,
  displayName: text,
  description: text.optional(),
  /** The approval group (or login) that fulfils it. */
  performer: text,
  form: z.array(DemoFormAttributeSchema).optional(),
  approvalWorkflow: text,
  approvalWorkflowDisplayName: text.optional(),
  approver1: text.optional(),
  riskLevel: text.optional(),
  searchTags: text.optional(),
  isRequestable: z.boolean().optional(),
  createdOn: text.optional(),
});

/**
 * One event of a past reconciliation run (seed: Fetch past Recon Events). The person and their
 * account are named by login and account id, as the seed's event names them.
 */
export const DemoReconciliationEventSchema = z.strictObject({
  id,
  rowNumber: z.number().int().positive(),
  resourceType: z.enum(['User', 'Entitlement']),
  eventType: text,
  status: text,
  resourceId: text.optional(),
  resourceName: text.optional(),
  resourceDisplayName: text.optional(),
  userLogin: text.optional(),
  userAccountId: id.optional(),
  entitlementId: id.optional(),
  /** Whether the event changed the gateway; a run that found no change applied nothing. */
  applied: z.boolean(),
  numberOfEntitlements: z.number().int().nonnegative().optional(),
  createDate: text,
  lastModified: text.optional(),
  resourceFromTargetSystem: jsonObject.optional(),
  resourceInIdhubBeforeModification: jsonObject.optional(),
  userAccountBeforeModification: jsonObject.optional(),
});

/** A past reconciliation run of an application with its events (seed: Reconciliation By ID). */
export const DemoReconciliationBatchSchema = z.strictObject({
  id,
  targetSystemId: id,
  operation: z.enum(['reconcile', 'provision']),
  entityType: z.enum(['Account', 'Entitlement']),
  resourceType: z.enum(['account', 'entitlement']),
  status: z.enum(['Completed', 'Failed']),
  dryRun: z.boolean(),
  condition: text.optional(),
  startDate: text,
  endDate: text,
  events: z.array(DemoReconciliationEventSchema),
});

export const DemoDataSetSchema = z.strictObject({
  users: z.array(DemoUserSchema),
  targetSystems: z.array(DemoTargetSystemSchema),
  entitlements: z.array(DemoEntitlementSchema),
  roles: z.array(DemoRoleSchema),
  accounts: z.array(DemoUserAccountSchema),
  approvalGroups: z.array(DemoApprovalGroupSchema).optional(),
  serviceRequests: z.array(DemoServiceRequestSchema).optional(),
  /** Written into the demo workspace only (by the demo seed), not into data sets loaded elsewhere. */
  reconciliationBatches: z.array(DemoReconciliationBatchSchema).optional(),
});

export type DemoUser = z.infer<typeof DemoUserSchema>;
export type DemoFormAttribute = z.infer<typeof DemoFormAttributeSchema>;
export type DemoTargetSystem = z.infer<typeof DemoTargetSystemSchema>;
export type DemoEntitlement = z.infer<typeof DemoEntitlementSchema>;
export type DemoRole = z.infer<typeof DemoRoleSchema>;
export type DemoEntitlementAssignment = z.infer<typeof DemoEntitlementAssignmentSchema>;
export type DemoUserAccount = z.infer<typeof DemoUserAccountSchema>;
export type DemoApprovalGroup = z.infer<typeof DemoApprovalGroupSchema>;
export type DemoServiceRequest = z.infer<typeof DemoServiceRequestSchema>;
export type DemoReconciliationBatch = z.infer<typeof DemoReconciliationBatchSchema>;
export type DemoDataSet = z.infer<typeof DemoDataSetSchema>;
