import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

/** What the access line and the metrics learn about one request while it is served. */
export interface RequestRecord {
  requestId: string;
  surface: 'graphql' | 'scim';
  started: number;
  statements: number;
  workspaceId?: string;
  keyName?: string;
  operation?: string;
  operationType?: string;
  cost?: number;
  /** Set where the answer is decided (an error's code); otherwise derived from the status. */
  outcome?: string;
  errorCodes: string[];
  /** Aborted when the request was answered 504 (REQUEST_TIMEOUT_MS). */
  signal?: AbortSignal;
}

/**
 * An incoming `x-request-id` is kept when it looks like an id (a proxy's or a client's
 * correlation id); anything else, or none, gets a new uuid, so a header cannot forge log lines.
 */
const USABLE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestIdOf(req: http.IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && USABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function startRecord(surface: RequestRecord['surface'], requestId: string): RequestRecord {
  return { requestId, surface, started: performance.now(), statements: 0, errorCodes: [] };
}

const SCIM_RESOURCES = new Set(['Users', 'Groups', 'Me', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Bulk', '.search']);

/**
 * A SCIM request as an operation: its resource type (`Users`, `Groups`, …; anything else is
 * `other`, so paths never become label values) and its method as the type.
 */
export function scimOperation(method: string | undefined, pathname: string): { operation: string; operationType: string } {
  const resource = pathname.split('/').filter(Boolean)[2] ?? '';
  const known = /^(GET|HEAD|POST|PUT|PATCH|DELETE)$/.test(method ?? '') ? (method as string) : 'other';
  return { operation: `scim ${SCIM_RESOURCES.has(resource) ? resource : resource === '' ? 'root' : 'other'}`, operationType: known };
}

/** The code of an answer no error named: OK for 2xx and 3xx, else after the status. */
const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_SERVER_ERROR',
  504: 'REQUEST_TIMEOUT',
};

export function outcomeOfStatus(status: number): string {
  return status < 400 ? 'OK' : (STATUS_CODES[status] ?? `HTTP_${status}`);
}

/** Writes the request's access line and feeds the metrics, once its answer has gone out (or the client left). */
export function finishRecord(record: RequestRecord, res: http.ServerResponse, log: Logger, metrics: Metrics): void {
  const durationMs = performance.now() - record.started;
  const status = res.writableFinished ? res.statusCode : 499;
  const outcome = record.outcome ?? (res.writableFinished ? outcomeOfStatus(status) : 'CLIENT_CLOSED');
  const errorCodes = record.errorCodes.length > 0 ? record.errorCodes : outcome === 'OK' ? [] : [outcome];
  const operation = record.operation ?? 'none';
  const type = record.operationType ?? 'none';
  log.info('request', {
    requestId: record.requestId,
    surface: record.surface,
    workspace: record.workspaceId,
    key: record.keyName,
    operation,
    operationType: type,
    status,
    outcome,
    durationMs: Math.round(durationMs * 100) / 100,
    sqlStatements: record.statements,
    cost: record.cost,
  });
  metrics.served({ surface: record.surface, operation, type, outcome, errorCodes, durationSeconds: durationMs / 1000, statements: record.statements });
}
