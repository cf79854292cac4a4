import { Entity, Index, ManyToOne, Property, Unique, type Opt } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import { User } from '../governance/user.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';

// The profile's nested settings are stored as JSON: they are read and written only as a whole.

@ObjectType({ description: 'The seaspray transformation definition' })
export class TransformDefinition {
  @Field(() => String, { nullable: true, description: 'The type of the transform definition.' })
  type?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Arbitrary key-value pairs to store any metadata for the object' })
  attributes?: Record<string, unknown> | null;
}

@ObjectType({ description: 'How one identity attribute is computed.' })
export class IdentityAttributeTransform {
  @Field(() => String, { nullable: true, description: 'Name of the identity attribute' })
  identityAttributeName?: string | null;

  @Field(() => TransformDefinition, { nullable: true, description: 'The seaspray transformation definition' })
  transformDefinition?: TransformDefinition | null;
}

@ObjectType({ description: 'Identity attribute mapping of an Identity Profile.' })
export class IdentityAttributeConfig {
  @Field(() => Boolean, { description: 'If the profile or mapping is enabled' })
  enabled!: boolean;

  @Field(() => [IdentityAttributeTransform], { description: 'One transform per identity attribute computed from the source.' })
  attributeTransforms!: IdentityAttributeTransform[];
}

@ObjectType({ description: 'Reference to the report of identity exceptions.' })
export class IdentityExceptionReportReference {
  @Field(() => String, { nullable: true, description: 'The id of the task result (a uuid)' })
  taskResultId?: string | null;

  @Field(() => String, { nullable: true, description: 'The name of the report' })
  reportName?: string | null;
}

/**
 * A SailPoint identity profile (seed 003): the people with an account on its authoritative
 * source belong to it, unless a profile of higher precedence claims them (lower `priority`,
 * then earlier `created`, then lower id: see profiles.loaders.ts).
 */
@ObjectType({ implements: Node, description: 'An Identity Profile (SailPoint): the identities of one authoritative source, with how their attributes are computed.' })
@Entity({ tableName: 'identity_profile' })
@Unique({ properties: ['workspace', 'name'] })
@Index({ properties: ['authoritativeSource'] })
export class IdentityProfile extends WorkspaceEntity {
  @Column({ type: 'string', description: 'Name of the Object (unique in the workspace)' })
  name!: string;

  @Column({ type: 'text', nullable: true, description: 'The description of the Identity Profile.' })
  description?: string | null;

  /** Exposed as an IDENTITY reference by the profile's edges. */
  @ManyToOne(() => User, { nullable: true, index: true, deleteRule: 'set null' })
  owner?: User | null;

  @Column({
    type: 'integer',
    description:
      'The priority for an Identity Profile. The lower the number, the higher the precedence: a person with accounts on the authoritative sources of several profiles belongs to the profile with the lowest priority (the earliest created on a tie). When not given at creation: 10 more than the highest priority in the workspace, so profiles rank in creation order.',
  })
  priority!: number;

  /** Exposed as a SOURCE reference by the profile's edges. */
  @ManyToOne(() => TargetSystem, { deleteRule: 'cascade' })
  authoritativeSource!: TargetSystem;

  @Column({ type: 'boolean', description: 'True if a identity refresh is needed. Typically triggered when a change on the source has been made' })
  identityRefreshRequired: boolean & Opt = false;

  @Field(() => IdentityAttributeConfig, { description: 'How identity attributes are computed from the authoritative source.' })
  @Property({ type: 'json' })
  identityAttributeConfig: IdentityAttributeConfig & Opt = { enabled: true, attributeTransforms: [] };

  @Field(() => IdentityExceptionReportReference, { nullable: true, description: 'Where identity exceptions of the profile are reported; null if nowhere.' })
  @Property({ type: 'json', nullable: true })
  identityExceptionReportReference?: IdentityExceptionReportReference | null;

  @Column({ type: 'boolean', description: 'Indicates the value of requiresPeriodicRefresh attribute for the Identity Profile.' })
  hasTimeBasedAttr: boolean & Opt = true;

  @Column({ type: 'datetime', description: 'Creation date of the Object' })
  created: Date & Opt = new Date();

  @Column({ type: 'datetime', description: 'Last modification date of the Object' })
  modified: Date & Opt = new Date();
}
