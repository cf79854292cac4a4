import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Viewer } from '../auth/viewer.js';
import type { Logger } from '../logger.js';
import type { ScimService } from './scim.service.js';
import type { ScimGroupService } from './scim-group.service.js';
import { DomainError } from '../errors.js';
import { UNSTORABLE_TEXT, unstorablePath } from '../common/text-input.js';
import { readBody } from '../http/body.js';
import { databaseUnavailable, isDatabaseUnavailable } from '../http/availability.js';
import { etagMatches, invalidValue, project, type Json } from './scim-resource.js';
import { ENTERPRISE_SCHEMA, ERROR_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA, SCHEMAS, SEARCH_SCHEMA, USER_SCHEMA } from './scim-schemas.js';
import type { ScimListArgs } from './scim-list.js';

/**
 * SCIM 2.0 over HTTP (RFC 7644) at /scim/v2, on the gateway's own server: the same workspace API
 * keys (Bearer), the same services and transactions as GraphQL. This file only speaks HTTP:
 * routes, query parameters, status codes, ETag headers and SCIM error bodies.
 */

export const SCIM_PREFIX = '/scim/v2';
const CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const BODY_LIMIT = 1024 * 1024;

/** The services one SCIM request works with, built for its caller. */
export interface ScimServices {
  scim: ScimService;
  scimGroups: ScimGroupService;
}

interface Deps {
  config: Config;
  authenticator: Authenticator;
  log: Logger;
  /** Builds a request's services (with their own EntityManager fork) for an authenticated caller. */
  servicesFor: (requestId: string, viewer: Viewer) => ScimServices;
  /** Runs after authentication, before anything else (the rate limit spends the request's cost); may throw. */
  admit?: (viewer: Viewer, method: string) => Promise<void>;
}

interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  services: ScimServices;
  baseUrl: string;
  segments: string[];
  body: unknown;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: string,
  ) {
    super(message);
  }
}

export function isScimPath(pathname: string): boolean {
  return pathname === SCIM_PREFIX || pathname.startsWith(`${SCIM_PREFIX}/`);
}

/** Builds the request handler for everything under /scim/v2. */
export function scimHandler(deps: Deps) {
  return async function handleScim(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string = randomUUID()): Promise<void> {
    res.setHeader('x-request-id', requestId);
    try {
      const viewer = await deps.authenticator.authenticate(req.headers.authorization).catch((error: unknown) => {
        if (error instanceof DomainError) throw new HttpError(401, error.message);
        throw error;
      });
      await deps.admit?.(viewer, req.method ?? 'GET');
      const body = ['POST', 'PUT', 'PATCH'].includes(req.method ?? '') ? await readJson(req) : undefined;
      const baseUrl = (deps.config.publicUrl ?? `http://${req.headers.host ?? `${deps.config.host}:${deps.config.port}`}`).replace(/\/+$/, '');
      const segments = url.pathname.slice(SCIM_PREFIX.length).split('/').filter(Boolean).map(decodeSegment);
      const bad = unstorablePath({ path: segments, query: Object.fromEntries(url.searchParams), body });
      if (bad !== undefined) throw new HttpError(400, `${bad.replace(/^body\.?/, '') || 'body'} ${UNSTORABLE_TEXT}`, 'invalidValue');
      await route({ req, res, url, services: deps.servicesFor(requestId, viewer), baseUrl, segments, body });
    } catch (error) {
      sendError(res, error, deps.log, requestId);
    }
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(404, `No SCIM resource at ${segment}`);
  }
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const raw = (await readBody(req, BODY_LIMIT)).toString('utf8');
  if (!raw.trim()) throw new HttpError(400, 'The request needs a JSON body', 'invalidSyntax');
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON', 'invalidSyntax');
  }
}

async function route(x: Exchange): Promise<void> {
  const [collection, id, extra] = x.segments;
  const method = x.req.method ?? 'GET';
  const resource = (collection ?? '').toLowerCase();
  if (resource === 'serviceproviderconfig' && !id) return only(method, ['GET'], () => send(x.res, 200, serviceProviderConfig(x.baseUrl)));
  if (resource === 'resourcetypes') return only(method, ['GET'], () => discovery(x, resourceTypes(x.baseUrl), id));
  if (resource === 'schemas') return only(method, ['GET'], () => discovery(x, schemas(x.baseUrl), id));
  if ((collection === 'Users' || collection === 'Groups') && !extra) {
    const kind = collection === 'Users' ? users : groups;
    if (id === '.search') return only(method, ['POST'], () => search(x, kind));
    if (!id) return only(method, ['GET', 'POST'], () => (method === 'GET' ? list(x, kind, queryArgs(x.url)) : create(x, kind)));
    return only(method, ['GET', 'PUT', 'PATCH', 'DELETE'], () => one(x, kind, id, method));
  }
  throw new HttpError(404, `No SCIM endpoint at ${x.url.pathname}`);
}

async function only(method: string, allowed: string[], run: () => unknown): Promise<void> {
  if (!allowed.includes(method)) throw new HttpError(405, `${method} is not supported here (allowed: ${allowed.join(', ')})`);
  await run();
}

/** What differs between /Users and /Groups; everything else is shared. */
interface Kind {
  schema: string;
  list(services: ScimServices, args: ScimListArgs): Promise<{ totalResults: number; startIndex: number; items: Array<{ id: string }> }>;
  get(services: ScimServices, id: string): Promise<{ id: string } | null>;
  create(services: ScimServices, body: unknown): Promise<{ id: string }>;
  replace(services: ScimServices, id: string, body: unknown, ifMatch: string | null): Promise<{ id: string }>;
  patch(services: ScimServices, id: string, body: unknown, ifMatch: string | null): Promise<{ id: string }>;
  delete(services: ScimServices, id: string, ifMatch: string | null): Promise<string>;
  render(services: ScimServices, items: Array<{ id: string }>, baseUrl: string): Promise<Json[]>;
}

const users: Kind = {
  schema: USER_SCHEMA,
  list: (s, args) => s.scim.list(args),
  get: (s, id) => s.scim.user(id),
  create: (s, body) => s.scim.createFromScim(body),
  replace: (s, id, body, ifMatch) => s.scim.replace(id, body, ifMatch),
  patch: (s, id, body, ifMatch) => s.scim.patch(id, body, ifMatch),
  delete: (s, id, ifMatch) => s.scim.delete(id, ifMatch),
  render: (s, items, baseUrl) => s.scim.resources(items as never, baseUrl),
};

const groups: Kind = {
  schema: GROUP_SCHEMA,
  list: (s, args) => s.scimGroups.list(args),
  get: (s, id) => s.scimGroups.group(id),
  create: (s, body) => s.scimGroups.create(body),
  replace: (s, id, body, ifMatch) => s.scimGroups.replace(id, body, ifMatch),
  patch: (s, id, body, ifMatch) => s.scimGroups.patch(id, body, ifMatch),
  delete: (s, id, ifMatch) => s.scimGroups.delete(id, ifMatch),
  render: (s, items, baseUrl) => s.scimGroups.resources(items as never, baseUrl),
};

function queryArgs(url: URL): ScimListArgs & { attributes?: string | null; excludedAttributes?: string | null } {
  const q = url.searchParams;
  const int = (name: string) => {
    const v = q.get(name);
    if (v === null || v === '') return null;
    if (!/^-?\d+$/.test(v.trim())) throw invalidValue(name, `${name} must be an integer`);
    return Number(v);
  };
  return { filter: q.get('filter'), startIndex: int('startIndex'), count: int('count'), attributes: q.get('attributes'), excludedAttributes: q.get('excludedAttributes') };
}

async function list(x: Exchange, kind: Kind, args: ReturnType<typeof queryArgs>): Promise<void> {
  const page = await kind.list(x.services, args);
  const resources = await kind.render(x.services, page.items, x.baseUrl);
  send(x.res, 200, {
    schemas: [LIST_SCHEMA],
    totalResults: page.totalResults,
    startIndex: page.startIndex,
    itemsPerPage: resources.length,
    Resources: resources.map((r) => project(r, kind.schema, args.attributes, args.excludedAttributes)),
  });
}

/** POST /.search (RFC 7644 §3.4.3): the query parameters in a SearchRequest body. */
async function search(x: Exchange, kind: Kind): Promise<void> {
  const b = (x.body && typeof x.body === 'object' ? x.body : {}) as Json;
  if (Array.isArray(b.schemas) && !b.schemas.includes(SEARCH_SCHEMA)) throw new HttpError(400, `A search body must declare ${SEARCH_SCHEMA}`, 'invalidSyntax');
  const text = (v: unknown) => (Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : null);
  const num = (v: unknown, name: string) => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidValue(name, `${name} must be an integer`);
    return v;
  };
  await list(x, kind, {
    filter: typeof b.filter === 'string' ? b.filter : null,
    startIndex: num(b.startIndex, 'startIndex'),
    count: num(b.count, 'count'),
    attributes: text(b.attributes),
    excludedAttributes: text(b.excludedAttributes),
  });
}

async function create(x: Exchange, kind: Kind): Promise<void> {
  const created = await kind.create(x.services, x.body);
  const [resource] = await kind.render(x.services, [created], x.baseUrl);
  const meta = resource.meta as Json;
  send(x.res, 201, resource, { location: String(meta.location), etag: String(meta.version) });
}

async function one(x: Exchange, kind: Kind, id: string, method: string): Promise<void> {
  const ifMatch = header(x.req, 'if-match');
  const { attributes, excludedAttributes } = queryArgs(x.url);
  const respond = async (status: number, item: { id: string }) => {
    const [resource] = await kind.render(x.services, [item], x.baseUrl);
    send(x.res, status, project(resource, kind.schema, attributes, excludedAttributes), { etag: String((resource.meta as Json).version) });
  };
  switch (method) {
    case 'GET': {
      const item = await kind.get(x.services, id);
      if (!item) throw new HttpError(404, `${kind === users ? 'User' : 'Group'} ${id} not found`);
      const [resource] = await kind.render(x.services, [item], x.baseUrl);
      const etag = String((resource.meta as Json).version);
      const ifNoneMatch = header(x.req, 'if-none-match');
      if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
        x.res.writeHead(304, { etag }).end();
        return;
      }
      send(x.res, 200, project(resource, kind.schema, attributes, excludedAttributes), { etag });
      return;
    }
    case 'PUT':
      return respond(200, await kind.replace(x.services, id, x.body, ifMatch));
    case 'PATCH': {
      const patched = await kind.patch(x.services, id, x.body, ifMatch);
      // RFC 7644 §3.5.2 allows 200 with the resource or 204; Microsoft's collection expects 204.
      // A client that wants the resource asks for it with attributes/excludedAttributes or
      // `Prefer: return=representation`.
      if (attributes || excludedAttributes || /return=representation/i.test(header(x.req, 'prefer') ?? '')) return respond(200, patched);
      const [resource] = await kind.render(x.services, [patched], x.baseUrl);
      x.res.writeHead(204, { etag: String((resource.meta as Json).version) }).end();
      return;
    }
    case 'DELETE':
      await kind.delete(x.services, id, ifMatch);
      x.res.writeHead(204).end();
      return;
  }
}

function header(req: http.IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? null);
}

/** A discovery list, or one of its resources by id (`/Schemas/urn:…:User`, `/ResourceTypes/User`). */
function discovery(x: Exchange, resources: Json[], id: string | undefined) {
  if (id) {
    const found = resources.find((r) => String(r.id).toLowerCase() === id.toLowerCase());
    if (!found) throw new HttpError(404, `No such resource: ${id}`);
    return send(x.res, 200, found);
  }
  send(x.res, 200, { schemas: [LIST_SCHEMA], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources });
}

function serviceProviderConfig(baseUrl: string): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: 100 },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Workspace API key',
        description: 'Authorization: Bearer igk_… — a key of the workspace with SCIM_PROVISIONER (or ORG_ADMIN) to write, READ_ONLY to read.',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}${SCIM_PREFIX}/ServiceProviderConfig` },
  };
}

function resourceTypes(baseUrl: string): Json[] {
  const type = (id: string, endpoint: string, description: string, schema: string, extensions: string[]) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id,
    name: id,
    endpoint,
    description,
    schema,
    schemaExtensions: extensions.map((s) => ({ schema: s, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}${SCIM_PREFIX}/ResourceTypes/${id}` },
  });
  return [type('User', '/Users', 'User Account', USER_SCHEMA, [ENTERPRISE_SCHEMA]), type('Group', '/Groups', 'Group: a role of the workspace', GROUP_SCHEMA, [])];
}

function schemas(baseUrl: string): Json[] {
  return SCHEMAS.map((s) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    ...s,
    meta: { resourceType: 'Schema', location: `${baseUrl}${SCIM_PREFIX}/Schemas/${s.id}` },
  }));
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.writableEnded) return; // answered already (504 after REQUEST_TIMEOUT_MS)
  res.writeHead(status, { 'content-type': CONTENT_TYPE, ...headers });
  res.end(JSON.stringify(body));
}

/** A SCIM Error body with this status, for refusals decided before the SCIM handler runs (429, 504). */
export function sendScimError(res: http.ServerResponse, status: number, detail: string): void {
  send(res, status, { schemas: [ERROR_SCHEMA], status: String(status), detail });
}

/** Every failure as a SCIM Error body (RFC 7644 §3.12); unexpected ones masked and logged. */
function sendError(res: http.ServerResponse, error: unknown, log: Logger, requestId: string) {
  let status = 500;
  let scimType: string | undefined;
  let detail = `Internal server error (request ${requestId})`;
  const headers: Record<string, string> = {};
  if (error instanceof HttpError) {
    ({ status, scimType } = error);
    detail = error.message;
  } else if (error instanceof DomainError) {
    detail = error.message;
    const details = (error.details ?? {}) as { scimType?: string | null; reason?: string };
    if (error.code === 'BAD_USER_INPUT') [status, scimType] = [400, details.scimType ?? 'invalidValue'];
    else if (error.code === 'NOT_FOUND') status = 404;
    // A conflict is a uniqueness clash unless it says otherwise (scimType null: a state conflict).
    else if (error.code === 'CONFLICT') [status, scimType] = details.reason === 'VERSION_MISMATCH' ? [412, undefined] : [409, details.scimType === null ? undefined : 'uniqueness'];
    else if (error.code === 'FORBIDDEN') status = 403;
    else if (error.code === 'UNAUTHENTICATED') status = 401;
    else if (error.code === 'RATE_LIMITED') [status, headers['retry-after']] = [429, String(error.details?.retryAfter ?? 60)];
    else if (error.code === 'SERVICE_UNAVAILABLE') [status, headers['retry-after']] = [503, String(error.details?.retryAfter ?? 1)];
  } else if (isDatabaseUnavailable(error)) {
    log.warn('database unreachable: answered 503', { requestId, error: error instanceof Error ? error.message : String(error) });
    const unavailable = databaseUnavailable();
    [status, detail, headers['retry-after']] = [503, unavailable.message, String(unavailable.retryAfterSeconds)];
  } else {
    log.error('unexpected error', { requestId, error: error instanceof Error ? error.stack : String(error) });
  }
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="scim"';
  if (res.headersSent) {
    res.end();
    return;
  }
  send(res, status, { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail }, headers);
}
