import type { EntityManager } from '@mikro-orm/core';
import { conflict } from '../errors.js';
import { User } from '../governance/user.entity.js';
import { SCIM_SCHEMAS, type ScimAddress, type ScimMultiValue, type ScimUser } from './scim-client.js';

/**
 * How accounts of a SCIM target map onto the gateway, read from the target system's account
 * form (seed: `form`, one entry per attribute; `idhubFieldName` or `matchingAttribute` names
 * the User attribute, `isReconKey` marks the attributes a person is matched on).
 *
 * SCIM attributes map to User attributes as in RFC 7643 (core §4.1, enterprise extension
 * §4.3): userName → login, primary (else first) email → email, name.givenName → firstName,
 * name.familyName → lastName, displayName, primary phone → phoneNumber, title → jobTitle,
 * userType, enterprise employeeNumber / department / organization, and the work (else primary,
 * else first) address → officeAddress*.
 *
 * With no recon key configured, a target account matches the person whose login equals its
 * userName, else the person whose email equals it (userName is often an email). Values are
 * compared exactly.
 */
export interface FormAttribute {
  /** Key in the account's form values, e.g. `Email`. */
  name: string;
  /** The User attribute it holds, e.g. `email`. */
  attribute: string;
  isReconKey: boolean;
}

type Project = (user: ScimUser) => string | null;

const text = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));
const preferred = <T extends { primary?: boolean; type?: string }>(values: T[] | undefined, type?: string): T | undefined =>
  Array.isArray(values) ? (values.find((v) => type && v.type === type) ?? values.find((v) => v.primary) ?? values[0]) : undefined;
const enterprise = (u: ScimUser) => (u[SCIM_SCHEMAS.enterpriseUser] ?? {}) as Record<string, unknown>;
const office = (u: ScimUser, part: keyof ScimAddress): string | null => text(preferred(u.addresses, 'work')?.[part]);
const multi = (values: ScimMultiValue[] | undefined) => text(preferred(values)?.value);

export const FROM_SCIM: Readonly<Record<string, Project>> = {
  login: (u) => text(u.userName),
  email: (u) => multi(u.emails),
  firstName: (u) => text(u.name?.givenName),
  lastName: (u) => text(u.name?.familyName),
  displayName: (u) => text(u.displayName),
  phoneNumber: (u) => multi(u.phoneNumbers),
  jobTitle: (u) => text(u.title),
  userType: (u) => text(u.userType),
  employeeNumber: (u) => text(enterprise(u).employeeNumber),
  department: (u) => text(enterprise(u).department),
  organizationName: (u) => text(enterprise(u).organization),
  officeAddressLine1: (u) => office(u, 'streetAddress'),
  officeAddressCity: (u) => office(u, 'locality'),
  officeAddressState: (u) => office(u, 'region'),
  officeAddressZipcode: (u) => office(u, 'postalCode'),
  officeAddressCountry: (u) => office(u, 'country'),
};

/** The account form used when a target system has none: the demo applications' attribute names. */
export const DEFAULT_ACCOUNT_FORM: readonly FormAttribute[] = [
  { name: 'User Login', attribute: 'login', isReconKey: false },
  { name: 'Email', attribute: 'email', isReconKey: false },
  { name: 'First Name', attribute: 'firstName', isReconKey: false },
  { name: 'Last Name', attribute: 'lastName', isReconKey: false },
];

/** One way of finding the person: every listed User attribute equals the target's value. */
type Matcher = Array<{ attribute: string; value: Project }>;

const DEFAULT_MATCHERS: Matcher[] = [[{ attribute: 'login', value: (u) => text(u.userName) }], [{ attribute: 'email', value: (u) => text(u.userName) }]];

export type Diff = Record<string, { before: unknown; after: unknown }>;

export class AccountMapping {
  private constructor(
    readonly form: readonly FormAttribute[],
    private readonly matchers: Matcher[],
  ) {}

  /**
   * Reads a target system's form. Recon keys must name a User attribute that SCIM users carry;
   * otherwise no person could ever match, so the run is refused before it starts.
   */
  static fromForm(form: unknown, systemName: string, userAttributes: ReadonlySet<string>): AccountMapping {
    const entries = (Array.isArray(form) ? form : form && typeof form === 'object' ? [form] : []) as Array<Record<string, unknown>>;
    const attributes: FormAttribute[] = [];
    for (const entry of entries) {
      const name = typeof entry.name === 'string' ? entry.name : undefined;
      const attribute = [entry.idhubFieldName, entry.matchingAttribute].find((a): a is string => typeof a === 'string' && a.length > 0);
      const isReconKey = entry.isReconKey === true;
      if (isReconKey && (!attribute || !FROM_SCIM[attribute] || !userAttributes.has(attribute))) {
        throw conflict(
          `The recon key ${JSON.stringify(name ?? '?')} of ${systemName} names ${attribute ? `"${attribute}"` : 'no attribute'}, which cannot be matched between SCIM users and people (supported: ${Object.keys(FROM_SCIM).join(', ')})`,
          'id',
        );
      }
      if (name && attribute && FROM_SCIM[attribute]) attributes.push({ name, attribute, isReconKey });
    }
    const keys = attributes.filter((a) => a.isReconKey);
    const matchers = keys.length ? [keys.map((k) => ({ attribute: k.attribute, value: FROM_SCIM[k.attribute] }))] : DEFAULT_MATCHERS;
    return new AccountMapping(attributes.length ? attributes : DEFAULT_ACCOUNT_FORM, matchers);
  }

  /** The account's form values as the target has them. */
  formValues(user: ScimUser): Record<string, string | null> {
    const values: Record<string, string | null> = {};
    for (const a of this.form) values[a.name] = FROM_SCIM[a.attribute](user);
    return values;
  }

  /** Form values that differ between the gateway's account and the target; null when none. */
  diff(gatewayForm: unknown, targetValues: Record<string, string | null>): Diff | null {
    const before = (gatewayForm && typeof gatewayForm === 'object' ? gatewayForm : {}) as Record<string, unknown>;
    const diff: Diff = {};
    for (const [name, after] of Object.entries(targetValues)) {
      if (text(before[name]) !== after) diff[name] = { before: before[name] ?? null, after };
    }
    return Object.keys(diff).length ? diff : null;
  }

  /**
   * The people each target account's recon key matches, for a whole page in one statement per
   * matcher: a matcher is tried only for the accounts the previous one left without a match.
   */
  async findPeople(em: EntityManager, workspaceId: string, accounts: ScimUser[]): Promise<Map<ScimUser, User[]>> {
    const found = new Map<ScimUser, User[]>();
    let pending = accounts;
    for (const matcher of this.matchers) {
      const first = matcher[0];
      const keyed = pending.map((u) => ({ u, values: matcher.map((m) => m.value(u)) })).filter((k) => k.values.every((v) => v !== null));
      if (keyed.length === 0) continue;
      const candidates = await em.find(User, { workspace: workspaceId, [first.attribute]: { $in: [...new Set(keyed.map((k) => k.values[0]!))] } } as never);
      const index = new Map<string, User[]>();
      for (const person of candidates) {
        const key = JSON.stringify(matcher.map((m) => text((person as unknown as Record<string, unknown>)[m.attribute])));
        (index.get(key) ?? index.set(key, []).get(key)!).push(person);
      }
      for (const { u, values } of keyed) {
        const people = index.get(JSON.stringify(values));
        if (people) found.set(u, people);
      }
      pending = pending.filter((u) => !found.has(u));
    }
    return found;
  }
}
