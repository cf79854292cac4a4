import type { EntityManager } from '@mikro-orm/core';
import { Authority } from './authorities.js';
import { SignInSettings, type ClaimAuthorities, type PersonAttribute, type RoleAuthorities } from './sign-in-settings.entity.js';
import type { Workspace } from './workspace.entity.js';
import { Role } from '../governance/role.entity.js';

/** A sign-in setting that cannot be used; the message names the option at fault. */
export class SignInSettingsError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`--${option}: ${message}`);
    this.name = 'SignInSettingsError';
  }
}

export const PERSON_ATTRIBUTES: readonly PersonAttribute[] = ['email', 'login', 'employeeNumber'];

/** The User column a well-known claim names when none is given. */
const DEFAULT_ATTRIBUTE: Record<string, PersonAttribute> = { email: 'email', preferred_username: 'login' };

/** The sign-in settings as given, checked but not yet bound to a workspace's roles. */
export interface SignInInput {
  issuer: string;
  audience: string;
  personClaim: string;
  personAttribute: PersonAttribute;
  jwksUri: string | null;
  authorities: Authority[];
  claimAuthorities: ClaimAuthorities[];
  /** A role by display name or id, and what its members get. */
  roleAuthorities: Array<{ role: string; authorities: Authority[] }>;
}

/** The raw option values (as a command line gives them). */
export interface SignInOptions {
  issuer?: string;
  audience?: string;
  'person-claim'?: string;
  match?: string;
  'jwks-uri'?: string;
  authority?: string[];
  'claim-authority'?: string[];
  'role-authority'?: string[];
}

const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

/**
 * An issuer or JWKS URL: https, or http on the loopback interface only (a local identity provider
 * in development and tests). Returned exactly as given: token issuers are compared as strings.
 */
export function parseProviderUrl(option: string, raw: string | undefined): string {
  const value = raw?.trim() ?? '';
  if (!value) throw new SignInSettingsError(option, 'is required');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SignInSettingsError(option, `${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname)))
    throw new SignInSettingsError(option, `must be an https URL (http only on localhost), got ${JSON.stringify(value)}`);
  if (url.username || url.password || url.search || url.hash) throw new SignInSettingsError(option, 'must not carry credentials, a query or a fragment');
  return value;
}

export function parseAuthority(option: string, raw: string): Authority {
  const value = raw.trim();
  if (!Object.values(Authority).includes(value as Authority))
    throw new SignInSettingsError(option, `unknown authority ${JSON.stringify(value)} (one of ${Object.values(Authority).join(', ')})`);
  return value as Authority;
}

function authorityList(option: string, raw: string): Authority[] {
  const list = raw.split(',').map((a) => parseAuthority(option, a));
  return [...new Set(list)];
}

const CLAIM_NAME = /^[A-Za-z0-9_.:/-]{1,200}$/;

/** `<claim>=<value>:<AUTHORITY>[,<AUTHORITY>…]`, e.g. `groups=idg-admins:ORG_ADMIN`. */
export function parseClaimAuthority(raw: string): ClaimAuthorities {
  const option = 'claim-authority';
  const eq = raw.indexOf('=');
  const colon = raw.lastIndexOf(':');
  if (eq < 1 || colon < eq + 2 || colon === raw.length - 1) throw new SignInSettingsError(option, `expected <claim>=<value>:<AUTHORITY>[,<AUTHORITY>], got ${JSON.stringify(raw)}`);
  const claim = raw.slice(0, eq).trim();
  const value = raw.slice(eq + 1, colon);
  if (!CLAIM_NAME.test(claim)) throw new SignInSettingsError(option, `${JSON.stringify(claim)} is not a claim name`);
  return { claim, value, authorities: authorityList(option, raw.slice(colon + 1)) };
}

/** `<role display name or id>:<AUTHORITY>[,<AUTHORITY>…]`, e.g. `All Employees:REQUESTER`. */
export function parseRoleAuthority(raw: string): { role: string; authorities: Authority[] } {
  const option = 'role-authority';
  const colon = raw.lastIndexOf(':');
  const role = raw.slice(0, Math.max(colon, 0)).trim();
  if (colon < 1 || !role || colon === raw.length - 1) throw new SignInSettingsError(option, `expected <role>:<AUTHORITY>[,<AUTHORITY>], got ${JSON.stringify(raw)}`);
  return { role, authorities: authorityList(option, raw.slice(colon + 1)) };
}

/** Checks every option; the first one at fault throws a SignInSettingsError naming it. */
export function parseSignInOptions(options: SignInOptions): SignInInput {
  const issuer = parseProviderUrl('issuer', options.issuer);
  const audience = options.audience?.trim() ?? '';
  if (!audience) throw new SignInSettingsError('audience', 'is required (the client id front-ends sign in with)');
  const personClaim = (options['person-claim'] ?? 'email').trim();
  if (!CLAIM_NAME.test(personClaim)) throw new SignInSettingsError('person-claim', `${JSON.stringify(personClaim)} is not a claim name`);
  const match = options.match?.trim() ?? DEFAULT_ATTRIBUTE[personClaim];
  if (!match) throw new SignInSettingsError('match', `is required for claim ${personClaim} (one of ${PERSON_ATTRIBUTES.join(', ')})`);
  if (!PERSON_ATTRIBUTES.includes(match as PersonAttribute)) throw new SignInSettingsError('match', `must be one of ${PERSON_ATTRIBUTES.join(', ')}, got ${JSON.stringify(match)}`);
  return {
    issuer,
    audience,
    personClaim,
    personAttribute: match as PersonAttribute,
    jwksUri: options['jwks-uri'] === undefined ? null : parseProviderUrl('jwks-uri', options['jwks-uri']),
    authorities: [...new Set((options.authority ?? []).flatMap((a) => authorityList('authority', a)))],
    claimAuthorities: (options['claim-authority'] ?? []).map(parseClaimAuthority),
    roleAuthorities: (options['role-authority'] ?? []).map(parseRoleAuthority),
  };
}

/**
 * Sets a workspace's sign-in settings (replacing any): resolves the roles named in role mappings
 * and refuses an issuer and audience another workspace already accepts, so a token finds one
 * workspace at most.
 */
export async function saveSignInSettings(em: EntityManager, workspace: Workspace, input: SignInInput): Promise<SignInSettings> {
  return em.transactional(async (tx) => {
    const clash = await tx.findOne(SignInSettings, { issuer: input.issuer, audience: input.audience, workspace: { $ne: workspace.id } }, { populate: ['workspace'] });
    if (clash) throw new SignInSettingsError('audience', `workspace ${clash.workspace.name} already accepts tokens of this issuer for this audience`);
    const roleAuthorities: RoleAuthorities[] = [];
    for (const mapping of input.roleAuthorities) {
      const role = await tx.findOne(Role, { workspace: workspace.id, $or: [{ id: mapping.role }, { displayName: mapping.role }] });
      if (!role) throw new SignInSettingsError('role-authority', `no role ${JSON.stringify(mapping.role)} in workspace ${workspace.name}`);
      roleAuthorities.push({ roleId: role.id, roleName: role.displayName, authorities: mapping.authorities });
    }
    const values = {
      issuer: input.issuer,
      audience: input.audience,
      personClaim: input.personClaim,
      personAttribute: input.personAttribute,
      jwksUri: input.jwksUri,
      authorities: input.authorities,
      claimAuthorities: input.claimAuthorities,
      roleAuthorities,
      updatedAt: new Date(),
    };
    const existing = await tx.findOne(SignInSettings, { workspace: workspace.id });
    if (existing) {
      tx.assign(existing, values);
      return existing;
    }
    return tx.create(SignInSettings, { workspace, ...values });
  });
}

/** The settings as lines for a terminal. */
export function describeSignInSettings(s: SignInSettings): string {
  const lines = [
    `issuer            ${s.issuer}`,
    `audience          ${s.audience}`,
    `person            claim ${s.personClaim} → User.${s.personAttribute}`,
    `jwks              ${s.jwksUri ?? "from the issuer's discovery document"}`,
    `authorities       ${s.authorities.join(', ') || '(none)'}`,
    ...s.claimAuthorities.map((c) => `  claim ${c.claim} = ${JSON.stringify(c.value)} → ${c.authorities.join(', ')}`),
    ...s.roleAuthorities.map((r) => `  member of role ${JSON.stringify(r.roleName)} (${r.roleId}) → ${r.authorities.join(', ')}`),
  ];
  return `${lines.join('\n')}\n`;
}
