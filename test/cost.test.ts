import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import fc from 'fast-check';
import { getNamedType, isAbstractType, isCompositeType, isObjectType, parse, validate, type GraphQLCompositeType, type GraphQLSchema } from 'graphql';
import type { GraphQLClient } from 'graphql-request';
import { startTestApp, type TestApp } from './harness.js';
import { gatewaySchema } from '../src/schema.js';
import { analyzeOperation, schemaFieldCosts, SATURATED, type CostOptions } from '../src/graph/cost.js';
import { AnalysisCache } from '../src/graph/limits.js';
import { graphRegistry } from '../src/graph/registry.js';
import { ConfigError, loadConfig, loadConfigOrExit } from '../src/config.js';

/** Workload Q of the README's benchmark. */
const Q =
  '{ users(first: 100, orderBy: LOGIN) { nodes { login roles { displayName entitlements { displayName targetSystem { name } } } accounts { status targetSystem { name } } } } }';
/** A GraphQL answer as the tests read it. */
interface Answer {
  data?: { users: { nodes: Array<{ login: string }> } } & Record<string, unknown>;
  errors: Array<{ message: string; extensions: Record<string, unknown> & { code?: string } }>;
  extensions: { cost: { requested: number; limit: number } } & Record<string, unknown>;
}

const Q_COST = 4_030_100;

/** `roles { members(first: 2) { nodes { roles { … } } } }`, `hops` times around the loop. */
function membershipLoop(hops: number): string {
  let inner = 'login';
  for (let i = 0; i < hops; i++) inner = `roles { members(first: 2) { nodes { ${inner} } } }`;
  return `{ users(first: 2) { nodes { ${inner} } } }`;
}

/** `levels` fragments, each spreading the next one twice: 2^(levels-1) copies of the last. */
function fan(levels: number, body: (next: string, i: number) => string): string {
  let text = '{ users(first: 1) { nodes { ...F0 } } }\n';
  for (let i = 0; i < levels; i++) text += `fragment F${i} on User { ${i + 1 < levels ? body(`F${i + 1}`, i) : 'login'} }\n`;
  return text;
}
const plainFan = (levels: number) => fan(levels, (next) => `...${next} ...${next}`);
const aliasedFan = (levels: number) => fan(levels, (next, i) => `a${i}: login ...${next} b${i}: login ...${next}`);
const objectFan = (levels: number) => fan(levels, (next, i) => `a${i}: manager { ...${next} } b${i}: manager { ...${next} }`);

const hundredAndOneAliases = `{ ${Array.from({ length: 101 }, (_, i) => `a${i}: users(first: 100) { nodes { roles { entitlements { id } } } }`).join(' ')} }`;

describe('cost analysis', () => {
  let schema: GraphQLSchema;
  let options: CostOptions;
  beforeAll(async () => {
    schema = await gatewaySchema();
    options = { fieldCosts: schemaFieldCosts(schema, graphRegistry.costTable()), defaultPageSize: 20, maxPageSize: 100 };
  });
  const analyse = (query: string, variables?: Record<string, unknown>, operationName?: string) => {
    const document = parse(query, { maxTokens: 100_000 });
    return analyzeOperation(schema, document, operationName, variables, options)!;
  };

  it('workload Q: each object counts once per page, list and maximum it can appear in', () => {
    // users 100 × (1 + roles 100 × (1 + entitlements 200 × (1 + targetSystem 1)) + accounts 100 × (1 + targetSystem 1))
    expect(analyse(Q)).toEqual({ cost: Q_COST, depth: 6, aliases: 0, rootFields: 1, fields: 13, variablesRead: [] });
  });

  it('connection wrappers (nodes, edges, node, pageInfo) are not counted again; scalars cost nothing', () => {
    expect(analyse('{ users(first: 10) { nodes { roles { id } } } }').cost).toBe(10 * (1 + 100));
    expect(analyse('{ users(first: 10) { edges { cursor node { roles { id } } } pageInfo { hasNextPage } totalCount } }').cost).toBe(10 * (1 + 100));
    expect(analyse('{ users { nodes { login } } }').cost).toBe(20); // the default page size
    expect(analyse('{ user(login: "aaron") { login manager { login } } }').cost).toBe(2);
  });

  it('`first` comes from a literal, a variable or its default, and counts at most the largest page', () => {
    const query = 'query ($n: Int = 7) { users(first: $n) { nodes { roles { id } } } }';
    expect(analyse(query, { n: 3 })).toMatchObject({ cost: 3 * 101, variablesRead: ['n'] });
    expect(analyse(query, {}).cost).toBe(7 * 101);
    expect(analyse(query, { n: null }).cost).toBe(20 * 101);
    expect(analyse(query, { n: 5000 }).cost).toBe(100 * 101); // refused by the resolver as BAD_USER_INPUT
    expect(analyse(query, { n: 'many' }).cost).toBe(100 * 101); // refused when the variables are coerced
    expect(analyse('{ users(first: 0) { nodes { roles { id } } } }').cost).toBe(0);
    expect(analyse('{ roles(first: 2) { nodes { members(first: 3) { nodes { login } } } } }').cost).toBe(2 * (1 + 3));
  });

  it('depth follows fragments without counting them as a level, wherever they are spread', () => {
    const query = `
      { user(login: "aaron") { ...A manager { ...B } } }
      fragment A on User { manager { ...B } }
      fragment B on User { manager { login } roles { displayName } }`;
    // user > manager (B) > manager > login
    expect(analyse(query).depth).toBe(4);
    expect(analyse('{ __typename }').depth).toBe(1);
  });

  it('aliases and fields count every time a fragment is spread', () => {
    const query = `
      { user(login: "aaron") { ...T ...T x: manager { ...T } } }
      fragment T on User { a: login b: login ...U ...U }
      fragment U on User { c: displayName }`;
    // T holds 2 + 2 × 1 aliases; spread three times, plus x
    expect(analyse(query)).toMatchObject({ aliases: 3 * 4 + 1, fields: 1 + 3 * 4 + 1, rootFields: 1 });
    expect(analyse(aliasedFan(30)).aliases).toBe(2 ** 30 - 2);
    expect(analyse(hundredAndOneAliases)).toMatchObject({ aliases: 101, rootFields: 101, cost: 101 * 100 * (1 + 100 * (1 + 200)) });
  });

  it('is linear in the document: a 60-level fragment fan is measured at once, its numbers saturated', () => {
    // Expanded, these documents hold 2^59 fields: measured spread by spread, this would not end.
    expect(analyse(plainFan(60))).toMatchObject({ fields: SATURATED, cost: 1, depth: 3, aliases: 0 });
    expect(analyse(objectFan(60))).toMatchObject({ fields: SATURATED, cost: SATURATED, aliases: SATURATED, depth: 62 });
    expect(analyse(plainFan(30)).fields).toBe(2 + 2 ** 29);
    expect(analyse(membershipLoop(8)).cost).toBe(SATURATED);
  });

  it('on an interface or a union, the costliest possible type counts, not the sum of all', () => {
    const catalog = `{ searchCatalog(first: 100) { nodes { __typename
      ... on User { roles { displayName } }
      ... on Role { members(first: 100) { nodes { login } } } } } }`;
    expect(analyse(catalog).cost).toBe(100 * (1 + 100));
    const nested = `{ searchCatalog(first: 10) { nodes { ...N ... on Role { owner { login } } } } }
      fragment N on Node { ... on User { manager { login } } ... on Role { owner { login } } }`;
    expect(analyse(nested).cost).toBe(10 * (1 + 2)); // a Role: owner twice; a User: manager once
    const onObject = `{ user(login: "aaron") { ...N } }
      fragment N on Node { ... on User { manager { login } } ... on Role { members(first: 50) { nodes { login } } } }`;
    expect(analyse(onObject).cost).toBe(2); // the User part only
  });

  it('measures the selected operation, and nothing when there is none', () => {
    const two = 'query A { users(first: 5) { nodes { login } } } query B { roles(first: 7) { nodes { id } } }';
    expect(analyse(two, {}, 'B').cost).toBe(7);
    expect(analyse(two, {}, 'A').cost).toBe(5);
    expect(analyzeOperation(schema, parse(two), undefined, {}, options)).toBeUndefined();
    expect(analyzeOperation(schema, parse(two), 'C', {}, options)).toBeUndefined();
  });

  it('does not throw on documents that would not pass validation (unknown fields, fragment cycles)', () => {
    const query = `{ nope { x } users(first: 2) { nodes { ...A ...Missing ... on Unknown { login } } } }
      fragment A on User { manager { ...B } } fragment B on User { manager { ...A } }`;
    expect(analyse(query)).toMatchObject({ rootFields: 2 });
  });

  it('introspection lists hold what this schema has: the introspection query fits the defaults', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const measured = analyse(
      getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }),
    );
    const limits = loadConfig({}).queryLimits;
    expect(measured.depth).toBeLessThanOrEqual(limits.depth);
    expect(measured.fields).toBeLessThanOrEqual(limits.fields);
    expect(measured.cost).toBeLessThanOrEqual(limits.cost);
  });

  describe('properties on random documents built from the schema', () => {
    /** A query from a list of choices: fields of the schema, aliases, named and inline fragments. */
    function randomQuery(choices: number[], first: 'literal' | 'variable'): string {
      let k = 0;
      const pick = (n: number) => (n <= 0 ? 0 : choices[k++ % choices.length] % n);
      const fragments: string[] = [];
      const selection = (type: GraphQLCompositeType, depth: number): string => {
        const parts: string[] = [];
        for (let count = 1 + pick(3); count > 0; count--) {
          if (isAbstractType(type)) {
            const possible = schema.getPossibleTypes(type);
            const on = possible[pick(possible.length)];
            parts.push(pick(3) === 0 ? '__typename' : `... on ${on.name} { ${selection(on, depth)} }`);
            continue;
          }
          if (!isObjectType(type)) continue;
          const fields = Object.values(type.getFields());
          const field = fields[pick(fields.length)];
          const alias = pick(4) === 0 ? `a${k}: ` : '';
          const args = field.args.some((a) => a.name === 'first') ? `(first: ${first === 'variable' ? '$n' : pick(120)})` : '';
          const named = getNamedType(field.type);
          if (!isCompositeType(named)) {
            parts.push(`${alias}${field.name}${args}`);
          } else if (depth < 4) {
            let inner = selection(named, depth + 1);
            if (pick(3) === 0) {
              const name = `F${fragments.length}`;
              fragments.push(`fragment ${name} on ${named.name} { ${inner} }`);
              inner = `...${name} ...${name}`;
            }
            parts.push(`${alias}${field.name}${args} { ${inner} }`);
          }
        }
        return parts.length ? parts.join(' ') : '__typename';
      };
      const root = selection(schema.getQueryType()!, 0);
      return `query${first === 'variable' ? '($n: Int)' : ''} { ${root} }\n${fragments.join('\n')}`;
    }

    it('never throws, and gives whole numbers within bounds', () => {
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (choices) => {
          const query = randomQuery(choices, 'literal');
          const measured = analyse(query);
          for (const value of [measured.cost, measured.depth, measured.aliases, measured.rootFields, measured.fields]) {
            expect(Number.isSafeInteger(value) && value >= 0 && value <= SATURATED).toBe(true);
          }
          expect(measured.rootFields).toBeLessThanOrEqual(measured.fields);
          expect(measured.depth).toBeGreaterThanOrEqual(1);
        }),
        { numRuns: 300 },
      );
    });

    it('the cost never falls when `first` grows', () => {
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), fc.nat(150), fc.nat(150), (choices, a, b) => {
          const query = randomQuery(choices, 'variable');
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(analyse(query, { n: low }).cost).toBeLessThanOrEqual(analyse(query, { n: high }).cost);
        }),
        { numRuns: 300 },
      );
    });

    it('the generated documents are mostly valid GraphQL (the properties are not vacuous)', () => {
      const samples = fc.sample(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), { numRuns: 100, seed: 42 });
      const valid = samples.filter((choices) => validate(schema, parse(randomQuery(choices, 'literal'))).length === 0);
      expect(valid.length).toBeGreaterThan(20);
    });
  });
});

describe('analysis cache', () => {
  it('measures a document once per value of the variables it depends on', () => {
    const cache = new AnalysisCache(2);
    const analyse = vi.fn((cost: number) => ({ cost, depth: 1, aliases: 0, rootFields: 1, fields: 1, variablesRead: ['n'] }));
    expect(cache.get('doc', { n: 1, other: 'x' }, () => analyse(1))?.cost).toBe(1);
    expect(cache.get('doc', { n: 1, other: 'y' }, () => analyse(99))?.cost).toBe(1); // `other` does not matter
    expect(cache.get('doc', { n: 2 }, () => analyse(2))?.cost).toBe(2);
    expect(analyse).toHaveBeenCalledTimes(2);
    expect(cache.get('doc', {}, () => analyse(6))?.cost).toBe(6); // absent: the variable's default
    expect(cache.get('doc', { n: null }, () => analyse(7))?.cost).toBe(7); // null: the page size default
    expect(analyse).toHaveBeenCalledTimes(4);
    cache.get('b', {}, () => analyse(3));
    cache.get('c', {}, () => analyse(4)); // bounded: 'doc' makes room
    expect(cache.get('doc', { n: 1 }, () => analyse(5))?.cost).toBe(5);
  });
});

describe('configuration', () => {
  it('reads each limit from its variable', () => {
    const limits = loadConfig({
      MAX_QUERY_COST: '1000',
      MAX_QUERY_DEPTH: '5',
      MAX_QUERY_ALIASES: '3',
      MAX_ROOT_FIELDS: '2',
      MAX_QUERY_FIELDS: '40',
      MAX_QUERY_BYTES: '2048',
      MAX_QUERY_TOKENS: '300',
    }).queryLimits;
    expect(limits).toEqual({ cost: 1000, depth: 5, aliases: 3, rootFields: 2, fields: 40, bytes: 2048, tokens: 300 });
  });

  it('a value that is not a positive integer is refused with one line naming the variable', () => {
    for (const value of ['abc', '0', '-5', '1.5', '1e9', '99999999999999999999']) {
      expect(() => loadConfig({ MAX_QUERY_DEPTH: value })).toThrow(new ConfigError(`MAX_QUERY_DEPTH must be a positive integer, got ${JSON.stringify(value)}`));
    }
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      loadConfigOrExit({ MAX_QUERY_COST: 'lots' });
      expect(exit).toHaveBeenCalledWith(1);
      expect(write.mock.calls).toEqual([['Identity Graph cannot start: MAX_QUERY_COST must be a positive integer, got "lots"\n']]);
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });
});

describe('limits over HTTP', () => {
  let app: TestApp;
  let client: GraphQLClient;
  beforeAll(async () => {
    app = await startTestApp();
    client = await app.client('demo');
    // The API key's first lookup is a SQL statement; later ones are served from memory.
    await client.request('{ __typename }');
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** POSTs a body as it is; gives up after 20 s instead of hanging the suite. */
  async function post(body: unknown): Promise<{ status: number; body: Answer }> {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { ...(client.requestConfig.headers as Record<string, string>), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, body: await res.json() };
  }

  /** Sends an operation that must be refused before anything runs: no SQL statement. */
  async function refused(query: string, variables?: Record<string, unknown>) {
    const before = app.statements.value();
    const res = await post({ query, variables });
    expect(app.statements.value() - before).toBe(0);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    return { error: res.body.errors[0], extensions: res.body.extensions };
  }

  async function stillAnswers() {
    const data = await client.request<{ users: { nodes: Array<{ login: string }> } }>('{ users(first: 2) { nodes { login } } }');
    expect(data.users.nodes).toHaveLength(2);
  }

  it('workload Q is answered, with its cost', async () => {
    const res = await post({ query: Q });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.users.nodes.length).toBeGreaterThan(10);
    expect(res.body.extensions).toEqual({ cost: { requested: Q_COST, limit: app.config.queryLimits.cost } });
  });

  it('the eight-hop membership loop is refused by its depth; five hops, by its cost', async () => {
    const deep = await refused(membershipLoop(8));
    expect(deep.error.extensions).toEqual({ code: 'DEPTH_LIMIT_EXCEEDED', value: 27, limit: 20 });
    expect(deep.extensions).toEqual({ cost: { requested: SATURATED, limit: app.config.queryLimits.cost } });
    const costly = await refused(membershipLoop(5));
    expect(costly.error.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', limit: app.config.queryLimits.cost });
    expect(costly.error.extensions.value).toBeGreaterThan(app.config.queryLimits.cost);
    expect(costly.error.message).toBe(`The operation may return ${costly.error.extensions.value} objects (its cost); the limit is 20000000`);
    await stillAnswers();
  });

  it('a fan of 30 fragments, each spreading the next twice, is refused before it is compiled', async () => {
    const plain = await refused(plainFan(30));
    expect(plain.error.extensions).toEqual({ code: 'FIELD_LIMIT_EXCEEDED', value: 2 + 2 ** 29, limit: 500 });
    const aliased = await refused(aliasedFan(30));
    expect(aliased.error.extensions).toEqual({ code: 'ALIAS_LIMIT_EXCEEDED', value: 2 ** 30 - 2, limit: 64 });
    const objects = await refused(objectFan(30));
    expect(objects.error.extensions.code).toBe('DEPTH_LIMIT_EXCEEDED');
    // Sent again, the same document is refused from the cache.
    expect((await refused(plainFan(30))).error.extensions.code).toBe('FIELD_LIMIT_EXCEEDED');
    await stillAnswers();
  });

  it('101 aliases of a large list are refused', async () => {
    const { error } = await refused(hundredAndOneAliases);
    expect(error.extensions).toEqual({ code: 'ALIAS_LIMIT_EXCEEDED', value: 101, limit: 64 });
    await stillAnswers();
  });

  it('other requests are answered while abusive ones are refused', async () => {
    const [fanned, looped, answered] = await Promise.all([
      post({ query: plainFan(40) }),
      post({ query: membershipLoop(8) }),
      client.request<{ users: { nodes: Array<{ login: string }> } }>('{ users(first: 3) { nodes { login } } }'),
    ]);
    expect([fanned.status, looped.status]).toEqual([400, 400]);
    expect(answered.users.nodes).toHaveLength(3);
  });

  it('the query text is limited in bytes before it is parsed, and in tokens while it is', async () => {
    const text = `# ${'x'.repeat(40_000)}\n{ __typename }`;
    const large = await refused(text);
    expect(large.error).toEqual({
      message: `The query text has ${Buffer.byteLength(text)} bytes; the limit is 32768`,
      extensions: { code: 'DOCUMENT_TOO_LARGE', value: Buffer.byteLength(text), limit: 32 * 1024 },
    });
    const many = await refused(`{ users { nodes { ${'login '.repeat(4000)} } } }`);
    expect(many.error).toMatchObject({ message: 'The query text has more than 4000 tokens; the limit is 4000', extensions: { code: 'TOKEN_LIMIT_EXCEEDED', limit: 4000 } });
    expect(many.error.extensions).toEqual({ code: 'TOKEN_LIMIT_EXCEEDED', limit: 4000 });
    await stillAnswers();
  });

  it('a batch (a JSON array body) is refused without running anything', async () => {
    const before = app.statements.value();
    const res = await post([{ query: '{ users(first: 1) { nodes { login } } }' }, { query: '{ roles(first: 1) { nodes { id } } }' }]);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ message: 'Operation batching disabled.', extensions: { code: 'BAD_REQUEST' } });
    expect(app.statements.value() - before).toBe(0);
  });
});

describe('limits from the configuration', () => {
  let app: TestApp;
  let client: GraphQLClient;
  beforeAll(async () => {
    const defaults = loadConfig({}).queryLimits;
    app = await startTestApp({ config: { queryLimits: { ...defaults, cost: 1000, rootFields: 2 } } });
    client = await app.client('demo');
    await client.request('{ __typename }');
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function send(query: string, variables?: Record<string, unknown>) {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { ...(client.requestConfig.headers as Record<string, string>), 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  }

  it('a low cost limit refuses a small query, and says so in extensions.cost', async () => {
    const before = app.statements.value();
    const res = await send('{ users(first: 20) { nodes { login roles { displayName } } } }');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions).toEqual({ code: 'COST_LIMIT_EXCEEDED', value: 20 * 101, limit: 1000 });
    expect(res.body.extensions).toEqual({ cost: { requested: 20 * 101, limit: 1000 } });
    expect(app.statements.value()).toBe(before);
  });

  it('the same document is accepted or refused by the `first` its variables ask for', async () => {
    const query = 'query ($n: Int) { users(first: $n) { nodes { login roles { displayName } } } }';
    const small = await send(query, { n: 5 });
    expect(small.status).toBe(200);
    expect(small.body.data?.users.nodes).toHaveLength(5);
    expect(small.body.extensions.cost).toEqual({ requested: 5 * 101, limit: 1000 });
    const large = await send(query, { n: 10 });
    expect(large.body.errors[0].extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', value: 10 * 101 });
    expect((await send(query, { n: 5 })).status).toBe(200);
  });

  it('a root field limit', async () => {
    const res = await send('{ a: __typename b: __typename c: __typename }');
    expect(res.body.errors[0].extensions).toEqual({ code: 'ROOT_FIELD_LIMIT_EXCEEDED', value: 3, limit: 2 });
    expect((await send('{ a: __typename b: __typename }')).status).toBe(200);
  });
});
