import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Connection, PageArgs } from '../../src/common/pagination.js';
import { Certification } from '../../src/certifications/certification.entity.js';
import { CertificationCampaign } from '../../src/certifications/certification-campaign.entity.js';
import { CertificationTask } from '../../src/certifications/certification-task.entity.js';
import { ReviewItem } from '../../src/certifications/review-item.entity.js';
import {
  AlternateCertifier,
  ApproverType,
  CampaignStatus,
  CertificationDurationType,
  CertificationStatus,
  CertificationTaskStatus,
  CertificationType,
  CertifierType,
  ResourceCollection,
  ReviewDecision,
  UserCertificationBy,
} from '../../src/certifications/certification.enums.js';
import type { SelectedResource } from '../../src/certifications/certification.entity.js';

export const CertificationConnection = Connection(Certification, 'Certification');
export const CertificationCampaignConnection = Connection(CertificationCampaign, 'CertificationCampaign');
export const CertificationTaskConnection = Connection(CertificationTask, 'CertificationTask');
export const ReviewItemConnection = Connection(ReviewItem, 'ReviewItem');

@InputType({ description: 'A resource for the certification: its entityID (from the search catalog) and collection.' })
export class SelectedResourceInput {
  @Field(() => ID, { description: 'The entityID of the resource, which you can fetch from the search catalog endpoint.' }) id!: string;
  @Field(() => ResourceCollection, { description: 'ROLE, ENTITLEMENT or TARGET_SYSTEM (seed: `collection`).' }) collection!: ResourceCollection;
}

@InputType({ description: 'The certificate definition (seed: Certification Create).' })
export class CreateCertificationInput {
  @Field(() => String, { description: 'This is the certificate definition name' }) name!: string;
  @Field(() => String, { nullable: true, description: 'Free-text tags used by catalog search.' }) searchTags?: string | null;
  @Field(() => String, { description: 'This is the description of the certificate that you are creating' }) description!: string;
  @Field(() => CertificationType, {
    description: 'This is the type of the certificate that you want to create. Certificate definition can be of either User Access or Resource Assignement.',
  })
  type!: CertificationType;
  @Field(() => ApproverType, { description: 'This is the Approval workflow for the certificate definition, which can be either User (a specific individual), Role or none.' })
  approverType!: ApproverType;
  @Field(() => String, {
    description:
      'This is the worfklow for the certificate. By Default, IDHub provides a workflow for the certificate definition. If you have your own custom workflow for the certificate then you can use that as well.',
  })
  workflowName!: string;
  @Field(() => String, { nullable: true, description: "Description of the certification's workflow, shown to certifiers." }) workflowDescription?: string | null;
  @Field(() => String, { nullable: true, description: 'If the approverType is User, then here you have to enter the login of the user, who will approve the certification.' })
  approver?: string | null;
  @Field(() => ID, { nullable: true, description: 'If the approverType is Role: the id of the role whose members approve the certification.' }) approverRole?: string | null;
  @Field(() => CertificationStatus, { nullable: true, description: 'ACTIVE or DRAFT (the default).' }) status?: CertificationStatus | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether only high-risk users are reviewed.' }) highRiskUsers?: boolean | null;
  @Field(() => UserCertificationBy, { description: 'Here you select the users for the certificate. You can select the users by either query or the name of the user' })
  userCertificationBy!: UserCertificationBy;
  @Field(() => String, { nullable: true, description: 'The users by query, in the role rule language, e.g. {"$and":[{"status":"Active"}]}.' }) userQuery?: string | null;
  @Field(() => String, { nullable: true, description: 'The user query as shown to people (seed: `displayUserQuery`).' }) displayUserQuery?: string | null;
  @Field(() => [String], { nullable: true, description: 'The users by name: their logins.' }) users?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether only high-risk resources are reviewed.' }) highRiskResources?: boolean | null;
  @Field(() => String, { nullable: true, description: 'How users are selected: by `Name` or by `Query` (seed: `certificationBy`).' }) certificationBy?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether only the selected resources are reviewed (seed: `onlySelected`).' }) onlySelected?: boolean | null;
  @Field(() => String, {
    nullable: true,
    description: 'The resources by query: a rule over name, displayName, riskLevel, searchTags (with a selection in resources, the text describing it).',
  })
  resourceQuery?: string | null;
  @Field(() => [SelectedResourceInput], {
    nullable: true,
    description:
      'This is where you select the resources for the certification. Here you have to enter the entityID of the resource, which you can fetch from the search catalog endpoint.',
  })
  resources?: SelectedResource[] | null;
  @Field(() => CertifierType, {
    description: "Here you have to select the certifier for the certificate. The certifier can be individual user, role, benefeciary's manager or resource owner.",
  })
  certifierType!: CertifierType;
  @Field(() => String, { nullable: true, description: 'The login of the certifier, if the certifierType is user.' }) certifier?: string | null;
  @Field(() => String, { nullable: true, description: 'Display name of the certifier when it is one person.' }) certifierDisplayName?: string | null;
  @Field(() => ID, { nullable: true, description: 'The id of the role whose members certify, if the certifierType is role.' }) certifierRole?: string | null;
  @Field(() => String, { description: 'This is if you want to repeat the certificate run' }) repeat!: string;
  @Field(() => Boolean, { nullable: true, description: 'Whether a comment is required to certify an item.' }) commentsOnCertify?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether a comment is required to revoke an item.' }) commentsOnRevoke?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether certifiers may reassign review items.' }) reassignment?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether a certifier may certify their own access.' }) selfCertification?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether open review items escalate to the alternate certifier when due.' }) automaticEscalation?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether certifiers get reminder emails.' }) certificationReminderEmail?: boolean | null;
  @Field(() => AlternateCertifier, { description: "This is the alternate certififer for the certificate definition. By default, the alternate certifier is the user's manager." })
  alternateCertifier!: AlternateCertifier;
  @Field(() => String, { nullable: true, description: 'The login of the alternate certifier, if alternateCertifier is USER.' }) alternateCertifierUser?: string | null;
  @Field(() => ID, { nullable: true, description: 'The id of the role whose member is the alternate certifier, if alternateCertifier is ROLE.' }) alternateCertifierRole?:
    | string
    | null;
  @Field(() => String, { nullable: true, description: 'Event that starts a campaign (seed: `triggerCondition`, e.g. `Scheduled`).' }) triggerCondition?: string | null;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The approver as the form echoes it (seed: `workflowUser`, a User object); its `login` must be the approver. Read it back as `workflowUser`.',
  })
  workflowUser?: Record<string, unknown> | null;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The certifier as the form echoes it (seed: `certifyUser`, a User object); its `login` must be the certifier. Read it back as `certifyUser`.',
  })
  certifyUser?: Record<string, unknown> | null;
  @Field(() => String, { nullable: true, description: '`user` or `role` (seed: `certifierToggle`); must agree with certifierType USER or ROLE; derived when omitted.' })
  certifierToggle?: string | null;
  @Field(() => String, {
    nullable: true,
    description: '`user` or `role` (seed: `alternateCertifierToggle`); must agree with alternateCertifier USER or ROLE; derived when omitted.',
  })
  alternateCertifierToggle?: string | null;
  @Field(() => String, {
    nullable: true,
    description: "The seed's spelling of alternateCertifier (seed: `alternateCertifierType`: `User`, `Role`, `User's Manager`); must agree with it.",
  })
  alternateCertifierType?: string | null;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The saved user query the form started from (seed: `frequentlyUsedRule`, e.g. `{"value":null}`); stored as given.',
  })
  frequentlyUsedRule?: Record<string, unknown> | null;
  @Field(() => CertificationDurationType, { nullable: true, description: 'Here you specify the duration of the certificate (DAYS when omitted).' })
  certificationDurationType?: CertificationDurationType | null;
  @Field(() => Int, { nullable: true, description: 'How many days, months or years a run lasts (15 days when omitted).' }) certificationDuration?: number | null;
}

@ArgsType()
export class CertificationsArgs extends PageArgs {
  @Field(() => CertificationStatus, { nullable: true, description: 'This is the status of the certificate, which can be either Active or Draft' })
  status?: CertificationStatus | null;
}

@ArgsType()
export class CertificationCampaignsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only campaigns of this certification.' }) certificationId?: string | null;
  @Field(() => CampaignStatus, { nullable: true, description: 'Only campaigns in this status.' }) status?: CampaignStatus | null;
}

@ArgsType()
export class CertificationTasksArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: "The certifier's login." }) certifierLogin?: string | null;
  @Field(() => CertificationTaskStatus, { nullable: true, description: 'Only tasks in this status.' }) status?: CertificationTaskStatus | null;
  @Field(() => ID, { nullable: true, description: 'Only tasks of this campaign.' }) campaignId?: string | null;
}

@InputType({ description: 'Which review items to list.' })
export class ReviewItemFilterInput {
  @Field(() => ReviewDecision, { nullable: true, description: 'Only items with this decision.' }) decision?: ReviewDecision | null;
  @Field(() => Boolean, { nullable: true, description: 'Only items not decided yet.' }) undecided?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Only items of this certifier.' }) certifierLogin?: string | null;
  @Field(() => String, { nullable: true, description: 'The login of the user whose access is reviewed.' }) userLogin?: string | null;
}

@ArgsType()
export class ReviewItemsArgs extends PageArgs {
  @Field(() => ID, { description: 'Id of the campaign.' }) campaignId!: string;
  @Field(() => ReviewItemFilterInput, { nullable: true, description: 'Narrow by decision or certifier.' }) filter?: ReviewItemFilterInput | null;
}

@ArgsType()
export class DecideReviewItemArgs {
  @Field(() => ID, { description: 'Id of the review item to decide.' }) itemId!: string;
  @Field(() => ReviewDecision, { description: 'CERTIFY keeps the access; REVOKE removes it through a revoke request.' }) decision!: ReviewDecision;
  @Field(() => String, {
    nullable: true,
    description:
      'Login of the certifier deciding. Optional: the acting person comes from the credential. A personal credential acts as its own person (naming another is FORBIDDEN); a service key with ACT_AS names the person it acts for.',
  })
  userLogin?: string | null;
  @Field(() => String, { nullable: true, description: 'Required when the certification asks for comments on this decision.' }) comment?: string | null;
}

@ArgsType()
export class ReassignReviewItemArgs {
  @Field(() => ID, { description: 'Id of the undecided review item to hand over.' }) itemId!: string;
  @Field(() => String, { description: 'Login of the new certifier.' }) toLogin!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Login of the current certifier. Optional: the acting person comes from the credential. A personal credential acts as its own person (naming another is FORBIDDEN); a service key with ACT_AS names the person it acts for.',
  })
  userLogin?: string | null;
}

/** The seed's impactObject: what a run reviews. The id lists are resolved through loaders. */
@ObjectType({ description: 'The impact of a certification run (seed: impactObject).' })
export class CertificationImpact {
  @Field(() => Int, { description: 'People whose access would be reviewed.' }) userCount!: number;
  @Field(() => Int, { description: 'Distinct resources (roles, entitlements, applications) under review.' }) resourceCount!: number;
  @Field(() => Int, { description: 'Distinct certifiers who would get review tasks.' }) certifierCount!: number;
  @Field(() => Int, { description: 'Certification tasks the campaign would create (one per certifier).' }) taskCount!: number;
  @Field(() => Int, { description: 'Review items: one per (user, access).' }) itemCount!: number;
  userIds!: string[];
  resources!: SelectedResource[];
}

@ObjectType({ description: 'How far a campaign is.' })
export class CampaignProgress {
  @Field(() => Int, { description: 'All review items of the campaign.' }) total!: number;
  @Field(() => Int, { description: 'Review items decided so far (certified + revoked).' }) decided!: number;
  @Field(() => Int, { description: 'Review items decided CERTIFY.' }) certified!: number;
  @Field(() => Int, { description: 'Review items decided REVOKE.' }) revoked!: number;
  @Field(() => Int, { description: 'Decided items in percent of all items, rounded down.' }) percent!: number;
}
