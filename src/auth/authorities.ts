import { registerEnumType } from 'type-graphql';

/** What an API key may do. ORG_ADMIN may do everything (as in SailPoint's authority of that name). */
export enum Authority {
  ORG_ADMIN = 'ORG_ADMIN',
  CATALOG_ADMIN = 'CATALOG_ADMIN',
  REQUESTER = 'REQUESTER',
  APPROVER = 'APPROVER',
  CERTIFIER = 'CERTIFIER',
  SCIM_PROVISIONER = 'SCIM_PROVISIONER',
  READ_ONLY = 'READ_ONLY',
  /** A service key with it may act for a named person (audited as acting for them). */
  ACT_AS = 'ACT_AS',
  /** May request access for people other than the requester (besides their manager, who always may). */
  REQUEST_FOR_OTHERS = 'REQUEST_FOR_OTHERS',
}
registerEnumType(Authority, {
  valuesConfig: {
    ACT_AS: { description: 'A service key may act for a named person (audited as acting for them).' },
    APPROVER: { description: "Reads; acts on the tasks of the credential's person and decides review items." },
    CATALOG_ADMIN: {
      description:
        'Reads; onboards and operates roles and applications, manages certifications, runs reconciliation and connectors, launches enrollment automations; reads the audit log and jobs.',
    },
    CERTIFIER: { description: "Reads; decides the review items of the credential's person." },
    ORG_ADMIN: { description: 'May do everything in the workspace, including identity profiles and joiners, movers and leavers.' },
    READ_ONLY: { description: 'Reads everything (catalog, requests, certifications, audit log, reconciliation, SCIM users, jobs) and changes nothing.' },
    REQUESTER: { description: "Reads; requests access through the cart and acts on tasks assigned to the credential's person." },
    REQUEST_FOR_OTHERS: { description: "May request access for people other than oneself (a beneficiary's manager may without it)." },
    SCIM_PROVISIONER: { description: 'Reads; creates, changes and deletes users of the SCIM directory.' },
  },
  name: 'Authority',
  description: 'A permission a credential (API key or sign-in token) carries.',
});

/** Typed action names: every permission check in the services names one of these. */
export type Action =
  | 'catalog:read'
  | 'catalog:operate'
  | 'audit:read'
  | 'requests:read'
  | 'requests:submit'
  | 'tasks:act'
  | 'certifications:read'
  | 'certifications:manage'
  | 'certifications:decide'
  | 'reconciliation:run'
  | 'identityProfiles:read'
  | 'reconciliation:read'
  | 'connectors:configure'
  | 'identityProfiles:write'
  | 'scim:read'
  | 'scim:write'
  | 'enrollment:read'
  | 'enrollment:write'
  | 'people:actAs'
  | 'requests:forOthers'
  | 'people:manage'
  | 'jobs:read';

const READERS = [Authority.READ_ONLY, Authority.CATALOG_ADMIN, Authority.REQUESTER, Authority.APPROVER, Authority.CERTIFIER, Authority.SCIM_PROVISIONER];

/** Which authorities allow each action, besides ORG_ADMIN which allows all. */
export const POLICY: Record<Action, readonly Authority[]> = {
  'catalog:read': READERS,
  'catalog:operate': [Authority.CATALOG_ADMIN],
  'audit:read': [Authority.CATALOG_ADMIN, Authority.READ_ONLY],
  'requests:read': READERS,
  'requests:submit': [Authority.REQUESTER],
  'tasks:act': [Authority.APPROVER, Authority.REQUESTER],
  'certifications:read': READERS,
  'certifications:manage': [Authority.CATALOG_ADMIN],
  'certifications:decide': [Authority.CERTIFIER, Authority.APPROVER],
  'reconciliation:run': [Authority.CATALOG_ADMIN],
  'reconciliation:read': [Authority.CATALOG_ADMIN, Authority.READ_ONLY],
  'connectors:configure': [Authority.CATALOG_ADMIN],
  'identityProfiles:read': READERS,
  // Seed 003: creating an identity profile needs ORG_ADMIN, and nothing else allows it.
  'identityProfiles:write': [],
  'scim:read': [Authority.SCIM_PROVISIONER, Authority.READ_ONLY, Authority.CATALOG_ADMIN],
  'scim:write': [Authority.SCIM_PROVISIONER],
  'enrollment:read': READERS,
  'enrollment:write': [Authority.CATALOG_ADMIN],
  // A service key acting for a named person (personal credentials always act as their person).
  'people:actAs': [Authority.ACT_AS],
  // Requesting for someone else than oneself; a beneficiary's manager may without it.
  'requests:forOthers': [Authority.REQUEST_FOR_OTHERS],
  // Joiner, mover, leaver: creating, changing and terminating people (and naming who is authoritative for them).
  'people:manage': [],
  // Jobs name the tasks, campaigns and runs they act on: the authorities that oversee those.
  'jobs:read': [Authority.CATALOG_ADMIN, Authority.READ_ONLY],
};
