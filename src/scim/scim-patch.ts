import { DomainError } from '../errors.js';
import { invalidPath, matchesValue, parsePatchPath, type Filter } from './scim-filter.js';
import { attributeDef, canonicalSchema, subAttributeDef, ENTERPRISE_SCHEMA, type AttrDef } from './scim-schemas.js';
import { isObject, keyOf, type Json } from './scim-resource.js';

/**
 * PATCH (RFC 7644 §3.5.2) as a pure function on a resource's JSON: the service renders the
 * stored resource, applies the operations here, and stores the result through the same reader
 * as PUT, so a patch can produce nothing a PUT could not.
 *
 * Accepted forms: op names in any case ("Replace", "Add"); a `path` of `attr`, `attr.sub`,
 * `attr[filter]`, `attr[filter].sub`, optionally URN-qualified; no `path` with an object whose
 * keys are such paths (`{"name.givenName": "x"}`, `{"urn:…:enterprise:2.0:User:department": "y"}`);
 * `remove` of `members` with a `value` list (Entra's form).
 */

type Op = 'add' | 'replace' | 'remove';

const syntax = (message: string, field = 'Operations') => new DomainError('BAD_USER_INPUT', message, field, { scimType: 'invalidSyntax' });
const noTarget = (message: string) => new DomainError('BAD_USER_INPUT', message, 'path', { scimType: 'noTarget' });
const mutability = (message: string) => new DomainError('BAD_USER_INPUT', message, 'path', { scimType: 'mutability' });

/** Common attributes every resource has (RFC 7643 §3.1) that no client may change. */
const READ_ONLY = new Set(['id', 'meta']);

/** Checks a PatchOp body and returns its operations. */
export function patchOperations(body: unknown): Array<{ op: Op; path?: string; value?: unknown }> {
  if (!isObject(body)) throw syntax('A PATCH body must be a PatchOp object', 'body');
  const opsKey = keyOf(body, 'Operations');
  const ops = opsKey ? body[opsKey] : undefined;
  if (!Array.isArray(ops) || ops.length === 0) throw syntax('A PatchOp needs a non-empty "Operations" list');
  return ops.map((o, i) => {
    if (!isObject(o)) throw syntax(`Operations[${i}] must be an object`);
    const get = (k: string) => {
      const key = keyOf(o, k);
      return key ? o[key] : undefined;
    };
    const op = typeof get('op') === 'string' ? (get('op') as string).toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw syntax(`Operations[${i}].op must be add, replace or remove (got ${JSON.stringify(get('op'))})`);
    const path = get('path');
    if (path !== undefined && path !== null && typeof path !== 'string') throw syntax(`Operations[${i}].path must be a string`);
    return { op, ...(typeof path === 'string' && path.trim() ? { path: path.trim() } : {}), ...(get('value') !== undefined ? { value: get('value') } : {}) };
  });
}

/** Applies the operations to a copy of `resource` (of `schema`) and returns it. */
export function applyPatch(resource: Json, operations: Array<{ op: Op; path?: string; value?: unknown }>, schema: string): Json {
  const doc = structuredClone(resource);
  for (const { op, path, value } of operations) {
    if (path) {
      applyAt(doc, schema, op, path, value, false);
      continue;
    }
    if (op === 'remove') throw noTarget('A remove operation needs a path');
    if (!isObject(value)) throw syntax(`An ${op} without a path needs an object value`);
    for (const [k, v] of Object.entries(value)) {
      if (canonicalSchema(k) === ENTERPRISE_SCHEMA && isObject(v)) {
        for (const [sk, sv] of Object.entries(v)) applyAt(doc, schema, op, `${ENTERPRISE_SCHEMA}:${sk}`, sv, true);
      } else {
        applyAt(doc, schema, op, k, v, true);
      }
    }
  }
  return doc;
}

function applyAt(doc: Json, schema: string, op: Op, pathText: string, value: unknown, lenient: boolean) {
  if (canonicalSchema(pathText) === ENTERPRISE_SCHEMA) {
    // The whole extension: merge (add/replace) or drop (remove).
    if (op === 'remove') delete doc[ENTERPRISE_SCHEMA];
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) applyAt(doc, schema, op, `${ENTERPRISE_SCHEMA}:${k}`, v, lenient);
    else throw syntax(`The value for ${ENTERPRISE_SCHEMA} must be an object`);
    return;
  }
  const target = parsePatchPath(pathText);
  const urn = target.path.schema ? canonicalSchema(target.path.schema) : schema;
  if (!urn || (urn !== schema && urn !== ENTERPRISE_SCHEMA)) throw invalidPath(`Unknown schema in path "${pathText}"`);
  const def = attributeDef(urn, target.path.attr);
  if (!def) {
    // RFC 7644 §3.5.2: changing a readOnly attribute is an error, never silently skipped.
    if (READ_ONLY.has(target.path.attr.toLowerCase()) && urn === schema) throw mutability(`${target.path.attr} is read-only and cannot be changed`);
    if (lenient || target.path.attr.toLowerCase() === 'schemas') return; // ignored, as unknown attributes of a PUT are
    throw invalidPath(`Unknown attribute in path "${pathText}"`);
  }
  if (def.mutability === 'readOnly') throw mutability(`${def.name} is read-only${def.name === 'groups' ? ': group membership changes through /Groups' : ''}`);
  let container = doc;
  if (urn === ENTERPRISE_SCHEMA) {
    if (!isObject(doc[ENTERPRISE_SCHEMA])) {
      if (op === 'remove') return;
      doc[ENTERPRISE_SCHEMA] = {};
    }
    container = doc[ENTERPRISE_SCHEMA] as Json;
  }
  const key = keyOf(container, def.name) ?? def.name;
  if (key !== def.name) {
    container[def.name] = container[key];
    delete container[key];
  }
  const sub = target.sub ?? target.path.sub;
  const subDef = sub ? subAttributeDef(def, sub) : undefined;
  if (sub && !subDef) {
    if (lenient) return;
    throw invalidPath(`Unknown sub-attribute "${sub}" of ${def.name}`);
  }
  if (subDef?.mutability === 'readOnly' || (subDef?.mutability === 'immutable' && op !== 'add')) {
    throw mutability(`${def.name}.${subDef.name} is ${subDef.mutability} and cannot be ${op === 'remove' ? 'removed' : 'replaced'}`);
  }
  if (def.multiValued) multiValued(container, def, op, value, target.filter, subDef);
  else if (subDef) singleSub(container, def, op, value, subDef);
  else single(container, def, op, value);
}

function single(container: Json, def: AttrDef, op: Op, value: unknown) {
  if (op === 'remove') {
    delete container[def.name];
  } else if (def.type === 'complex' && isObject(value) && isObject(container[def.name])) {
    // RFC 7644: sub-attributes not given are left unchanged.
    container[def.name] = { ...(container[def.name] as Json), ...canonicalKeys(value, def) };
  } else {
    container[def.name] = def.type === 'complex' && isObject(value) ? canonicalKeys(value, def) : value;
  }
}

function singleSub(container: Json, def: AttrDef, op: Op, value: unknown, subDef: AttrDef) {
  const current = isObject(container[def.name]) ? (container[def.name] as Json) : {};
  const key = keyOf(current, subDef.name);
  if (key) delete current[key];
  if (op !== 'remove') current[subDef.name] = value;
  container[def.name] = current;
}

function multiValued(container: Json, def: AttrDef, op: Op, value: unknown, filter: Filter | undefined, subDef: AttrDef | undefined) {
  const list = Array.isArray(container[def.name]) ? [...(container[def.name] as unknown[])] : [];
  const given = value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map((v) => (isObject(v) ? canonicalKeys(v, def) : v));
  const selected = (item: unknown) => !filter || matchesValue(filter, item);

  if (op === 'remove') {
    if (!filter && !subDef && given.length) {
      // Entra removes members by listing them: {"op":"remove","path":"members","value":[{"value":"id"}]}
      const drop = new Set(given.map(itemValue));
      container[def.name] = list.filter((item) => !drop.has(itemValue(item)));
    } else if (subDef) {
      container[def.name] = list.map((item) => (isObject(item) && selected(item) ? withoutKey(item, subDef.name) : item));
    } else {
      container[def.name] = list.filter((item) => !selected(item));
    }
    return;
  }

  if (!filter && !subDef) {
    if (op === 'replace') {
      container[def.name] = given;
    } else {
      const known = new Set(list.map(itemValue));
      container[def.name] = [...list, ...given.filter((g) => !known.has(itemValue(g)))];
    }
    return;
  }

  let matched = false;
  const next = list.map((item) => {
    if (!isObject(item) || !selected(item)) return item;
    matched = true;
    if (subDef) return { ...withoutKey(item, subDef.name), [subDef.name]: value };
    return isObject(value) ? { ...item, ...canonicalKeys(value, def) } : item;
  });
  if (!matched) {
    // Identity providers replace `emails[type eq "work"].value` whether or not a work email
    // exists yet: create the value the filter describes.
    const seed = filter ? equalities(filter) : {};
    if (!seed) throw noTarget(`No value of ${def.name} matches the filter`);
    next.push(subDef ? { ...seed, [subDef.name]: value } : { ...seed, ...(isObject(value) ? canonicalKeys(value, def) : {}) });
  }
  container[def.name] = next;
}

const itemValue = (item: unknown) => (isObject(item) ? String(item[keyOf(item, 'value') ?? 'value'] ?? JSON.stringify(item)) : String(item));
const withoutKey = (item: Json, name: string) => Object.fromEntries(Object.entries(item).filter(([k]) => k.toLowerCase() !== name.toLowerCase()));

function canonicalKeys(value: Json, def: AttrDef): Json {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [subAttributeDef(def, k)?.name ?? k, v]));
}

/** `type eq "work" and primary eq true` → { type: 'work', primary: true }; other filters → null. */
function equalities(filter: Filter): Json | null {
  if (filter.op === 'eq' && !filter.path.sub) return { [filter.path.attr]: filter.value };
  if (filter.op === 'and') {
    const l = equalities(filter.left);
    const r = equalities(filter.right);
    return l && r ? { ...l, ...r } : null;
  }
  return null;
}
