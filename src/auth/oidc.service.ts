import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { SignInSettings, type PersonAttribute } from './sign-in-settings.entity.js';
import type { Authority } from './authorities.js';
import type { Viewer } from './viewer.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OidcTiming } from '../config.js';

/** Only signatures with a public key: never `none`, never a shared secret (HS*). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** A token that looks like a JWT (JWS compact form; `alg: none` has an empty signature). */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);

const COLUMN: Record<PersonAttribute, string> = { email: 'email', login: 'login', employeeNumber: 'employee_number' };

const refuse = (message: string) => new DomainError('UNAUTHENTICATED', message);

/** The claim by name, or by a dotted path into nested claims (Keycloak's `realm_access.roles`). */
export function claimValue(payload: JWTPayload, claim: string): unknown {
  if (Object.hasOwn(payload, claim)) return payload[claim];
  let value: unknown = payload;
  for (const part of claim.split('.')) {
    if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Whether a claim holds a value: equal to it, or a list containing it. */
export function claimHolds(claim: unknown, value: string): boolean {
  const items = Array.isArray(claim) ? claim : [claim];
  return items.some((item) => (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') && String(item) === value);
}

/**
 * Verifies OpenID Connect bearer tokens (JWTs) and resolves them to the viewer of a workspace:
 * the workspace whose sign-in settings name the token's issuer and audience, the person the
 * configured claim names, the authorities the settings give that person.
 */
export class OidcAuthenticator {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  private readonly discovered = new Map<string, { jwksUri: Promise<string>; until: number }>();
  private readonly cache = new Map<string, { viewer: Viewer; until: number }>();

  constructor(
    private readonly em: () => EntityManager,
    private readonly options: OidcTiming,
    private readonly log: Logger,
    private readonly ttlMs = 30_000,
  ) {}

  async authenticate(token: string): Promise<Viewer> {
    const cacheKey = createHash('sha256').update(token).digest('hex');
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.viewer;

    // Unverified, only to pick the settings: everything it says is verified below.
    let claimed: JWTPayload;
    try {
      claimed = decodeJwt(token);
    } catch {
      throw refuse('Malformed sign-in token');
    }
    if (typeof claimed.iss !== 'string') throw refuse('The sign-in token names no issuer');
    const em = this.em();
    const candidates = await em.find(SignInSettings, { issuer: claimed.iss }, { populate: ['workspace'] });
    const audiences = typeof claimed.aud === 'string' ? [claimed.aud] : Array.isArray(claimed.aud) ? claimed.aud : [];
    if (!candidates.length) throw refuse('No workspace accepts sign-in tokens of this issuer');
    // Workspaces sharing an issuer differ by audience; a token must pick exactly one of them.
    const meant = candidates.length === 1 ? candidates : candidates.filter((c) => audiences.includes(c.audience));
    if (meant.length !== 1) throw refuse('The sign-in token is not meant for this gateway (audience)');
    const settings = meant[0];

    const payload = await this.verify(token, settings);
    const person = await this.person(em, settings, payload);
    const viewer: Viewer = {
      apiKeyId: `oidc:${settings.issuer}#${payload.sub}`,
      apiKeyName: `sign-in of ${person.login}`,
      workspaceId: settings.workspace.id,
      authorities: await this.authorities(em, settings, payload, person.id),
      person: { id: person.id, login: person.login },
    };
    if (this.cache.size > 10_000) this.cache.clear();
    // Remembered briefly, never past the token's expiry.
    this.cache.set(cacheKey, { viewer, until: Math.min(Date.now() + this.ttlMs, (payload.exp ?? 0) * 1000) });
    return viewer;
  }

  forget(): void {
    this.cache.clear();
  }

  private async verify(token: string, settings: SignInSettings): Promise<JWTPayload> {
    try {
      const keys = await this.keySet(settings);
      const { payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ALGORITHMS,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
      });
      return payload;
    } catch (error) {
      throw this.refusal(error, settings.issuer);
    }
  }

  /** A clear reason for the client; details about the provider stay in the server log. */
  private refusal(error: unknown, issuer: string): DomainError {
    if (error instanceof DomainError) return error;
    const code = (error as { code?: string }).code;
    const claim = (error as { claim?: string }).claim;
    switch (code) {
      case 'ERR_JWT_EXPIRED':
        return refuse('The sign-in token has expired');
      case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
        if (claim === 'aud') return refuse('The sign-in token is not meant for this gateway (audience)');
        if (claim === 'iss') return refuse('No workspace accepts sign-in tokens of this issuer');
        if (claim === 'nbf') return refuse('The sign-in token is not valid yet');
        return refuse(`The sign-in token lacks a valid ${claim ?? 'claim'}`);
      case 'ERR_JOSE_ALG_NOT_ALLOWED':
      case 'ERR_JOSE_NOT_SUPPORTED':
        return refuse('The sign-in token is not signed with an accepted algorithm');
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        return refuse('The sign-in token signature is not valid');
      case 'ERR_JWKS_NO_MATCHING_KEY':
      case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
        return refuse('The sign-in token is signed with a key its issuer does not publish');
      case 'ERR_JWS_INVALID':
      case 'ERR_JWT_INVALID':
        return refuse('Malformed sign-in token');
      default:
        this.log.warn('sign-in: the issuer could not be reached or answered wrongly', { issuer, error: String((error as Error)?.message ?? error) });
        return refuse("The sign-in token could not be checked: its issuer's keys are unavailable");
    }
  }

  /** The issuer's key set: one jose remote set per JWKS location, which caches and refetches keys. */
  private async keySet(settings: SignInSettings): Promise<JWTVerifyGetKey> {
    const uri = settings.jwksUri ?? (await this.jwksUri(settings.issuer));
    let keys = this.keySets.get(uri);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(uri), {
        cooldownDuration: this.options.jwksCooldownMs,
        cacheMaxAge: this.options.jwksMaxAgeMs,
        timeoutDuration: this.options.fetchTimeoutMs,
      });
      this.keySets.set(uri, keys);
    }
    return keys;
  }

  /** `jwks_uri` from the issuer's discovery document, remembered for a while (failures are not). */
  private jwksUri(issuer: string): Promise<string> {
    const known = this.discovered.get(issuer);
    if (known && known.until > Date.now()) return known.jwksUri;
    const jwksUri = this.discover(issuer);
    this.discovered.set(issuer, { jwksUri, until: Date.now() + this.options.discoveryMaxAgeMs });
    jwksUri.catch(() => this.discovered.delete(issuer));
    return jwksUri;
  }

  private async discover(issuer: string): Promise<string> {
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(this.options.fetchTimeoutMs), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`discovery document ${url}: HTTP ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery 1.0, section 4.3: the document's issuer must be the one asked for.
    if (doc.issuer !== issuer) throw new Error(`discovery document ${url} names issuer ${JSON.stringify(doc.issuer)}`);
    if (typeof doc.jwks_uri !== 'string') throw new Error(`discovery document ${url} has no jwks_uri`);
    return doc.jwks_uri;
  }

  /** The active person of the workspace the person claim names. */
  private async person(em: EntityManager, settings: SignInSettings, payload: JWTPayload): Promise<{ id: string; login: string }> {
    const raw = claimValue(payload, settings.personClaim);
    const value = typeof raw === 'number' ? String(raw) : raw;
    if (typeof value !== 'string' || !value.trim()) throw refuse(`The sign-in token has no ${settings.personClaim} claim to find the person by`);
    // An address the provider says it has not verified does not prove who signs in.
    if (settings.personAttribute === 'email' && payload.email_verified === false) throw refuse('The email address of the sign-in token is not verified');
    const column = COLUMN[settings.personAttribute];
    const exact = settings.personAttribute === 'employeeNumber';
    const rows: Array<{ id: string; login: string; status: string }> = await em
      .getConnection()
      .execute(
        `select id, login, status from app_user where workspace_id = ? and ${exact ? column : `lower(${column})`} = ? limit 2`,
        [settings.workspace.id, exact ? value : value.toLowerCase()],
        'all',
      );
    if (rows.length === 0) throw refuse('The person of the sign-in token is not known in this workspace');
    if (rows.length > 1) throw refuse(`The ${settings.personClaim} of the sign-in token matches more than one person`);
    if (rows[0].status !== 'Active') throw refuse('The person of the sign-in token is not active');
    return rows[0];
  }

  /** The default authorities, plus those of claim values the token holds and roles the person holds. */
  private async authorities(em: EntityManager, settings: SignInSettings, payload: JWTPayload, personId: string): Promise<Authority[]> {
    const granted = new Set<Authority>(settings.authorities);
    for (const mapping of settings.claimAuthorities) {
      if (claimHolds(claimValue(payload, mapping.claim), mapping.value)) for (const a of mapping.authorities) granted.add(a);
    }
    if (settings.roleAuthorities.length) {
      const ids = settings.roleAuthorities.map((r) => r.roleId);
      // Membership of any source (assigned or by birthright rule), of a role that is in force.
      const held: Array<{ role_id: string }> = await em
        .getConnection()
        .execute(
          `select distinct m.role_id from role_member m join role r on r.id = m.role_id where m.user_id = ? and r.disabled = ? and r.retired = ? and m.role_id in (${ids.map(() => '?').join(', ')})`,
          [personId, false, false, ...ids],
          'all',
        );
      const heldIds = new Set(held.map((h) => h.role_id));
      for (const mapping of settings.roleAuthorities) if (heldIds.has(mapping.roleId)) for (const a of mapping.authorities) granted.add(a);
    }
    return [...granted];
  }
}
