import type http from 'node:http';
import cors from 'cors';

/** How long a browser may reuse a preflight answer (Chromium caps it at two hours). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

type Middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: (error?: unknown) => void) => void;

/**
 * CORS for the browser front-ends of CORS_ORIGINS, with the `cors` package. Only listed origins
 * get `Access-Control-Allow-Origin`; any other origin's preflight is answered without it, so the
 * browser blocks the request. Keys travel in `Authorization`, never in cookies: no credentials.
 * A preflight (OPTIONS) is answered here; every other request goes on to Apollo, whose CSRF
 * prevention still refuses the cookie-less "simple" requests a page may send without a preflight.
 */
export function corsPolicy(origins: string[]) {
  const common = { origin: origins, credentials: false, maxAge: PREFLIGHT_MAX_AGE_SECONDS, optionsSuccessStatus: 204 };
  const graphql = cors({
    ...common,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name'],
    exposedHeaders: ['x-request-id'],
  }) as Middleware;
  const scim = cors({
    ...common,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match'],
    exposedHeaders: ['etag', 'location'],
  }) as Middleware;

  /** Adds the CORS headers; true when the request was a preflight and has been answered. */
  return (surface: 'graphql' | 'scim', req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> =>
    new Promise((resolve, reject) => {
      res.once('finish', () => resolve(true));
      (surface === 'graphql' ? graphql : scim)(req, res, (error) => (error ? reject(error) : resolve(false)));
    });
}
