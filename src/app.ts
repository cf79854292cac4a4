import 'reflect-metadata';
import http from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
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
import { corsPolicy } from './http/cors.js';
import { MultipartError, parseMultipartRequest } from './http/multipart.js';
import { KnownOperationTypesRule } from './http/operation-types.js';
import { logger, type Logger } from './logger.js';
import { isScimPath, scimHandler, sendScimError } from './scim/scim.http.js';
import { RateLimitedError, RequestBudgets } from './http/rate-limits.js';
import { secretBox } from './common/secrets.js';
import { resealConnectorTokens } from './reconciliation/connector-secrets.js';
import { isLoopbackHost } from './http/loopback.js';
import { systemClock, type Clock } from './common/clock.js';
import { JobRunner } from './jobs/job-runner.js';
import { registerJobTypes } from './jobs/job-types.js';

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
  const log = options.log ?? logger;
  // A production server never runs on the public development key (or none).
  assertSecretsUsable(config);
  const orm = await migratedOrm(config);
  // Connector tokens stored in plain text by earlier versions are sealed before anything reads them.
  const { sealed } = await resealConnectorTokens(orm.em.fork(), secretBox(config.secrets), { plainOnly: true });
  if (sealed > 0) log.info('sealed connector tokens stored in plain text', { count: sealed });
  const prepared = (await options.prepare?.(orm)) ?? {};
  const clock = options.clock ?? systemClock;
  const jobs = new JobRunner(orm, config, clock, log, config.jobs);
  registerJobTypes(jobs);

  const statements = countStatements(orm);
  const budgets = await RequestBudgets.create(config.rateLimits, log);
  /** The abort signal of the request being served (aborted when it was answered 504). */
  const requestSignal = new AsyncLocalStorage<AbortSignal>();
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

  // Operations over a limit are refused after validation, before graphql-jit compiles them.
  const limits = queryLimitsPlugin<Context>({
    schema,
    limits: config.queryLimits,
    fieldCosts: schemaFieldCosts(schema, graphRegistry.costTable()),
    pageSizes: config,
    // The rate limit spends the operation's cost (plus a fixed cost per mutation) before it runs.
    admit: async (ctx, { cost, rootFields, operation }) => {
      const points = operation === 'mutation' ? cost + config.rateLimits.mutationCost * rootFields : cost;
      await budgets.spend(ctx.viewer.apiKeyId, points).catch(asGraphQLError);
    },
  });

  const apollo = new ApolloServer<Context>({
    gateway: jitGateway(schema),
    introspection: config.env !== 'production',
    // With introspection off, "Did you mean …" in validation errors would still reveal the schema.
    hideSchemaDetailsFromClientErrors: config.env === 'production',
    validationRules: [KnownOperationTypesRule],
    // Cache control would wrap every field resolver; the gateway sets no cache hints.
    plugins: [landing, limits, errorCorrelation(log), ApolloServerPluginCacheControlDisabled()],
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
    formatError: withLimitErrors(formatError),
  });
  await apollo.start();
  /** The per-request composition root, for GraphQL and for SCIM alike: a fresh EntityManager fork each. */
  const contextFor = (requestId: string, viewer: Viewer) => new Context(requestId, viewer, orm.em.fork(), config, requestSignal.getStore(), clock, jobs);
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
    if (url.pathname === '/' && req.method === 'GET') {
      res.writeHead(302, { location: '/graphql' }).end();
      return;
    }
    const surface = isScimPath(url.pathname) ? 'scim' : url.pathname === '/graphql' ? 'graphql' : undefined;
    if (!surface) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    if (await cors(surface, req, res)) return;
    await guarded(req, res, surface, async () => {
      if (surface === 'scim') return scim(req, res, url);
      const requestId = randomUUID();
      res.setHeader('x-request-id', requestId);
      await graphql(req, res, url, requestId);
    });
  }

  /**
   * What every GraphQL and SCIM request goes through: an address that failed authentication
   * too often is refused (429) before its key is looked at, a 401 counts as a failure, and a
   * request still running after REQUEST_TIMEOUT_MS is answered 504 (its signal aborts, so a
   * mutation that has not committed yet rolls back; see README: Rate limits and timeouts).
   */
  async function guarded(req: http.IncomingMessage, res: http.ServerResponse, surface: 'graphql' | 'scim', serve: () => Promise<void>) {
    const address = req.socket.remoteAddress ?? 'unknown';
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
    try {
      await requestSignal.run(controller.signal, serve);
    } finally {
      clearTimeout(timer);
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
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (surface === 'scim') sendScimError(res, status, message);
    else sendErrors(res, status, message, extensions);
  }

  async function graphql(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string) {
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
    if (requestSignal.getStore()?.aborted) return; // answered 504 while the body was read
    const oversized = oversizedDocument(body, url.searchParams, config.queryLimits.bytes);
    if (oversized) return sendErrors(res, 400, oversized.message, oversized.extensions);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => {
        // Authentication happens here, after Apollo has served the landing page and
        // validated the HTTP request; a failure becomes a GraphQL error with a 401.
        let viewer;
        try {
          viewer = await authenticator.authenticate(headers.get('authorization'));
        } catch (error) {
          if (error instanceof DomainError) {
            throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } });
          }
          throw error;
        }
        return contextFor(requestId, viewer);
      },
    });
    if (requestSignal.getStore()?.aborted) return; // answered 504 already; the result is dropped
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
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
    await orm.close(true);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const origin = `http://${config.host}:${port}`;
  await jobs.start();

  return {
    url: `${origin}/graphql`,
    origin,
    orm,
    clock,
    jobs,
    statements,
    authenticator,
    stop: async () => {
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
      await jobs.stop(config.shutdownDrainMs);
      await apollo.stop();
      await budgets.close();
      await orm.close(true);
    },
  };
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

/**
 * Unexpected errors are logged with the request id, and the masked error the client gets
 * carries the same id, so a report can be matched to the log line.
 */
function errorCorrelation(log: Logger): ApolloServerPlugin<Context> {
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
