import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../src/context.js';
import { AccessRequest } from '../../src/requests/access-request.entity.js';
import { Task } from '../../src/requests/task.entity.js';
import { Cart } from '../../src/requests/cart.entity.js';
import { ApprovalGroup } from '../../src/requests/approval-group.entity.js';
import {
  ApprovalGroupConnection,
  ApprovalGroupsArgs,
  CreateApprovalGroupInput,
  CreateCartInput,
  CreateCartPayload,
  OnboardingRequestInput,
  RequestConnection,
  RequestsArgs,
  SubmitCartInput,
  SubmitCartPayload,
  TaskActionArgs,
  TaskCommentArgs,
  TaskConnection,
  TasksArgs,
} from '../../schema/requests/requests.types.js';

@Resolver()
export class RequestsResolver {
  @Query(() => AccessRequest, { nullable: true, description: 'This Endpoint will give you the details of a Request by ID (with its history).' })
  request(@Arg('id', () => ID, { description: 'id of the request object that you want to fetch' }) id: string, @Ctx() ctx: Context) {
    return ctx.requests.request(id);
  }

  @Query(() => RequestConnection, { description: 'This Endpoint will give you the details of a Request by type (newest first).' })
  requests(@Args() args: RequestsArgs, @Ctx() ctx: Context) {
    return ctx.requests.requests(args);
  }

  @Query(() => Cart, { nullable: true, description: 'One cart by id; null when there is none the caller may read.' })
  cart(@Arg('id', () => ID, { description: 'Id of the cart.' }) id: string, @Ctx() ctx: Context) {
    return ctx.requests.cart(id);
  }

  @Query(() => TaskConnection, { description: 'This Endpoint will give you the list of Tasks based on filters (newest first).' })
  tasks(@Args() { filter, ...page }: TasksArgs, @Ctx() ctx: Context) {
    return ctx.tasks.tasks(filter, page);
  }

  @Query(() => Task, { nullable: true, description: 'One task by id; null when there is none the caller may read.' })
  task(@Arg('id', () => ID, { description: 'Id of the task.' }) id: string, @Ctx() ctx: Context) {
    return ctx.tasks.task(id);
  }

  @Query(() => ApprovalGroupConnection, { description: 'Approval groups (approver1..3, performers) with their members.' })
  approvalGroups(@Args() args: ApprovalGroupsArgs, @Ctx() ctx: Context) {
    return ctx.approvalGroups.approvalGroups(args);
  }

  @Mutation(() => CreateCartPayload, { description: 'Create a new cart for the items to request; then submit it with submitCart.' })
  createCart(@Arg('input', () => CreateCartInput, { description: 'The items to request and who they are for.' }) input: CreateCartInput, @Ctx() ctx: Context) {
    return ctx.requests.createCart(input);
  }

  @Mutation(() => SubmitCartPayload, {
    description: 'This Endpoint allows you to create a request by submitting the cart: one request per item, each running its approval workflow.',
  })
  submitCart(@Arg('input', () => SubmitCartInput, { description: 'The cart to submit and the justification.' }) input: SubmitCartInput, @Ctx() ctx: Context) {
    return ctx.requests.submitCart(input);
  }

  @Mutation(() => AccessRequest, {
    description: 'Create Application / Role: an onboarding request; on approval the application (with its entitlements) or role is in the catalog.',
  })
  submitOnboardingRequest(
    @Arg('input', () => OnboardingRequestInput, { description: 'The application (with its entitlements) or role to onboard (seed: Create Application / Role body).' })
    input: OnboardingRequestInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.requests.submitOnboardingRequest(input);
  }

  @Mutation(() => AccessRequest, { description: 'Cancel an open request (by its requester or beneficiary); its open tasks are cancelled.' })
  cancelRequest(
    @Arg('id', () => ID, { description: 'Id of the open request to cancel.' }) id: string,
    @Arg('userLogin', () => String, {
      nullable: true,
      description:
        'Login of the person cancelling (requester or beneficiary). Optional: the acting person comes from the credential. A personal credential acts as its own person (naming another is FORBIDDEN); a service key with ACT_AS names the person it acts for.',
    })
    userLogin: string | null,
    @Arg('comment', () => String, { nullable: true, description: 'Why the request is cancelled; kept in its history.' }) comment: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.requests.cancelRequest(id, userLogin, comment);
  }

  @Mutation(() => Task, { description: 'Perform an action on a task: claim, release, approve, reject, complete, escalate or re-assign.' })
  performTaskAction(@Args() args: TaskActionArgs, @Ctx() ctx: Context) {
    return ctx.tasks.performTaskAction(args);
  }

  @Mutation(() => Task, {
    description: 'Add a comment, with an optional attachment, to a task. The attachment is a file part of a multipart request (send the `apollo-require-preflight` header).',
  })
  addTaskComment(@Args() args: TaskCommentArgs, @Ctx() ctx: Context) {
    return ctx.tasks.addTaskComment(args);
  }

  @Mutation(() => ApprovalGroup, { description: 'Create an approval group (ORG_ADMIN): named people that workflows and performers refer to by name. Audited.' })
  createApprovalGroup(
    @Arg('input', () => CreateApprovalGroupInput, { description: 'Name, members and escalation assignee of the new group.' }) input: CreateApprovalGroupInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.approvalGroups.createApprovalGroup(input);
  }

  @Mutation(() => ApprovalGroup, { description: "Replace a group's members." })
  setApprovalGroupMembers(
    @Arg('groupId', () => ID, { description: 'Id of the approval group.' }) groupId: string,
    @Arg('memberLogins', () => [String], { description: 'Logins of all members after the change; each must be a person of the workspace.' }) memberLogins: string[],
    @Ctx() ctx: Context,
  ) {
    return ctx.approvalGroups.setApprovalGroupMembers(groupId, memberLogins);
  }
}
