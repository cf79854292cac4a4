import { Entity, Index, ManyToOne, PrimaryKeyProp, Property, Unique, type Opt } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { Entitlement } from './entitlement.entity.js';
import { User } from './user.entity.js';
import { newId } from '../common/ids.js';
import { PrimaryKey } from '@mikro-orm/core';

/** A bundle of entitlements (IDHub `Role`), held by assignment or by its birthright rule. */
@ObjectType({ implements: Node, description: 'A role: a bundle of entitlements, held by explicit assignment or by its birthright rule.' })
@Entity({ tableName: 'role' })
@Unique({ properties: ['workspace', 'name'] })
@Index({ properties: ['workspace', 'displayName'] })
export class Role extends WorkspaceEntity {
  @Column({ type: 'string', description: 'Name of the role, unique in the workspace.' }) name!: string;
  @Column({ type: 'string', description: 'Display name of the role (e.g. `All Employees`).' }) displayName!: string;
  @Column({ type: 'text', nullable: true, description: 'What the role is for, in free text.' }) description?: string | null;
  @Column({ type: 'text', nullable: true, description: 'Birthright rule, e.g. `{"$and":[{"status":"Active"},{"department":{"$nin":["CO"]}}]}`: users who match it hold the role.' })
  rule?: string | null;
  @Column({ type: 'text', nullable: true, description: 'The rule as the form builder shows it.' }) ruleForm?: string | null;
  @Column({ type: 'boolean', nullable: true, description: 'Whether the role may be reviewed in certifications (seed: `isCertifiable`).' }) isCertifiable?: boolean | null;
  @Column({ type: 'boolean', description: 'Whether people may request the role through the cart.' }) isRequestable: boolean & Opt = true;
  @Column({ type: 'boolean', description: 'Disabled roles cannot be requested.' }) disabled: boolean & Opt = false;
  @Column({ type: 'boolean', description: 'Retired is final: a retired role cannot be enabled again.' }) retired: boolean & Opt = false;
  @Column({ type: 'string', nullable: true, description: 'Workflow that approves requests for this role.' }) approvalWorkflow?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Display name of that approval workflow (seed: `approvalWorkflowDisplayName`).' }) approvalWorkflowDisplayName?:
    | string
    | null;
  @Column({ type: 'string', nullable: true, description: 'First approval step: the name of an approval group (seed: `approver1`).' }) approver1?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Second approval step: the name of an approval group (seed: `approver2`).' }) approver2?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Third approval step: the name of an approval group (seed: `approver3`).' }) approver3?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Approval group or login that fulfils requests for the role.' }) performer?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Risk level as the seed gives it, e.g. `low`, `medium`, `high`.' }) riskLevel?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Comma-separated catalog tags.' }) searchTags?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Id of the form a requester fills in for this role (seed: `workflowRequestFormId`).' }) workflowRequestFormId?:
    | string
    | null;
  @Column({ type: 'string', nullable: true, description: 'Login of the role owner.' }) roleOwnerLogin?: string | null;
  @Column({ type: 'datetime', description: 'When the role was added to the catalog.' }) createdOn: Date & Opt = new Date();
  @Column({
    type: 'string',
    length: 16,
    default: 'CATALOG',
    description:
      '`CATALOG`: onboarded (or loaded) into the catalog. `SCIM`: a directory group an identity provider created through /scim/v2/Groups: never requestable, grants no entitlements, deletable through SCIM.',
  })
  origin: RoleOrigin & Opt = 'CATALOG';
}

export type RoleOrigin = 'CATALOG' | 'SCIM';

/** Which entitlements a role grants. */
@Entity({ tableName: 'role_entitlement' })
export class RoleEntitlement {
  [PrimaryKeyProp]?: ['role', 'entitlement'];
  @ManyToOne(() => Role, { primary: true, deleteRule: 'cascade' }) role!: Role;
  @ManyToOne(() => Entitlement, { primary: true, index: true, deleteRule: 'cascade' }) entitlement!: Entitlement;
}

/** Where a membership comes from; a person holds a role while any source grants it. */
export const MEMBERSHIP_SOURCES = ['REQUEST', 'RULE', 'SCIM', 'RECONCILIATION'] as const;
export type MembershipSource = (typeof MEMBERSHIP_SOURCES)[number];

/**
 * Who holds a role, one row per source: `REQUEST` rows are grants of approved requests (and
 * loaded data sets), `RULE` rows the birthright rule's result, recomputed in the database
 * whenever the rule or a user changes, `SCIM` rows the directory's groups and roles, and
 * `RECONCILIATION` rows what a reconciliation found on a target. Removing one source never
 * touches the others; the role is no longer held when its last row goes.
 */
@Entity({ tableName: 'role_member' })
@Unique({ properties: ['role', 'user', 'source'] })
export class RoleMember {
  @PrimaryKey({ type: 'string', length: 24 }) id: string & Opt = newId();
  @ManyToOne(() => Role, { deleteRule: 'cascade' }) role!: Role;
  @ManyToOne(() => User, { index: true, deleteRule: 'cascade' }) user!: User;
  @Property({ type: 'string', length: 16 }) source!: MembershipSource;
  @Property({ type: 'datetime' }) createdAt: Date & Opt = new Date();
  /** End of a time-bound grant: the request engine revokes the membership then. */
  @Property({ type: 'datetime', nullable: true }) expiresAt?: Date | null;
}
