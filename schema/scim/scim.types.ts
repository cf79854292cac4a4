import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Connection, PageArgs } from '../../src/common/pagination.js';
import { ScimUser } from '../../src/scim/scim-user.entity.js';

export enum ScimUserType {
  USER = 'USER',
  SERVICE = 'SERVICE',
  DEBUG = 'DEBUG',
}
registerEnumType(ScimUserType, {
  valuesConfig: { DEBUG: { description: 'A debugging account.' }, SERVICE: { description: 'A service (non-human) account.' }, USER: { description: 'A person.' } },
  name: 'ScimUserType',
  description: 'Type of the user (seed: `"userType": "USER"`).',
});

// One shape serves as output and input (type-graphql names them apart).
@ObjectType({ description: 'Name of the user (seed: `name`).' })
@InputType('ScimNameInput', { description: 'Name of the user.' })
export class ScimName {
  @Field(() => String, { nullable: true, description: 'Family name.' }) familyName?: string | null;
  @Field(() => String, { nullable: true, description: 'Formatted name is detailed name of person.' }) formatted?: string | null;
  @Field(() => String, { nullable: true, description: 'Given name of the person.' }) givenName?: string | null;
  @Field(() => String, { nullable: true, description: 'Prefix for the name. Mr Ms. Etc.' }) honorificPrefix?: string | null;
  @Field(() => String, { nullable: true, description: 'Suffix for the name like Jr Sr I II III etc.' }) honorificSuffix?: string | null;
  @Field(() => String, { nullable: true, description: 'Middle name of the person.' }) middleName?: string | null;
}

@ObjectType({ description: 'Email for user can be primary or secondary.' })
@InputType('ScimEmailInput', { description: 'Email for user can be primary or secondary.' })
export class ScimEmail {
  @Field(() => Boolean, { nullable: true, description: 'Primary boolean describing whether it is primary or not.' }) primary?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Type of email describing whether it is work or personal.' }) type?: string | null;
  @Field(() => String, { description: 'Value.' }) value!: string;
}

@ObjectType({ description: 'UserGroup: a group the user belongs to; groups are the roles of the workspace.' })
export class ScimGroupRef {
  @Field(() => String, { nullable: true, description: 'Display for the user group name.' }) display?: string | null;
  @Field(() => String, { description: 'ID of the group to which user belongs (the Role id when the group names a role of the workspace).' }) id!: string;
  /** The linked Role's id, resolved by `role`. */
  roleId?: string | null;
}

@ObjectType({ description: 'Resource metadata (seed: `meta`).' })
export class ScimMeta {
  @Field(() => GraphQLDateTimeISO, { description: 'Create date. Required: YES.' }) created!: Date;
  @Field(() => GraphQLDateTimeISO, { description: 'Last modification date and time. Required: YES.' }) lastModified!: Date;
  @Field(() => String, { description: 'Location for resource: the user at the SCIM endpoint (/scim/v2/Users/<id>).' }) location!: string;
  @Field(() => String, { description: 'Type of resource. Required: YES.' }) resourceType!: string;
  @Field(() => String, { description: 'Version for resource type. Required: YES. The ETag, e.g. W/"3"; it changes on every write.' }) version!: string;
}

@InputType({ description: 'UserGroup.' })
export class ScimGroupInput {
  @Field(() => String, { nullable: true, description: 'Display for the user group name.' }) display?: string | null;
  @Field(() => String, { nullable: true, description: 'ID of the group to which user belongs.' }) id?: string | null;
}

@InputType({ description: "Resource metadata as the seed's request carries it; ignored, since the server sets meta (read-only in SCIM)." })
export class ScimMetaInput {
  @Field(() => String, { nullable: true, description: 'Create date.' }) created?: string | null;
  @Field(() => String, { nullable: true, description: 'Last modification date and time.' }) lastModified?: string | null;
  @Field(() => String, { nullable: true, description: 'location for resource.' }) location?: string | null;
  @Field(() => String, { nullable: true, description: 'Type of resource.' }) resourceType?: string | null;
  @Field(() => String, { nullable: true, description: 'Version for resource type.' }) version?: string | null;
}

@InputType({ description: 'CreateUserRequest is the request for creating a user.' })
export class CreateScimUserInput {
  @Field(() => Boolean, { nullable: true, description: 'Active is boolean representing if user is active or not.' }) active?: boolean | null;
  @Field(() => String, { nullable: true, description: 'DisplayName refers to the name to be displayed for the user. Default is name.' }) displayName?: string | null;
  @Field(() => [ScimEmail], { nullable: true, description: 'Emails can be list of emails to be used by user work, personal etc.' }) emails?: ScimEmail[] | null;
  @Field(() => String, { nullable: true, description: 'ExternalId refers to the ID for user represented in the external system like Azure etc.' }) externalId?: string | null;
  @Field(() => [ScimGroupInput], {
    nullable: true,
    description: 'Groups to which user belongs to. Read-only (RFC 7643 §4.1.2): accepted as the seed sends it and ignored; membership changes through /scim/v2/Groups.',
    deprecationReason: 'Read-only: ignored. Group membership changes through /scim/v2/Groups.',
  })
  groups?: ScimGroupInput[] | null;
  @Field(() => ScimMetaInput, { nullable: true, description: 'Resource metadata; ignored (the server sets it).' }) meta?: ScimMetaInput | null;
  @Field(() => ScimName, { nullable: true, description: 'Name of the user.' }) name?: ScimName | null;
  @Field(() => [String], { description: 'Roles defined for the user. Required: YES. Each names a role of the workspace (by name or display name).' }) roles!: string[];
  @Field(() => [String], { nullable: true, description: 'Schemas represent the schema from scim spec to be used for creating the user.' }) schemas?: string[] | null;
  @Field(() => String, { description: 'UserName refers to the unique userName for this user. Can be emailId or username used in yahoo gmail etc.' }) userName!: string;
  @Field(() => ScimUserType, { nullable: true, description: 'Type of the user; USER when not given.' }) userType?: ScimUserType | null;
}

@InputType({ description: 'Changes to a SCIM user: each given field replaces the stored one (a given `name` replaces the whole name); omitted fields keep their value.' })
export class UpdateScimUserInput {
  @Field(() => Boolean, { nullable: true, description: 'Active is boolean representing if user is active or not.' }) active?: boolean | null;
  @Field(() => String, { nullable: true, description: 'DisplayName refers to the name to be displayed for the user. Default is name.' }) displayName?: string | null;
  @Field(() => [ScimEmail], { nullable: true, description: 'Emails can be list of emails to be used by user work, personal etc.' }) emails?: ScimEmail[] | null;
  @Field(() => String, { nullable: true, description: 'ExternalId refers to the ID for user represented in the external system like Azure etc.' }) externalId?: string | null;
  @Field(() => [ScimGroupInput], {
    nullable: true,
    description: 'Groups to which user belongs to. Read-only (RFC 7643 §4.1.2): accepted as the seed sends it and ignored; membership changes through /scim/v2/Groups.',
    deprecationReason: 'Read-only: ignored. Group membership changes through /scim/v2/Groups.',
  })
  groups?: ScimGroupInput[] | null;
  @Field(() => ScimName, { nullable: true, description: 'Name of the user.' }) name?: ScimName | null;
  @Field(() => [String], { nullable: true, description: 'Roles defined for the user.' }) roles?: string[] | null;
  @Field(() => String, { nullable: true, description: 'UserName: unique in the workspace, case-insensitively.' }) userName?: string | null;
  @Field(() => ScimUserType, { nullable: true, description: 'Type of the user.' }) userType?: ScimUserType | null;
}

@ArgsType()
export class ScimUsersArgs extends PageArgs {
  @Field(() => String, {
    nullable: true,
    description: 'A SCIM filter (RFC 7644), e.g. `userName eq "bjensen"`, `emails[type eq "work" and value co "@example.com"]`, `active eq true and not (name.familyName sw "J")`.',
  })
  filter?: string | null;
}

@ObjectType({ description: 'What deleteScimUser removed.' })
export class DeleteScimUserPayload {
  @Field(() => ID, { description: 'Id of the deleted SCIM user.' }) deletedId!: string;
}

export const ScimUserConnection = Connection(ScimUser, 'ScimUser');
