import 'reflect-metadata';
import http from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import type { MikroORM } from '@mikro-orm/core';
import { assertSecretsUsable, type Config } from './config.js';
import { openOrm, countStatements } from './db/orm.js';
import { ApiKeyAuthenticator } from './auth/api-key.service.js';
import { OidcAuthenticator } from './auth/oidc.service.js';
import { Authenticator } from './auth/authenticator.js';
import type { Viewer } from './auth/viewer.js';
import { Context } from './context.js';
import { DomainError, formatError, isExpected } from './errors.js';
import { gatewaySchema } from './schema.js';
import { jitGateway } from './http/jit-executor.js';
import { schemaFieldCosts } from './graph/cost.js';
import { oversizedDocument, queryLimitsPlugin, withLimitErrors } from './graph/limits.js';
import { graphRegistry } from './graph/registry.js';
import { readBody } from './http/body.js';
import { RawAnswers } from './http/raw-answers.js';
import { corsPolicy } from './http/cors.js';
import { MultipartError, parseMultipartRequest } from './http/multipart.js';
import { KnownOperationTypesRule } from './http/operation-types.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './observability/metrics.js';
import { Readiness } from './observability/readiness.js';
import { finishRecord, requestIdOf, scimOperation, startRecord, type RequestRecord } from './observability/access.js';
import { isScimPath, scimHandler, sendScimError } from './scim/scim.http.js';
import { RateLimitedError, RequestBudgets } from './http/rate-limits.js';
import { secretBox } from './common/secrets.js';
import { resealConnectorTokens } from './reconciliation/connector-secrets.js';
import { isLoopbackHost } from './http/loopback.js';
import { clientAddressOf } from './http/client-address.js';
import { databaseUnavailable, isDatabaseUnavailable, RequestGate, ServiceUnavailableError } from './http/availability.js';
import { buildSubgraphs } from './federation/subgraphs.js';
import { federationRuntime, formatGatewayError, type GatewayContext } from './federation/gateway.js';
import { subgraphPath } from './federation/supergraph.js';
import { openEventBus, type EventBus } from './live/event-bus.js';
import { ChangeFeed } from './live/change-feed.js';
import { serveSubscriptions } from './live/subscriptions.js';
import { TrustedDocuments } from './live/trusted-documents.js';
import { SubscriptionsOverWebSocketRule } from './http/operation-types.js';
import { systemClock, type Clock } from './common/clock.js';
import { JobRunner } from './jobs/job-runner.js';
import { registerJobTypes } from './jobs/job-types.js';
import { observeJobs } from './jobs/job-metrics.js';

export interface App {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** The server's origin, e.g. http://127.0.0.1:4000. */
  origin: string;
  orm: MikroORM;
  /** Where the gateway's time comes from (a TestClock in tests). */
  clock: Clock;
  /** The job runner: tests advance the clock and call `jobs.runDue()`. */
  jobs: JobRunner;
  /** SQL statements sent so far (tests and the benchmark read it). */
  statements: { value: () => number; reset: () => void };
  /** API keys and OpenID Connect tokens, for GraphQL and SCIM. */
  authenticator: Authenticator;
  /** The Prometheus registry; other parts add their series here (README: Metrics). */
  metrics: Metrics;
  /** What /ready checks; other parts register their own checks here (README: Health and readiness). */
  readiness: Readiness;
  /** Where /metrics is served on METRICS_PORT (unset without one). */
  metricsUrl?: string;
  /** Where committed changes are published for subscriptions (in memory, or Redis pub/sub). */
  events: EventBus;
  /** Open WebSocket connections, and the subscriptions listening on them. */
  subscriptions: { active: () => number; operations: () => number };
  stop: () => Promise<void>;
}

export interface AppOptions {
  /** Listen on this port (0: any free port). */
  port?: number;
  log?: Logger;
  /**
   * Runs after migrations, before the server listens (the entry point seeds demo data here);
   * may return the headers Sandbox starts with, such as the development demo key.
   */
  prepare?: (orm: MikroORM) => Promise<{ sandboxHeaders?: Record<string, string> } | undefined>;
  /** Where time comes from (default: the system clock). */
  clock?: Clock;
}

/** Largest JSON body, and the allowance for the non-file fields of a multipart body. */
const MAX_JSON_BODY = 1024 * 1024;

class BodyNotJson extends Error {}

const EXAMPLE_QUERY = `# Welcome to Identity Graph. The Authorization header is pre-filled with the personal demo key
# of Zachary Graham (zachary, ORG_ADMIN): mutations act as him (tasks, carts, decisions).
# One person's whole access graph, across governance, SCIM, identity profiles and enrollment:
query AccessGraph {
  user(login: "jerome") {
    displayName department manager { displayName }
    roles { displayName entitlements { displayName targetSystem { displayName } } }
    accounts { login status targetSystem { displayName } entitlements { status provisionMechanism entitlement { displayName } } }
    scimUser { userName active roles { displayName } }
    identityProfile { name authoritativeSource { name } }
    enrollmentAutomations { enrollmentAutomationId isRunning credentialManager { displayName } }
  }
  searchCatalog(keyword: "Aaron") { totalCount nodes { __typename ... on User { login displayName } } }
}
`;

/** Boots the gateway: database (migrated), schema, Apollo, HTTP. Tests call it too. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger({ level: config.logLevel });
  // A production server never runs on the public development key (or none).
  assertSecretsUsable(config);
  const orm = await migratedOrm(config);
  // Connector tokens stored in plain text by earlier versions are sealed before anything reads them.
  const { sealed } = await resealConnectorTokens(orm.em.fork(), secretBox(config.secrets), { plainOnly: true });
  if (sealed > 0) log.info('sealed connector tokens stored in plain text', { count: sealed });
  const prepared = (await options.prepare?.(orm)) ?? {};
  // Loaded before anything listens: a missing or altered manifest stops the start in one line.
  const trusted = config.trustedDocuments.enabled ? TrustedDocuments.load(config.trustedDocuments.manifest) : undefined;
  const events = await openEventBus(config.live.redisUrl, config.live.channel, log);
  ChangeFeed.attach(orm, events);
  const clock = options.clock ?? systemClock;
  const jobs = new JobRunner(orm, config, clock, log, config.jobs);
  registerJobTypes(jobs);

  /**
   * The GraphQL or SCIM request being served: its abort signal (aborted when it was answered
   * 504), and what its access line and metrics learn as it runs. One store for both: each
   * AsyncLocalStorage in use adds to every promise the request creates.
   */
  const served = new AsyncLocalStorage<RequestRecord>();
  const currentSignal = () => served.getStore()?.signal;
  const statements = countStatements(orm, () => {
    const record = served.getStore();
    if (record) record.statements++;
  });
  const metrics = new Metrics(config.metrics.enabled);
  const readiness = new Readiness();
  readiness.register('database', () =>
    orm.em
      .getConnection()
      .execute('select 1')
      .then(() => undefined),
  );
  readiness.register('migrations', async () => {
    const pending = await orm.getMigrator().getPendingMigrations();
    if (pending.length > 0) throw new Error(`${pending.length} migration(s) not applied`);
  });
  observePool(orm, metrics);
  observeJobs(jobs, metrics, log);
  // Not ready until the runner has started (it starts once the server listens), nor once it stops.
  readiness.register('jobs', () => jobs.assertRunning());
  const budgets = await RequestBudgets.create(config.rateLimits, log);
  budgets.onRefusal = (budget) => metrics.refused(budget);
  const gate = new RequestGate(config.maxConcurrentRequests, config.maxQueuedRequests);
  const clientAddress = clientAddressOf(config.trustProxy);
  const authenticator = new Authenticator(new ApiKeyAuthenticator(() => orm.em.fork()), new OidcAuthenticator(() => orm.em.fork(), config.oidc, log));
  const schema = await gatewaySchema();
  const landing =
    config.env === 'production'
      ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
      : ApolloServerPluginLandingPageLocalDefault({
          footer: false,
          // A key is embedded in the page only where nobody else can load it.
          headers: isLoopbackHost(config.host) ? prepared.sandboxHeaders : undefined,
          document: EXAMPLE_QUERY,
        });

  const fieldCosts = schemaFieldCosts(schema, graphRegistry.costTable());
  // Operations over a limit are refused after validation, before graphql-jit compiles them.
  const limits = queryLimitsPlugin<Context>({
    schema,
    limits: config.queryLimits,
    fieldCosts,
    pageSizes: config,
    // The rate limit spends the operation's cost (plus a fixed cost per mutation) before it runs.
    admit: async (ctx, { cost, rootFields, operation }) => {
      const record = served.getStore();
      if (record) record.cost = cost;
      const points = operation === 'mutation' ? cost + config.rateLimits.mutationCost * rootFields : cost;
      await budgets.spend(ctx.viewer.apiKeyId, points).catch(asGraphQLError);
    },
  });

  const apolloOptions = {
    introspection: config.env !== 'production',
    // With introspection off, "Did you mean …" in validation errors would still reveal the schema.
    hideSchemaDetailsFromClientErrors: config.env === 'production',
    validationRules: [KnownOperationTypesRule, SubscriptionsOverWebSocketRule],
    // Trusted documents replace APQ: only the manifest's hashes are accepted, never registered on the fly.
    ...(trusted ? { persistedQueries: false as const } : {}),
    parseOptions: { maxTokens: config.queryLimits.tokens },
    // A JSON array body is refused (400): each operation of a batch would have its own budget.
    allowBatchedHttpRequests: false,
    // Refuses the requests a browser sends cross-origin without a preflight (README: CORS).
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGINT/SIGTERM and stops Apollo through app.stop(). Apollo's own handlers
    // would stop it a second time concurrently, and that second stop() never settles: the
    // process then hangs on Ctrl-C / SIGTERM instead of exiting.
    stopOnTerminationSignals: false,
  };
  // Default mode: the one schema, compiled by graphql-jit, no query-planning hop.
  // Federated mode (GRAPH_MODE=federated): Apollo Gateway at /graphql over the domain subgraphs.
  const federated = config.graphMode === 'federated' ? federatedServers() : undefined;
  const apollo: ApolloServer<Context> | ApolloServer<GatewayContext> = federated
    ? federated.gateway
    : new ApolloServer<Context>({
        ...apolloOptions,
        gateway: jitGateway(schema),
        // Cache control would wrap every field resolver; the gateway sets no cache hints.
        plugins: [landing, limits, errorCorrelation(log), observeOperations(served), unavailableAs503(), ApolloServerPluginCacheControlDisabled()],
        formatError: withLimitErrors(withUnavailable(formatError)),
      });
  await apollo.start();
  for (const subgraph of federated?.subgraphs.values() ?? []) await subgraph.start();

  /**
   * Each subgraph checks the caller's key itself (401 without a valid one) and spends the cost
   * of its part of an operation; the runtime checks the limits of the whole operation first.
   */
  function federatedServers() {
    const subgraphs = buildSubgraphs(schema);
    const runtime = federationRuntime(subgraphs);
    const gateway = new ApolloServer<GatewayContext>({
      ...apolloOptions,
      gateway: runtime.gateway,
      plugins: [
        landing,
        queryLimitsPlugin<GatewayContext>({ schema, limits: config.queryLimits, fieldCosts, pageSizes: config }),
        errorCorrelation<GatewayContext>(log),
        observeOperations<GatewayContext>(served),
        unavailableAs503<GatewayContext>(),
        ApolloServerPluginCacheControlDisabled(),
      ],
      formatError: withLimitErrors(formatGatewayError),
    });
    const servers = new Map(
      subgraphs.map((subgraph) => [
        subgraphPath(subgraph.name),
        new ApolloServer<Context>({
          ...apolloOptions,
          schema: subgraph.schema,
          plugins: [
            queryLimitsPlugin<Context>({
              schema: subgraph.schema,
              limits: config.queryLimits,
              fieldCosts: schemaFieldCosts(subgraph.schema, graphRegistry.costTable()),
              pageSizes: config,
              admit: async (ctx, { cost, rootFields, operation }) => {
                const points = operation === 'mutation' ? cost + config.rateLimits.mutationCost * rootFields : cost;
                await budgets.spend(ctx.viewer.apiKeyId, points).catch(asGraphQLError);
              },
            }),
            errorCorrelation<Context>(log),
            observeOperations(served),
            unavailableAs503(),
            ApolloServerPluginCacheControlDisabled(),
            // Apollo Server traces a subgraph's resolvers for a runtime that asks; ours does not.
            ApolloServerPluginInlineTraceDisabled(),
          ],
          formatError: withLimitErrors(withUnavailable(formatError)),
        }),
      ]),
    );
    return { gateway, subgraphs: servers, serveFrom: runtime.serveFrom };
  }
  /** The per-request composition root, for GraphQL and for SCIM alike: a fresh EntityManager fork each. */
  const contextFor = (requestId: string, viewer: Viewer) => {
    const record = served.getStore();
    if (record) {
      record.workspaceId = viewer.workspaceId;
      record.keyName = viewer.apiKeyName;
    }
    return new Context(requestId, viewer, orm.em.fork(), config, currentSignal(), clock, jobs);
  };
  const scim = scimHandler({
    config,
    authenticator,
    log,
    servicesFor: contextFor,
    // A SCIM read costs a fixed amount (a page holds at most 100 resources), a write what a mutation costs.
    admit: (viewer, method) => budgets.spend(viewer.apiKeyId, ['GET', 'HEAD'].includes(method) ? config.rateLimits.scimReadCost : config.rateLimits.mutationCost),
  });
  const cors = corsPolicy(config.corsOrigins);

  /** Set once stop() begins: answers still go out, but every connection closes after its answer. */
  let stopping = false;
  const inFlight = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (stopping) res.shouldKeepAlive = false;
    handle(req, res).catch((error) => {
      log.error('request failed', { error: error instanceof Error ? error.stack : String(error) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
    });
  });
  server.keepAliveTimeout = 65_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url.pathname === '/ready') return ready(res);
    if (url.pathname === '/metrics' && config.metrics.enabled && config.metrics.onMainPort) return serveMetrics(req, res);
    if (url.pathname === '/' && req.method === 'GET') {
      res.writeHead(302, { location: '/graphql' }).end();
      return;
    }
    const subgraph = federated?.subgraphs.get(url.pathname);
    const surface = isScimPath(url.pathname) ? 'scim' : url.pathname === '/graphql' || subgraph ? 'graphql' : undefined;
    if (!surface) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    if (await cors(surface, req, res)) return;
    const record = startRecord(surface, requestIdOf(req));
    if (surface === 'scim') Object.assign(record, scimOperation(req.method, url.pathname));
    res.setHeader('x-request-id', record.requestId);
    res.once('close', () => finishRecord(record, res, log, metrics));
    await served.run(record, () =>
      guarded(req, res, surface, async () => {
        if (surface === 'scim') return scim(req, res, url, record.requestId);
        await graphql(req, res, url, record.requestId, subgraph);
      }),
    );
  }

  /** 200 when every readiness check passes, else 503 naming the failing ones. */
  async function ready(res: http.ServerResponse) {
    const report = await readiness.report();
    res.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ status: report.ready ? 'ready' : 'not ready', checks: report.checks, ...(report.ready ? {} : { failing: report.failing }) }));
  }

  /** The Prometheus exposition; with METRICS_TOKEN only for `Authorization: Bearer <token>`. */
  async function serveMetrics(req: http.IncomingMessage, res: http.ServerResponse) {
    if (config.metrics.token !== undefined && !bearerMatches(req.headers.authorization, config.metrics.token)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end('{"error":"/metrics needs the METRICS_TOKEN as a bearer token"}');
      return;
    }
    const text = await metrics.scrape();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).end(text);
  }

  /**
   * What every GraphQL and SCIM request goes through: an address that failed authentication
   * too often is refused (429) before its key is looked at, a 401 counts as a failure, a request
   * over the concurrency limit and its queue is refused (503), and a request still running after
   * REQUEST_TIMEOUT_MS (waiting for its turn included) is answered 504 (its signal aborts, so a
   * mutation that has not committed yet rolls back; see README: Rate limits and timeouts). The
   * address is the TCP peer's, or the client's a trusted proxy names (TRUST_PROXY).
   */
  async function guarded(req: http.IncomingMessage, res: http.ServerResponse, surface: 'graphql' | 'scim', serve: () => Promise<void>) {
    const address = clientAddress(req);
    try {
      await budgets.admitAddress(address);
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      req.resume();
      return refuse(res, surface, 429, error.message, { code: error.code, ...error.details }, { 'retry-after': String(error.retryAfterSeconds) });
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      if (res.headersSent) return; // already answering: let it finish
      const message = `The request did not finish within ${config.requestTimeoutMs} ms`;
      controller.abort(new DomainError('REQUEST_TIMEOUT', message));
      refuse(res, surface, 504, message, { code: 'REQUEST_TIMEOUT', limit: config.requestTimeoutMs });
    }, config.requestTimeoutMs);
    let release: () => void;
    try {
      release = await gate.enter(controller.signal);
    } catch (error) {
      clearTimeout(timer);
      if (controller.signal.aborted) return; // timed out while waiting: answered 504 already
      if (!(error instanceof ServiceUnavailableError)) throw error;
      req.resume();
      return refuse(res, surface, 503, error.message, { code: error.code, ...error.details }, { 'retry-after': String(error.retryAfterSeconds) });
    }
    try {
      const record = served.getStore();
      if (record) record.signal = controller.signal;
      await serve();
    } finally {
      clearTimeout(timer);
      release();
    }
    if (res.statusCode === 401) await budgets.authenticationFailed(address);
  }

  function refuse(
    res: http.ServerResponse,
    surface: 'graphql' | 'scim',
    status: number,
    message: string,
    extensions: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    const record = served.getStore();
    if (record && typeof extensions.code === 'string') record.outcome = extensions.code;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (surface === 'scim') sendScimError(res, status, message);
    else sendErrors(res, status, message, extensions);
  }

  async function graphql(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string, subgraph?: ApolloServer<Context>) {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (req.method === 'POST') {
      const type = headers.get('content-type') ?? '';
      try {
        body = /^multipart\/form-data/i.test(type) ? await multipartBody(req, headers, type) : await jsonBody(req, type);
      } catch (error) {
        req.resume(); // drop whatever of the body was not read, so the response reaches the client
        if (error instanceof MultipartError) return sendErrors(res, 400, error.message, { code: 'BAD_REQUEST' });
        if (error instanceof BodyNotJson) return sendErrors(res, 400, 'Request body is not valid JSON', { code: 'BAD_REQUEST' });
        if (error instanceof DomainError) return sendErrors(res, 413, error.message, { code: error.code, ...(error.field ? { field: error.field } : {}), ...error.details });
        throw error;
      }
    }
    if (currentSignal()?.aborted) return; // answered 504 while the body was read
    if (trusted) {
      const request = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
      const extensions = request ? request.extensions : parseJsonParam(url.searchParams.get('extensions'));
      let query: string;
      try {
        query = trusted.resolve({ query: request ? request.query : (url.searchParams.get('query') ?? undefined), extensions });
      } catch (error) {
        return sendErrors(res, 400, (error as GraphQLError).message, { code: 'PERSISTED_QUERY_NOT_IN_LIST' });
      }
      // Apollo runs the registered text; its own APQ is off, so the hash is taken out.
      if (request) {
        const { extensions: _all, ...rest } = request;
        const others = withoutPersistedQuery(request.extensions);
        body = others === undefined ? { ...rest, query } : { ...rest, query, extensions: others };
      } else {
        url.searchParams.set('query', query);
        url.searchParams.delete('extensions');
      }
    }
    const oversized = oversizedDocument(body, url.searchParams, config.queryLimits.bytes);
    if (oversized) return sendErrors(res, 400, oversized.message, oversized.extensions);
    // Authentication happens in the context function, after Apollo has served the landing page
    // and validated the HTTP request; a failure becomes a GraphQL error with a 401.
    const authenticated = async () => {
      try {
        return await authenticator.authenticate(headers.get('authorization'));
      } catch (error) {
        if (error instanceof DomainError) {
          throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } });
        }
        if (isDatabaseUnavailable(error)) {
          log.warn('database unreachable: answered 503', { requestId, error: error instanceof Error ? error.message : String(error) });
          const unavailable = databaseUnavailable();
          throw new GraphQLError(unavailable.message, { originalError: unavailable, extensions: { http: unavailableHttp(unavailable) } });
        }
        throw error;
      }
    };
    const raw = new RawAnswers();
    const httpGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body };
    const server = subgraph ?? (federated ? undefined : (apollo as ApolloServer<Context>));
    const result = server
      ? await server.executeHTTPGraphQLRequest({
          httpGraphQLRequest,
          context: async () => {
            const context = contextFor(requestId, await authenticated());
            context.rawAnswers = raw;
            return context;
          },
        })
      : await federated!.gateway.executeHTTPGraphQLRequest({
          httpGraphQLRequest,
          context: async () => ({ requestId, viewer: await authenticated(), authorization: headers.get('authorization') ?? '' }),
        });
    if (currentSignal()?.aborted) return; // answered 504 already; the result is dropped
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(raw.splice(result.body.string));
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  async function jsonBody(req: http.IncomingMessage, type: string): Promise<unknown> {
    const raw = await readBody(req, MAX_JSON_BODY);
    if (!type.includes('json') || raw.length === 0) return raw.toString('utf8');
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BodyNotJson();
    }
  }

  /**
   * A GraphQL multipart request (file uploads). Without a CSRF-preflight header the body is not
   * read at all: Apollo's CSRF prevention refuses such requests, since browsers send
   * multipart/form-data cross-site without a preflight.
   */
  async function multipartBody(req: http.IncomingMessage, headers: HeaderMap, type: string): Promise<unknown> {
    const preflighted = ['apollo-require-preflight', 'x-apollo-operation-name'].some((h) => (headers.get(h) ?? '').length > 0);
    if (!preflighted) {
      req.resume();
      return undefined;
    }
    // The body may exceed the file limit a little (other fields, part headers), so an oversized
    // file is still read and refused by the service, with an error naming its argument.
    const raw = await readBody(req, config.maxUploadBytes + MAX_JSON_BODY);
    return parseMultipartRequest(raw, type);
  }

  function sendErrors(res: http.ServerResponse, status: number, message: string, extensions: Record<string, unknown>) {
    const record = served.getStore();
    if (record && typeof extensions.code === 'string') record.outcome = extensions.code;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ message, extensions }] }));
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // A port in use (EADDRINUSE) and the like: release what was opened, the caller reports it.
    await apollo.stop();
    for (const subgraph of federated?.subgraphs.values() ?? []) await subgraph.stop();
    await orm.close(true);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const origin = `http://${config.host}:${port}`;
  const metricsServer = config.metrics.enabled && config.metrics.port !== undefined ? await listenForMetrics(config.metrics.port) : undefined;

  /** METRICS_PORT: /metrics alone on a port of its own, for a scraper the network lets in. */
  async function listenForMetrics(metricsPort: number): Promise<http.Server> {
    const metricsOnly = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      serveMetrics(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    try {
      await new Promise<void>((resolve, reject) => {
        metricsOnly.once('error', reject);
        metricsOnly.listen(metricsPort, config.host, () => resolve());
      });
    } catch (error) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
      await orm.close(true);
      throw error;
    }
    return metricsOnly;
  }
  // The runtime reaches the subgraphs in this process over HTTP, as it would in their own.
  federated?.serveFrom(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`);
  const subscriptions = serveSubscriptions({ server, schema, config, orm, bus: events, authenticator, budgets, fieldCosts, trusted, log, metrics });
  await jobs.start();

  return {
    url: `${origin}/graphql`,
    origin,
    orm,
    clock,
    jobs,
    statements,
    authenticator,
    metrics,
    readiness,
    ...(metricsServer ? { metricsUrl: `http://${config.host}:${(metricsServer.address() as AddressInfo).port}/metrics` } : {}),
    events,
    subscriptions,
    stop: async () => {
      // The runner stops first: /ready answers 503 from the start of the shutdown, and running
      // jobs reach their checkpoint while the requests in flight drain.
      const jobsStopped = jobs.stop(config.shutdownDrainMs);
      await subscriptions.close();
      // No new connections; idle keep-alive ones close now, busy ones after their answer.
      stopping = true;
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([closed.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), config.shutdownDrainMs)))]);
      clearTimeout(timer);
      if (!drained) {
        log.warn('requests still running after the drain time were cut off', { drainMs: config.shutdownDrainMs });
        server.closeAllConnections();
        await closed;
      }
      // Running jobs stop at their next checkpoint and are queued again as they were.
      await jobsStopped;
      if (metricsServer) {
        metricsServer.closeAllConnections();
        await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      }
      await apollo.stop();
      for (const subgraph of federated?.subgraphs.values() ?? []) await subgraph.stop();
      await budgets.close();
      await events.close();
      await orm.close(true);
    },
  };
}

function parseJsonParam(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withoutPersistedQuery(extensions: unknown): unknown {
  if (!extensions || typeof extensions !== 'object') return extensions;
  const { persistedQuery: _hash, ...rest } = extensions as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * The gateway's ORM, migrated. On PostgreSQL its connections cancel any statement that runs
 * longer than the request timeout; the migrations run before, on connections without it.
 */
async function migratedOrm(config: Config): Promise<MikroORM> {
  if (config.database === 'sqlite') {
    const orm = await openOrm(config);
    await orm.getMigrator().up();
    return orm;
  }
  const migrating = await openOrm(config);
  try {
    await migrating.getMigrator().up();
  } finally {
    await migrating.close(true);
  }
  return openOrm(config, { statementTimeoutMs: config.requestTimeoutMs });
}

/** A refusal of the rate limit as Apollo sends it: HTTP 429 with Retry-After, code RATE_LIMITED. */
function asGraphQLError(error: unknown): never {
  if (!(error instanceof RateLimitedError)) throw error;
  throw new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, ...error.details, http: { status: 429, headers: new HeaderMap([['retry-after', String(error.retryAfterSeconds)]]) } },
  });
}

const unavailableHttp = (error: ServiceUnavailableError) => ({ status: 503, headers: new HeaderMap([['retry-after', String(error.retryAfterSeconds)]]) });

/** An error of an unreachable database, wherever it surfaced, reaches the client as SERVICE_UNAVAILABLE. */
function withUnavailable(format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isExpected(error) || !isDatabaseUnavailable(error)) return format(formatted, error);
    const unavailable = databaseUnavailable();
    return { message: unavailable.message, locations: formatted.locations, path: formatted.path, extensions: { code: unavailable.code, ...unavailable.details } };
  };
}

/**
 * A GraphQL answer with no data because the database does not answer is HTTP 503 with
 * `Retry-After`, as when it fails at authentication (a partial answer stays 200, its errors coded).
 */
function unavailableAs503<TContext extends object = Context>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          const unavailable = errors?.find((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
          if (!unavailable || (data && Object.values(data).some((v) => v !== null))) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(unavailable.extensions?.retryAfter ?? 1));
        },
      };
    },
  };
}

/**
 * Unexpected errors are logged with the request id, and the masked error the client gets
 * carries the same id, so a report can be matched to the log line.
 */
function errorCorrelation<TContext extends { requestId: string }>(log: Logger): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            if (isExpected(error)) continue;
            const cause = error.originalError ?? error;
            log.error('unexpected error', { requestId: contextValue?.requestId, path: error.path?.join('.'), error: cause.stack ?? String(cause) });
          }
        },
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code !== 'INTERNAL_SERVER_ERROR') continue;
            (error as { message: string }).message = `Internal server error (request ${contextValue.requestId})`;
            (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          }
        },
      };
    },
  };
}

/** A bearer token compared in constant time (a token compared byte by byte leaks its prefix). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The operation's name, type and error codes, for the request's access line and metrics. */
function observeOperations<TContext extends object = Context>(served: AsyncLocalStorage<RequestRecord>): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, operation }) {
          const record = served.getStore();
          if (!record) return;
          record.operation = operationName ?? 'anonymous';
          record.operationType = operation?.operation ?? 'none';
        },
        async willSendResponse({ response }) {
          const record = served.getStore();
          if (!record || response.body.kind !== 'single') return;
          const codes = (response.body.singleResult.errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          record.errorCodes = codes;
          // A response with data and errors is partial: its outcome is its first error's code.
          record.outcome = codes[0] ?? 'OK';
        },
      };
    },
  };
}

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

/**
 * The connection pool knex keeps (tarn), read at each scrape. On PostgreSQL it is the pool of
 * up to 10 connections; on SQLite it holds the one connection to the file.
 */
function observePool(orm: MikroORM, metrics: Metrics): void {
  const knex = (orm.em.getConnection() as unknown as { getKnex(): { client: { pool?: TarnPool } } }).getKnex();
  metrics.gauge({
    name: 'db_pool_connections',
    help: 'Database connections of the pool by state: used, free, pending_acquire (requests waiting for one), pending_create',
    labelNames: ['state'],
    collect() {
      const pool = knex.client.pool;
      if (!pool) return;
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending_acquire' }, pool.numPendingAcquires());
      this.set({ state: 'pending_create' }, pool.numPendingCreates());
    },
  });
}
