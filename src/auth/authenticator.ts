import type { ApiKeyAuthenticator } from './api-key.service.js';
import { looksLikeJwt, type OidcAuthenticator } from './oidc.service.js';
import type { Viewer } from './viewer.js';

/**
 * The one door for every credential, GraphQL and SCIM alike: an `igk_…` API key, or an OpenID
 * Connect token (a JWT) of an issuer a workspace accepts. Failures are UNAUTHENTICATED.
 */
export class Authenticator {
  /** The credential revision the sign-in token cache was filled at. */
  private oidcRevision = -1;

  constructor(
    readonly apiKeys: ApiKeyAuthenticator,
    readonly oidc: OidcAuthenticator,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Viewer> {
    const token = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1] : undefined;
    if (token && !token.startsWith('igk_') && looksLikeJwt(token)) {
      // A deactivated person's sign-in tokens stop on the next request too: remembered token
      // viewers are dropped whenever the credential revision moves (see ApiKeyAuthenticator).
      const revision = await this.apiKeys.revision();
      if (revision !== this.oidcRevision) {
        this.oidc.forget();
        this.oidcRevision = revision;
      }
      return this.oidc.authenticate(token);
    }
    return this.apiKeys.authenticate(authorization);
  }

  /** Forgets every remembered credential (after a revocation, or a change of settings). */
  forget(): void {
    this.apiKeys.forget();
    this.oidc.forget();
  }
}
