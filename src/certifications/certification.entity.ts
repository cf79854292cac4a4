import { Entity, Index, Property, type Opt } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { Column } from '../common/column.js';
import { WorkspaceEntity } from '../common/base.entity.js';
import { Node } from '../common/node.js';
import {
  AlternateCertifier,
  ApproverType,
  CertificationDurationType,
  CertificationStatus,
  CertificationType,
  CertifierType,
  ResourceCollection,
  UserCertificationBy,
} from './certification.enums.js';

/** A resource picked for a certification (seed: `resources` with `_id` and `collection`). */
export interface SelectedResource {
  id: string;
  collection: ResourceCollection;
}

/**
 * A certification definition (seed 002: Certification Fetch / Create): who is reviewed (users
 * by query or by name), which access (all, or the selected resources), who certifies, and how
 * long a run lasts. Running it starts a campaign.
 */
@ObjectType({ implements: Node, description: 'A certification (access review) definition.' })
@Entity({ tableName: 'certification' })
@Index({ properties: ['workspace', 'status'] })
export class Certification extends WorkspaceEntity {
  @Column({ type: 'string', description: 'This is the certificate definition name' }) name!: string;
  @Column({ type: 'string', nullable: true, description: 'Free-text tags used by catalog search.' }) searchTags?: string | null;
  @Column({ type: 'text', description: 'This is the description of the certificate that you are creating' }) description!: string;

  @Field(() => CertificationType, { description: 'This is the type of the certificate. Certificate definition can be of either User Access or Resource Assignement.' })
  @Property({ type: 'string', length: 32 })
  type!: CertificationType;

  @Field(() => ApproverType, { description: 'This is the Approval workflow for the certificate definition, which can be either User (a specific individual), Role or none.' })
  @Property({ type: 'string', length: 16 })
  approverType!: ApproverType;

  @Column({ type: 'string', description: 'This is the worfklow for the certificate. By Default, IDHub provides a workflow for the certificate definition.' }) workflowName!: string;
  @Column({ type: 'string', nullable: true, description: "Description of the certification's workflow, shown to certifiers." }) workflowDescription?: string | null;
  @Column({ type: 'string', nullable: true, description: 'If the approverType is User: the login of the user who will approve the certification.' }) approver?: string | null;
  @Column({ type: 'string', nullable: true, description: 'If the approverType is Role: the id of the role whose members approve the certification.' }) approverRole?: string | null;

  @Field(() => CertificationStatus, { description: 'This is the status of the certificate, which can be either Active or Draft' })
  @Property({ type: 'string', length: 16 })
  status!: CertificationStatus;

  @Column({ type: 'boolean', description: 'Only users holding high-risk access are reviewed.' }) highRiskUsers: boolean & Opt = false;

  @Field(() => UserCertificationBy, { description: 'Here you select the users for the certificate. You can select the users by either query or the name of the user' })
  @Property({ type: 'string', length: 16 })
  userCertificationBy!: UserCertificationBy;

  @Column({ type: 'text', nullable: true, description: 'The users to review, in the role rule language (e.g. `{"$and":[{"status":"Active"}]}`).' }) userQuery?: string | null;
  @Column({ type: 'text', nullable: true, description: 'The user query as the form builder shows it.' }) displayUserQuery?: string | null;
  @Column({ type: 'json', nullable: true, description: 'The logins of the users selected by name.' }) users?: string[] | null;
  @Column({ type: 'boolean', description: 'Only access to high-risk resources (riskLevel `high`) is reviewed.' }) highRiskResources: boolean & Opt = false;
  @Column({ type: 'string', nullable: true, description: 'e.g. `manually`.' }) certificationBy?: string | null;
  @Column({ type: 'boolean', description: 'Only access to the selected resources is reviewed.' }) onlySelected: boolean & Opt = false;
  @Column({ type: 'text', nullable: true, description: 'The resources to review, as a filter over roles, entitlements and applications (e.g. `{"riskLevel":"high"}`).' })
  resourceQuery?: string | null;

  @Field(() => [SelectedResourceType], {
    nullable: true,
    description: 'This is where you select the resources for the certification: the entityID and collection of each resource.',
  })
  @Property({ type: 'json', nullable: true })
  resources?: SelectedResource[] | null;

  @Field(() => CertifierType, { description: "The certifier can be individual user, role, benefeciary's manager or resource owner." })
  @Property({ type: 'string', length: 32 })
  certifierType!: CertifierType;

  @Column({ type: 'string', nullable: true, description: 'Login of the certifier, if the certifierType is User.' }) certifier?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Display name of the certifier when the certifier is one person.' }) certifierDisplayName?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Id of the role whose members certify, if the certifierType is Role.' }) certifierRole?: string | null;
  @Column({ type: 'string', description: 'This is if you want to repeat the certificate run (e.g. `Do not repeat`).' }) repeat!: string;
  @Column({ type: 'boolean', description: 'A comment is required to certify.' }) commentsOnCertify: boolean & Opt = false;
  @Column({ type: 'boolean', description: 'A comment is required to revoke.' }) commentsOnRevoke: boolean & Opt = false;
  @Column({ type: 'boolean', description: 'Certifiers may hand review items to someone else.' }) reassignment: boolean & Opt = false;
  @Column({ type: 'boolean', description: 'Whether a certifier may decide their own access.' }) selfCertification: boolean & Opt = false;
  @Column({ type: 'boolean', description: "Overdue certification tasks go to the certifier's manager." }) automaticEscalation: boolean & Opt = false;
  @Column({ type: 'boolean', description: 'Whether certifiers get reminder emails while items are open.' }) certificationReminderEmail: boolean & Opt = false;

  @Field(() => AlternateCertifier, { description: "This is the alternate certififer for the certificate definition. By default, the alternate certifier is the user's manager." })
  @Property({ type: 'string', length: 32 })
  alternateCertifier!: AlternateCertifier;

  @Column({ type: 'string', nullable: true, description: 'Login of the alternate certifier, if alternateCertifier is User.' }) alternateCertifierUser?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Id of the role whose member is the alternate certifier, if alternateCertifier is Role.' }) alternateCertifierRole?:
    | string
    | null;
  @Column({ type: 'string', nullable: true, description: 'Event that starts a campaign, as the seed writes it (e.g. `Scheduled`).' }) triggerCondition?: string | null;
  @Column({
    type: 'string',
    nullable: true,
    description: 'Whether the form picked the certifier as a `user` or a `role` (seed: `certifierToggle`); null for the per-item certifier types.',
  })
  certifierToggle?: string | null;
  @Column({ type: 'string', nullable: true, description: 'Whether the form picked the alternate certifier as a `user` or a `role` (seed: `alternateCertifierToggle`).' })
  alternateCertifierToggle?: string | null;
  @Column({ type: 'json', nullable: true, description: 'The saved user query the form started from (seed: `frequentlyUsedRule`, e.g. `{"value":null}`).' })
  frequentlyUsedRule?: unknown;

  @Field(() => CertificationDurationType, { description: 'Here you specify the duration of the certificate' })
  @Property({ type: 'string', length: 8 })
  certificationDurationType!: CertificationDurationType;

  @Field(() => Int, { description: 'How many days, months or years a run lasts.' })
  @Property({ type: 'integer' })
  certificationDuration!: number;

  @Column({
    type: 'string',
    description:
      "Login of the person who created the definition (seed: `createdBy`, e.g. `jerome`): the personal credential's person; a service key without a person leaves its key name.",
  })
  createdBy!: string;
  @Column({ type: 'string', nullable: true, description: "Display name of the person who created the definition (the credential's person)." }) createdByDisplayName?: string | null;
  @Column({ type: 'datetime', description: 'When the definition was created.' }) createdOn: Date & Opt = new Date();
}

@ObjectType('SelectedResource', { description: 'A resource selected for a certification.' })
export class SelectedResourceType {
  @Field(() => String, { description: 'Id of the selected resource.' }) id!: string;
  @Field(() => ResourceCollection, { description: 'ROLE, ENTITLEMENT or TARGET_SYSTEM.' }) collection!: ResourceCollection;
}
