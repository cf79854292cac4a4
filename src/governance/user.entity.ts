import { Entity, Index, Unique, type Opt } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';

/** An identity of the governance catalog (IDHub `User` collection). */
@ObjectType({ implements: Node, description: 'A person: the identity that holds roles, accounts and entitlements.' })
@Entity({ tableName: 'app_user' })
@Unique({ properties: ['workspace', 'login'] })
@Index({ properties: ['workspace', 'managerLogin'] })
@Index({ properties: ['workspace', 'displayName'] })
@Unique({ properties: ['workspace', 'userIdentityId'] })
export class User extends WorkspaceEntity {
  @Column({ type: 'string', description: 'Login, unique in the workspace (e.g. `aaron`).' }) login!: string;
  @Column({ type: 'string', nullable: true, description: 'Given name.' }) firstName?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Family name.' }) lastName?: string | null;
  @Column({ type: 'string', description: 'Full name shown in the catalog (e.g. `Aaron King`).' }) displayName!: string;
  @Column({ type: 'string', nullable: true, description: 'Email address.' }) email?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Phone number.' }) phoneNumber?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Job title, e.g. `Sales Manager`.' }) jobTitle?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Department, e.g. `Sales`.' }) department?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Organization (company or business unit).' }) organizationName?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Work location, e.g. a site or city.' }) location?: string | null;
  @Column({ type: 'string', nullable: true, description: 'e.g. `Employee`, `Contractor`.' }) userType?: string | null;
  @Column({ type: 'string', description: '`Active` or `Inactive`.' }) status: string & Opt = 'Active';
  @Column({ type: 'string', nullable: true, description: 'Employee number from the HR source.' }) employeeNumber?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Kind of employment as the HR source gives it (seed: `employeeType`, e.g. `Employee`).' }) employeeType?: string | null;
  @Column({ type: 'boolean', description: 'Whether the person administers the IDHub workspace (seed: `isAdministrator`).' }) isAdministrator: boolean & Opt = false;
  @Column({ type: 'string', nullable: true, description: 'Login of the manager.' }) managerLogin?: string | null;
  @Column({ type: 'string', nullable: true, description: 'First line of the home address.' }) homeAddressLine1?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Second line of the home address.' }) homeAddressLine2?: string | null;
  @Column({ type: 'string', nullable: true, description: 'City of the home address.' }) homeAddressCity?: string | null;
  @Column({ type: 'string', nullable: true, description: 'State or region of the home address.' }) homeAddressState?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Postal code of the home address (seed: `homeAddressZipcode`).' }) homeAddressZipcode?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Country of the home address.' }) homeAddressCountry?: string | null;
  @Column({ type: 'string', nullable: true, description: 'First line of the office address.' }) officeAddressLine1?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Second line of the office address.' }) officeAddressLine2?: string | null;
  @Column({ type: 'string', nullable: true, description: 'City of the office.' }) officeAddressCity?: string | null;
  @Column({ type: 'string', nullable: true, description: 'State or region of the office.' }) officeAddressState?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Postal code of the office (seed: `officeAddressZipcode`).' }) officeAddressZipcode?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Country of the office.' }) officeAddressCountry?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Postal code of the office (seed: `officeAddressPostal`, a number there; text here so leading zeros survive).' })
  officeAddressPostal?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Creation date as the source gave it (seed: `createDate`).' }) createDate?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Date the identity was provisioned, as the source gave it.' }) provisionedDate?: string | null;
  @Column({ type: 'string', nullable: true, description: "URL of the person's picture (seed: `logoURL`)." }) logoURL?: string | null;
  @Column({
    type: 'string',
    nullable: true,
    length: 36,
    description: 'The person as a Seam user identity (seed 000/001: `user_identity_id`, a uuid); launchEnrollmentAutomation takes it beside `id`.',
  })
  userIdentityId?: string | null;
  @Column({ type: 'datetime', description: 'When the identity was added to the catalog.' }) createdOn: Date & Opt = new Date();
  @Column({
    type: 'datetime',
    nullable: true,
    description: 'When the person left (terminateUser, or the authoritative SCIM directory deactivated them); null while employed. A terminated person matches no birthright rule.',
  })
  terminatedAt?: Date | null;
}
