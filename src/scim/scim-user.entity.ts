import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { newId } from '../common/ids.js';
import { User } from '../governance/user.entity.js';
import { Role } from '../governance/role.entity.js';

export interface ScimEmailValue {
  value: string;
  type?: string | null;
  primary?: boolean | null;
  display?: string | null;
}

/**
 * A user of the SCIM directory (seed 004: F5 `User`, RFC 7643 User). Name parts are real
 * columns so filters reach them in SQL; emails are kept as given (order, shape) and indexed in
 * `scim_user_email` for filtering; roles and groups live in `scim_user_role`, linked to Roles.
 */
@ObjectType({ implements: Node, description: 'User object representing the user created (seed: SCIM v2 User).' })
@Entity({ tableName: 'scim_user' })
@Unique({ properties: ['workspace', 'userNameKey'] })
@Index({ properties: ['workspace', 'externalId'] })
export class ScimUser extends WorkspaceEntity {
  @Column({ type: 'string', description: 'UserName for the user. Required: YES. Unique in the workspace, case-insensitively.' })
  userName!: string;

  /** userName in lower case: the unique key, since SCIM userName is caseExact=false. */
  @Property({ type: 'string' })
  userNameKey!: string;

  @Column({ type: 'string', nullable: true, description: 'ExternalId specifies the ID for the user object in external system.' })
  externalId?: string | null;

  @Column({ type: 'boolean', description: 'Active specifies if user is active or not.' })
  active: boolean & Opt = true;

  @Column({ type: 'string', description: 'DisplayName for the user. Default is name.' })
  displayName!: string;

  @Column({ type: 'string', nullable: true, description: 'NickName for the user.' })
  nickName?: string | null;

  @Column({ type: 'string', nullable: true, graphql: false }) familyName?: string | null;
  @Column({ type: 'string', nullable: true, graphql: false }) formatted?: string | null;
  @Column({ type: 'string', nullable: true, graphql: false }) givenName?: string | null;
  @Column({ type: 'string', nullable: true, graphql: false }) honorificPrefix?: string | null;
  @Column({ type: 'string', nullable: true, graphql: false }) honorificSuffix?: string | null;
  @Column({ type: 'string', nullable: true, graphql: false }) middleName?: string | null;

  /** Emails as given; `scim_user_email` indexes the same values for filters. */
  @Property({ type: 'json' })
  emails: ScimEmailValue[] & Opt = [];

  @Property({ type: 'string', length: 16 })
  userType: string & Opt = 'USER';

  @Column({ type: 'json', description: 'Schemas for user object as per scim spec 2.0. Required: YES.' })
  schemas!: string[];

  /**
   * The other RFC 7643 attributes a client sent (title, phoneNumbers, addresses, …) and the
   * enterprise extension, under their canonical names; returned as they were stored.
   */
  @Property({ type: 'json' })
  attributes: Record<string, unknown> & Opt = {};

  /** Incremented on every write; the ETag is W/"<version>". */
  @Property({ type: 'integer' })
  version: number & Opt = 1;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime' })
  lastModified: Date & Opt = new Date();

  /** The IGA identity this SCIM user is, when one matched at creation. */
  @ManyToOne(() => User, { nullable: true, index: true, deleteRule: 'set null' })
  user?: User | null;
}

/** One email of a SCIM user, lower-cased for case-insensitive filters (`emails.value co "x"`). */
@Entity({ tableName: 'scim_user_email' })
@Index({ properties: ['valueKey'] })
export class ScimUserEmail {
  @PrimaryKey({ type: 'string', length: 24 }) id: string & Opt = newId();
  @ManyToOne(() => ScimUser, { index: true, deleteRule: 'cascade' }) scimUser!: ScimUser;
  @Property({ type: 'string' }) valueKey!: string;
  @Property({ type: 'string', nullable: true }) typeKey?: string | null;
  @Property({ type: 'boolean' }) isPrimary: boolean & Opt = false;
}

export type ScimLinkKind = 'ROLE' | 'GROUP';

/**
 * A role or group of a SCIM user, kept as given (`value`, `display`) and linked to the Role of
 * the workspace it names when there is one (role_id null otherwise). GROUP rows are also the
 * members of /Groups, which are Roles.
 */
@Entity({ tableName: 'scim_user_role' })
@Index({ properties: ['role', 'kind'] })
export class ScimUserRole {
  @PrimaryKey({ type: 'string', length: 24 }) id: string & Opt = newId();
  @ManyToOne(() => ScimUser, { index: true, deleteRule: 'cascade' }) scimUser!: ScimUser;
  @Property({ type: 'string', length: 8 }) kind!: ScimLinkKind;
  @Property({ type: 'string' }) value!: string;
  @Property({ type: 'string', nullable: true }) display?: string | null;
  @ManyToOne(() => Role, { nullable: true, deleteRule: 'set null' }) role?: Role | null;
  @Property({ type: 'integer' }) position: number & Opt = 0;
}
