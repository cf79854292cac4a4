import 'reflect-metadata';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import type { MikroORM } from '@mikro-orm/core';
import type { Config } from './config.js';
import { openOrm, countStatements } from './db/orm.js';
import { ApiKeyAuthenticator } from './auth/api-key.service.js';
import { Context } from './context.js';
import { DomainError, formatError } from './errors.js';
import { gatewaySchema } from './schema.js';
import { readBody } from './http/body.js';
import { logger, type Logger } from './logger.js';

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
  prepare?: (orm: MikroORM) => Promise<{ sandboxHeaders?: Record<string, string> } | void>;
}

/** The id of the request being served, for errors formatted outside its call chain. */
const currentRequest = new AsyncLocalStorage<string>();

const EXAMPLE_QUERY = `# Welcome to Identity Graph. The Authorization header is pre-filled with a demo key.
query AccessGraph {
  searchCatalog(keyword: "Aaron", first: 5) {
    totalCount
    nodes {
      __typename
      ... on User {
        displayName login department
        manager { displayName }
        roles { displayName entitlements { displayName targetSystem { displayName } } }
        accounts { login status targetSystem { displayName } entitlements { entitlement { displayName } provisionMechanism } }
      }
    }
  }
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
  const landing = config.env === 'production'
    ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
    : ApolloServerPluginLandingPageLocalDefault({ footer: false, headers: prepared.sandboxHeaders, document: EXAMPLE_QUERY });

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.env !== 'production',
    plugins: [landing],
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGINT/SIGTERM and stops Apollo through app.stop(). Apollo's own handlers
    // would stop it a second time concurrently, and that second stop() never settles: the
    // process then hangs on Ctrl-C / SIGTERM instead of exiting.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => formatError(formatted, error, log, currentRequest.getStore()),
  });
  await apollo.start();

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
    if (url.pathname !== '/graphql') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    await currentRequest.run(requestId, () => graphql(req, res, url, requestId));
  }

  async function graphql(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string) {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const raw = await readBody(req, 1024 * 1024);
      const type = headers.get('content-type') ?? '';
      if (type.includes('json') && raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] }));
          return;
        }
      } else {
        body = raw.toString('utf8');
      }
    }
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
        return new Context(requestId, viewer, orm.em.fork(), config);
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
