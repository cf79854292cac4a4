import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';
import { Connection, PageArgs } from '../../src/common/pagination.js';
import { UploadScalar, type Upload } from '../../src/common/upload.js';
import { AccessRequest } from '../../src/requests/access-request.entity.js';
import { Task } from '../../src/requests/task.entity.js';
import { Cart } from '../../src/requests/cart.entity.js';
import { ApprovalGroup } from '../../src/requests/approval-group.entity.js';
import { RequestEntityType, RequestType, TaskAction, TaskOutcome, TaskStatus, TaskType } from '../../src/requests/workflow.js';

registerEnumType(TaskOutcome, { name: 'TaskOutcome', description: 'How a task ended: approved, rejected, completed (fulfilment), expired or cancelled.' });
registerEnumType(RequestType, { name: 'RequestType', description: 'The type of the request. Requests can be create, modify, revoke.' });
registerEnumType(RequestEntityType, {
  name: 'RequestEntityType',
  description:
    'What a request is about: a role, entitlement or application (TargetSystem), or a service (SERVICE_REQUEST: grants no access, its performer fulfils it); APPLICATION for onboarding.',
});
registerEnumType(TaskStatus, { name: 'TaskStatus', description: 'Task state (seed: Assigned, Completed, Expired, …).' });
registerEnumType(TaskType, { name: 'TaskType', description: 'ApprovalTask or FulfilmentTask.' });
registerEnumType(TaskAction, {
  name: 'TaskAction',
  description:
    'Actions on a task (seed: Claim, Approve, Reject, Escalate, Re-Assign): CLAIM and RELEASE a group task, APPROVE or REJECT an approval, COMPLETE a fulfilment, ESCALATE to the manager or escalation assignee, REASSIGN to a named user.',
});

export const RequestConnection = Connection(AccessRequest, 'Request');
export const TaskConnection = Connection(Task, 'Task');
export const ApprovalGroupConnection = Connection(ApprovalGroup, 'ApprovalGroup');

@InputType({ description: 'This would include the requester details like - user login' })
export class RequesterInput {
  @Field(() => String) login!: string;
  @Field(() => String, { nullable: true }) employeeNumber?: string | null;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
}

@InputType({ description: 'The beneficiary details of a cart item.' })
export class BeneficiaryInput {
  @Field(() => String) login!: string;
  @Field(() => String, { nullable: true }) employeeNumber?: string | null;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'Account name on the application (default: the login).' }) accountName?: string | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Account form values, e.g. {"Email": "jerome@gmail.com", "First Name": "Jerome"}; unset attributes come from the person.',
  })
  form?: Record<string, unknown> | null;
}

@InputType({ description: 'This would include the beneficiary details, entityID and entityType. You can request for applications/entitlements/roles.' })
export class CartItemInput {
  @Field(() => BeneficiaryInput) beneficiaries!: BeneficiaryInput;
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
  @Field(() => [CartItemInput]) cartItems!: CartItemInput[];
  @Field(() => String, { nullable: true, description: 'owner of the cart - user login' }) owner?: string | null;
  @Field(() => String, { nullable: true, description: 'name of the cart' }) name?: string | null;
}

@InputType({ description: 'A cart to submit: an existing cart by id, or a full cart.' })
export class SubmitCartInput {
  @Field(() => ID, { nullable: true, description: 'Id of a cart made with createCart.' }) cartId?: string | null;
  @Field(() => CreateCartInput, { nullable: true, description: 'Or the full cart, created and submitted at once.' }) cart?: CreateCartInput | null;
  @Field(() => String, { nullable: true, description: 'Here you can enter the justification for the request that you are submitting' }) justification?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) archive?: boolean | null;
}

@ObjectType()
export class CreateCartPayload {
  @Field(() => String) correlationId!: string;
  @Field(() => Boolean) result!: boolean;
  @Field(() => Cart) cart!: Cart;
}

@ObjectType()
export class SubmitCartPayload {
  @Field(() => String) correlationId!: string;
  @Field(() => Boolean) result!: boolean;
  @Field(() => Cart) cart!: Cart;
  @Field(() => [AccessRequest], { description: 'One request per cart item.' }) requests!: AccessRequest[];
}

@InputType({ description: 'An entitlement of an application to onboard.' })
export class EntitlementOnboardingInput {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true, description: "One of the six workflows; default: the application's." }) approvalWorkflow?: string | null;
  @Field(() => String, { nullable: true }) approvalWorkflowDisplayName?: string | null;
  @Field(() => String, { nullable: true }) performer?: string | null;
  @Field(() => String, { nullable: true }) riskLevel?: string | null;
  @Field(() => Boolean, { nullable: true }) isRequestable?: boolean | null;
  @Field(() => String, { nullable: true }) searchTags?: string | null;
  @Field(() => String, { nullable: true }) businessOwner?: string | null;
  @Field(() => String, { nullable: true }) ITOwner?: string | null;
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
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true, description: '`Connected` or `Disconnected` (default).' }) integrationLevel?: string | null;
  @Field(() => String, { description: 'One of the six workflows, e.g. `Auto Approval`.' }) approvalWorkflow!: string;
  @Field(() => String, { nullable: true }) approvalWorkflowDisplayName?: string | null;
  @Field(() => String, { nullable: true }) approver1?: string | null;
  @Field(() => String, { nullable: true }) approver2?: string | null;
  @Field(() => String, { nullable: true }) approver3?: string | null;
  @Field(() => String, { nullable: true, description: 'Who fulfils requests when Disconnected: an approval group or a login.' }) performer?: string | null;
  @Field(() => String, { nullable: true }) businessOwner?: string | null;
  @Field(() => String, { nullable: true }) ITOwner?: string | null;
  @Field(() => String, { nullable: true }) riskLevel?: string | null;
  @Field(() => Boolean, { nullable: true }) isRequestable?: boolean | null;
  @Field(() => Boolean, { nullable: true }) isCertifiable?: boolean | null;
  @Field(() => Boolean, { nullable: true }) trustedReconciliation?: boolean | null;
  @Field(() => String, { nullable: true }) searchTags?: string | null;
  @Field(() => String, { nullable: true }) applicationURL?: string | null;
  @Field(() => String, { nullable: true }) authenticationType?: string | null;
  @Field(() => String, { nullable: true }) logoURL?: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Account form attributes.' }) form?: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Reconciliation schedule (seed: `schedule` / `reconciliationSchedule`), e.g. `{"repeat":"Do not repeat"}`.' })
  schedule?: unknown;
  @Field(() => Boolean, { nullable: true, description: 'Whether the application is a credential manager ACS system for enrollment automations.' }) isCredentialManager?:
    | boolean
    | null;
  @Field(() => String, { nullable: true, description: 'Id of the request form (seed: `requestFormId`).' }) requestFormId?: string | null;
  @Field(() => String, { nullable: true, description: 'Name of the request form (seed: `requestFormName`).' }) requestFormName?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the account form is the default attribute set (seed: `isDefaultAttr`).' }) isDefaultAttr?: boolean | null;
  @Field(() => [EntitlementOnboardingInput], { nullable: true }) entitlements?: EntitlementOnboardingInput[] | null;
}

@InputType({ description: 'The role to onboard.' })
export class RoleOnboardingInput {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { description: 'One of the six workflows, e.g. `Auto Role Approval`.' }) approvalWorkflow!: string;
  @Field(() => String, { nullable: true }) approvalWorkflowDisplayName?: string | null;
  @Field(() => String, { nullable: true }) approver1?: string | null;
  @Field(() => String, { nullable: true }) approver2?: string | null;
  @Field(() => String, { nullable: true }) approver3?: string | null;
  @Field(() => String, { nullable: true }) performer?: string | null;
  @Field(() => String, { nullable: true }) roleOwnerLogin?: string | null;
  @Field(() => String, { nullable: true, description: 'Birthright rule, e.g. {"$and":[]}.' }) rule?: string | null;
  @Field(() => String, { nullable: true }) ruleForm?: string | null;
  @Field(() => String, { nullable: true }) riskLevel?: string | null;
  @Field(() => Boolean, { nullable: true }) isRequestable?: boolean | null;
  @Field(() => Boolean, { nullable: true }) isCertifiable?: boolean | null;
  @Field(() => String, { nullable: true }) searchTags?: string | null;
  @Field(() => String, { nullable: true }) workflowRequestFormId?: string | null;
  @Field(() => [ID], { nullable: true, description: 'Entitlements the role grants (its applications follow from them).' }) entitlementIds?: string[] | null;
}

@InputType({ description: 'This is the payload object which is used to on-board the application (targetSystem) or role.' })
export class OnboardingPayloadInput {
  @Field(() => TargetSystemOnboardingInput, { nullable: true, description: 'The application (seed: `target-system`).' }) targetSystem?: TargetSystemOnboardingInput | null;
  @Field(() => RoleOnboardingInput, { nullable: true }) role?: RoleOnboardingInput | null;
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
  @Field(() => String, { nullable: true }) beneficiaryLogin?: string | null;
}

@InputType({ description: 'Filter attributes, e.g. {status: COMPLETED, userLogin: "zachary"}.' })
export class TaskFilter {
  @Field(() => TaskStatus, { nullable: true }) status?: TaskStatus | null;
  @Field(() => String, { nullable: true, description: 'The person: tasks assigned to them, claimed by them, or offered to a group of theirs.' }) userLogin?: string | null;
  @Field(() => TaskType, { nullable: true }) type?: TaskType | null;
  @Field(() => ID, { nullable: true, description: 'Only the tasks of this request.' }) requestId?: string | null;
  @Field(() => TaskOutcome, {
    nullable: true,
    description: 'How the task ended: with status COMPLETED, APPROVE gives the completed approvals and REJECT the completed rejects (seed: Task Fetch).',
  })
  outcome?: TaskOutcome | null;
}

@ArgsType()
export class TasksArgs extends PageArgs {
  @Field(() => TaskFilter, { nullable: true }) filter?: TaskFilter | null;
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
  @Field(() => String, { nullable: true }) comment?: string | null;
  @Field(() => String, { nullable: true, description: 'REASSIGN only: login of the new assignee.' }) assignee?: string | null;
}

@ArgsType()
export class TaskCommentArgs {
  @Field(() => ID) taskId!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Login of the person commenting. Optional: the acting person comes from the credential. A personal credential acts as its own person (naming another is FORBIDDEN); a service key with ACT_AS names the person it acts for.',
  })
  userLogin?: string | null;
  @Field(() => String) message!: string;
  @Field(() => UploadScalar, { nullable: true, description: 'A file, sent as a multipart request part (GraphQL multipart request spec).' }) attachment?: Upload | null;
}

@ObjectType({ description: 'An action the task offers (seed: possibleActions).' })
export class PossibleAction {
  @Field(() => TaskAction) action!: TaskAction;
  @Field(() => String) displayName!: string;
}

@InputType()
export class CreateApprovalGroupInput {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) escalationAssignee?: string | null;
  @Field(() => [String]) memberLogins!: string[];
}

@ArgsType()
export class ApprovalGroupsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Name contains (case-insensitive).' }) name?: string | null;
}
