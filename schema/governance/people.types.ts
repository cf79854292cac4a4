import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

export enum AuthoritativeSourceKind {
  NONE = 'NONE',
  SCIM = 'SCIM',
}
registerEnumType(AuthoritativeSourceKind, {
  name: 'AuthoritativeSource',
  description:
    "Who is authoritative for the workspace's people. `NONE`: people change through createUser, updateUser and terminateUser. `SCIM`: besides, the SCIM directory's creates, updates and `active: false` are joiners, movers and leavers.",
});

/** The attributes a person's joiner and mover events carry (login is fixed at creation). */
@InputType({ description: 'A mover: the attributes that change (omitted ones are kept; null clears one).' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => String, { nullable: true }) lastName?: string | null;
  @Field(() => String, { nullable: true, description: 'Defaults to first and last name, else the login.' }) displayName?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) phoneNumber?: string | null;
  @Field(() => String, { nullable: true }) jobTitle?: string | null;
  @Field(() => String, { nullable: true }) department?: string | null;
  @Field(() => String, { nullable: true }) organizationName?: string | null;
  @Field(() => String, { nullable: true }) location?: string | null;
  @Field(() => String, { nullable: true, description: 'e.g. `Employee`, `Contractor`.' }) userType?: string | null;
  @Field(() => String, { nullable: true, description: '`Active` (the default) or `Inactive`. To end employment use terminateUser.' }) status?: string | null;
  @Field(() => String, { nullable: true }) employeeNumber?: string | null;
  @Field(() => String, { nullable: true, description: 'Login of the manager (a person of the workspace).' }) managerLogin?: string | null;
  @Field(() => String, { nullable: true }) officeAddressCity?: string | null;
  @Field(() => String, { nullable: true }) officeAddressState?: string | null;
  @Field(() => String, { nullable: true }) officeAddressCountry?: string | null;
  @Field(() => String, { nullable: true }) homeAddressCity?: string | null;
  @Field(() => String, { nullable: true }) homeAddressState?: string | null;
  @Field(() => String, { nullable: true }) homeAddressCountry?: string | null;
}

@InputType({ description: 'A joiner: a new person of the workspace.' })
export class CreateUserInput extends UpdateUserInput {
  @Field(() => String, { description: 'Login, unique in the workspace: letters, digits and . _ @ + -.' }) login!: string;
}

@ObjectType({ description: 'One source through which a person holds a role; the role is held while any source grants it.' })
export class RoleMembership {
  @Field(() => ID) roleId!: string;
  @Field(() => String) roleName!: string;
  @Field(() => String, { description: '`REQUEST`, `RULE` (birthright rule), `SCIM` or `RECONCILIATION`.' }) source!: string;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'End of a time-bound grant: the request engine revokes the membership then.' }) expiresAt!: Date | null;
}
