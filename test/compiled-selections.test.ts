import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POSTGRES_URL, startTestApp, type TestApp } from './harness.js';
import { readCommitted } from '../src/db/bound-parameters.js';
import { Authority } from '../src/auth/authorities.js';
import { gatewaySchema } from '../src/schema.js';
import { graphRegistry } from '../src/graph/registry.js';
import { generateDataSet } from '../src/db/generate.js';

/**
 * Compiled selections (src/graph/compiled.ts) against plain execution: the same generated
 * queries, through the same HTTP surface, with COMPILED_SELECTIONS on and off, must answer the
 * same JSON (key order aside) with the same errors at the same paths.
 */

let app: TestApp;
let schema: GraphQLSchema;
const tokens = new Map<Authority, string>();
/** The SQL statements of the last request. */
let statements: string[] = [];

const AUTHORITIES = [Authority.ORG_ADMIN, Authority.READ_ONLY, Authority.REQUESTER, Authority.CERTIFIER];

interface Answer {
  data?: unknown;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

async function post(authority: Authority, query: string, variables?: Record<string, unknown>): Promise<{ text: string; answer: Answer }> {
  statements = [];
  const res = await app.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(authority)}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { text, answer: JSON.parse(text) as Answer };
}

/** JSON text with every object's keys sorted: the comparison ignores key order only. */
function normalized(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

/** Both ways, and whether the compiled path wrote SQL-built JSON. */
async function both(authority: Authority, query: string, variables?: Record<string, unknown>) {
  app.config.compiledSelections = false;
  const plain = await post(authority, query, variables);
  app.config.compiledSelections = true;
  const compiled = await post(authority, query, variables);
  const usedCompiled = statements.some((s) => s.startsWith('select c0.id as k,'));
  return { plain, compiled, usedCompiled };
}

/**
 * The harness's store (in-memory SQLite, or PostgreSQL), and on SQLite also a database file:
 * there the compiled statements run on the synchronous read-only connection
 * (`readCommitted` in src/db/bound-parameters.ts), which an in-memory database cannot have.
 */
const stores = POSTGRES_URL
  ? [{ name: 'the test store', file: false }]
  : [
      { name: 'the test store', file: false },
      { name: 'a SQLite file', file: true },
    ];

describe.each(stores)('compiled selections on $name', ({ file }) => {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = file ? fs.mkdtempSync(path.join(os.tmpdir(), 'compiled-')) : undefined;
    app = await startTestApp(dir ? { config: { databaseUrl: path.join(dir, 'store.sqlite') } } : {});
    schema = await gatewaySchema();
    const knex = (app.orm.em.getConnection() as unknown as { getKnex(): { on(e: string, f: (q: { sql: string }) => void): void } }).getKnex();
    knex.on('query', (q) => statements.push(q.sql));
    await app.workspace('demo');
    for (const authority of AUTHORITIES) tokens.set(authority, await app.token('demo', [authority]));
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(file ? 'reads compiled statements through the synchronous connection' : 'has no synchronous connection in memory or on PostgreSQL', () => {
    const rows = readCommitted(app.orm.em.getConnection(), 'select count(*) as n from app_user where login <> ?', ['nobody']);
    expect(rows === undefined).toBe(!file);
    if (rows) expect(rows[0].n).toBeGreaterThan(0);
  });

  it('answers workload Q with SQL-built JSON, as plain execution does', async () => {
    const query = `query Q($n: Int) { users(first: $n, orderBy: LOGIN) { nodes {
      id login displayName createdOn
      roles { id name isRequestable entitlements { id name targetSystem { name } } }
      accounts { id status provisionedDate targetSystem { name trustedReconciliation staleDays connectorType } }
    } } }`;
    const { plain, compiled, usedCompiled } = await both(Authority.ORG_ADMIN, query, { n: 50 });
    expect(usedCompiled).toBe(true);
    expect(plain.answer.errors).toBeUndefined();
    expect(normalized(compiled.answer)).toBe(normalized(plain.answer));
  });

  it('answers as plain execution does for generated queries (aliases, fragments, variables, __typename, forbidden edges)', async () => {
    let compiledCount = 0;
    await fc.assert(
      fc.asyncProperty(queryArbitrary(), fc.constantFrom(...AUTHORITIES), async ({ query, variables }, authority) => {
        const { plain, compiled, usedCompiled } = await both(authority, query, variables);
        if (usedCompiled) compiledCount++;
        expect(normalized(compiled.answer), query).toBe(normalized(plain.answer));
      }),
      { seed: 20261130, numRuns: 200 },
    );
    // The generator must reach the compiled path, or the comparison proves nothing.
    expect(compiledCount).toBeGreaterThanOrEqual(15);
  }, 120_000);

  it('sends as many statements for 3 people as for 60', async () => {
    const query = (n: number) => `{ users(first: ${n}, orderBy: LOGIN) { nodes { login roles { name entitlements { name targetSystem { name } } } accounts { status } } } }`;
    await post(Authority.ORG_ADMIN, query(3));
    const few = statements.length;
    expect(statements.some((s) => s.startsWith('select c0.id as k,'))).toBe(true);
    await post(Authority.ORG_ADMIN, query(60));
    expect(statements.length).toBe(few);
  });

  it('a list over its maximum is LIST_LIMIT_EXCEEDED at its path, as plain execution says it', async () => {
    await app.workspace(
      'wide',
      generateDataSet({ users: 2, roles: 1, systems: 6, entitlementsPerSystem: 40, rolesPerUser: 1, entitlementsPerRole: 201, accountsPerUser: 1, seed: 11 }),
    );
    tokens.set(Authority.CATALOG_ADMIN, await app.token('wide', [Authority.READ_ONLY]));
    const query = '{ roles(first: 5) { nodes { displayName entitlements { displayName } } } }';
    const { plain, compiled } = await both(Authority.CATALOG_ADMIN, query);
    expect(compiled.answer.errors?.[0]).toMatchObject({ extensions: { code: 'LIST_LIMIT_EXCEEDED' }, path: ['roles', 'nodes', 0, 'entitlements'] });
    expect(normalized(compiled.answer)).toBe(normalized(plain.answer));
  });

  it('a string that looks like a placeholder stays a string', async () => {
    const { plain, compiled } = await both(Authority.ORG_ADMIN, '{ users(first: 2) { nodes { login } } a: users(first: 1) { totalCount } }');
    expect(compiled.text).toBe(plain.text);
  });
});

/** Random queries over the schema from the catalog roots, with the registry's edges. */
function queryArbitrary(): fc.Arbitrary<{ query: string; variables: Record<string, unknown> }> {
  const roots = [
    { type: 'User', open: (s: string) => `users(first: $n, orderBy: LOGIN) { nodes { ${s} } }` },
    { type: 'User', open: (s: string) => `u: users(first: 4, orderBy: DISPLAY_NAME) { edges { node { ${s} } } totalCount }` },
    { type: 'User', open: (s: string) => `user(login: $login) { ${s} }` },
    { type: 'Role', open: (s: string) => `roles(first: $n) { nodes { ${s} } }` },
    { type: 'TargetSystem', open: (s: string) => `targetSystems(first: 4) { nodes { ${s} } }` },
    { type: 'Entitlement', open: (s: string) => `entitlements(first: $n) { nodes { ${s} } }` },
    { type: 'UserAccount', open: (s: string) => `userAccounts(first: $n) { nodes { ${s} } }` },
  ];
  return fc
    .record({
      roots: fc.uniqueArray(fc.integer({ min: 0, max: roots.length - 1 }), { minLength: 1, maxLength: 2 }),
      seeds: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 60, maxLength: 60 }),
      n: fc.integer({ min: 0, max: 12 }),
      login: fc.constantFrom('jerome', 'zachary', 'derrick', 'nobody'),
    })
    .map(({ roots: picked, seeds, n, login }) => {
      let i = 0;
      const next = (mod: number) => seeds[i++ % seeds.length] % mod;
      const fragments: string[] = [];
      const selection = (typeName: string, depth: number): string => {
        const type = schema.getType(typeName) as GraphQLObjectType;
        const fields = Object.values(type.getFields()).filter((f) => f.args.every((a) => !isNonNullType(a.type)));
        const count = 1 + next(4);
        const parts: string[] = [];
        for (let k = 0; k < count; k++) {
          // Edges of the registry's SQL are drawn more often, so the compiled path is reached.
          const sqlEdges = fields.filter((f) => graphRegistry.edge(typeName, f.name)?.sql);
          const field = sqlEdges.length && next(2) === 0 ? sqlEdges[next(sqlEdges.length)] : fields[next(fields.length)];
          const named = getNamedType(field.type);
          const alias = next(4) === 0 ? `a${next(3)}: ` : '';
          let part: string;
          if (isScalarType(named) || isEnumType(named)) part = `${alias}${field.name}`;
          else if (depth >= 3 || (isListType(getNullableType(field.type)) === false && !isObjectType(named) && !isAbstractType(named))) continue;
          else if (isAbstractType(named)) part = `${alias}${field.name} { __typename ... on User { login } ... on Role { name } }`;
          else if (graphRegistry.nodeType(named.name) || named.name.endsWith('Connection')) {
            if (named.name.endsWith('Connection')) {
              const node = getNamedType((named as GraphQLObjectType).getFields().nodes?.type);
              if (!node || !isObjectType(node)) continue;
              part = `${alias}${field.name}${field.args.some((a) => a.name === 'first') ? '(first: 2)' : ''} { totalCount nodes { ${selection(node.name, depth + 1)} } }`;
            } else part = `${alias}${field.name} { ${selection(named.name, depth + 1)} }`;
          } else continue;
          const wrap = next(6);
          if (wrap === 0) parts.push(`... on ${typeName} { ${part} }`);
          else if (wrap === 1) {
            const name = `F${fragments.length}`;
            fragments.push(`fragment ${name} on ${typeName} { ${part} }`);
            parts.push(`...${name}`);
          } else parts.push(part);
        }
        if (next(3) === 0) parts.push('__typename');
        if (parts.length === 0) parts.push('__typename');
        return parts.join(' ');
      };
      const body = picked.map((r) => roots[r].open(selection(roots[r].type, 0))).join(' ');
      const declared = [body.includes('$n') ? '$n: Int' : '', body.includes('$login') ? '$login: String' : ''].filter(Boolean);
      const query = `query G${declared.length ? `(${declared.join(', ')})` : ''} { ${body} } ${fragments.join(' ')}`;
      return { query, variables: { ...(body.includes('$n') ? { n } : {}), ...(body.includes('$login') ? { login } : {}) } };
    });
}
