import { createHash } from 'node:crypto';
import { DomainError } from '../errors.js';
import { attributeDef, canonicalSchema, subAttributeDef, ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, USER_TYPES, type AttrDef } from './scim-schemas.js';
import type { ScimEmailValue, ScimUser } from './scim-user.entity.js';

/**
 * SCIM resources as JSON: reading client input into the values the service stores, and
 * rendering stored rows back. GraphQL input goes through the same reader, so both surfaces
 * accept and reject the same things.
 */

export type Json = Record<string, unknown>;

export interface ScimLinkValue {
  value: string;
  display?: string | null;
}

/** What the service stores for a user: the reader's output, whatever surface it came from. */
export interface ScimUserData {
  userName: string;
  externalId: string | null;
  active: boolean;
  displayName: string | null;
  nickName: string | null;
  name: Partial<Record<NamePart, string | null>>;
  emails: ScimEmailValue[];
  userType: string;
  roles: ScimLinkValue[];
  schemas: string[];
  attributes: Json;
}

export const NAME_PARTS = ['familyName', 'formatted', 'givenName', 'honorificPrefix', 'honorificSuffix', 'middleName'] as const;
export type NamePart = (typeof NAME_PARTS)[number];

export const invalidValue = (field: string, message: string) => new DomainError('BAD_USER_INPUT', message, field, { scimType: 'invalidValue' });

export const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
/** The key of `obj` that is `name` case-insensitively (SCIM attribute names are). */
export const keyOf = (obj: Json, name: string) => Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());

/** Attributes stored in the `attributes` bag, returned as given. */
const BAG = ['profileUrl', 'title', 'preferredLanguage', 'locale', 'timezone', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'x509Certificates'];

/**
 * Reads a User (POST and PUT bodies, a patched resource, GraphQL input). Attribute names are
 * matched case-insensitively; read-only attributes (id, meta, groups: RFC 7643 §4.1.2 and
 * §3.5.1 — membership changes through /Groups) and unknown ones are ignored;
 * booleans may come as the strings "True"/"False", as identity providers send them.
 * Throws BAD_USER_INPUT (scimType invalidValue) naming the attribute, prefixed by `at`.
 */
export function readUser(body: unknown, at = ''): ScimUserData {
  const f = (name: string) => (at ? `${at}.${name}` : name);
  if (!isObject(body)) throw invalidValue(at || 'body', 'A User must be a JSON object');
  const data: ScimUserData = {
    userName: '',
    externalId: null,
    active: true,
    displayName: null,
    nickName: null,
    name: {},
    emails: [],
    userType: 'USER',
    roles: [],
    schemas: [USER_SCHEMA],
    attributes: {},
  };
  let userNameGiven = false;
  for (const [rawKey, value] of Object.entries(body)) {
    if (canonicalSchema(rawKey) === ENTERPRISE_SCHEMA) {
      if (value == null) continue;
      if (!isObject(value)) throw invalidValue(f(ENTERPRISE_SCHEMA), 'The enterprise extension must be an object');
      const ext = readComplex(value, ENTERPRISE_SCHEMA, f(ENTERPRISE_SCHEMA));
      if (Object.keys(ext).length) data.attributes[ENTERPRISE_SCHEMA] = ext;
      continue;
    }
    const def = attributeDef(USER_SCHEMA, rawKey);
    if (!def) {
      if (rawKey.toLowerCase() === 'schemas') {
        if (value != null && (!Array.isArray(value) || value.some((s) => typeof s !== 'string'))) throw invalidValue(f('schemas'), 'schemas must be a list of strings');
      }
      continue; // id, meta, and attributes this server does not know
    }
    if (def.mutability === 'readOnly') continue;
    const name = def.name;
    switch (name) {
      case 'userName':
        if (typeof value !== 'string' || value.trim() === '') throw invalidValue(f('userName'), 'userName is required and must be a non-empty string');
        data.userName = value.trim();
        userNameGiven = true;
        break;
      case 'active':
        data.active = value == null ? true : readBoolean(value, f('active'));
        break;
      case 'externalId':
      case 'displayName':
      case 'nickName':
        data[name] = readString(value, f(name));
        break;
      case 'name': {
        if (value == null) break;
        if (!isObject(value)) throw invalidValue(f('name'), 'name must be an object');
        for (const [k, v] of Object.entries(value)) {
          const sub = subAttributeDef(def, k);
          if (sub) data.name[sub.name as NamePart] = readString(v, f(`name.${sub.name}`));
        }
        break;
      }
      case 'userType': {
        if (value == null) break;
        const text = readString(value, f('userType'))!;
        const type = USER_TYPES.find((t) => t === text.toUpperCase());
        if (!type) throw invalidValue(f('userType'), `userType must be one of ${USER_TYPES.join(', ')} (got ${JSON.stringify(text)})`);
        data.userType = type;
        break;
      }
      case 'emails':
        data.emails = readMulti(value, def, f('emails')).map((e, i) => {
          if (typeof e.value !== 'string' || e.value === '') throw invalidValue(f(`emails.${i}.value`), 'Each email needs a value');
          return {
            value: e.value,
            ...(e.type != null ? { type: e.type as string } : {}),
            ...(e.primary != null ? { primary: e.primary as boolean } : {}),
            ...(e.display != null ? { display: e.display as string } : {}),
          };
        });
        break;
      case 'roles':
        data.roles = readLinks(value, def, f('roles'));
        break;
      case 'password':
        break; // accepted, never stored: this directory authenticates no one
      default:
        if (BAG.includes(name)) {
          const v = def.multiValued
            ? readMulti(value, def, f(name))
            : def.type === 'complex'
              ? value == null
                ? null
                : readComplex(value as Json, USER_SCHEMA, f(name), def)
              : readString(value, f(name));
          if (v != null && !(Array.isArray(v) && v.length === 0)) data.attributes[name] = v;
        }
    }
  }
  if (!userNameGiven) throw invalidValue(f('userName'), 'userName is required');
  if (data.attributes[ENTERPRISE_SCHEMA]) data.schemas.push(ENTERPRISE_SCHEMA);
  checkLengths(
    [
      ['userName', data.userName],
      ['externalId', data.externalId],
      ['displayName', data.displayName],
      ['nickName', data.nickName],
      ...Object.entries(data.name).map(([k, v]) => [`name.${k}`, v] as [string, string | null]),
      ...data.emails.flatMap(
        (e, i) =>
          [
            [`emails.${i}.value`, e.value],
            [`emails.${i}.type`, e.type ?? null],
          ] as Array<[string, string | null]>,
      ),
      ...data.roles.flatMap(
        (l, i) =>
          [
            [`roles.${i}.value`, l.value],
            [`roles.${i}.display`, l.display ?? null],
          ] as Array<[string, string | null]>,
      ),
    ],
    f,
  );
  return data;
}

/** Values stored in (and indexed by) columns of 255 characters. */
export const MAX_LENGTH = 255;

function checkLengths(values: Array<[string, string | null | undefined]>, f: (name: string) => string = (n) => n) {
  for (const [name, value] of values) {
    if (value && value.length > MAX_LENGTH) throw invalidValue(f(name), `${name} may be at most ${MAX_LENGTH} characters long`);
  }
}

/** The display name a user gets when none is given: the formatted name, given + family, or the userName. */
export function defaultDisplayName(data: Pick<ScimUserData, 'displayName' | 'name' | 'userName'>): string {
  if (data.displayName?.trim()) return data.displayName;
  const { formatted, givenName, familyName } = data.name;
  if (formatted?.trim()) return formatted;
  const joined = [givenName, familyName].filter((p) => p?.trim()).join(' ');
  return joined || data.userName;
}

function readString(value: unknown, field: string): string | null {
  if (value == null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw invalidValue(field, `${field.split('.').pop()} must be a string`);
}

export function readBoolean(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw invalidValue(field, `${field.split('.').pop()} must be true or false (got ${JSON.stringify(value)})`);
}

function readComplex(value: Json, schema: string, field: string, parent?: AttrDef): Json {
  if (!isObject(value)) throw invalidValue(field, `${field} must be an object`);
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    const def = parent ? subAttributeDef(parent, k) : attributeDef(schema, k);
    if (!def || v == null) continue;
    // A bare id for a complex attribute with a value (Entra sends the manager so) is its value.
    if (def.type === 'complex' && typeof v === 'string' && subAttributeDef(def, 'value')) out[def.name] = { value: v };
    else if (def.type === 'complex') out[def.name] = readComplex(v as Json, schema, `${field}.${def.name}`, def);
    else if (def.type === 'boolean') out[def.name] = readBoolean(v, `${field}.${def.name}`);
    else out[def.name] = readString(v, `${field}.${def.name}`);
  }
  return out;
}

function readMulti(value: unknown, def: AttrDef, field: string): Json[] {
  if (value == null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => (isObject(item) ? readComplex(item, USER_SCHEMA, `${field}.${i}`, def) : { value: readString(item, `${field}.${i}`) }));
}

/** Roles and groups: plain strings (the seed's `roles: ["example"]`) or {value|id, display}. */
function readLinks(value: unknown, def: AttrDef, field: string): ScimLinkValue[] {
  if (value == null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    if (typeof item === 'string') return { value: item };
    if (!isObject(item)) throw invalidValue(`${field}.${i}`, `Each of ${def.name} must be a string or an object with a value`);
    const entries = new Map(Object.entries(item).map(([k, v]) => [k.toLowerCase(), v]));
    const v = entries.get('value') ?? entries.get('id');
    const display = entries.get('display') ?? entries.get('displayname');
    if (typeof v !== 'string' || v === '') {
      if (typeof display === 'string' && display) return { value: display, display };
      throw invalidValue(`${field}.${i}.value`, `Each of ${def.name} needs a value`);
    }
    return { value: v, ...(typeof display === 'string' ? { display } : {}) };
  });
}

export interface RenderedLink {
  kind: 'ROLE' | 'GROUP';
  value: string;
  display?: string | null;
  roleId?: string | null;
  /** The linked Role's display name: a group's display is its name, never the member's. */
  roleDisplayName?: string | null;
}

const omitEmpty = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)));

export const scimLocation = (baseUrl: string, type: 'Users' | 'Groups', id: string) => `${baseUrl}/scim/v2/${type}/${id}`;

export const userEtag = (user: Pick<ScimUser, 'version'>) => `W/"${user.version}"`;

/** A user as a SCIM resource; unassigned attributes are omitted (RFC 7643 §2.5). */
export function userResource(user: ScimUser, links: RenderedLink[], baseUrl: string): Json {
  const name = omitEmpty(Object.fromEntries(NAME_PARTS.map((p) => [p, user[p]])));
  const { [ENTERPRISE_SCHEMA]: enterprise, ...bag } = user.attributes;
  return omitEmpty({
    schemas: user.schemas,
    id: user.id,
    externalId: user.externalId,
    userName: user.userName,
    name: Object.keys(name).length ? name : null,
    displayName: user.displayName,
    nickName: user.nickName,
    active: user.active,
    emails: user.emails,
    userType: user.userType,
    ...bag,
    roles: links.filter((l) => l.kind === 'ROLE').map((l) => omitEmpty({ value: l.value, display: l.display })),
    groups: links
      .filter((l) => l.kind === 'GROUP')
      .map((l) => omitEmpty({ value: l.roleId ?? l.value, display: l.roleDisplayName ?? l.display, $ref: l.roleId ? scimLocation(baseUrl, 'Groups', l.roleId) : null })),
    [ENTERPRISE_SCHEMA]: enterprise,
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.lastModified.toISOString(),
      location: scimLocation(baseUrl, 'Users', user.id),
      version: userEtag(user),
    },
  });
}

export interface GroupData {
  displayName: string;
  members: ScimLinkValue[];
}

/** Reads a Group (POST and PUT bodies, a patched resource). Unknown attributes are ignored. */
export function readGroup(body: unknown): GroupData {
  if (!isObject(body)) throw invalidValue('body', 'A Group must be a JSON object');
  let displayName: string | undefined;
  let members: ScimLinkValue[] = [];
  for (const [k, v] of Object.entries(body)) {
    const def = attributeDef(GROUP_SCHEMA, k);
    if (def?.name === 'displayName') {
      if (typeof v !== 'string' || !v.trim()) throw invalidValue('displayName', 'displayName is required and must be a non-empty string');
      displayName = v.trim();
    } else if (def?.name === 'members') {
      members = readLinks(v, def, 'members');
    }
  }
  if (!displayName) throw invalidValue('displayName', 'displayName is required');
  checkLengths([['displayName', displayName], ...members.map((m, i) => [`members.${i}.display`, m.display ?? null] as [string, string | null])]);
  return { displayName, members };
}

export interface GroupMember {
  scimUserId: string;
  display?: string | null;
}

export function groupResource(role: { id: string; displayName: string; createdOn: Date }, members: GroupMember[], lastModified: Date, baseUrl: string): Json {
  const body = omitEmpty({
    schemas: [GROUP_SCHEMA],
    id: role.id,
    displayName: role.displayName,
    members: members.map((m) => omitEmpty({ value: m.scimUserId, display: m.display, type: 'User', $ref: scimLocation(baseUrl, 'Users', m.scimUserId) })),
  });
  return {
    ...body,
    meta: {
      resourceType: 'Group',
      created: role.createdOn.toISOString(),
      lastModified: lastModified.toISOString(),
      location: scimLocation(baseUrl, 'Groups', role.id),
      version: groupEtag(role, members),
    },
  };
}

/** Roles keep no version column: a group's ETag is a hash of what it shows. */
export function groupEtag(role: { displayName: string }, members: GroupMember[]): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([role.displayName, members.map((m) => [m.scimUserId, m.display ?? null]).sort()]))
    .digest('base64url');
  return `W/"${digest.slice(0, 16)}"`;
}

/** If-Match / If-None-Match: `*`, or any of a comma-separated list of (weak or strong) tags. */
export function etagMatches(header: string, etag: string): boolean {
  const opaque = (t: string) =>
    t
      .trim()
      .replace(/^W\//i, '')
      .replace(/^"(.*)"$/, '$1');
  return header.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(etag));
}

/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5): names are case-insensitive and may be
 * qualified by schema URN or a sub-attribute; `id` and `schemas` are always returned. A value
 * filter on a name (`emails[type eq "work"]`, which Microsoft's collection sends) is ignored:
 * the whole attribute is returned.
 */
export function project(resource: Json, schema: string, attributes?: string | null, excluded?: string | null): Json {
  const parse = (list: string) =>
    list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const plain = s.replace(/\[.*\]/, '');
        const extension = plain.toLowerCase().startsWith(ENTERPRISE_SCHEMA.toLowerCase());
        const urn = extension ? ENTERPRISE_SCHEMA : plain.toLowerCase().startsWith(`${schema.toLowerCase()}:`) ? schema : null;
        const rest = urn ? plain.slice(urn.length + 1) : plain;
        const [attr, sub] = rest.split('.');
        return { urn: extension ? ENTERPRISE_SCHEMA : null, attr: attr?.toLowerCase() ?? '', sub: sub?.toLowerCase() };
      });
  const ALWAYS = new Set(['id', 'schemas']);

  if (attributes) {
    const wanted = parse(attributes);
    const out: Json = {};
    for (const k of Object.keys(resource)) if (ALWAYS.has(k)) out[k] = resource[k];
    for (const w of wanted) {
      const source = w.urn ? (resource[w.urn] as Json | undefined) : resource;
      if (!source) continue;
      if (w.urn && !w.attr) {
        out[w.urn] = source;
        continue;
      }
      const k = keyOf(source, w.attr);
      if (!k) continue;
      const target = w.urn ? ((out[w.urn] as Json) ??= {}) : out;
      if (!w.sub || !isObject(source[k])) target[k] = source[k];
      else {
        const sk = keyOf(source[k] as Json, w.sub);
        if (sk) {
          const inner = ((target[k] as Json) ??= {});
          inner[sk] = (source[k] as Json)[sk];
        }
      }
    }
    return out;
  }
  if (excluded) {
    const out: Json = structuredClone(resource);
    for (const w of parse(excluded)) {
      const target = w.urn ? (out[w.urn] as Json | undefined) : out;
      if (!target) continue;
      if (w.urn && !w.attr) {
        delete out[w.urn];
        continue;
      }
      const k = keyOf(target, w.attr);
      if (!k || (!w.urn && ALWAYS.has(k))) continue;
      if (!w.sub) delete target[k];
      else if (isObject(target[k])) {
        const sk = keyOf(target[k] as Json, w.sub);
        if (sk) delete (target[k] as Json)[sk];
      }
    }
    return out;
  }
  return resource;
}
