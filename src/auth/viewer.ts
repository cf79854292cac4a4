import { Authority, POLICY, type Action } from './authorities.js';
import { DomainError } from '../errors.js';

/** The person a credential belongs to (a personal API key, a sign-in token). */
export interface ViewerPerson {
  id: string;
  login: string;
}

/**
 * The authenticated caller of one request: a credential of one workspace. A personal credential
 * names its person, who is the actor of every person-level action; a service key names none.
 */
export interface Viewer {
  /** The API key's id (for other credentials: their stable id, e.g. the token's issuer and subject). */
  apiKeyId: string;
  /** The credential's name as audits show it. */
  apiKeyName: string;
  workspaceId: string;
  authorities: readonly Authority[];
  /** The person behind the credential; null for a service key. */
  person: ViewerPerson | null;
}

export function can(viewer: Viewer, action: Action): boolean {
  if (viewer.authorities.includes(Authority.ORG_ADMIN)) return true;
  return POLICY[action].some((a) => viewer.authorities.includes(a));
}

/** Throws FORBIDDEN naming the action and the authorities that would allow it. */
export function authorize(viewer: Viewer, action: Action): void {
  if (can(viewer, action)) return;
  const allowed = [Authority.ORG_ADMIN, ...POLICY[action]].join(', ');
  throw new DomainError('FORBIDDEN', `This API key may not perform ${action}; it needs one of: ${allowed}`, undefined, { action });
}
