import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { ApiKey } from './api-key.entity.js';
import { Workspace } from './workspace.entity.js';
import type { User } from '../governance/user.entity.js';
import type { Authority } from './authorities.js';
import type { Viewer } from './viewer.js';
import { DomainError } from '../errors.js';

const PREFIX = 'igk';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Key format: `igk_<key id>_<secret>`; the id finds the row, the secret is compared by hash. */
export function parseKey(token: string): { id: string; secret: string } | undefined {
  const m = /^igk_([0-9a-f]{24})_([A-Za-z0-9_-]{20,})$/.exec(token);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

/** Creates a key and returns its plaintext once; only the hash is stored. */
export async function createApiKey(
  em: EntityManager,
  workspace: Workspace,
  name: string,
  authorities: Authority[],
  person: User | null = null,
): Promise<{ key: ApiKey; token: string }> {
  const secret = randomBytes(24).toString('base64url');
  const key = em.create(ApiKey, { workspace, name, authorities, secretHash: sha256(secret), person });
  await em.flush();
  return { key, token: `${PREFIX}_${key.id}_${secret}` };
}

/**
 * Resolves a bearer token to its viewer. Successful lookups are remembered briefly, keyed by
 * the token's hash, so the hot path costs no SQL; revocation clears the memory.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, { viewer: Viewer; until: number }>();

  constructor(
    private readonly em: () => EntityManager,
    private readonly ttlMs = 30_000,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Viewer> {
    if (!authorization) throw new DomainError('UNAUTHENTICATED', 'Missing API key: send Authorization: Bearer <key>');
    const token = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
    const parsed = token ? parseKey(token) : undefined;
    if (!parsed) throw new DomainError('UNAUTHENTICATED', 'Malformed API key: expected Authorization: Bearer igk_…');
    const cacheKey = sha256(token!);
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.viewer;

    const key = await this.em().findOne(ApiKey, { id: parsed.id, revokedAt: null }, { populate: ['person'] });
    const expected = key ? Buffer.from(key.secretHash, 'hex') : Buffer.alloc(32);
    const actual = Buffer.from(sha256(parsed.secret), 'hex');
    if (!key || !timingSafeEqual(expected, actual)) throw new DomainError('UNAUTHENTICATED', 'Unknown or revoked API key');
    // A personal key works only while its person is active.
    if (key.person && key.person.status !== 'Active') throw new DomainError('UNAUTHENTICATED', 'The person of this API key is not active');
    const viewer: Viewer = {
      apiKeyId: key.id,
      apiKeyName: key.name,
      workspaceId: key.workspace.id,
      authorities: key.authorities,
      person: key.person ? { id: key.person.id, login: key.person.login } : null,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(cacheKey, { viewer, until: Date.now() + this.ttlMs });
    return viewer;
  }

  forget(): void {
    this.cache.clear();
  }
}
