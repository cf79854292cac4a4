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

/** The one statement a request costs when its key is remembered (app.statements does not count it). */
export const CREDENTIAL_REVISION_SQL = 'select revision from credential_revision where id = 1';

/**
 * Resolves a bearer token to its viewer. Successful lookups are remembered, keyed by the
 * token's hash, together with the credential revision they were made at. Every request first
 * reads the revision (one primary-key read of a one-row table, which database triggers raise
 * whenever a key is changed, revoked or deleted, or a person's status or login changes): a
 * remembered viewer is used only while the revision is unchanged, so a revoked key or a
 * deactivated person is refused on the next request in every gateway process on the database.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, { viewer: Viewer; until: number; revision: number }>();
  private revisionSeen = 0;

  constructor(
    private readonly em: () => EntityManager,
    private readonly ttlMs = 30_000,
  ) {}

  /** The credential revision now (forgetting this cache when it moved). */
  async revision(): Promise<number> {
    const rows = await this.em().getConnection().execute<Array<{ revision: number | string }>>(CREDENTIAL_REVISION_SQL);
    const revision = Number(rows[0]?.revision ?? 0);
    if (revision !== this.revisionSeen) {
      this.cache.clear();
      this.revisionSeen = revision;
    }
    return revision;
  }

  async authenticate(authorization: string | undefined): Promise<Viewer> {
    if (!authorization) throw new DomainError('UNAUTHENTICATED', 'Missing API key: send Authorization: Bearer <key>');
    const token = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
    const parsed = token ? parseKey(token) : undefined;
    if (!parsed) throw new DomainError('UNAUTHENTICATED', 'Malformed API key: expected Authorization: Bearer igk_…');
    const cacheKey = sha256(token!);
    // Read before the lookup: a viewer remembered with it is stale as soon as anything changes after.
    const revision = await this.revision();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > Date.now() && hit.revision === revision) return hit.viewer;

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
    this.cache.set(cacheKey, { viewer, until: Date.now() + this.ttlMs, revision });
    return viewer;
  }

  forget(): void {
    this.cache.clear();
  }
}
