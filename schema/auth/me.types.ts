import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Authority } from '../../src/auth/authorities.js';
import type { Viewer } from '../../src/auth/viewer.js';

export enum CredentialKind {
  API_KEY = 'API_KEY',
  SIGN_IN_TOKEN = 'SIGN_IN_TOKEN',
}
registerEnumType(CredentialKind, {
  valuesConfig: {
    API_KEY: { description: 'An `igk_…` API key, personal or service.' },
    SIGN_IN_TOKEN: { description: "An OpenID Connect token of the workspace's identity provider." },
  },
  name: 'CredentialKind',
  description: '`API_KEY` (an `igk_…` key, personal or service) or `SIGN_IN_TOKEN` (an OpenID Connect token of the identity provider of the workspace).',
});

/** The caller as its credential says; `person` is an edge of the read graph (src/auth/auth.graph.ts). */
@ObjectType({ description: 'Who calls: the credential of this request, its authorities and the person behind it.' })
export class Me {
  @Field(() => ID, { description: 'The workspace the credential belongs to.' })
  readonly workspaceId: string;

  @Field(() => CredentialKind, { description: 'Whether the caller used an API key or a sign-in token.' })
  readonly credentialKind: CredentialKind;

  @Field(() => String, { description: 'The credential as audits name it: the name of the API key, or `sign-in of <login>`.' })
  readonly credential: string;

  @Field(() => [Authority], { description: 'What the credential may do (for a sign-in token: as the sign-in settings of the workspace grant).' })
  readonly authorities: Authority[];

  /** The person's id, or null for a service key. */
  readonly personId: string | null;

  constructor(viewer: Viewer) {
    this.workspaceId = viewer.workspaceId;
    this.credentialKind = viewer.apiKeyId.startsWith('oidc:') ? CredentialKind.SIGN_IN_TOKEN : CredentialKind.API_KEY;
    this.credential = viewer.apiKeyName;
    this.authorities = [...viewer.authorities];
    this.personId = viewer.person?.id ?? null;
  }
}
