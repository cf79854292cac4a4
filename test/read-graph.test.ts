import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { GraphQLClient } from 'graphql-request';
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { startTestApp, type TestApp } from './harness.js';
import { Authority, type Action } from '../src/auth/authorities.js';
import { loadConfig, type QueryLimits } from '../src/config.js';
import { can } from '../src/auth/viewer.js';
import { gatewaySchema } from '../src/schema.js';
import { graphRegistry } from '../src/graph/registry.js';
import { tableOf } from '../src/graph/edge-loaders.js';
import { knexOf } from '../src/graph/rows.js';
import { generateDataSet } from '../src/db/generate.js';
import { ensureDemoWorkspace } from '../src/db/demo/seed-demo.js';
import { createApiKey } from '../src/auth/api-key.service.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { ReconciliationBatch } from '../src/reconciliation/reconciliation-batch.entity.js';
import { ReconciliationEvent } from '../src/reconciliation/reconciliation-event.entity.js';
import { Attachment, TaskComment } from '../src/requests/task-comment.entity.js';
import { Task } from '../src/requests/task.entity.js';
import { ReconciliationEntityType, ReconciliationEventStatus, ReconciliationOperation, ReconciliationResourceType } from '../src/reconciliation/reconciliation.enums.js';
import { TargetSystem } from '../src/governance/target-system.entity.js';

interface GraphQLErrorShape {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string };
}
interface Answer {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorShape[];
}

let app: TestApp;
let schema: GraphQLSchema;
let workspaceId: string;
const keys = new Map<Authority, string>();

/** Posts a query and returns the whole answer (data and errors) without throwing. */
async function post(authority: Authority, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const res = await app.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.get(authority)}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Answer;
}

/** The default limits; the walk and the planner's depth test raise them (test/cost.test.ts tests the limits). */
let defaults: QueryLimits;
const generous: QueryLimits = { cost: 1e15, depth: 20, aliases: 10_000, rootFields: 100, fields: 1_000_000, bytes: 1 << 20, tokens: 1_000_000 };

beforeAll(async () => {
  // The walk runs operations far over the default budgets on purpose, so no rate limit either (test/rate-limits.test.ts tests it).
  app = await startTestApp({ config: { queryLimits: { ...generous }, rateLimits: { ...loadConfig({ NODE_ENV: 'test' }).rateLimits, enabled: false } } });
  defaults = loadConfig({ NODE_ENV: 'test' }).queryLimits;
  schema = await gatewaySchema();
  const { workspace } = await ensureDemoWorkspace(app.orm, app.config);
  workspaceId = workspace.id;
  const em = app.orm.em.fork();
  for (const authority of Object.values(Authority)) {
    keys.set(authority, (await createApiKey(em, em.getReference(Workspace, workspaceId), `walk ${authority}`, [authority])).token);
  }
  // One object of every node type: a request with its tasks and history, a comment with a
  // file, a certification run, a reconciliation run with an event.
  const admin = new GraphQLClient(app.url, { headers: { authorization: `Bearer ${keys.get(Authority.ORG_ADMIN)}` } });
  const submitted = await admin.request<{ submitCart: { requests: Array<{ tasks: Array<{ id: string }> }> } }>(`mutation {
    submitCart(input: { justification: "walk", cart: { requester: { login: "jerome" }, cartItems: [{ beneficiaries: { login: "jerome" }, entityId: "63aee3b793ccdf675cc62d3d", entityType: TARGET_SYSTEM, type: CREATE }] } }) {
      requests { tasks { id } }
    }
  }`);
  const taskId = submitted.submitCart.requests[0].tasks[0].id;
  const tx = app.orm.em.fork();
  const task = await tx.findOneOrFail(Task, taskId);
  const attachment = tx.create(Attachment, { workspace: workspaceId, filename: 'a.txt', contentType: 'text/plain', size: 1, sha256: '0'.repeat(64), content: Buffer.from('a') });
  tx.create(TaskComment, { workspace: workspaceId, task, userLogin: 'zachary', comment: 'walk', attachment });
  const system = await tx.findOneOrFail(TargetSystem, { workspace: workspaceId, displayName: 'Buffer' });
  const batch = tx.create(ReconciliationBatch, {
    workspace: workspaceId,
    targetSystem: system,
    targetSystemName: 'Buffer',
    tenantName: 'demo',
    operation: ReconciliationOperation.RECONCILE,
    entityType: ReconciliationEntityType.ACCOUNT,
    resourceType: 'User',
  } as never);
  tx.create(ReconciliationEvent, {
    workspace: workspaceId,
    batch,
    rowNumber: 1,
    resourceType: ReconciliationResourceType.USER,
    eventType: 'User',
    status: ReconciliationEventStatus.NEW_USER_ACCOUNT_LINKED,
    applied: true,
    userId: '63aec79393ccdf675cc4ccf4',
  } as never);
  await tx.flush();
  const { createCertification } = await admin.request<{ createCertification: { id: string } }>(`mutation {
    createCertification(input: {
      name: "walk", description: "walk", workflowName: "Certification", repeat: "Do not repeat", alternateCertifier: USER_MANAGER, type: USER_ACCESS, approverType: USER, approver: "jerome", status: ACTIVE, userCertificationBy: QUERY,
      userQuery: "{\\"$and\\":[{\\"status\\":\\"Active\\"}]}", certificationBy: "manually", onlySelected: true,
      resources: [{ id: "63af258b93ccdf675ccab0da", collection: ROLE }], certifierType: USER, certifier: "jerome",
      certificationDurationType: DAYS, certificationDuration: 1
    }) { id }
  }`);
  await admin.request(`mutation ($id: ID!) { runCertification(id: $id) { id } }`, { id: createCertification.id });
});
afterAll(async () => {
  await app?.stop();
});

/** Object types whose fields the registry must cover (connections and payloads are plumbing). */
function graphTypes(): GraphQLObjectType[] {
  return Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType =>
      isObjectType(t) && !t.name.startsWith('__') && !['Query', 'Mutation', 'Subscription', 'PageInfo'].includes(t.name) && !/(Connection|Edge|Payload)$/.test(t.name),
  );
}

/** Whether a field leads to a node type: directly, as a list, through a connection, or through a union of them. */
function leadsToNode(field: GraphQLField<unknown, unknown>): boolean {
  const named = getNamedType(field.type);
  if (isObjectType(named) && named.name.endsWith('Connection')) return true;
  if (isAbstractType(named)) return schema.getPossibleTypes(named).some((t) => !!graphRegistry.nodeType(t.name));
  return !!graphRegistry.nodeType(named.name);
}

describe('the edge registry', () => {
  it('declares every edge of the schema: a field leading to a node type without an entry fails here', () => {
    const missing: string[] = [];
    for (const type of graphTypes()) {
      for (const field of Object.values(type.getFields())) {
        if (leadsToNode(field) && !graphRegistry.edge(type.name, field.name)) missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(graphRegistry.edges().length).toBeGreaterThan(50);
  });

  it('every entry is a field of the schema with the declared cardinality, and every list states its maximum', () => {
    for (const edge of graphRegistry.edges()) {
      const type = schema.getType(edge.parent) as GraphQLObjectType;
      const field = type.getFields()[edge.field];
      expect(field, `${edge.parent}.${edge.field}`).toBeDefined();
      const inner = isNonNullType(field.type) ? field.type.ofType : field.type;
      expect(isListType(inner), `${edge.parent}.${edge.field} is a list`).toBe(edge.cardinality === 'list');
      if (edge.cardinality === 'list') expect(edge.max).toBeGreaterThan(0);
      // An edge that some key may be refused while it reads the parent must be nullable.
      const parentRead = graphRegistry.nodeType(edge.parent)?.read;
      const childRead = graphRegistry.nodeType(edge.of)!.read;
      const refusable = parentRead && Object.values(Authority).some((a) => mayRead(a, parentRead) && !mayRead(a, childRead));
      if (refusable) expect(isNonNullType(field.type), `${edge.parent}.${edge.field} is nullable`).toBe(false);
    }
  });

  it('the planner answers what the derived loaders answer, for every SQL edge reachable from a planned root', async () => {
    // Roots the planner serves, and a path of SQL edges from one of them to each edge.
    const roots: Record<string, string> = {
      User: 'users(first: 30, orderBy: LOGIN)',
      Role: 'roles(first: 30)',
      TargetSystem: 'targetSystems(first: 30)',
      Entitlement: 'entitlements(first: 30)',
      UserAccount: 'userAccounts(first: 30)',
    };
    const paths = new Map<string, [root: string, path: string[]]>(Object.keys(roots).map((t) => [t, [t, []]]));
    for (let changed = true; changed; ) {
      changed = false;
      for (const edge of graphRegistry.edges()) {
        if (!edge.sql || !paths.has(edge.parent) || paths.has(edge.of)) continue;
        const [root, path] = paths.get(edge.parent)!;
        paths.set(edge.of, [root, [...path, edge.field]]);
        changed = true;
      }
    }
    let covered = 0;
    for (const edge of graphRegistry.edges().filter((e) => e.sql && paths.has(e.parent))) {
      const [root, path] = paths.get(edge.parent)!;
      const id = (typeName: string) => ((schema.getType(typeName) as GraphQLObjectType).getFields().id ? 'id' : '__typename');
      const typeAt = (steps: string[]) => steps.reduce((type, step) => graphRegistry.edge(type, step)!.of, root);
      const leaf = `${edge.field} { __typename ${id(edge.of)} }`;
      const query = `{ ${roots[root]} { nodes { id ${path.reduceRight((inner, step, i) => `${step} { ${id(typeAt(path.slice(0, i + 1)))} ${inner} }`, leaf)} } } }`;
      app.config.sqlPlanner = false;
      const viaLoaders = await post(Authority.READ_ONLY, query);
      app.config.sqlPlanner = true;
      const viaPlanner = await post(Authority.READ_ONLY, query);
      expect(viaLoaders.errors, query).toBeUndefined();
      expect(viaPlanner, query).toEqual(viaLoaders);
      covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(15);
  });
});

const mayRead = (authority: Authority, action: Action) => can({ apiKeyId: '', apiKeyName: '', workspaceId: '', authorities: [authority], person: null }, action);

/**
 * A query over every root list the schema offers, three levels deep through every edge and
 * value object (two items per connection), asking each object its __typename.
 */
function walkQuery(): string {
  const query = schema.getQueryType()!;
  // Inside a union or interface arm every composite field gets an alias of its own, since two
  // arms may have fields of one name with different types.
  const select = (type: GraphQLObjectType, depth: number, arm = false): string => {
    const parts = ['__typename'];
    const alias = (name: string) => (arm ? `${type.name}_${name}: ${name}` : name);
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (field.args.some((a) => isNonNullType(a.type))) continue;
      const first = field.args.some((a) => a.name === 'first') ? '(first: 2)' : '';
      if (!isCompositeType(named)) {
        if (field.name === 'id') parts.push('id');
        continue;
      }
      if (depth === 0) continue;
      if (isAbstractType(named)) {
        const arms = schema.getPossibleTypes(named).map((t) => `... on ${t.name} { ${select(t, depth - 1, true)} }`);
        parts.push(`${alias(field.name)}${first} { __typename ${arms.join(' ')} }`);
      } else if (isObjectType(named) && !isInterfaceType(named)) {
        parts.push(`${alias(field.name)}${first} { ${select(named, named.name.endsWith('Connection') || named.name.endsWith('Edge') ? depth : depth - 1)} }`);
      }
    }
    return parts.join(' ');
  };
  const roots = Object.values(query.getFields()).filter((f) => {
    const named = getNamedType(f.type);
    return isObjectType(named) && named.name.endsWith('Connection') && !f.args.some((a) => isNonNullType(a.type));
  });
  return `{ ${roots.map((f) => `${f.name}(first: 2) { ${select(getNamedType(f.type) as GraphQLObjectType, 3)} }`).join(' ')} }`;
}

/** Every __typename in an answer. */
function typenames(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) typenames(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '__typename' && typeof v === 'string') into.add(v);
      else typenames(v, into);
    }
  }
  return into;
}

describe('authorization on every edge', () => {
  it('a REQUESTER key reads no SCIM user through users { scimUser }: null with FORBIDDEN at the path; READ_ONLY sees them', async () => {
    const query = '{ users(first: 100) { nodes { login scimUser { userName emails { value } } } } }';
    const requester = await post(Authority.REQUESTER, query);
    const nodes = (requester.data!.users as { nodes: Array<{ login: string; scimUser: unknown }> }).nodes;
    expect(nodes.length).toBeGreaterThan(10);
    expect(nodes.every((n) => n.scimUser === null)).toBe(true);
    expect(requester.errors!.length).toBe(nodes.length);
    expect(requester.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN', action: 'scim:read' }, path: ['users', 'nodes', 0, 'scimUser'] });
    const reader = await post(Authority.READ_ONLY, query);
    expect(reader.errors).toBeUndefined();
    const seen = (reader.data!.users as { nodes: Array<{ scimUser: { userName: string } | null }> }).nodes.filter((n) => n.scimUser);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('for every authority, no object of a type it may not read at the root is reachable through the graph', async () => {
    const query = walkQuery();
    const readable = (authority: Authority, typeName: string) => {
      const spec = graphRegistry.nodeType(typeName);
      return !spec || mayRead(authority, spec.read);
    };
    const admin = await post(Authority.ORG_ADMIN, query);
    expect(admin.errors).toBeUndefined();
    const seenByAdmin = typenames(admin.data);
    // The walk reaches the node types of every domain.
    for (const t of ['User', 'Role', 'ScimUser', 'IdentityProfile', 'EnrollmentAutomation', 'Request', 'Task', 'ReconciliationBatch', 'ReviewItem', 'Certification'])
      expect(seenByAdmin, t).toContain(t);
    for (const authority of Object.values(Authority)) {
      const answer = await post(authority, query);
      const leaked = [...typenames(answer.data)].filter((t) => !readable(authority, t));
      expect(leaked, `${authority} reads`).toEqual([]);
      const codes = new Set((answer.errors ?? []).map((e) => e.extensions?.code));
      expect(
        [...codes].filter((c) => c !== 'FORBIDDEN'),
        `${authority} errors`,
      ).toEqual([]);
    }
    // One walk per authority (ten of them): about 15 s alone, twice that on a loaded machine.
  }, 90_000);
});

describe('node(id)', () => {
  it('answers every type that implements Node, for a key that may read it, with one statement per type', async () => {
    const node = schema.getType('Node');
    expect(isInterfaceType(node)).toBe(true);
    const types = schema
      .getPossibleTypes(node as never)
      .map((t) => t.name)
      .sort();
    const knex = knexOf(app.orm.em.fork());
    const ids: Record<string, string> = {};
    for (const name of types) {
      const entity = graphRegistry.nodeType(name)!.entity!;
      const row = await knex.select('id').from(tableOf(app.orm.em, entity)).where('workspace_id', workspaceId).first();
      expect(row, `an object of ${name}`).toBeDefined();
      ids[name] = row.id;
    }
    const query = `{ ${types.map((t) => `${t}: node(id: "${ids[t]}") { __typename id }`).join(' ')} }`;
    await post(Authority.ORG_ADMIN, '{ users(first: 1) { totalCount } }');
    app.statements.reset();
    const answer = await post(Authority.ORG_ADMIN, query);
    expect(answer.errors).toBeUndefined();
    for (const t of types) expect(answer.data![t], t).toEqual({ __typename: t, id: ids[t] });
    // One statement finds the types of all ids, then one per type.
    expect(app.statements.value()).toBe(1 + types.length);
    app.statements.reset();
    await post(Authority.READ_ONLY, `{ node(id: "${ids.Request}") { id } }`);
    await post(Authority.ORG_ADMIN, `{ node(id: "${ids.User}") { id } }`);
    expect(app.statements.value()).toBeLessThanOrEqual(2 * 2 + 1);

    // A key sees only the node types it may read.
    const requester = await post(
      Authority.REQUESTER,
      `{ s: node(id: "${ids.ScimUser}") { id } r: node(id: "${ids.ReconciliationBatch}") { id } u: node(id: "${ids.User}") { id } }`,
    );
    expect(requester.data).toEqual({ s: null, r: null, u: { id: ids.User } });
  });

  it('ids of another workspace answer null or NOT_FOUND at every root that takes an id', async () => {
    await app.workspace('elsewhere', null);
    const other = await app.client('elsewhere');
    const knex = knexOf(app.orm.em.fork());
    const idOf = async (typeName: string) => {
      const row = await knex
        .select('id')
        .from(tableOf(app.orm.em, graphRegistry.nodeType(typeName)!.entity!))
        .where('workspace_id', workspaceId)
        .first();
      return row.id as string;
    };
    let asked = 0;
    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      const required = field.args.filter((a) => isNonNullType(a.type));
      if (required.length !== 1 || getNamedType(required[0].type).name !== 'ID') continue;
      const named = getNamedType(field.type) as GraphQLObjectType;
      // The node type the id names: the answer's type, a connection's node type, or what the argument is named for.
      const nodeTypeName = graphRegistry.nodeType(named.name)
        ? named.name
        : required[0].name === 'batchId'
          ? 'ReconciliationBatch'
          : required[0].name === 'campaignId'
            ? 'CertificationCampaign'
            : required[0].name === 'userIdentityId'
              ? 'User'
              : field.name === 'previewCertification'
                ? 'Certification'
                : field.name === 'node'
                  ? 'User'
                  : null;
      expect(nodeTypeName, `the node type behind Query.${field.name}`).not.toBeNull();
      const id = await idOf(nodeTypeName!);
      const selection = isObjectType(named) && named.getFields().totalCount ? '{ totalCount }' : '{ __typename }';
      const res = await other
        .rawRequest<Record<string, unknown>>(`query ($id: ID!) { ${field.name}(${required[0].name}: $id) ${selection} }`, { id })
        .catch((e: { response: Answer }) => e.response as never);
      const answer = res as unknown as Answer;
      const value = answer.data?.[field.name];
      const refused = (answer.errors ?? []).every((e) => e.extensions?.code === 'NOT_FOUND') && (answer.errors ?? []).length > 0;
      expect(value === null || refused || (value as { totalCount?: number })?.totalCount === 0, `Query.${field.name}: ${JSON.stringify(answer)}`).toBe(true);
      asked++;
    }
    expect(asked).toBeGreaterThanOrEqual(14);
    const data = await other.request<Record<string, unknown>>(
      '{ users { totalCount } roles { totalCount } requests { totalCount } scimUsers { totalCount } identityProfiles { totalCount } }',
    );
    expect(data).toEqual({ users: { totalCount: 0 }, roles: { totalCount: 0 }, requests: { totalCount: 0 }, scimUsers: { totalCount: 0 }, identityProfiles: { totalCount: 0 } });
  });
});

describe('limits of the planner and of lists', () => {
  it('deep chains answer on SQLite as on PostgreSQL: the planner leaves what the database cannot parse to the loaders', async () => {
    const managers = `{ users(first: 20, orderBy: LOGIN) { nodes { login ${'manager { login '.repeat(12)}${'}'.repeat(12)} } } }`;
    const systems = `{ targetSystems(first: 5) { nodes { displayName ${'entitlements { displayName targetSystem { displayName '.repeat(4)}${'} }'.repeat(4)} } } }`;
    // Twelve managers deep is within the default limits; four levels of applications and their
    // entitlements (up to 1,000 each) are not, and are asked with the limits raised.
    for (const [query, limits] of [
      [managers, defaults],
      [systems, generous],
    ] as const) {
      Object.assign(app.config.queryLimits, limits);
      app.config.sqlPlanner = false;
      const viaLoaders = await post(Authority.READ_ONLY, query);
      app.config.sqlPlanner = true;
      const viaPlanner = await post(Authority.READ_ONLY, query);
      expect(viaPlanner.errors, query).toBeUndefined();
      expect(viaPlanner).toEqual(viaLoaders);
    }
    Object.assign(app.config.queryLimits, generous);
  });

  it('a list longer than its declared maximum is an error at its path, through the planner and through the loaders', async () => {
    // Role.entitlements answers at most 200: a role of 201 entitlements is refused, not cut.
    await app.workspace(
      'wide',
      generateDataSet({ users: 2, roles: 1, systems: 6, entitlementsPerSystem: 40, rolesPerUser: 1, entitlementsPerRole: 201, accountsPerUser: 1, seed: 11 }),
    );
    const wide = await app.client('wide', [Authority.READ_ONLY]);
    const query = '{ roles(first: 5) { nodes { displayName entitlements { displayName } } } }';
    for (const planner of [true, false]) {
      app.config.sqlPlanner = planner;
      const res = await wide.rawRequest<{ roles: { nodes: unknown[] } }>(query).catch((e: { response: Answer }) => e.response);
      app.config.sqlPlanner = true;
      expect((res as Answer).errors?.[0], `planner ${planner}`).toMatchObject({
        extensions: { code: 'LIST_LIMIT_EXCEEDED', max: 200 },
        path: ['roles', 'nodes', 0, 'entitlements'],
      });
    }
    const ok = await wide.request<{ roles: { nodes: Array<{ entitlements: unknown[] }> } }>('{ roles(first: 5) { nodes { displayName } } }');
    expect(ok.roles.nodes).toHaveLength(1);
  });
});
