import { badInput } from '../errors.js';
import type { User } from '../governance/user.entity.js';
import { SCIM_SCHEMAS, type ScimUser } from './scim-client.js';

/**
 * How PROVISION writes a person into a SCIM target: which gateway field goes to which SCIM
 * attribute, and how its values translate. An application's connector stores only its
 * overrides (`attributeMapping` on configureConnector); each gateway field not named keeps its
 * default below. `userName` (the account's login), `externalId` (the person's id) and
 * `active` (status Active) are always sent and cannot be remapped: the first two are how the
 * account is found again, the last is not a field of the person.
 *
 * The override of one field is either a SCIM attribute (a string), `null` (the field is not
 * sent), or `{ "attribute": …, "values": { gateway value: target value } }`. A value with no
 * entry in `values` is sent unchanged; an entry whose target value is `null` leaves the
 * attribute out for that value.
 */
export interface AttributeRule {
  attribute: string | null;
  values?: Readonly<Record<string, string | null>>;
}

export type AttributeMapping = Readonly<Record<string, AttributeRule>>;

type GatewayField =
  | 'displayName'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'phoneNumber'
  | 'jobTitle'
  | 'userType'
  | 'employeeType'
  | 'employeeNumber'
  | 'department'
  | 'organizationName'
  | 'location';

/** The person's fields a mapping may send. */
export const GATEWAY_FIELDS: readonly GatewayField[] = [
  'displayName',
  'firstName',
  'lastName',
  'email',
  'phoneNumber',
  'jobTitle',
  'userType',
  'employeeType',
  'employeeNumber',
  'department',
  'organizationName',
  'location',
];

const ENTERPRISE = SCIM_SCHEMAS.enterpriseUser;
const enterprise = (name: string) => `${ENTERPRISE}:${name}`;

/**
 * SCIM attributes a field may go to (RFC 7643 §4.1 core User and §4.3 enterprise extension):
 * the single-valued strings, and the primary work email / phone number.
 */
export const SCIM_TARGETS: readonly string[] = [
  'displayName',
  'nickName',
  'name.givenName',
  'name.familyName',
  'name.middleName',
  'name.formatted',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'emails',
  'phoneNumbers',
  ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map(enterprise),
];

/**
 * Defaults. The gateway's people carry the seed's user types (`Employee`, `Contractor`,
 * `Member`); a SCIM service may restrict userType (this gateway's own /scim/v2 takes USER,
 * SERVICE or DEBUG), so the seed's types map to USER. A target with free-form userType sets
 * `{"userType": "userType"}` to send them unchanged.
 */
export const DEFAULT_ATTRIBUTE_MAPPING: AttributeMapping = {
  displayName: { attribute: 'displayName' },
  firstName: { attribute: 'name.givenName' },
  lastName: { attribute: 'name.familyName' },
  email: { attribute: 'emails' },
  phoneNumber: { attribute: 'phoneNumbers' },
  jobTitle: { attribute: 'title' },
  userType: { attribute: 'userType', values: { Employee: 'USER', Contractor: 'USER', Member: 'USER', Intern: 'USER', Service: 'SERVICE' } },
  employeeType: { attribute: null },
  employeeNumber: { attribute: enterprise('employeeNumber') },
  department: { attribute: enterprise('department') },
  organizationName: { attribute: enterprise('organization') },
  location: { attribute: null },
};

const MAX_TEXT = 255;
const MAX_VALUES = 200;

/**
 * Reads the `attributeMapping` of configureConnector: the overrides, checked field by field.
 * Errors are BAD_USER_INPUT naming the offending path (e.g. `input.attributeMapping.userType.values.Employee`).
 */
export function parseAttributeMapping(input: unknown, at = 'input.attributeMapping'): AttributeMapping {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw badInput(at, 'attributeMapping must be an object: gateway field → SCIM attribute');
  const out: Record<string, AttributeRule> = {};
  const targets = new Map<string, string>();
  for (const [field, raw] of Object.entries(input as Record<string, unknown>)) {
    const here = `${at}.${field}`;
    if (!(GATEWAY_FIELDS as readonly string[]).includes(field)) {
      throw badInput(here, `${JSON.stringify(field)} is not a field the gateway sends (fields: ${GATEWAY_FIELDS.join(', ')})`);
    }
    const rule = readRule(raw, here);
    if (rule.attribute) {
      const other = targets.get(rule.attribute);
      if (other) throw badInput(here, `${field} and ${other} both map to ${rule.attribute}: each SCIM attribute takes one field`);
      targets.set(rule.attribute, field);
    }
    out[field] = rule;
  }
  return out;
}

function readRule(raw: unknown, at: string): AttributeRule {
  if (raw === null) return { attribute: null };
  if (typeof raw === 'string') return { attribute: scimTarget(raw, at) };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badInput(at, 'Map a field to a SCIM attribute (a string), to null (not sent), or to {"attribute": …, "values": {…}}');
  const { attribute, values, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw badInput(`${at}.${unknown}`, `Unknown key ${JSON.stringify(unknown)} (a field's mapping takes attribute and values)`);
  if (attribute !== null && typeof attribute !== 'string') throw badInput(`${at}.attribute`, 'attribute must be a SCIM attribute name or null');
  const rule: { attribute: string | null; values?: Record<string, string | null> } = { attribute: attribute === null ? null : scimTarget(attribute, `${at}.attribute`) };
  if (values !== undefined && values !== null) {
    if (typeof values !== 'object' || Array.isArray(values)) throw badInput(`${at}.values`, 'values must be an object: gateway value → target value');
    const entries = Object.entries(values as Record<string, unknown>);
    if (entries.length > MAX_VALUES) throw badInput(`${at}.values`, `values may have at most ${MAX_VALUES} entries`);
    for (const [from, to] of entries) {
      if (from.length > MAX_TEXT) throw badInput(`${at}.values`, `A gateway value may be at most ${MAX_TEXT} characters`);
      if (to !== null && (typeof to !== 'string' || to.length > MAX_TEXT)) {
        throw badInput(`${at}.values.${from}`, `The target value must be a string of at most ${MAX_TEXT} characters, or null (not sent)`);
      }
    }
    // fromEntries defines own properties, so a gateway value such as "__proto__" stays a plain key.
    rule.values = Object.fromEntries(entries) as Record<string, string | null>;
  }
  return rule;
}

function scimTarget(name: string, at: string): string {
  const known = SCIM_TARGETS.find((t) => t.toLowerCase() === name.trim().toLowerCase());
  if (!known) throw badInput(at, `${JSON.stringify(name)} is not a SCIM User attribute the gateway can write (one of: ${SCIM_TARGETS.join(', ')})`);
  return known;
}

/** The mapping a run uses: the defaults, each replaced by the connector's override of its field. */
export function effectiveMapping(overrides: unknown): AttributeMapping {
  if (!overrides || typeof overrides !== 'object') return DEFAULT_ATTRIBUTE_MAPPING;
  const own = overrides as AttributeMapping;
  const taken = new Set(Object.values(own).map((r) => r.attribute));
  const merged: Record<string, AttributeRule> = {};
  for (const field of GATEWAY_FIELDS) {
    const rule = own[field] ?? DEFAULT_ATTRIBUTE_MAPPING[field];
    // A default whose attribute an override took is not sent: one field per attribute.
    merged[field] = own[field] || !taken.has(rule.attribute) ? rule : { attribute: null };
  }
  return merged;
}

/** The SCIM user PROVISION creates for one account of `person`, through `mapping`. */
export function scimUserFor(login: string, person: User, mapping: AttributeMapping = DEFAULT_ATTRIBUTE_MAPPING): Partial<ScimUser> & { userName: string } {
  const body: Record<string, unknown> = { userName: login, externalId: person.id, active: person.status === 'Active' };
  const ext: Record<string, string> = {};
  for (const field of GATEWAY_FIELDS) {
    const rule = mapping[field];
    const raw = (person as unknown as Record<string, unknown>)[field];
    if (!rule?.attribute || raw === null || raw === undefined || raw === '') continue;
    const given = String(raw);
    const value = rule.values && Object.hasOwn(rule.values, given) ? rule.values[given] : given;
    if (value === null) continue;
    const target = rule.attribute;
    if (target.startsWith(`${ENTERPRISE}:`)) ext[target.slice(ENTERPRISE.length + 1)] = value;
    else if (target === 'emails' || target === 'phoneNumbers') body[target] = [{ value, type: 'work', primary: true }];
    else if (target.startsWith('name.')) body.name = { ...((body.name as object) ?? {}), [target.slice(5)]: value };
    else body[target] = value;
  }
  if (Object.keys(ext).length) body[ENTERPRISE] = ext;
  body.schemas = [SCIM_SCHEMAS.user, ...(Object.keys(ext).length ? [ENTERPRISE] : [])];
  return body as Partial<ScimUser> & { userName: string };
}
