import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

export enum AuthoritativeSourceKind {
  NONE = 'NONE',
  SCIM = 'SCIM',
}
registerEnumType(AuthoritativeSourceKind, {
  valuesConfig: {
    NONE: { description: 'People change only through createUser, updateUser and terminateUser.' },
    SCIM: { description: "The SCIM directory's creates, updates and deactivations are also joiners, movers and leavers." },
  },
  name: 'AuthoritativeSource',
  description:
    "Who is authoritative for the workspace's people. `NONE`: people change through createUser, updateUser and terminateUser. `SCIM`: besides, the SCIM directory's creates, updates and `active: false` are joiners, movers and leavers.",
});

/** The attributes a person's joiner and mover events carry (login is fixed at creation). */
@InputType({ description: 'A mover: the attributes that change (omitted ones are kept; null clears one).' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true, description: 'Given name.' }) firstName?: string | null;
  @Field(() => String, { nullable: true, description: 'Family name.' }) lastName?: string | null;
  @Field(() => String, { nullable: true, description: 'Defaults to first and last name, else the login.' }) displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'Email address.' }) email?: string | null;
  @Field(() => String, { nullable: true, description: 'Phone number.' }) phoneNumber?: string | null;
  @Field(() => String, { nullable: true, description: 'Job title, e.g. `Sales Manager`.' }) jobTitle?: string | null;
  @Field(() => String, { nullable: true, description: 'Department, e.g. `Sales`; birthright rules often match on it.' }) department?: string | null;
  @Field(() => String, { nullable: true, description: 'Organization (company or business unit).' }) organizationName?: string | null;
  @Field(() => String, { nullable: true, description: 'Work location, e.g. a site or city.' }) location?: string | null;
  @Field(() => String, { nullable: true, description: 'e.g. `Employee`, `Contractor`.' }) userType?: string | null;
  @Field(() => String, { nullable: true, description: '`Active` (the default) or `Inactive`. To end employment use terminateUser.' }) status?: string | null;
  @Field(() => String, { nullable: true, description: 'Employee number from the HR source.' }) employeeNumber?: string | null;
  @Field(() => String, { nullable: true, description: 'Login of the manager (a person of the workspace).' }) managerLogin?: string | null;
  @Field(() => String, { nullable: true, description: 'City of the office.' }) officeAddressCity?: string | null;
  @Field(() => String, { nullable: true, description: 'State or region of the office.' }) officeAddressState?: string | null;
  @Field(() => String, { nullable: true, description: 'Country of the office.' }) officeAddressCountry?: string | null;
  @Field(() => String, { nullable: true, description: 'City of the home address.' }) homeAddressCity?: string | null;
  @Field(() => String, { nullable: true, description: 'State or region of the home address.' }) homeAddressState?: string | null;
  @Field(() => String, { nullable: true, description: 'Country of the home address.' }) homeAddressCountry?: string | null;
}

@InputType({ description: 'A joiner: a new person of the workspace.' })
export class CreateUserInput extends UpdateUserInput {
  @Field(() => String, { description: 'Login, unique in the workspace: letters, digits and . _ @ + -.' }) login!: string;
}

@ObjectType({ description: 'One source through which a person holds a role; the role is held while any source grants it.' })
export class RoleMembership {
  @Field(() => ID, { description: 'Id of the role.' }) roleId!: string;
  @Field(() => String, { description: 'Name of the role.' }) roleName!: string;
  @Field(() => String, { description: '`REQUEST`, `RULE` (birthright rule), `SCIM` or `RECONCILIATION`.' }) source!: string;
  @Field(() => GraphQLDateTimeISO, { description: 'When the person started holding the role through this source.' }) createdAt!: Date;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'End of a time-bound grant: the request engine revokes the membership then.' }) expiresAt!: Date | null;
}
