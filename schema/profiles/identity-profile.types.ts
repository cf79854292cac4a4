import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Connection, PageArgs, SortDirection } from '../../src/common/pagination.js';
import { IdentityProfile } from '../../src/profiles/identity-profile.entity.js';

export enum ReferenceType {
  IDENTITY = 'IDENTITY',
  SOURCE = 'SOURCE',
}
registerEnumType(ReferenceType, {
  valuesConfig: { IDENTITY: { description: 'A person (User).' }, SOURCE: { description: 'An application (TargetSystem).' } },
  name: 'ReferenceType',
  description: 'Type of the object to which this reference applies: `IDENTITY` (a person, User) or `SOURCE` (an application, TargetSystem).',
});

/** SailPoint's `{type: IDENTITY, id, name}`; `name` and `user` are read through loaders. */
@ObjectType({ description: 'The owner of the Identity Profile: a reference to a person.' })
export class OwnerReference {
  @Field(() => ReferenceType, { description: 'Type of the object to which this reference applies (always IDENTITY)' })
  readonly type = ReferenceType.IDENTITY;

  @Field(() => ID, { description: 'ID of the object to which this reference applies' })
  readonly id: string;

  constructor(id: string) {
    this.id = id;
  }
}

/** SailPoint's `{type: SOURCE, id, name}`; `name` and `targetSystem` are read through loaders. */
@ObjectType({ description: 'The authoritative source for this Identity Profile: a reference to an application.' })
export class SourceReference {
  @Field(() => ReferenceType, { description: 'Type of the object to which this reference applies (always SOURCE)' })
  readonly type = ReferenceType.SOURCE;

  @Field(() => ID, { description: 'ID of the object to which this reference applies' })
  readonly id: string;

  constructor(id: string) {
    this.id = id;
  }
}

@InputType({ description: 'A reference to an object of this product by its id (24 hex characters).' })
export class ReferenceInput {
  @Field(() => ReferenceType, {
    nullable: true,
    description: 'Type of the object to which this reference applies: IDENTITY for `owner`, SOURCE for `authoritativeSource`; implied when omitted.',
  })
  type?: ReferenceType | null;

  @Field(() => ID, { description: 'ID of the object to which this reference applies' })
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Human-readable display name of the object to which this reference applies. Read-only: ignored on input; responses show the current name.',
  })
  name?: string | null;
}

@InputType({ description: 'A transform applied to an attribute (seed: `transformDefinition`): its type and attributes.' })
export class TransformDefinitionInput {
  @Field(() => String, { nullable: true, description: 'The type of the transform definition.' })
  type?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Arbitrary key-value pairs to store any metadata for the object' })
  attributes?: Record<string, unknown> | null;
}

@InputType({ description: 'One identity attribute and the transform that computes it (seed: `attributeTransforms[]`).' })
export class IdentityAttributeTransformInput {
  @Field(() => String, { description: 'Name of the identity attribute (each attribute at most once per profile)' })
  identityAttributeName!: string;

  @Field(() => TransformDefinitionInput, { nullable: true, description: 'The seaspray transformation definition' })
  transformDefinition?: TransformDefinitionInput | null;
}

@InputType({ description: 'How a profile computes identity attributes (seed: `identityAttributeConfig`).' })
export class IdentityAttributeConfigInput {
  @Field(() => Boolean, { nullable: true, defaultValue: true, description: 'If the profile or mapping is enabled' })
  enabled?: boolean | null;

  @Field(() => [IdentityAttributeTransformInput], { nullable: true, description: 'One transform per identity attribute (seed: `attributeTransforms`).' })
  attributeTransforms?: IdentityAttributeTransformInput[] | null;
}

@InputType({ description: "Where a profile's identity exceptions are reported (seed: `identityExceptionReportReference`)." })
export class IdentityExceptionReportReferenceInput {
  @Field(() => String, { nullable: true, description: 'The id of the task result (a uuid)' })
  taskResultId?: string | null;

  @Field(() => String, { nullable: true, description: 'The name of the report' })
  reportName?: string | null;
}

/** Fields that create and update share, with the same meaning and checks. */
@InputType()
abstract class IdentityProfileFields {
  @Field(() => String, { nullable: true, description: 'The description of the Identity Profile.' })
  description?: string | null;

  @Field(() => ReferenceInput, { nullable: true, description: 'The owner of the Identity Profile: `{type: IDENTITY, id}` of a person (User) of the workspace.' })
  owner?: ReferenceInput | null;

  @Field(() => Int, { nullable: true, description: 'The priority for an Identity Profile: the lower the number, the higher the precedence.' })
  priority?: number | null;

  @Field(() => IdentityAttributeConfigInput, { nullable: true, description: 'How identity attributes are computed from the authoritative source.' })
  identityAttributeConfig?: IdentityAttributeConfigInput | null;

  @Field(() => IdentityExceptionReportReferenceInput, { nullable: true, description: 'Where identity exceptions of the profile are reported.' })
  identityExceptionReportReference?: IdentityExceptionReportReferenceInput | null;
}

@InputType({ description: 'An Identity Profile to create (seed 003: POST /identity-profiles).' })
export class CreateIdentityProfileInput extends IdentityProfileFields {
  @Field(() => String, { description: 'Name of the Object' })
  name!: string;

  @Field(() => ReferenceInput, { description: 'The authoritative source for this Identity Profile: `{type: SOURCE, id}` of an application (TargetSystem) of the workspace.' })
  authoritativeSource!: ReferenceInput;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'True if a identity refresh is needed. Typically triggered when a change on the source has been made' })
  identityRefreshRequired?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: true, description: 'Indicates the value of requiresPeriodicRefresh attribute for the Identity Profile.' })
  hasTimeBasedAttr?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'The number of identities that belong to the Identity Profile. Read-only: ignored on input; the response computes it.' })
  identityCount?: number | null;
}

@InputType({ description: 'Changes to an Identity Profile: only the fields given change; `null` clears an optional field (identityAttributeConfig returns to its default).' })
export class UpdateIdentityProfileInput extends IdentityProfileFields {
  @Field(() => String, { nullable: true, description: 'Name of the Object' })
  name?: string | null;

  @Field(() => ReferenceInput, { nullable: true, description: 'The authoritative source for this Identity Profile (cannot be cleared).' })
  authoritativeSource?: ReferenceInput | null;

  @Field(() => Boolean, { nullable: true, description: 'True if a identity refresh is needed. Typically triggered when a change on the source has been made' })
  identityRefreshRequired?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Indicates the value of requiresPeriodicRefresh attribute for the Identity Profile.' })
  hasTimeBasedAttr?: boolean | null;
}

@InputType({ description: 'Filters of identityProfiles (seed: the `filters` query parameter); omitted ones match all.' })
export class IdentityProfileFilter {
  @Field(() => String, { nullable: true, description: 'Name contains (case-insensitive).' })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only profiles of this authoritative source (a TargetSystem id).' })
  authoritativeSourceId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only profiles owned by this person (a User id).' })
  ownerId?: string | null;
}

export enum IdentityProfileSortField {
  NAME = 'name',
  PRIORITY = 'priority',
  CREATED = 'created',
}
registerEnumType(IdentityProfileSortField, {
  valuesConfig: {
    CREATED: { description: 'Creation time (seed: `created`).' },
    NAME: { description: 'Name (seed: `name`).' },
    PRIORITY: { description: 'Priority (seed: `priority`).' },
  },
  name: 'IdentityProfileSortField',
  description: 'A field identity profiles can be ordered by (seed: `sorters`).',
});

@InputType({ description: 'Order of identityProfiles (seed: the `sorters` query parameter).' })
export class IdentityProfileSort {
  @Field(() => IdentityProfileSortField, { description: 'The field to order by.' })
  field!: IdentityProfileSortField;

  @Field(() => SortDirection, { nullable: true, defaultValue: SortDirection.ASC, description: 'ASC (the default) or DESC.' })
  direction?: SortDirection | null;
}

@ArgsType()
export class IdentityProfilesArgs extends PageArgs {
  @Field(() => IdentityProfileFilter, { nullable: true, description: 'Narrow by id, name or priority; omitted filters match all.' })
  filter?: IdentityProfileFilter | null;

  @Field(() => IdentityProfileSort, { nullable: true, description: 'Order of the list (default: by name, ascending); ties by id.' })
  sort?: IdentityProfileSort | null;
}

export const IdentityProfileConnection = Connection(IdentityProfile, 'IdentityProfile');
