/**
 * The SCIM schemas this server implements (RFC 7643 §4, §8.7), as data: served by /Schemas and
 * used to canonicalise attribute names (SCIM names are case-insensitive) and to know which
 * attributes are booleans, complex or multi-valued when reading input.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export type AttrType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex';

export interface AttrDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttrDef[];
}

type Opts = Partial<Omit<AttrDef, 'name' | 'type' | 'description'>>;

const attr = (name: string, type: AttrType, description: string, o: Opts = {}): AttrDef => ({
  name,
  type,
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...o,
});
const str = (name: string, description: string, o: Opts = {}) => attr(name, 'string', description, o);
const complex = (name: string, description: string, subAttributes: AttrDef[], o: Opts = {}) => attr(name, 'complex', description, { ...o, subAttributes });
/** The value/display/type/primary shape RFC 7643 §2.4 gives most multi-valued attributes. */
const multi = (name: string, description: string, types: string[], valueType: AttrType = 'string', extra: AttrDef[] = []) =>
  complex(
    name,
    description,
    [
      attr('value', valueType, `${description.replace(/\.$/, '')}: the value.`),
      str('display', 'A human-readable name, primarily used for display purposes.'),
      str('type', "A label indicating the attribute's function.", types.length ? { canonicalValues: types } : {}),
      attr('primary', 'boolean', "A Boolean value indicating the 'primary' or preferred attribute value for this attribute."),
      ...extra,
    ],
    { multiValued: true },
  );

/** The attribute with it and its sub-attributes read-only. */
const readOnly = (def: AttrDef): AttrDef => ({ ...def, mutability: 'readOnly', subAttributes: def.subAttributes?.map(readOnly) });

/** The userType values of the seed's CreateUserRequest (`"userType": "USER"`). */
export const USER_TYPES = ['USER', 'SERVICE', 'DEBUG'] as const;

export const USER_ATTRIBUTES: AttrDef[] = [
  str('userName', 'Unique identifier for the User, typically used by the user to directly authenticate to the service provider. REQUIRED.', {
    required: true,
    uniqueness: 'server',
  }),
  complex('name', "The components of the user's real name.", [
    str('formatted', 'The full name, including all middle names, titles, and suffixes as appropriate, formatted for display.'),
    str('familyName', 'The family name of the User.'),
    str('givenName', 'The given name of the User.'),
    str('middleName', 'The middle name(s) of the User.'),
    str('honorificPrefix', 'The honorific prefix(es) of the User (e.g. Ms.).'),
    str('honorificSuffix', 'The honorific suffix(es) of the User (e.g. III).'),
  ]),
  str('displayName', 'The name of the User, suitable for display to end-users. Defaults to the formatted name, or given and family name.'),
  str('nickName', 'The casual way to address the user in real life.'),
  attr('profileUrl', 'reference', "A fully qualified URL pointing to a page representing the User's online profile.", { referenceTypes: ['external'] }),
  str('title', 'The user\'s title, such as "Vice President".'),
  str('userType', 'Used to identify the relationship between the organization and the user.', { canonicalValues: [...USER_TYPES] }),
  str('preferredLanguage', "Indicates the User's preferred written or spoken language."),
  str('locale', "Used to indicate the User's default location for purposes of localizing items."),
  str('timezone', "The User's time zone in the 'Olson' time zone database format."),
  attr('active', 'boolean', "A Boolean value indicating the User's administrative status."),
  str('password', "The User's cleartext password. Accepted and never stored or returned.", { mutability: 'writeOnly', returned: 'never' }),
  multi('emails', 'Email addresses for the user.', ['work', 'home', 'other']),
  multi('phoneNumbers', 'Phone numbers for the User.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  multi('ims', 'Instant messaging addresses for the User.', []),
  multi('photos', 'URLs of photos of the User.', ['photo', 'thumbnail'], 'reference'),
  complex(
    'addresses',
    'A physical mailing address for this User.',
    [
      str('formatted', 'The full mailing address, formatted for display.'),
      str('streetAddress', 'The full street address component.'),
      str('locality', 'The city or locality component.'),
      str('region', 'The state or region component.'),
      str('postalCode', 'The zip code or postal code component.'),
      str('country', 'The country name component.'),
      str('type', "A label indicating the attribute's function.", { canonicalValues: ['work', 'home', 'other'] }),
      attr('primary', 'boolean', "A Boolean value indicating the 'primary' or preferred address."),
    ],
    { multiValued: true },
  ),
  readOnly(
    multi(
      'groups',
      'A list of groups (roles of the workspace) to which the user belongs. Read-only (RFC 7643 §4.1.2): membership changes through /Groups.',
      ['direct', 'indirect'],
      'string',
      [attr('$ref', 'reference', 'The URI of the Group.', { referenceTypes: ['Group'] })],
    ),
  ),
  multi('entitlements', 'A list of entitlements for the User.', []),
  multi('roles', 'A list of roles for the User; each names a role of the workspace.', []),
  multi('x509Certificates', 'A list of certificates issued to the User.', [], 'string'),
];

export const ENTERPRISE_ATTRIBUTES: AttrDef[] = [
  str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
  str('costCenter', 'Identifies the name of a cost center.'),
  str('organization', 'Identifies the name of an organization.'),
  str('division', 'Identifies the name of a division.'),
  str('department', 'Identifies the name of a department.'),
  complex('manager', "The User's manager.", [
    str('value', "The id of the SCIM resource representing the User's manager."),
    attr('$ref', 'reference', "The URI of the SCIM resource representing the User's manager.", { referenceTypes: ['User'] }),
    str('displayName', "The displayName of the User's manager.", { mutability: 'readOnly' }),
  ]),
];

export const GROUP_ATTRIBUTES: AttrDef[] = [
  str('displayName', "A human-readable name for the Group (the role's display name). REQUIRED.", { required: true, uniqueness: 'server' }),
  complex(
    'members',
    'A list of members of the Group.',
    [
      str('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
      attr('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', { mutability: 'immutable', referenceTypes: ['User'] }),
      str('type', "A label indicating the type of resource, e.g. 'User'.", { mutability: 'immutable', canonicalValues: ['User'] }),
      str('display', 'A human-readable name for the member.'),
    ],
    { multiValued: true },
  ),
];

export const SCHEMAS = [
  { id: USER_SCHEMA, name: 'User', description: 'User Account', attributes: USER_ATTRIBUTES },
  { id: GROUP_SCHEMA, name: 'Group', description: 'Group (a role of the workspace)', attributes: GROUP_ATTRIBUTES },
  { id: ENTERPRISE_SCHEMA, name: 'EnterpriseUser', description: 'Enterprise User', attributes: ENTERPRISE_ATTRIBUTES },
];

/** RFC 7643 §3.1: common to every resource, so not listed by the schemas themselves. */
const COMMON_ATTRIBUTES: AttrDef[] = [str('externalId', 'A String that is an identifier for the resource as defined by the provisioning client.', { caseExact: true })];

const index = (defs: AttrDef[]) => new Map(defs.map((d) => [d.name.toLowerCase(), d]));
const BY_SCHEMA = new Map(SCHEMAS.map((s) => [s.id.toLowerCase(), index(s.id === ENTERPRISE_SCHEMA ? s.attributes : [...COMMON_ATTRIBUTES, ...s.attributes])]));
const SUBS = new Map<AttrDef, Map<string, AttrDef>>();

/** The definition of `name` in `schema` (case-insensitive), or undefined. */
export function attributeDef(schema: string, name: string): AttrDef | undefined {
  return BY_SCHEMA.get(schema.toLowerCase())?.get(name.toLowerCase());
}

export function subAttributeDef(parent: AttrDef, name: string): AttrDef | undefined {
  if (!parent.subAttributes) return undefined;
  let subs = SUBS.get(parent);
  if (!subs) SUBS.set(parent, (subs = index(parent.subAttributes)));
  return subs.get(name.toLowerCase());
}

/** A schema URN as this server spells it, or undefined when it knows no such schema. */
export function canonicalSchema(urn: string): string | undefined {
  return SCHEMAS.find((s) => s.id.toLowerCase() === urn.toLowerCase())?.id;
}
