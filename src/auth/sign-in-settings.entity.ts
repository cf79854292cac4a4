import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { newId } from '../common/ids.js';
import { Workspace } from './workspace.entity.js';
import type { Authority } from './authorities.js';

/** Which User column a token's person claim is matched against. */
export type PersonAttribute = 'email' | 'login' | 'employeeNumber';

/** A claim value that grants authorities: `groups` contains `idg-admins` → ORG_ADMIN. */
export interface ClaimAuthorities {
  claim: string;
  value: string;
  authorities: Authority[];
}

/** Membership of a catalog role that grants authorities (the role by id; its name for display). */
export interface RoleAuthorities {
  roleId: string;
  roleName: string;
  authorities: Authority[];
}

/**
 * How the people of a workspace sign in with OpenID Connect: the identity provider (issuer) whose
 * tokens the workspace accepts, the audience they must be for, the claim that names the person,
 * and the authorities people get. One per workspace; tokens find their workspace by issuer.
 */
@Entity({ tableName: 'sign_in_settings' })
@Unique({ properties: ['workspace'] })
@Index({ properties: ['issuer'] })
export class SignInSettings {
  @PrimaryKey({ type: 'string', length: 24 })
  id: string & Opt = newId();

  @ManyToOne(() => Workspace, { deleteRule: 'cascade' })
  workspace!: Workspace;

  /** The `iss` of the tokens, exactly as the provider writes it (and its discovery document states). */
  @Property({ type: 'string' })
  issuer!: string;

  /** The `aud` the tokens must carry (the front-end's client id at the provider). */
  @Property({ type: 'string' })
  audience!: string;

  /** The claim that names the person (`email`, `preferred_username`, `employee_id`, …). */
  @Property({ type: 'string' })
  personClaim!: string;

  /** The User column the claim is matched against. */
  @Property({ type: 'string', length: 16 })
  personAttribute!: PersonAttribute;

  /** The JWKS location; when unset, the `jwks_uri` of the issuer's discovery document. */
  @Property({ type: 'string', nullable: true })
  jwksUri?: string | null;

  /** Authorities every signed-in person gets. */
  @Property({ type: 'json' })
  authorities!: Authority[];

  @Property({ type: 'json' })
  claimAuthorities: ClaimAuthorities[] & Opt = [];

  @Property({ type: 'json' })
  roleAuthorities: RoleAuthorities[] & Opt = [];

  @Property({ type: 'datetime' })
  updatedAt: Date & Opt = new Date();
}
