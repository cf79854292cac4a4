/**
 * A SCIM 2.0 client (RFC 7644) for the connector of a target system: paged listing of Users and
 * Groups (`startIndex`/`count`, §3.4.2.4), get, create, PATCH (§3.5.2) and delete, with bearer
 * authentication and a time limit on every call. Every failure becomes a ScimError carrying
 * what the service said (RFC 7644 §3.12 error body), so a batch can record it.
 */

export const SCIM_SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

export type ScimResourceType = 'Users' | 'Groups';

export interface ScimMultiValue {
  value?: string;
  type?: string;
  primary?: boolean;
  display?: string;
}

export interface ScimAddress {
  type?: string;
  primary?: boolean;
  streetAddress?: string;
  locality?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

export interface ScimResource {
  id: string;
  schemas?: string[];
  externalId?: string;
  meta?: { resourceType?: string; created?: string; lastModified?: string; location?: string; version?: string };
  [attribute: string]: unknown;
}

export interface ScimUser extends ScimResource {
  userName: string;
  name?: { givenName?: string; familyName?: string; formatted?: string };
  displayName?: string;
  title?: string;
  userType?: string;
  active?: boolean;
  emails?: ScimMultiValue[];
  phoneNumbers?: ScimMultiValue[];
  addresses?: ScimAddress[];
}

export interface ScimGroup extends ScimResource {
  displayName: string;
  members?: ScimMultiValue[];
}

export interface ScimPage<T> {
  resources: T[];
  /** 1-based index of the page's first resource. */
  startIndex: number;
  totalResults: number;
}

export interface ScimPatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

export class ScimError extends Error {
  constructor(
    message: string,
    /** HTTP status the service answered; null when it could not be reached or timed out. */
    readonly status: number | null,
    /** RFC 7644 `scimType` (e.g. `uniqueness`, `invalidValue`), or `timeout` / `network` / `protocol`. */
    readonly scimType?: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ScimError';
  }
}

export interface ScimClientOptions {
  baseUrl: string;
  token: string;
  /** Time limit of one HTTP exchange, body included. */
  timeoutMs?: number;
}

export class ScimClient {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;

  constructor(options: ScimClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /**
   * The resources of one type, one page per iteration: a page is requested only when the
   * caller asks for the next one, so at most one page is held at a time. Follows the service's
   * own page size when it returns fewer than `count` (RFC 7644 lets it).
   */
  async *list<T extends ScimResource>(type: ScimResourceType, options: { count?: number; filter?: string } = {}): AsyncGenerator<ScimPage<T>> {
    const count = options.count ?? 100;
    let startIndex = 1;
    for (;;) {
      const query = new URLSearchParams({ startIndex: String(startIndex), count: String(count) });
      if (options.filter) query.set('filter', options.filter);
      const body = await this.request<Record<string, unknown>>('GET', `/${type}?${query}`);
      const resources = body?.Resources ?? [];
      const total = Number(body?.totalResults);
      if (!Array.isArray(resources) || !Number.isInteger(total)) {
        throw new ScimError(`SCIM GET /${type} returned no valid ListResponse (Resources and totalResults)`, 200, 'protocol');
      }
      yield { resources: resources as T[], startIndex, totalResults: total };
      startIndex += resources.length;
      if (resources.length === 0 || startIndex > total) return;
    }
  }

  get<T extends ScimResource>(type: ScimResourceType, id: string): Promise<T> {
    return this.request<T>('GET', `/${type}/${encodeURIComponent(id)}`) as Promise<T>;
  }

  create<T extends ScimResource>(type: ScimResourceType, resource: Partial<T>): Promise<T> {
    return this.request<T>('POST', `/${type}`, resource) as Promise<T>;
  }

  patch<T extends ScimResource>(type: ScimResourceType, id: string, operations: ScimPatchOperation[]): Promise<T | undefined> {
    return this.request<T>('PATCH', `/${type}/${encodeURIComponent(id)}`, { schemas: [SCIM_SCHEMAS.patchOp], Operations: operations });
  }

  async delete(type: ScimResourceType, id: string): Promise<void> {
    await this.request('DELETE', `/${type}/${encodeURIComponent(id)}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    const what = `SCIM ${method} ${path.replace(/\?.*$/, '')}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/scim+json, application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // A redirect could carry the bearer token elsewhere; a connector URL must be exact.
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new ScimError(`${what}: no answer from ${this.origin()} within ${this.timeoutMs} ms`, null, 'timeout');
      }
      throw new ScimError(`${what}: ${this.origin()} is unreachable (${e.cause?.code ?? e.cause?.message ?? e.message})`, null, 'network');
    }

    let parsed: unknown;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (response.ok) throw new ScimError(`${what}: the answer is not JSON`, response.status, 'protocol');
      }
    }
    if (!response.ok) {
      const error = (parsed ?? {}) as { detail?: unknown; scimType?: unknown };
      const detail = typeof error.detail === 'string' ? error.detail : undefined;
      const scimType = typeof error.scimType === 'string' ? error.scimType : undefined;
      throw new ScimError(
        `${what} failed with HTTP ${response.status}${scimType ? ` (${scimType})` : ''}: ${detail ?? (response.statusText || 'no detail')}`,
        response.status,
        scimType,
        detail,
      );
    }
    return parsed as T | undefined;
  }

  private origin(): string {
    try {
      return new URL(this.baseUrl).origin;
    } catch {
      return this.baseUrl;
    }
  }
}
