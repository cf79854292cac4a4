/**
 * Who and what a certification run reviews, and who certifies each item, as pure functions over
 * rows the campaign service reads. Nothing here touches the database, so the rules are unit-tested.
 */
import { AccessKind, AlternateCertifier, CertificationType, CertifierType, ResourceCollection } from './certification.enums.js';
import type { SelectedResource } from './certification.entity.js';

/** One access a user holds, as the run reads it. */
export interface AccessRow {
  userId: string;
  userLogin: string;
  managerLogin: string | null;
  kind: AccessKind;
  collection: ResourceCollection;
  resourceId: string;
  resourceName: string;
  /** The application of an entitlement or account. */
  targetSystemId: string | null;
  riskLevel: string | null;
  /** Role owner, or business owner of the entitlement (else of its application) or application. */
  ownerLogin: string | null;
}

/** Resource attributes a resourceQuery may name (same rule language as user queries). */
export const RESOURCE_RULE_ATTRIBUTES = ['name', 'displayName', 'riskLevel', 'searchTags'] as const;

export const HIGH_RISK = 'high';

export interface ScopeOptions {
  type: CertificationType;
  onlySelected: boolean;
  highRiskUsers: boolean;
  highRiskResources: boolean;
  /** The selected resources (by selection or query); null when none were selected. */
  selected: readonly SelectedResource[] | null;
}

/** Whether a selection names the item's resource, or the application an entitlement or account is on. */
function isSelected(row: AccessRow, selected: readonly SelectedResource[]): boolean {
  return selected.some((s) => (s.collection === row.collection && s.id === row.resourceId) || (s.collection === ResourceCollection.TARGET_SYSTEM && s.id === row.targetSystemId));
}

/**
 * Narrows the access of the users in scope to what the run reviews: a Resource Assignment
 * review, and a User Access review with onlySelected, keep the selected resources only;
 * highRiskResources keeps high-risk resources only; highRiskUsers keeps only the users who
 * hold at least one high-risk resource (all their access in scope is then reviewed).
 */
export function narrowScope(rows: readonly AccessRow[], options: ScopeOptions): AccessRow[] {
  let kept = [...rows];
  if (options.type === CertificationType.RESOURCE_ASSIGNMENT || options.onlySelected) {
    const selected = options.selected ?? [];
    kept = kept.filter((r) => isSelected(r, selected));
  }
  if (options.highRiskUsers) {
    const risky = new Set(rows.filter((r) => r.riskLevel === HIGH_RISK).map((r) => r.userId));
    kept = kept.filter((r) => risky.has(r.userId));
  }
  if (options.highRiskResources) kept = kept.filter((r) => r.riskLevel === HIGH_RISK);
  return kept;
}

export interface CertifierRules {
  certifierType: CertifierType;
  certifier?: string | null;
  alternateCertifier: AlternateCertifier;
  alternateCertifierUser?: string | null;
  selfCertification: boolean;
}

export interface CertifierFacts {
  /** Active members of the certifier role and of the alternate certifier role, in login order. */
  certifierRoleMembers: readonly string[];
  alternateRoleMembers: readonly string[];
  /** Logins of active users: a certifier must be one. */
  activeLogins: ReadonlySet<string>;
}

/**
 * Who certifies one item: the certifier user, the first member of the certifier role, the
 * user's manager, or the resource owner; when that yields nobody who may decide (no such
 * person, not active, or the user themself without selfCertification), the alternate
 * certifier. Null when neither resolves.
 */
export function resolveCertifier(row: AccessRow, rules: CertifierRules, facts: CertifierFacts): string | null {
  const may = (login: string | null | undefined): login is string => !!login && facts.activeLogins.has(login) && (rules.selfCertification || login !== row.userLogin);
  const firstOf = (logins: readonly string[]) => logins.find(may) ?? null;

  const primary = {
    [CertifierType.USER]: () => rules.certifier ?? null,
    [CertifierType.ROLE]: () => firstOf(facts.certifierRoleMembers),
    [CertifierType.BENEFICIARY_MANAGER]: () => row.managerLogin,
    [CertifierType.RESOURCE_OWNER]: () => row.ownerLogin,
  }[rules.certifierType]();
  if (may(primary)) return primary;

  const alternate = {
    [AlternateCertifier.USER_MANAGER]: () => row.managerLogin,
    [AlternateCertifier.ROLE]: () => firstOf(facts.alternateRoleMembers),
    [AlternateCertifier.USER]: () => rules.alternateCertifierUser ?? null,
  }[rules.alternateCertifier]();
  return may(alternate) ? alternate : null;
}

export interface Impact {
  userCount: number;
  resourceCount: number;
  certifierCount: number;
  taskCount: number;
  itemCount: number;
  userIds: string[];
  resources: SelectedResource[];
}

/** The seed's impactObject counts for the items of a run, one task per certifier. */
export function impactOf(items: ReadonlyArray<{ row: AccessRow; certifier: string }>): Impact {
  const users = [...new Set(items.map((i) => i.row.userId))];
  const resources = new Map<string, SelectedResource>();
  for (const { row } of items) resources.set(`${row.collection}:${row.resourceId}`, { id: row.resourceId, collection: row.collection });
  const certifiers = new Set(items.map((i) => i.certifier));
  return {
    userCount: users.length,
    resourceCount: resources.size,
    certifierCount: certifiers.size,
    taskCount: certifiers.size,
    itemCount: items.length,
    userIds: users,
    resources: [...resources.values()],
  };
}

/** Start plus the certification duration. */
export function dueDateOf(start: Date, duration: number, unit: 'days' | 'months' | 'years'): Date {
  const due = new Date(start.getTime());
  if (unit === 'days') due.setUTCDate(due.getUTCDate() + duration);
  if (unit === 'months') due.setUTCMonth(due.getUTCMonth() + duration);
  if (unit === 'years') due.setUTCFullYear(due.getUTCFullYear() + duration);
  return due;
}
