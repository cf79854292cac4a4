import 'reflect-metadata';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import type { MikroORM } from '@mikro-orm/core';
import type { Config } from './config.js';
import { openOrm, countStatements } from './db/orm.js';
import { ApiKeyAuthenticator } from './auth/api-key.service.js';
import type { Viewer } from './auth/viewer.js';
import { Context } from './context.js';
import { DomainError, formatError, isExpected } from './errors.js';
import { gatewaySchema } from './schema.js';
import { jitGateway } from './http/jit-executor.js';
import { schemaFieldCosts } from './graph/cost.js';
import { oversizedDocument, queryLimitsPlugin, withLimitErrors } from './graph/limits.js';
import { graphRegistry } from './graph/registry.js';
import { readBody } from './http/body.js';
import { MultipartError, parseMultipartRequest } from './http/multipart.js';
import { KnownOperationTypesRule } from './http/operation-types.js';
import { logger, type Logger } from './logger.js';
import { isScimPath, scimHandler } from './scim/scim.http.js';

export interface App {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** The server's origin, e.g. http://127.0.0.1:4000. */
  origin: string;
  orm: MikroORM;
  /** SQL statements sent so far (tests and the benchmark read it). */
  statements: { value: () => number; reset: () => void };
  authenticator: ApiKeyAuthenticator;
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
}

/** Largest JSON body, and the allowance for the non-file fields of a multipart body. */
const MAX_JSON_BODY = 1024 * 1024;

class BodyNotJson extends Error {}

const EXAMPLE_QUERY = `# Welcome to Identity Graph. The Authorization header is pre-filled with a demo key.
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
  const orm = await openOrm(config);
  await orm.getMigrator().up();
  const prepared = (await options.prepare?.(orm)) ?? {};

  const statements = countStatements(orm);
  const authenticator = new ApiKeyAuthenticator(() => orm.em.fork());
  const schema = await gatewaySchema();
  const landing =
    config.env === 'production'
      ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
      : ApolloServerPluginLandingPageLocalDefault({ footer: false, headers: prepared.sandboxHeaders, document: EXAMPLE_QUERY });

  // Operations over a limit are refused after validation, before graphql-jit compiles them.
  const limits = queryLimitsPlugin<Context>({
    schema,
    limits: config.queryLimits,
    fieldCosts: schemaFieldCosts(schema, graphRegistry.costTable()),
    pageSizes: config,
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
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGINT/SIGTERM and stops Apollo through app.stop(). Apollo's own handlers
    // would stop it a second time concurrently, and that second stop() never settles: the
    // process then hangs on Ctrl-C / SIGTERM instead of exiting.
    stopOnTerminationSignals: false,
    formatError: withLimitErrors(formatError),
  });
  await apollo.start();
  /** The per-request composition root, for GraphQL and for SCIM alike: a fresh EntityManager fork each. */
  const contextFor = (requestId: string, viewer: Viewer) => new Context(requestId, viewer, orm.em.fork(), config);
  const scim = scimHandler({ config, authenticator, log, servicesFor: contextFor });

  const server = http.createServer((req, res) => {
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
    if (isScimPath(url.pathname)) {
      await scim(req, res, url);
      return;
    }
    if (url.pathname !== '/graphql') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    await graphql(req, res, url, requestId);
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

  await new Promise<void>((resolve) => server.listen(options.port ?? config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${config.host}:${port}`;

  return {
    url: `${origin}/graphql`,
    origin,
    orm,
    statements,
    authenticator,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
      await orm.close(true);
    },
  };
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
