import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { SubscribePayload } from 'graphql-ws';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { MikroORM } from '@mikro-orm/core';
import type { Config } from '../config.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Viewer } from '../auth/viewer.js';
import { Context } from '../context.js';
import { DomainError, formatError, isExpected } from '../errors.js';
import { analyzeOperation, type FieldCosts } from '../graph/cost.js';
import { exceededLimit, QueryLimitError } from '../graph/limits.js';
import { KnownOperationTypesRule } from '../http/operation-types.js';
import { RateLimitedError, type RequestBudgets } from '../http/rate-limits.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { requestIdOf } from '../observability/access.js';
import type { EventBus } from './event-bus.js';
import { mapStream } from './event-stream.js';
import { LiveService } from './live.service.js';
import type { TrustedDocuments } from './trusted-documents.js';

/** What a subscription's `subscribe` function gets as its context (resolvers/live). */
export interface LiveOperation {
  /** A context of the subscriber, for the checks made when the subscription starts. */
  context: Context;
  live: LiveService;
  /** Authenticates the connection's credential again (undefined, and the socket closed, when it no longer holds). */
  revalidate: () => Promise<Viewer | undefined>;
  /** What the subscription's access lines and metrics learn. */
  record: LiveRecord;
  /** The socket and connection it runs on, and its graphql-ws id there. */
  owner: { socket: WebSocket; connection: Connection; id: string };
}

/** One subscription as its access lines tell it (README: Logs). */
export interface LiveRecord {
  requestId: string;
  /** The connection's id: the upgrade request's `x-request-id` when it looks like one. */
  connection: string;
  workspace?: string;
  key?: string;
  /** The operation's name in the document, or `anonymous`. */
  operation: string;
  /** The root field subscribed to (`taskInbox`, …), or `none` before the document is read. */
  subscription: string;
  started: number;
  events: number;
}

/** The close code when the credential of an open connection stops authenticating (graphql-ws: Forbidden). */
export const CREDENTIAL_REVOKED = 4403;

export interface Connection {
  id: string;
  authorization: string;
  viewer: Viewer;
  /** Set when the gateway closed the socket because the credential stopped authenticating. */
  revoked?: boolean;
  /** Subscriptions by graphql-ws id, while they are open. */
  records: Map<string, LiveRecord>;
  /** Subscriptions ended by the socket closing: their end lines wait for the close code. */
  closing: LiveRecord[];
}

export interface SubscriptionServerOptions {
  server: http.Server;
  schema: GraphQLSchema;
  config: Config;
  orm: MikroORM;
  bus: EventBus;
  authenticator: Authenticator;
  budgets: RequestBudgets;
  fieldCosts: FieldCosts;
  trusted?: TrustedDocuments;
  log: Logger;
  metrics: Metrics;
}

/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol) on the HTTP server's `/graphql`.
 * The API key comes in `connection_init` (`{ "authorization": "Bearer igk_…" }`) and goes through
 * the same authenticator as HTTP. Every subscription document passes the same limits as a query
 * (size, tokens, depth, aliases, fields, cost) and spends its cost from the key's budget once.
 * Each event is executed with a context of its own, so its payload is read fresh through the
 * registry's edges with the subscriber's authorities. A connection whose key stops authenticating
 * (revoked, person deactivated) is closed: checked on every event and whenever the credential
 * revision moves (every SUBSCRIPTION_AUTH_CHECK_MS).
 */
export function serveSubscriptions(options: SubscriptionServerOptions): { active: () => number; operations: () => number; close: () => Promise<void> } {
  const { schema, config, orm, bus, authenticator, budgets, log, metrics } = options;
  const wss = new WebSocketServer({ server: options.server, path: '/graphql', maxPayload: config.queryLimits.bytes + 64 * 1024 });
  const connections = new Map<WebSocket, Connection>();
  let operations = 0;
  const contextFor = (viewer: Viewer, requestId: string = randomUUID()) => new Context(requestId, viewer, orm.em.fork(), config);

  // Label values are the subscription root fields (a handful, from the schema), never names clients choose.
  const activeBySubscription = new Map(Object.keys(schema.getSubscriptionType()?.getFields() ?? {}).map((field) => [field, 0]));
  metrics.gauge({
    name: 'subscriptions_active',
    help: 'GraphQL subscriptions listening for events in this process, by root field',
    labelNames: ['subscription'],
    collect() {
      for (const [subscription, n] of activeBySubscription) this.set({ subscription }, n);
    },
  });
  metrics.gauge({
    name: 'websocket_connections',
    help: 'Authenticated WebSocket connections open in this process',
    collect() {
      this.set(connections.size);
    },
  });
  const delivered = metrics.counter({ name: 'subscription_events_total', help: 'Subscription events sent to subscribers, by root field', labelNames: ['subscription'] });
  for (const subscription of activeBySubscription.keys()) delivered.inc({ subscription }, 0);

  const lineOf = (record: LiveRecord) => ({
    requestId: record.requestId,
    connection: record.connection,
    surface: 'websocket',
    workspace: record.workspace,
    key: record.key,
    operation: record.operation,
    operationType: 'subscription',
    subscription: record.subscription,
  });
  const duration = (record: LiveRecord) => Math.round((performance.now() - record.started) * 100) / 100;
  const ended = (record: LiveRecord, outcome: string, closeCode?: number) =>
    log.info('subscription end', { ...lineOf(record), outcome, ...(closeCode === undefined ? {} : { closeCode }), durationMs: duration(record), events: record.events });
  const refused = (record: LiveRecord, errors: readonly GraphQLError[]) =>
    log.info('subscription refused', { ...lineOf(record), outcome: codeOf(errors[0]), durationMs: duration(record) });

  /** Re-authenticates a connection's credential; closes the socket when it no longer holds. */
  const stillValid = async (socket: WebSocket, connection: Connection): Promise<Viewer | undefined> => {
    try {
      connection.viewer = await authenticator.authenticate(connection.authorization);
      return connection.viewer;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      connection.revoked = true;
      socket.close(CREDENTIAL_REVOKED, 'Forbidden: the credential no longer authenticates');
      return undefined;
    }
  };

  const server = useServer<Record<string, unknown>, { connection?: Connection }>(
    {
      schema,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        const address = ctx.extra.request.socket.remoteAddress ?? 'unknown';
        try {
          await budgets.admitAddress(address);
        } catch (error) {
          if (error instanceof RateLimitedError) return false;
          throw error;
        }
        const params = ctx.connectionParams ?? {};
        const raw = params.authorization ?? params.Authorization;
        const authorization = typeof raw === 'string' ? raw : '';
        try {
          const viewer = await authenticator.authenticate(authorization);
          const connection: Connection = { id: requestIdOf(ctx.extra.request), authorization, viewer, records: new Map(), closing: [] };
          ctx.extra.connection = connection;
          connections.set(ctx.extra.socket, connection);
          return true;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          await budgets.authenticationFailed(address);
          return false; // graphql-ws closes with 4403 Forbidden
        }
      },
      onClose: (ctx, code) => {
        connections.delete(ctx.extra.socket);
        const connection = ctx.extra.connection;
        if (!connection) return;
        // Subscriptions the closing socket ended: their outcome is known now, with the close code.
        for (const record of connection.closing.splice(0)) ended(record, connection.revoked ? 'CREDENTIAL_REVOKED' : 'CONNECTION_CLOSED', code);
      },
      onSubscribe: async (ctx, id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        const connection = ctx.extra.connection;
        const record: LiveRecord = {
          requestId: randomUUID(),
          connection: connection?.id ?? requestIdOf(ctx.extra.request),
          workspace: connection?.viewer.workspaceId,
          key: connection?.viewer.apiKeyName,
          operation: 'none',
          subscription: 'none',
          started: performance.now(),
          events: 0,
        };
        const admitted = await admit(ctx.extra.socket, connection, id, payload, record);
        if (Array.isArray(admitted)) {
          refused(record, admitted);
          return admitted;
        }
        connection?.records.set(id, record);
        return admitted;
      },
      subscribe: async (args) => {
        const operation = args.contextValue as LiveOperation;
        const record = operation.record;
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) {
          // Refused by the field's own checks (read action, an id not in the workspace).
          operation.owner.connection.records.delete(operation.owner.id);
          refused(record, source.errors ?? []);
          return source;
        }
        operations++;
        activeBySubscription.set(record.subscription, (activeBySubscription.get(record.subscription) ?? 0) + 1);
        log.info('subscription start', lineOf(record));
        const events = source[Symbol.asyncIterator]();
        let over = false;
        const end = (outcome: string) => {
          if (over) return;
          over = true;
          operations--;
          activeBySubscription.set(record.subscription, (activeBySubscription.get(record.subscription) ?? 1) - 1);
          const { socket, connection, id } = operation.owner;
          if (connection.records.get(id) === record) connection.records.delete(id);
          // Ended by its socket closing: the end line waits for onClose and its close code.
          if (socket.readyState !== socket.OPEN) connection.closing.push(record);
          else ended(record, outcome);
        };
        const counted: AsyncIterator<unknown> = {
          // A stream that fails is left without return() (for await stops on the error): it ends here too.
          next: () =>
            events.next().then(
              (item) => {
                if (item.done) end('OK');
                return item;
              },
              (error: unknown) => {
                end(error instanceof DomainError ? error.code : 'INTERNAL_SERVER_ERROR');
                throw error;
              },
            ),
          return: async () => {
            end('OK');
            return (await events.return?.()) ?? { value: undefined, done: true };
          },
        };
        return mapStream(counted, async (payload): Promise<ExecutionResult> => {
          // Each event is read as a new request of the subscriber: fresh loaders, and the key checked again.
          const viewer = await operation.revalidate();
          if (!viewer) return { errors: [requestError('The credential no longer authenticates', 'UNAUTHENTICATED')] };
          return (await execute({ ...args, rootValue: payload, contextValue: contextFor(viewer, record.requestId) })) as ExecutionResult;
        });
      },
      onNext: (ctx, id, _payload, _args, result) => {
        const record = ctx.extra.connection?.records.get(id);
        if (record) {
          record.events++;
          delivered.inc({ subscription: record.subscription });
        }
        if (!result.errors) return;
        for (const error of result.errors) {
          if (isExpected(error)) continue;
          const cause = error.originalError ?? error;
          log.error('unexpected error in a subscription event', {
            requestId: record?.requestId,
            subscription: id,
            path: error.path?.join('.'),
            error: cause.stack ?? String(cause),
          });
        }
        return { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } as never;
      },
      onError: (_ctx, _id, _payload, errors): GraphQLFormattedError[] => errors.map((e) => (e.extensions?.code ? stripHttp(e.toJSON()) : formatError(e.toJSON(), e))),
    },
    wss,
  );

  /** The checks a subscription passes before it starts; its ExecutionArgs, or why it is refused. */
  async function admit(
    socket: WebSocket,
    connection: Connection | undefined,
    id: string,
    payload: SubscribePayload,
    record: LiveRecord,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    if (!connection) return [requestError('Not authenticated', 'UNAUTHENTICATED')];
    const viewer = await stillValid(socket, connection);
    if (!viewer) return [requestError('The credential no longer authenticates', 'UNAUTHENTICATED')];
    let query: string;
    try {
      query = options.trusted ? options.trusted.resolve(payload) : payload.query;
    } catch (error) {
      return [error as GraphQLError];
    }
    const bytes = Buffer.byteLength(query, 'utf8');
    if (bytes > config.queryLimits.bytes) return [limitError(new QueryLimitError('bytes', bytes, config.queryLimits.bytes))];
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: config.queryLimits.tokens });
    } catch (error) {
      if (/Document contains more tha[nt] \d+ tokens/.test((error as Error).message)) return [limitError(new QueryLimitError('tokens', undefined, config.queryLimits.tokens))];
      return [requestError((error as Error).message, 'GRAPHQL_PARSE_FAILED')];
    }
    const invalid = validate(schema, document, [...specifiedRules, KnownOperationTypesRule]);
    if (invalid.length > 0) return invalid.map((e) => requestError(e.message, 'GRAPHQL_VALIDATION_FAILED'));
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [requestError('The document has no operation of that name', 'BAD_REQUEST')];
    record.operation = operation.name?.value ?? 'anonymous';
    record.subscription = rootField(document, operation);
    if (operation.operation !== 'subscription') {
      return [requestError(`Only subscriptions are served over WebSocket; send ${operation.operation} operations over HTTP to the same URL`, 'BAD_REQUEST')];
    }
    const measured = analyzeOperation(schema, document, payload.operationName, payload.variables, {
      fieldCosts: options.fieldCosts,
      defaultPageSize: config.defaultPageSize,
      maxPageSize: config.maxPageSize,
    });
    const over = measured && exceededLimit(measured, config.queryLimits);
    if (over) return [limitError(over)];
    try {
      await budgets.spend(viewer.apiKeyId, measured?.cost ?? 1);
    } catch (error) {
      if (error instanceof RateLimitedError) return [requestError(error.message, error.code, error.details)];
      throw error;
    }
    const context = contextFor(viewer, record.requestId);
    const live = new LiveService(viewer, bus, (login) => contextFor(viewer).requestLoaders.groupNamesOfLogin.load(login));
    const revalidate = () => stillValid(socket, connection);
    const owner = { socket, connection, id };
    return {
      schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue: { context, live, revalidate, record, owner } satisfies LiveOperation,
    };
  }

  // Revocation reaches open connections without waiting for an event: one read of the
  // credential revision per interval (while any connection is open) and, when it moved, each
  // connection's key is authenticated again.
  let revision: number | undefined;
  let checking = false;
  const timer = setInterval(async () => {
    if (checking || connections.size === 0) return;
    checking = true;
    try {
      const now = await authenticator.apiKeys.revision();
      if (revision !== undefined && now !== revision) {
        for (const [socket, connection] of [...connections]) await stillValid(socket, connection);
      }
      revision = now;
    } catch (error) {
      log.warn('subscriptions: credential check failed', { error: (error as Error).message });
    } finally {
      checking = false;
    }
  }, config.live.authCheckMs);
  timer.unref();

  return {
    active: () => connections.size,
    /** Subscriptions listening for events now (all connections). */
    operations: () => operations,
    close: async () => {
      clearInterval(timer);
      for (const socket of connections.keys()) socket.close(1001, 'Going away');
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The root field an operation selects first (through fragments): a subscription has exactly one. */
function rootField(document: DocumentNode, operation: OperationDefinitionNode): string {
  let selections = operation.selectionSet.selections;
  for (let depth = 0; depth < 8; depth++) {
    const first = selections[0];
    if (!first) break;
    if (first.kind === Kind.FIELD) return first.name.value;
    if (first.kind === Kind.INLINE_FRAGMENT) selections = first.selectionSet.selections;
    else {
      const name = first.name.value;
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
      selections = fragment?.kind === Kind.FRAGMENT_DEFINITION ? fragment.selectionSet.selections : [];
    }
  }
  return 'none';
}

/** An error's code as the client gets it: its own, or its DomainError's (a resolver's refusal). */
function codeOf(error: GraphQLError | undefined): string {
  const code = error?.extensions?.code ?? (error?.originalError instanceof DomainError ? error.originalError.code : undefined);
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function';
}

function requestError(message: string, code: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}

function limitError(error: QueryLimitError): GraphQLError {
  const { http: _status, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
}

function stripHttp(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions?.http) return formatted;
  const { http: _status, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
