import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
  isAbstractType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { encodeCursor } from '../../src/common/pagination.js';

/**
 * Hostile inputs for the fuzzing suite (fuzz.test.ts): values for every argument of the schema,
 * generated from its types, and hand-written generators per class of input that once ended in
 * an internal error (NUL bytes, LIKE patterns, cursors, rules, SCIM filters, multipart maps, …).
 */

/** What the generators draw real identifiers from, so inputs also reach code past the lookups. */
export interface Pools {
  ids: string[];
  logins: string[];
  /** A loopback origin: the only kind of URL a generated connector may point at. */
  loopback: string;
}

/** Strings with SQL and LIKE metacharacters, unicode traps and prototype names. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '%',
  '_',
  '\\',
  '%_\\',
  '\\%',
  "'",
  "' or '1'='1",
  "'; drop table app_user; --",
  '"',
  '`',
  '?',
  '??',
  '$1',
  ':name',
  '\u0000',
  'a\u0000b',
  '\u0000%',
  'İ',
  'ǅ',
  '\u202eevil',
  '\ud83d\ude00',
  '\ud800',
  '\uffff',
  'null',
  'undefined',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '[object Object]',
  '$' + '{x}',
  '{{x}}',
  '<script>',
  '../../etc/passwd',
  '0',
  '-1',
  '1e400',
  'true',
];

const longStrings = fc.oneof(
  fc.constantFrom(999, 1000, 1001, 5000, 50_000, 60_000).chain((n) => fc.constantFrom('a', '%', '_', '\\', 'é', '😀', 'a%').map((c) => c.repeat(Math.ceil(n / c.length)))),
  fc.string({ minLength: 1000, maxLength: 3000 }),
);

/** Any hostile string: arbitrary unicode (lone surrogates too), metacharacters, NULs, huge ones. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 8 }), fc.constantFrom(...NASTY_STRINGS)).map((p) => p.join('')) },
  { weight: 1, arbitrary: longStrings },
);

/** A string with a NUL byte somewhere. */
export const nulString = fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}\u0000${b}`);

/** Search keywords: LIKE's metacharacters, escapes, lengths around the limit and far past it. */
export const likeKeyword: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom('%', '_', '\\', 'a', 'A', 'İ', "'", '[', ']', '^', '*', '?', ' '), { maxLength: 12 }).map((a) => a.join('')),
  longStrings,
  hostileString,
);

/** Any JSON value, deep ones included, with prototype names as keys. */
export function jsonValue(maxDepth = 4): fc.Arbitrary<unknown> {
  const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', '$gt', '$where', 'value'));
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.letrec((tie) => ({
        v: fc.oneof(
          { depthSize: 'small', maxDepth },
          fc.constant(null),
          fc.boolean(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer(),
          hostileString,
          fc.array(tie('v'), { maxLength: 4 }),
          fc.dictionary(key, tie('v'), { maxKeys: 4 }),
        ),
      })).v,
    },
    { weight: 1, arbitrary: deepJson },
  );
}

/** Very deep or very wide JSON. */
export const deepJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 100, max: 1500 }).map((n) => {
    let v: unknown = 'x';
    for (let i = 0; i < n; i++) v = { a: v };
    return v;
  }),
  fc.integer({ min: 100, max: 1500 }).map((n) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  }),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
);

const RULE_ATTRIBUTES = [
  'login',
  'email',
  'status',
  'department',
  'jobTitle',
  'userType',
  'location',
  'employeeNumber',
  'managerLogin',
  'name',
  'displayName',
  'riskLevel',
  'searchTags',
];
const hugeNumber = fc.constantFrom('1e400', '-1e400', '1e308', '123456789012345678901234567890', '-0', '0.0000000000000000000001', '9007199254740993');

/**
 * Role rules (and certification queries): valid ones, deep, wide, huge numbers, unknown
 * attributes and operators, broken JSON.
 */
export const ruleText: fc.Arbitrary<string> = fc.oneof(
  // A well-formed rule over real attributes and operators, with hostile values.
  fc
    .letrec((tie) => ({
      rule: fc.oneof(
        { depthSize: 'small', maxDepth: 4 },
        fc
          .record({
            attr: fc.constantFrom(...RULE_ATTRIBUTES),
            value: fc.oneof(hostileString, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
          })
          .map(({ attr, value }) => ({ [attr]: value })),
        fc
          .record({
            attr: fc.constantFrom(...RULE_ATTRIBUTES),
            op: fc.constantFrom('$eq', '$ne', '$like', '$gt', '$gte', '$lt', '$lte', '$regex', '$where', '$exists'),
            value: fc.oneof(hostileString, fc.integer(), fc.constant(null)),
          })
          .map(({ attr, op, value }) => ({ [attr]: { [op]: value } })),
        fc
          .record({ attr: fc.constantFrom(...RULE_ATTRIBUTES), op: fc.constantFrom('$in', '$nin'), values: fc.array(fc.oneof(hostileString, fc.integer()), { maxLength: 5 }) })
          .map(({ attr, op, values }) => ({ [attr]: { [op]: values } })),
        fc.record({ op: fc.constantFrom('$and', '$or'), items: fc.array(tie('rule'), { maxLength: 4 }) }).map(({ op, items }) => ({ [op]: items })),
        tie('rule').map((r) => ({ $not: r })),
      ),
    }))
    .rule.map((r) => JSON.stringify(r)),
  // Deep: $not or $and nested hundreds to thousands of levels.
  fc.tuple(fc.integer({ min: 15, max: 3000 }), fc.constantFrom('$not', '$and', '$or')).map(([n, op]) => {
    let text = '{"status":"Active"}';
    for (let i = 0; i < n; i++) text = op === '$not' ? `{"$not":${text}}` : `{"${op}":[${text}]}`;
    return text;
  }),
  // Wide: thousands of alternatives or list values.
  fc.integer({ min: 150, max: 6000 }).map((n) => JSON.stringify({ $or: Array.from({ length: n }, (_, i) => ({ login: `u${i}` })) })),
  fc.integer({ min: 900, max: 60_000 }).map((n) => JSON.stringify({ login: { $in: Array.from({ length: n }, (_, i) => `u${i}`) } })),
  // Huge numbers, written as JSON text.
  fc
    .tuple(fc.constantFrom(...RULE_ATTRIBUTES), hugeNumber, fc.constantFrom('', '$gt', '$in'))
    .map(([attr, n, op]) => (op === '' ? `{"${attr}":${n}}` : op === '$in' ? `{"${attr}":{"$in":[${n}]}}` : `{"${attr}":{"${op}":${n}}}`)),
  // Long LIKE patterns.
  fc.integer({ min: 900, max: 60_000 }).map((n) => JSON.stringify({ login: { $like: `%${'a_'.repeat(n / 2)}%` } })),
  // Not JSON, not an object, prototype keys.
  fc.constantFrom('', ' ', '{', 'null', '[]', '"x"', '1', '{"__proto__":{"status":"x"}}', '{"constructor":{"$eq":1}}', '{"status":{"__proto__":1}}', '{"$and":[]}', '{"$or":{}}'),
  hostileString,
);

/** SCIM filters: valid grammar over real and unknown attributes, values of every kind, garbage. */
export const scimFilter: fc.Arbitrary<string> = fc.oneof(
  fc
    .letrec((tie) => ({
      f: fc.oneof(
        { depthSize: 'small', maxDepth: 3 },
        fc
          .record({
            attr: fc.constantFrom(
              'userName',
              'displayName',
              'emails',
              'emails.value',
              'emails.type',
              'name.familyName',
              'active',
              'meta.created',
              'meta.lastModified',
              'id',
              'externalId',
              'roles',
              'groups',
              'members',
              'members.value',
              'constructor',
              '__proto__',
              'toString',
              'urn:ietf:params:scim:schemas:core:2.0:User:userName',
              'x',
            ),
            op: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'EQ', 'xx'),
            value: fc.oneof(
              hostileString.map((s) => JSON.stringify(s)),
              fc.constantFrom('true', 'false', 'null', '1', '-1', '1e400', '2015-10-10T14:38:21Z', '9999-99-99T99:99:99Z', 'Employee', '"\\u0000"'),
              likeKeyword.map((s) => JSON.stringify(s)),
            ),
          })
          .map(({ attr, op, value }) => (op === 'pr' ? `${attr} pr` : `${attr} ${op} ${value}`)),
        fc.record({ l: tie('f'), op: fc.constantFrom('and', 'or'), r: tie('f') }).map(({ l, op, r }) => `(${l}) ${op} ${r}`),
        tie('f').map((f) => `not (${f})`),
        fc.record({ attr: fc.constantFrom('emails', 'members', 'roles', 'groups', 'constructor', 'name'), f: tie('f') }).map(({ attr, f }) => `${attr}[${f}]`),
      ),
    }))
    .f.map((f) => String(f)),
  fc.integer({ min: 100, max: 3000 }).map((n) => `${'('.repeat(n)}userName eq "x"${')'.repeat(n)}`),
  fc.integer({ min: 100, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `userName eq "u${i}"`).join(' or ')),
  fc.integer({ min: 100, max: 2000 }).map((n) => `${'not ('.repeat(n)}userName pr${')'.repeat(n)}`),
  hostileString,
);

/** Cursors: forged lists of every shape, cursors of other lists, garbage and NULs. */
export function cursor(pools: Pools): fc.Arbitrary<string> {
  const value = fc.oneof(
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(...pools.ids),
    jsonValue(2),
    fc.constantFrom('2024-01-01T00:00:00.000Z', 'yesterday', '9999-99-99T00:00:00Z'),
  );
  return fc.oneof(
    fc.array(value, { maxLength: 4 }).map((values) => encodeCursor(values)),
    jsonValue(2).map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
    fc
      .tuple(fc.constantFrom('User', 'Role', 'TargetSystem', 'Entitlement', 'constructor', '__proto__'), fc.constantFrom(...pools.ids), hostileString)
      .map(([c, id, name]) => encodeCursor([name, c, id])),
    hostileString,
    fc.constantFrom('', '=', 'W10', 'WzFd', 'bnVsbA', '!!!', 'WyJhIiwiXHUwMDAwIl0'),
  );
}

/** Text for an argument, chosen by its name: ids and logins from the pools, rules, cursors, URLs. */
export function stringFor(name: string, pools: Pools, isId: boolean): fc.Arbitrary<string> {
  const lower = name.toLowerCase();
  if (lower === 'after') return cursor(pools);
  if (/rule$|query$/i.test(name) && !/search/i.test(name)) return ruleText;
  if (/url/.test(lower))
    return fc.oneof(
      fc.constantFrom(`${pools.loopback}/scim/v2`, 'http://127.0.0.1:1/scim/v2', 'http://localhost:1', 'ftp://127.0.0.1', 'not a url', 'javascript:alert(1)', ''),
      hostileString.filter((s) => !/:\/\//.test(s)),
    );
  if (lower === 'filter') return fc.oneof(scimFilter, hostileString);
  if (/keyword|displayname|^name$|search/.test(lower)) return fc.oneof(likeKeyword, hostileString);
  const known =
    isId || /id$|ids$/.test(lower)
      ? fc.constantFrom(...pools.ids)
      : /login|user|requester|assignee|certifier|approver|owner/.test(lower)
        ? fc.constantFrom(...pools.logins)
        : undefined;
  return known
    ? fc.oneof({ weight: 3, arbitrary: known }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: nulString })
    : fc.oneof({ weight: 6, arbitrary: hostileString }, { weight: 1, arbitrary: nulString });
}

const intValue = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 120 }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.constantFrom(2_147_483_647, -2_147_483_648, 2_147_483_646, 1_000_000_000, 1_000_000_001, -1, 0, 101) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(2 ** 31, 1e20, 1.5, '12', true, [], {}, Number.MAX_SAFE_INTEGER) },
);

/** A value for a GraphQL input type; wrong types now and then (variable coercion must catch them). */
export function valueFor(type: GraphQLInputType, name: string, pools: Pools, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ weight: 30, arbitrary: valueFor(type.ofType, name, pools, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  const inner = innerValue(type, name, pools, depth);
  return fc.oneof({ weight: 8, arbitrary: inner }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: wrongType });
}

const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 5 }), fc.constant([]), fc.constant({}), fc.constant({ __proto__: null }), jsonValue(2));

function innerValue(type: GraphQLInputType, name: string, pools: Pools, depth: number): fc.Arbitrary<unknown> {
  if (isListType(type)) {
    const item = valueFor(type.ofType, name, pools, depth + 1);
    return fc.oneof({ weight: 4, arbitrary: fc.array(item, { maxLength: depth > 2 ? 1 : 4 }) }, { weight: 1, arbitrary: item });
  }
  if (isInputObjectType(type)) {
    if (depth > 4) return fc.constant({});
    const fields = Object.values(type.getFields());
    const shape = Object.fromEntries(fields.map((f) => [f.name, valueFor(f.type, f.name, pools, depth + 1)]));
    const required = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
    return fc.oneof(
      { weight: 8, arbitrary: fc.record(shape, { requiredKeys: required }) },
      { weight: 1, arbitrary: fc.record(shape, { requiredKeys: [] }) },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.record(shape, { requiredKeys: required }), fc.constantFrom('__proto__', 'constructor', 'unknownField')).map(([o, k]) => ({ ...o, [k]: 1 })),
      },
    );
  }
  if (isEnumType(type)) return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) }, { weight: 1, arbitrary: hostileString });
  switch (getNamedType(type).name) {
    case 'String':
      return stringFor(name, pools, false);
    case 'ID':
      return stringFor(name, pools, true);
    case 'Int':
      return intValue;
    case 'Float':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), intValue);
    case 'Boolean':
      return fc.oneof({ weight: 9, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom<unknown>('true', 1, 0) });
    case 'DateTimeISO':
      return fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constantFrom('2024-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', 'now', '', '1e400'),
        hostileString,
      );
    case 'JSON':
    case 'JSONObject':
      return jsonValue();
    case 'Upload':
      return fc.constant(null);
    default:
      return hostileString;
  }
}

/** A selection of the leaf fields of a type (one level into connections), for the operations sent. */
export function selectionFor(type: GraphQLOutputType, depth = 0): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isAbstractType(named)) return '{ __typename }';
  if (!isObjectType(named)) return '';
  const parts: string[] = ['__typename'];
  for (const field of Object.values(named.getFields()) as GraphQLField<unknown, unknown>[]) {
    if (field.args.some(isRequiredArgument)) continue;
    const child = getNamedType(field.type);
    if (isLeafType(child)) parts.push(field.name);
    else if (depth === 0 && (field.name === 'nodes' || field.name === 'pageInfo')) parts.push(`${field.name} ${selectionFor(field.type, depth + 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

/** Every root field of the schema (queries and mutations) with its operation text, variables typed as the arguments. */
export function rootOperations(schema: GraphQLSchema): Array<{ kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown>; text: string }> {
  const out: Array<{ kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown>; text: string }> = [];
  for (const [kind, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const vars = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
      const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const text = `${kind} Fuzz${vars ? `(${vars})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selectionFor(field.type)} }`;
      out.push({ kind, field, text });
    }
  }
  return out;
}
