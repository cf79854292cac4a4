import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';
import { Connection, PageArgs } from '../../src/common/pagination.js';
import { UploadScalar, type Upload } from '../../src/common/upload.js';
import { AccessRequest } from '../../src/requests/access-request.entity.js';
import { Task } from '../../src/requests/task.entity.js';
import { Cart } from '../../src/requests/cart.entity.js';
import { ApprovalGroup } from '../../src/requests/approval-group.entity.js';
import { RequestEntityType, RequestType, TaskAction, TaskOutcome, TaskStatus, TaskType } from '../../src/requests/workflow.js';

registerEnumType(TaskOutcome, {
  valuesConfig: {
    APPROVE: { description: 'Approved.' },
    CANCELLED: { description: 'Cancelled with its request.' },
    COMPLETE: { description: 'Fulfilled.' },
    EXPIRED: { description: 'Expired unanswered.' },
    REJECT: { description: 'Rejected.' },
  },
  name: 'TaskOutcome',
  description: 'How a task ended: approved, rejected, completed (fulfilment), expired or cancelled.',
});
registerEnumType(RequestType, {
  valuesConfig: { CREATE: { description: 'Grant access (or onboard an item).' }, MODIFY: { description: 'Change held access.' }, REVOKE: { description: 'Remove access.' } },
  name: 'RequestType',
  description: 'The type of the request. Requests can be create, modify, revoke.',
});
registerEnumType(RequestEntityType, {
  valuesConfig: {
    APPLICATION: { description: 'An application onboarding request (Create Application).' },
    ENTITLEMENT: { description: 'An entitlement.' },
    ROLE: { description: 'A role.' },
    SERVICE_REQUEST: { description: 'A service that grants no access; its performer fulfils it.' },
    TARGET_SYSTEM: { description: 'An account on an application.' },
  },
  name: 'RequestEntityType',
  description:
    'What a request is about: a role, entitlement or application (TargetSystem), or a service (SERVICE_REQUEST: grants no access, its performer fulfils it); APPLICATION for onboarding.',
});
registerEnumType(TaskStatus, {
  valuesConfig: {
    ASSIGNED: { description: 'Waiting for its assignee or group.' },
    CANCELLED: { description: 'Cancelled with its request.' },
    CLAIMED: { description: 'Taken by one member of its group.' },
    COMPLETED: { description: 'Acted on (approved, rejected or fulfilled).' },
    EXPIRED: { description: 'Its time ran out unanswered.' },
  },
  name: 'TaskStatus',
  description: 'Task state (seed: Assigned, Completed, Expired, …).',
});
registerEnumType(TaskType, {
  valuesConfig: {
    APPROVAL_TASK: { description: 'An approval step of the workflow.' },
    FULFILMENT_TASK: { description: 'A person grants the access (Disconnected application or service request).' },
  },
  name: 'TaskType',
  description: 'ApprovalTask or FulfilmentTask.',
});
registerEnumType(TaskAction, {
  valuesConfig: {
    APPROVE: { description: 'Approve the request at this step.' },
    CLAIM: { description: 'Take a group task for oneself.' },
    COMPLETE: { description: 'Mark a fulfilment task done: the access is granted.' },
    ESCALATE: { description: 'Hand the task to the escalation assignee.' },
    REASSIGN: { description: 'Hand the task to another person.' },
    REJECT: { description: 'Reject the request; it ends.' },
    RELEASE: { description: 'Give a claimed task back to its group.' },
  },
  name: 'TaskAction',
  description:
    'Actions on a task (seed: Claim, Approve, Reject, Escalate, Re-Assign): CLAIM and RELEASE a group task, APPROVE or REJECT an approval, COMPLETE a fulfilment, ESCALATE to the manager or escalation assignee, REASSIGN to a named user.',
});

export const RequestConnection = Connection(AccessRequest, 'Request');
export const TaskConnection = Connection(Task, 'Task');
export const ApprovalGroupConnection = Connection(ApprovalGroup, 'ApprovalGroup');

@InputType({ description: 'This would include the requester details like - user login' })
export class RequesterInput {
  @Field(() => String, { description: "Login of the requester; must be the credential's person unless it may act for others." }) login!: string;
  @Field(() => String, { nullable: true, description: 'Employee number of the requester (informational).' }) employeeNumber?: string | null;
  @Field(() => String, { nullable: true, description: 'Full name of the requester (informational; the credential decides who requests).' }) displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'Email address of the requester (informational).' }) email?: string | null;
}

@InputType({ description: 'The beneficiary details of a cart item.' })
export class BeneficiaryInput {
  @Field(() => String, { description: 'Login of the person the access is for; must be a person of the workspace.' }) login!: string;
  @Field(() => String, { nullable: true, description: 'Employee number of the person the access is for (informational).' }) employeeNumber?: string | null;
  @Field(() => String, { nullable: true, description: 'Full name of the person the access is for (informational; the login decides).' }) displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'Account name on the application (default: the login).' }) accountName?: string | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Account form values, e.g. {"Email": "jerome@gmail.com", "First Name": "Jerome"}; unset attributes come from the person.',
  })
  form?: Record<string, unknown> | null;
}

@InputType({ description: 'This would include the beneficiary details, entityID and entityType. You can request for applications/entitlements/roles.' })
export class CartItemInput {
  @Field(() => BeneficiaryInput, { description: 'The person this item requests access for (seed: `beneficiaries`).' }) beneficiaries!: BeneficiaryInput;
  @Field(() => ID, { description: 'You can filter the appropriate entity using the entityID and you can search for the same using the search catalog endpoint' }) entityId!: string;
  @Field(() => RequestEntityType, { description: 'ROLE, ENTITLEMENT or TARGET_SYSTEM (an application).' }) entityType!: RequestEntityType;
  // Optional with a default rather than non-null with one: the compiled executor applies the
  // initialiser, not a non-null input field's schema default.
  @Field(() => RequestType, { nullable: true, defaultValue: RequestType.CREATE, description: 'create (grant), modify, or revoke (seed: beneficiaries.type); CREATE when omitted.' })
  type: RequestType = RequestType.CREATE;
  @Field(() => GraphQLDateTimeISO, {
    nullable: true,
    description: 'A time-bound grant: when the access starts (not in the past). Approved earlier, the request waits for it and a job grants the access then.',
  })
  startDate?: Date | null;
  @Field(() => GraphQLDateTimeISO, {
    nullable: true,
    description:
      "A time-bound grant: when the access ends (after startDate, not in the past); a job revokes it then through a revoke request. The application form's `accessRevokeDate` (seed) is the same end date.",
  })
  endDate?: Date | null;
}

@InputType({ description: 'User Cart with beneficiary, requester and cart items' })
export class CreateCartInput {
  @Field(() => RequesterInput, {
    nullable: true,
    description:
      'The requester. Optional: the acting person comes from the credential. A personal credential acts as its own person (naming another is FORBIDDEN); a service key with ACT_AS names the person it acts for.',
  })
  requester?: RequesterInput | null;
  @Field(() => [CartItemInput], { description: 'The items to request, one per (resource, beneficiary) (seed: `cartItems`).' }) cartItems!: CartItemInput[];
  @Field(() => String, { nullable: true, description: 'owner of the cart - user login' }) owner?: string | null;
  @Field(() => String, { nullable: true, description: 'name of the cart' }) name?: string | null;
}

@InputType({ description: 'A cart to submit: an existing cart by id, or a full cart.' })
export class SubmitCartInput {
  @Field(() => ID, { nullable: true, description: 'Id of a cart made with createCart.' }) cartId?: string | null;
  @Field(() => CreateCartInput, { nullable: true, description: 'Or the full cart, created and submitted at once.' }) cart?: CreateCartInput | null;
  @Field(() => String, { nullable: true, description: 'Here you can enter the justification for the request that you are submitting' }) justification?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Whether the cart is archived after submission (seed: `archive`).' }) archive?: boolean | null;
}

@ObjectType({ description: 'Result of createCart (seed: the cart response with `result` and `correlationId`).' })
export class CreateCartPayload {
  @Field(() => String, { description: 'Id that ties this call to its audit events and logs (seed: `correlationId`).' }) correlationId!: string;
  @Field(() => Boolean, { description: 'True when the cart was created (seed: `result`).' }) result!: boolean;
  @Field(() => Cart, { description: 'The created cart, not yet submitted.' }) cart!: Cart;
}

@ObjectType({ description: 'Result of submitCart (seed: the submit response with `result` and `correlationId`).' })
export class SubmitCartPayload {
  @Field(() => String, { description: 'Id that ties this call to its audit events and logs (seed: `correlationId`).' }) correlationId!: string;
  @Field(() => Boolean, { description: 'True when the cart was submitted (seed: `result`).' }) result!: boolean;
  @Field(() => Cart, { description: 'The submitted cart, with its requests.' }) cart!: Cart;
  @Field(() => [AccessRequest], { description: 'One request per cart item.' }) requests!: AccessRequest[];
}

@InputType({ description: 'An entitlement of an application to onboard.' })
export class EntitlementOnboardingInput {
  @Field(() => String, { description: 'Name on the application, unique per application.' }) name!: string;
  @Field(() => String, { nullable: true, description: 'Name shown in the catalog; defaults to `name`.' }) displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'What the entitlement grants, in free text.' }) description?: string | null;
  @Field(() => String, { nullable: true, description: "One of the six workflows; default: the application's." }) approvalWorkflow?: string | null;
  @Field(() => String, { nullable: true, description: 'Display name of the approval workflow requests for it follow.' }) approvalWorkflowDisplayName?: string | null;
  @Field(() => String, { nullable: true, description: 'Approval group or login that fulfils a request for it.' }) performer?: string | null;
  @Field(() => String, { nullable: true, description: 'Risk level, e.g. `low`, `medium`, `high`.' }) riskLevel?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether people may request it (default true).' }) isRequestable?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Free-text tags used by catalog search.' }) searchTags?: string | null;
  @Field(() => String, { nullable: true, description: 'Login of the business owner (seed: `businessOwner`).' }) businessOwner?: string | null;
  @Field(() => String, { nullable: true, description: 'Login of the IT owner (seed: `ITOwner`).' }) ITOwner?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether certifications review the entitlement (seed: `isCertifiable`).' }) isCertifiable?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Id of the entitlement in the target system (seed: `externalId`).' }) externalId?: string | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The attribute a holder fills in (seed: `form`, e.g. `{"name":"accessRevokeDate","dataType":"datetime"}`); a JSON object.',
  })
  form?: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Default values of that form (seed: `formValues`); a JSON object.' }) formValues?: unknown;
}

@InputType({ description: 'The application to onboard (seed: payload "target-system", here `targetSystem`: GraphQL names cannot hold a hyphen).' })
export class TargetSystemOnboardingInput {
  @Field(() => String, { description: 'Name of the application, unique in the workspace.' }) name!: string;
  @Field(() => String, { nullable: true, description: 'Name shown in the catalog; defaults to `name`.' }) displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'What the application is, in free text.' }) description?: string | null;
  @Field(() => String, { nullable: true, description: '`Connected` or `Disconnected` (default).' }) integrationLevel?: string | null;
  @Field(() => String, { description: 'One of the six workflows, e.g. `Auto Approval`.' }) approvalWorkflow!: string;
  @Field(() => String, { nullable: true, description: 'Display name of the approval workflow requests follow.' }) approvalWorkflowDisplayName?: string | null;
  @Field(() => String, { nullable: true, description: 'First approval step: the name of an approval group.' }) approver1?: string | null;
  @Field(() => String, { nullable: true, description: 'Second approval step: the name of an approval group.' }) approver2?: string | null;
  @Field(() => String, { nullable: true, description: 'Third approval step: the name of an approval group.' }) approver3?: string | null;
  @Field(() => String, { nullable: true, description: 'Who fulfils requests when Disconnected: an approval group or a login.' }) performer?: string | null;
  @Field(() => String, { nullable: true, description: 'Login of the business owner (seed: `businessOwner`).' }) businessOwner?: string | null;
  @Field(() => String, { nullable: true, description: 'Login of the IT owner (seed: `ITOwner`).' }) ITOwner?: string | null;
  @Field(() => String, { nullable: true, description: 'Risk level, e.g. `low`, `medium`, `high`.' }) riskLevel?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether people may request an account (default true).' }) isRequestable?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether accounts on it are reviewed in certifications.' }) isCertifiable?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description: "Whether the application is a trusted (authoritative) source in the seed's sense (seed: `trustedReconciliation`; default false).",
  })
  trustedReconciliation?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Comma-separated catalog tags.' }) searchTags?: string | null;
  @Field(() => String, { nullable: true, description: 'URL where people use the application.' }) applicationURL?: string | null;
  @Field(() => String, { nullable: true, description: 'How people sign in to the application, e.g. `OAuth2 Authentication`.' }) authenticationType?: string | null;
  @Field(() => String, { nullable: true, description: "URL of the application's logo." }) logoURL?: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Account form attributes.' }) form?: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Reconciliation schedule (seed: `schedule` / `reconciliationSchedule`), e.g. `{"repeat":"Do not repeat"}`.' })
  schedule?: unknown;
  @Field(() => Boolean, { nullable: true, description: 'Whether the application is a credential manager ACS system for enrollment automations.' }) isCredentialManager?:
    | boolean
    | null;
  @Field(() => String, { nullable: true, description: 'Id of the request form (seed: `requestFormId`).' }) requestFormId?: string | null;
  @Field(() => String, { nullable: true, description: 'Name of the request form (seed: `requestFormName`).' }) requestFormName?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the account form is the default attribute set (seed: `isDefaultAttr`).' }) isDefaultAttr?: boolean | null;
  @Field(() => [EntitlementOnboardingInput], { nullable: true, description: 'Entitlements onboarded with the application (seed: `entitlements`).' }) entitlements?:
    | EntitlementOnboardingInput[]
    | null;
}

@InputType({ description: 'The role to onboard.' })
export class RoleOnboardingInput {
  @Field(() => String, { description: 'Name of the role, unique in the workspace.' }) name!: string;
  @Field(() => String, { nullable: true, description: 'Name shown in the catalog; defaults to `name`.' }) displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'What the role is for, in free text.' }) description?: string | null;
  @Field(() => String, { description: 'One of the six workflows, e.g. `Auto Role Approval`.' }) approvalWorkflow!: string;
  @Field(() => String, { nullable: true, description: 'Display name of the approval workflow requests for the role follow.' }) approvalWorkflowDisplayName?: string | null;
  @Field(() => String, { nullable: true, description: 'First approval step: the name of an approval group.' }) approver1?: string | null;
  @Field(() => String, { nullable: true, description: 'Second approval step: the name of an approval group.' }) approver2?: string | null;
  @Field(() => String, { nullable: true, description: 'Third approval step: the name of an approval group.' }) approver3?: string | null;
  @Field(() => String, { nullable: true, description: 'Approval group or login that fulfils requests for the role.' }) performer?: string | null;
  @Field(() => String, { nullable: true, description: 'Login of the role owner (seed: `roleOwnerLogin`).' }) roleOwnerLogin?: string | null;
  @Field(() => String, { nullable: true, description: 'Birthright rule, e.g. {"$and":[]}.' }) rule?: string | null;
  @Field(() => String, { nullable: true, description: 'Birthright rule in seed notation (e.g. `$and:[department:Sales]`) or JSON; people it matches hold the role.' }) ruleForm?:
    | string
    | null;
  @Field(() => String, { nullable: true, description: 'Risk level, e.g. `low`, `medium`, `high`.' }) riskLevel?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether people may request the role (default true).' }) isRequestable?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the role may be reviewed in certifications (seed: `isCertifiable`).' }) isCertifiable?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Comma-separated catalog tags.' }) searchTags?: string | null;
  @Field(() => String, { nullable: true, description: 'Id of the form a requester fills in for this role.' }) workflowRequestFormId?: string | null;
  @Field(() => [ID], { nullable: true, description: 'Entitlements the role grants (its applications follow from them).' }) entitlementIds?: string[] | null;
}

@InputType({ description: 'This is the payload object which is used to on-board the application (targetSystem) or role.' })
export class OnboardingPayloadInput {
  @Field(() => TargetSystemOnboardingInput, { nullable: true, description: 'The application (seed: `target-system`).' }) targetSystem?: TargetSystemOnboardingInput | null;
  @Field(() => RoleOnboardingInput, { nullable: true, description: 'The role to onboard, when the request is for a role (seed: `payload.role`).' })
  role?: RoleOnboardingInput | null;
}

@InputType({ description: 'Create Application / Role: an onboarding request that goes through approval.' })
export class OnboardingRequestInput {
  @Field(() => RequestEntityType, { description: 'Type of Entity: APPLICATION (with its entitlements) or ROLE.' }) entityType!: RequestEntityType;
  @Field(() => String, { description: 'This is the justification that you have enter for on-boarding this application' }) justification!: string;
  @Field(() => RequesterInput, {
    nullable: true,
    description:
      'The requester (login, email). Optional: the acting person comes from the credential. A personal credential acts as its own person (naming another is FORBIDDEN); a service key with ACT_AS names the person it acts for.',
  })
  requester?: RequesterInput | null;
  @Field(() => OnboardingPayloadInput, { description: 'This is the payload object which is used to on-board the application.' }) payload!: OnboardingPayloadInput;
  @Field(() => String, { nullable: true, description: 'e.g. "New Application Request - testag" (default).' }) summary?: string | null;
}

@ArgsType()
export class RequestsArgs extends PageArgs {
  @Field(() => RequestType, { nullable: true, description: 'This is the type of the request that you want to filter. Requests can be create, modify, revoke.' })
  type?: RequestType | null;
  @Field(() => String, { nullable: true, description: 'Status, e.g. "Waiting for Manager Approval", "Completed".' }) status?: string | null;
  @Field(() => String, { nullable: true, description: '`Access` or `Catalog`.' }) requestType?: string | null;
  @Field(() => String, { nullable: true, description: 'Only requests for this person.' }) beneficiaryLogin?: string | null;
}

@InputType({ description: 'Filter attributes, e.g. {status: COMPLETED, userLogin: "zachary"}.' })
export class TaskFilter {
  @Field(() => TaskStatus, { nullable: true, description: 'Only tasks in this status.' }) status?: TaskStatus | null;
  @Field(() => String, { nullable: true, description: 'The person: tasks assigned to them, claimed by them, or offered to a group of theirs.' }) userLogin?: string | null;
  @Field(() => TaskType, { nullable: true, description: 'Only tasks of this type.' }) type?: TaskType | null;
  @Field(() => ID, { nullable: true, description: 'Only the tasks of this request.' }) requestId?: string | null;
  @Field(() => TaskOutcome, {
    nullable: true,
    description: 'How the task ended: with status COMPLETED, APPROVE gives the completed approvals and REJECT the completed rejects (seed: Task Fetch).',
  })
  outcome?: TaskOutcome | null;
}

@ArgsType()
export class TasksArgs extends PageArgs {
  @Field(() => TaskFilter, { nullable: true, description: 'Narrow by status and type.' }) filter?: TaskFilter | null;
}

@ArgsType()
export class TaskActionArgs {
  @Field(() => ID, { description: 'This is the task object id which you can get from the Fetch Task endpoint.' }) id!: string;
  @Field(() => TaskAction, { description: 'You can perform different actions on a task depending on the workflow of the task.' }) action!: TaskAction;
  @Field(() => String, {
    nullable: true,
    description:
      'Login of the person acting. Optional: the acting person comes from the credential. A personal credential acts as its own person (naming another is FORBIDDEN); a service key with ACT_AS names the person it acts for.',
  })
  userLogin?: string | null;
  @Field(() => String, { nullable: true, description: "Comment kept in the request's history; required to reject." }) comment?: string | null;
  @Field(() => String, { nullable: true, description: 'REASSIGN only: login of the new assignee.' }) assignee?: string | null;
}

@ArgsType()
export class TaskCommentArgs {
  @Field(() => ID, { description: 'Id of the task to comment on.' }) taskId!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Login of the person commenting. Optional: the acting person comes from the credential. A personal credential acts as its own person (naming another is FORBIDDEN); a service key with ACT_AS names the person it acts for.',
  })
  userLogin?: string | null;
  @Field(() => String, { description: 'Text of the comment.' }) message!: string;
  @Field(() => UploadScalar, { nullable: true, description: 'A file, sent as a multipart request part (GraphQL multipart request spec).' }) attachment?: Upload | null;
}

@ObjectType({ description: 'An action the task offers (seed: possibleActions).' })
export class PossibleAction {
  @Field(() => TaskAction, { description: 'The action to pass to performTaskAction.' }) action!: TaskAction;
  @Field(() => String, { description: 'Name of the action as shown to people (e.g. `Approve`).' }) displayName!: string;
}

@InputType({ description: 'A new approval group: named people who approve or fulfil tasks assigned to the group.' })
export class CreateApprovalGroupInput {
  @Field(() => String, { description: 'Name, unique in the workspace; workflows and performers refer to it.' }) name!: string;
  @Field(() => String, { nullable: true, description: 'What the group approves, in free text.' }) description?: string | null;
  @Field(() => String, { nullable: true, description: 'Login of the person tasks of the group escalate to when they expire.' }) escalationAssignee?: string | null;
  @Field(() => [String], { description: 'Logins of the members; each must be a person of the workspace.' }) memberLogins!: string[];
}

@ArgsType()
export class ApprovalGroupsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Name contains (case-insensitive).' }) name?: string | null;
}
