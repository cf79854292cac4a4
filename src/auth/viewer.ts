import { Authority, POLICY, type Action } from './authorities.js';
import { DomainError } from '../errors.js';

/** The authenticated caller of one request: an API key of one workspace. */
export interface Viewer {
  apiKeyId: string;
  apiKeyName: string;
  workspaceId: string;
  authorities: readonly Authority[];
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
