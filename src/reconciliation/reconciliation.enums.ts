import { registerEnumType } from 'type-graphql';

/**
 * Values stored on target systems, batches and events and shown as GraphQL enums. The stored
 * value is the seed's spelling where the seed has one (`reconcile`, `Account`, `Initiated`).
 */
export enum ConnectorType {
  DISCONNECTED = 'DISCONNECTED',
  SCIM = 'SCIM',
}
registerEnumType(ConnectorType, {
  valuesConfig: {
    DISCONNECTED: { description: 'No connector: a person fulfils access and nothing is reconciled.' },
    SCIM: { description: 'A SCIM 2.0 service (RFC 7644): provisioned and reconciled over HTTP.' },
  },
  name: 'ConnectorType',
  description:
    'How the gateway reaches an application: `DISCONNECTED` (no connector; fulfilled by a person, no reconciliation) or `SCIM` (a SCIM 2.0 service, RFC 7644; the application is Connected).',
});

export enum ReconciliationOperation {
  RECONCILE = 'reconcile',
  PROVISION = 'provision',
}
registerEnumType(ReconciliationOperation, {
  valuesConfig: {
    PROVISION: { description: "Push the gateway's accounts to the target (seed: `provision`)." },
    RECONCILE: { description: 'Read the target and compare (seed: `reconcile`).' },
  },
  name: 'ReconciliationOperation',
  description:
    'If you want to reconcile your data from the target system, then this should be reconcile and if you want to provision accounts then you need to enter provision here.',
});

export enum ReconciliationEntityType {
  ACCOUNT = 'Account',
  ENTITLEMENT = 'Entitlement',
}
registerEnumType(ReconciliationEntityType, {
  valuesConfig: { ACCOUNT: { description: 'Reconcile accounts (seed: `account`).' }, ENTITLEMENT: { description: 'Reconcile entitlements (seed: `entitlement`).' } },
  name: 'ReconciliationEntityType',
  description: 'Entity type can be either accounts or entitlements depending on whether you are reconciling accounts or entitlements for the recon operation.',
});

export enum ReconciliationBatchStatus {
  INITIATED = 'Initiated',
  RUNNING = 'Running',
  COMPLETED = 'Completed',
  FAILED = 'Failed',
}
registerEnumType(ReconciliationBatchStatus, {
  valuesConfig: {
    COMPLETED: { description: 'The run finished; its events are final.' },
    FAILED: { description: 'The run stopped with an error (e.g. the target was unreachable or the safety threshold was crossed).' },
    INITIATED: { description: 'Created; a job will run it.' },
    RUNNING: { description: 'A job is reading the target.' },
  },
  name: 'ReconciliationBatchStatus',
  description: 'Initiated when created, Running while the target is read page by page, then Completed, or Failed with the error recorded on the batch.',
});

export enum ReconciliationResourceType {
  USER = 'User',
  ENTITLEMENT = 'Entitlement',
}
registerEnumType(ReconciliationResourceType, {
  valuesConfig: { ENTITLEMENT: { description: 'The event is about an entitlement.' }, USER: { description: 'The event is about a user account.' } },
  name: 'ReconciliationResourceType',
  description: 'This is the resourceType for the recon events: `USER` (seed: `User`) for accounts, `ENTITLEMENT` for groups.',
});

export enum ReconciliationEventStatus {
  EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE = 'EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE',
  EXISTING_USER_ACCOUNT_RECONCILED_UPDATED = 'EXISTING_USER_ACCOUNT_RECONCILED_UPDATED',
  EXISTING_USER_ACCOUNT_MISMATCH_FOUND = 'EXISTING_USER_ACCOUNT_MISMATCH_FOUND',
  NEW_USER_ACCOUNT_LINKED = 'NEW_USER_ACCOUNT_LINKED',
  ORPHAN_ACCOUNT_FOUND = 'ORPHAN_ACCOUNT_FOUND',
  USER_ACCOUNT_MISSING_IN_TARGET = 'USER_ACCOUNT_MISSING_IN_TARGET',
  NEW_ENTITLEMENT_CREATED = 'NEW_ENTITLEMENT_CREATED',
  EXISTING_ENTITLEMENT_RECONCILED_NO_CHANGE = 'EXISTING_ENTITLEMENT_RECONCILED_NO_CHANGE',
  ENTITLEMENT_REMOVED = 'ENTITLEMENT_REMOVED',
  ACCOUNT_PROVISIONED = 'ACCOUNT_PROVISIONED',
  PROVISIONING_FAILED = 'PROVISIONING_FAILED',
  SAFETY_THRESHOLD_EXCEEDED = 'SAFETY_THRESHOLD_EXCEEDED',
  ENTITLEMENT_ASSIGNMENT_ADDED = 'ENTITLEMENT_ASSIGNMENT_ADDED',
  ENTITLEMENT_ASSIGNMENT_REVOKED = 'ENTITLEMENT_ASSIGNMENT_REVOKED',
}
registerEnumType(ReconciliationEventStatus, {
  name: 'ReconciliationEventStatus',
  description: 'What reconciliation found for one resource (seed naming, e.g. `EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE`).',
  valuesConfig: {
    EXISTING_USER_ACCOUNT_RECONCILED_NO_CHANGE: { description: 'The target account matches its gateway account.' },
    EXISTING_USER_ACCOUNT_RECONCILED_UPDATED: {
      description: 'The target account differs from its gateway account, and the gateway account was updated (condition `updateOnMismatch`); `diff` shows what changed.',
    },
    EXISTING_USER_ACCOUNT_MISMATCH_FOUND: {
      description: 'The target account differs from its gateway account; reported only (no `updateOnMismatch` condition); `diff` shows the differences.',
    },
    NEW_USER_ACCOUNT_LINKED: { description: 'A target account with no gateway account whose recon key matches a person: the account was added to that person.' },
    ORPHAN_ACCOUNT_FOUND: { description: 'A target account whose recon key matches no person (or several).' },
    USER_ACCOUNT_MISSING_IN_TARGET: { description: 'A gateway account the target does not have; with `updateOnMismatch` it is marked Deprovisioned.' },
    NEW_ENTITLEMENT_CREATED: { description: 'A group of the target with no gateway entitlement: the entitlement was created.' },
    EXISTING_ENTITLEMENT_RECONCILED_NO_CHANGE: { description: 'A group of the target that matches a gateway entitlement.' },
    ENTITLEMENT_REMOVED: { description: 'A gateway entitlement whose group is gone from the target; with `updateOnMismatch` it is retired.' },
    ACCOUNT_PROVISIONED: { description: 'A gateway account the target lacked was created in the target (provision).' },
    PROVISIONING_FAILED: { description: 'Creating the account in the target failed; `message` says why.' },
    SAFETY_THRESHOLD_EXCEEDED: {
      description:
        "The run would have deprovisioned more of the application's active accounts than its safety threshold allows; it stopped before deprovisioning any (`message` gives the figures).",
    },
    ENTITLEMENT_ASSIGNMENT_ADDED: {
      description:
        "The target lists the account in a group that names one of the application's entitlements, and the account holds no active assignment of it: with `updateOnMismatch` the assignment was created (mechanism `Reconciliation`).",
    },
    ENTITLEMENT_ASSIGNMENT_REVOKED: {
      description:
        'The account holds an assignment of a group the target no longer lists it in (an entitlement with the group id as externalId, or an assignment reconciliation made): with `updateOnMismatch` it was revoked.',
    },
  },
});
