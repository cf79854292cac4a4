import { LockWaitTimeoutException, UniqueConstraintViolationException, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import { ServiceRequest } from '../governance/service-request.entity.js';
import { jsonObject, reconSchedule } from '../governance/form-values.js';
import type { RequestScope } from '../common/request-scope.js';
import type { RequestLoaders } from './requests.loaders.js';
import { authorize, can } from '../auth/viewer.js';
import { actingPerson, decideActor } from '../auth/actor.js';
import { audit } from '../audit/audit.service.js';
import { badInput, conflict, DomainError, forbidden, notFound } from '../errors.js';
import { isId, newId } from '../common/ids.js';
import { pageRequest } from '../common/pagination.js';
import { paginate } from '../common/keyset.js';
import { User } from '../governance/user.entity.js';
import { Role } from '../governance/role.entity.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { Entitlement } from '../governance/entitlement.entity.js';
import { compileRule } from '../governance/rules.js';
import { AccessRequest } from './access-request.entity.js';
import { Cart, type CartItem, type RequesterInfo } from './cart.entity.js';
import { ApprovalGroup } from './approval-group.entity.js';
import { RequestFlow } from './request-flow.js';
import type { AccessPeriod } from './access-period.js';
import { buildAccountForm, Provisioning } from './provisioning.service.js';
import {
  assertWorkflowConfig,
  CATALOG_WORKFLOW,
  planStages,
  RequestEntityType,
  RequestStatus,
  RequestType,
  Resolution,
  type PlannedStage,
  type WorkflowConfig,
} from './workflow.js';

interface Page {
  first?: number | null;
  after?: string | null;
}

export interface RequesterInput {
  login: string;
  employeeNumber?: string | null;
  displayName?: string | null;
  email?: string | null;
}

export interface CartItemInput {
  beneficiaries: { login: string; employeeNumber?: string | null; displayName?: string | null; accountName?: string | null; form?: Record<string, unknown> | null };
  entityId: string;
  entityType: RequestEntityType;
  type?: RequestType | null;
  /** A time-bound grant's period (Date from GraphQL, ISO text from a stored cart). */
  startDate?: Date | string | null;
  endDate?: Date | string | null;
}

export interface CreateCartInput {
  /** Who requests: the credential's person; an ACT_AS key names the person it acts for. */
  requester?: RequesterInput | null;
  cartItems: CartItemInput[];
  owner?: string | null;
  name?: string | null;
}

export interface SubmitCartInput {
  cartId?: string | null;
  cart?: CreateCartInput | null;
  justification?: string | null;
  archive?: boolean | null;
}

export interface OnboardingInput {
  entityType: RequestEntityType;
  justification: string;
  requester?: RequesterInput | null;
  summary?: string | null;
  payload: { targetSystem?: object | null; role?: object | null };
}

/** A cart item checked against the catalog, ready to become a request. */
interface PlannedItem {
  item: CartItem;
  beneficiary: User;
  title: string;
  workflowName: string;
  stages: PlannedStage[];
  payload: Record<string, unknown>;
}

/** How often a submit runs when the database was busy with another writer (SQLite across processes). */
const SUBMIT_ATTEMPTS = 10;

/** How far in the past a start date may be (the caller's clock and ours differ a little). */
const START_LEEWAY_MS = 60_000;

/** The request policy's rule names (extensions.rule). */
export const REQUEST_FOR_OTHERS_RULE = 'REQUEST_FOR_OTHERS';

type Requestable = { displayName: string; isRequestable: boolean; disabled: boolean; retired: boolean };

const VERBS: Record<RequestType, [string, string]> = { create: ['Grant', 'to'], modify: ['Modify', 'for'], revoke: ['Revoke', 'from'] };
const strip = <T extends Record<string, unknown>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;

/** Carts, their submission into requests, onboarding requests, and reads of requests. */
export class RequestService {
  constructor(
    private readonly scope: RequestScope,
    private readonly loaders: RequestLoaders,
  ) {}

  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  /**
   * Creates a cart (seed: Request Create). The requester is the credential's person (or the one
   * an ACT_AS key names), active. Checks every item (the requester may request for the
   * beneficiary; entity exists, is requestable, enabled and not retired for grants; beneficiary
   * exists; a revoke or modify names access held, a grant access not held nor already requested;
   * the workflow can route it). Writes the cart and a `cart.create` audit event.
   */
  async createCart(input: CreateCartInput): Promise<{ correlationId: string; result: boolean; cart: Cart }> {
    authorize(this.scope.viewer, 'requests:submit');
    decideActor(this.scope.viewer, input.requester?.login, 'input.requester.login');
    return this.scope.transaction(async (em) => {
      const cart = await this.newCart(em, input, 'input.');
      const seen = new Set<string>();
      for (const [i, item] of input.cartItems.entries()) {
        const planned = await this.planItem(em, item, i, 'input.', cart.requester, true);
        const key = `${planned.beneficiary.login}:${item.entityId}`;
        if (seen.has(key)) throw badInput(`input.cartItems.${i}.entityId`, `The cart already has an item for ${planned.title} and ${planned.beneficiary.login}`);
        seen.add(key);
        cart.cartItems.push(planned.item);
      }
      audit(
        em,
        this.scope.viewer,
        { action: 'cart.create', entityType: 'Cart', entityId: cart.id, after: { name: cart.name, items: cart.cartItems.length }, actorLogin: cart.requesterLogin },
        this.scope.requestId,
      );
      return { correlationId: cart.correlationId, result: true, cart };
    });
  }

  /** The cart's own fields; its items are added once each is checked. */
  private async newCart(em: EntityManager, input: CreateCartInput, prefix: string): Promise<Cart> {
    if (!input.cartItems?.length) throw badInput(`${prefix}cartItems`, 'A cart needs at least one item');
    const requester = await this.requesterOf(em, input.requester, `${prefix}requester`);
    return em.create(Cart, {
      workspace: this.ws,
      name: input.name?.trim() || 'default',
      owner: input.owner?.trim() || `User/${requester.id}`,
      correlationId: newId(),
      requesterLogin: requester.login,
      requester: strip({ login: requester.login, employeeNumber: requester.employeeNumber, displayName: requester.displayName, email: requester.email }),
      cartItems: [],
    });
  }

  /**
   * The requester: the acting person (src/auth/actor.ts), who must be an active person of the
   * workspace; an employeeNumber given with them must match.
   */
  private async requesterOf(em: EntityManager, given: RequesterInput | null | undefined, field: string): Promise<User> {
    const { user } = await actingPerson(em, this.scope.viewer, given?.login, `${field}.login`);
    if (given?.employeeNumber && given.employeeNumber !== user.employeeNumber) {
      throw badInput(`${field}.employeeNumber`, `${given.employeeNumber} is not the employee number of ${user.login}`);
    }
    return user;
  }

  /** A person named in an input (login must exist; employeeNumber, when given, must match). */
  private async person(em: EntityManager, who: { login: string; employeeNumber?: string | null }, field: string): Promise<User> {
    const user = await em.findOne(User, { workspace: this.ws, login: who.login });
    if (!user) throw notFound('User', who.login, `${field}.login`);
    if (who.employeeNumber && who.employeeNumber !== user.employeeNumber) {
      throw badInput(`${field}.employeeNumber`, `${who.employeeNumber} is not the employee number of ${user.login}`);
    }
    return user;
  }

  /**
   * Submits a cart (seed: Request Submit), given by id or in full: one request per item, each
   * running its entity's workflow. Items are checked one after another against the state the
   * earlier ones left, in one transaction: when an item fails, nothing of the cart is written.
   */
  async submitCart(input: SubmitCartInput): Promise<{ correlationId: string; result: boolean; cart: Cart; requests: AccessRequest[] }> {
    authorize(this.scope.viewer, 'requests:submit');
    if (!!input.cartId === !!input.cart) throw badInput('input.cartId', 'Give exactly one of `cartId` and `cart`');
    if (input.cart) decideActor(this.scope.viewer, input.cart.requester?.login, 'input.cart.requester.login');
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.submitCartOnce(input);
      } catch (error) {
        // Two submits of the same grant at once: both checked before either wrote, and the
        // database's one-open-request index let only one commit.
        if (error instanceof UniqueConstraintViolationException) {
          throw conflict(
            'A request for the same access and beneficiary was submitted at the same time and is open; read it instead of submitting again',
            input.cartId ? 'input.cartId' : 'input.cart.cartItems',
          );
        }
        // SQLite shared by several processes: a transaction that read before another one
        // committed cannot write (SQLITE_BUSY); it rolled back whole, so it runs again and then
        // sees what the other one wrote (usually: the request is open now, a CONFLICT).
        if (error instanceof LockWaitTimeoutException && attempt < SUBMIT_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, attempt * (5 + Math.random() * 20)));
          continue;
        }
        throw error;
      }
    }
  }

  private async submitCartOnce(input: SubmitCartInput): Promise<{ correlationId: string; result: boolean; cart: Cart; requests: AccessRequest[] }> {
    return this.scope.transaction(async (em) => {
      let cart: Cart;
      let items: CartItemInput[];
      let prefix: string;
      if (input.cartId) {
        const found = isId(input.cartId) ? await em.findOne(Cart, { id: input.cartId, workspace: this.ws }) : null;
        if (!found) throw notFound('Cart', input.cartId, 'input.cartId');
        if (found.status !== 'Open') throw conflict(`Cart ${found.id} was submitted already`, 'input.cartId');
        // Submitting a cart acts as its requester: their own credential, or an ACT_AS key.
        await actingPerson(em, this.scope.viewer, found.requesterLogin, 'input.cartId');
        cart = found;
        items = found.cartItems;
        prefix = 'cart.';
      } else {
        cart = await this.newCart(em, input.cart!, 'input.cart.');
        items = input.cart!.cartItems;
        prefix = 'input.cart.';
      }
      const flow = new RequestFlow(em, this.scope);
      const requests: AccessRequest[] = [];
      const checked: CartItem[] = [];
      for (const [i, item] of items.entries()) {
        const planned = await this.planItem(em, item, i, prefix, cart.requester, true);
        checked.push(planned.item);
        requests.push(
          await this.openRequest(em, flow, planned, {
            correlationId: cart.correlationId,
            cartId: cart.id,
            justification: input.justification ?? null,
            requesterLogin: cart.requesterLogin,
          }),
        );
      }
      Object.assign(cart, { cartItems: checked, status: 'Submitted', submittedOn: new Date(), justification: input.justification ?? null, archived: input.archive ?? false });
      audit(
        em,
        this.scope.viewer,
        {
          action: 'cart.submit',
          entityType: 'Cart',
          entityId: cart.id,
          after: { correlationId: cart.correlationId, requests: requests.map((r) => r.requestId) },
          actorLogin: cart.requesterLogin,
        },
        this.scope.requestId,
      );
      return { correlationId: cart.correlationId, result: true, cart, requests };
    });
  }

  /** Creates the access request of a checked item and starts its workflow. */
  private async openRequest(
    em: EntityManager,
    flow: RequestFlow,
    planned: PlannedItem,
    origin: { correlationId: string; cartId: string | null; justification: string | null; requesterLogin: string },
  ): Promise<AccessRequest> {
    const [verb, preposition] = VERBS[planned.item.type];
    const request = em.create(AccessRequest, {
      workspace: this.ws,
      requestId: newId().slice(-6),
      correlationId: origin.correlationId,
      cartId: origin.cartId,
      requestType: 'Access',
      type: planned.item.type,
      entityType: planned.item.entityType,
      entityId: planned.item.entityId,
      title: planned.title,
      summary: `${verb} ${planned.title} ${preposition} ${planned.beneficiary.displayName}`,
      workflowName: planned.workflowName,
      status: RequestStatus.SUBMITTED,
      justification: origin.justification,
      requesterLogin: origin.requesterLogin,
      beneficiaryLogin: planned.beneficiary.login,
      payload: planned.payload,
      stages: planned.stages,
    });
    await flow.start(request, origin.requesterLogin);
    return request;
  }

  /**
   * A revoke decided in a certification campaign, inside the caller's transaction: the same
   * checks, workflow and provisioning as a revoke from a cart, with the certifier as requester
   * and the campaign named in the justification and payload. A check that fails is reported on
   * `field` (the review item), since the person acting never wrote a cart.
   */
  async submitCertificationRevoke(
    em: EntityManager,
    args: {
      beneficiaryLogin: string;
      entityType: RequestEntityType;
      entityId: string;
      certifierLogin: string;
      justification: string;
      certification: Record<string, unknown>;
      field: string;
    },
  ): Promise<AccessRequest> {
    const certifier = await em.findOneOrFail(User, { workspace: this.ws, login: args.certifierLogin });
    const requester: RequesterInfo = strip({ login: certifier.login, employeeNumber: certifier.employeeNumber, displayName: certifier.displayName, email: certifier.email });
    let planned: PlannedItem;
    try {
      planned = await this.planItem(
        em,
        { beneficiaries: { login: args.beneficiaryLogin }, entityId: args.entityId, entityType: args.entityType, type: RequestType.REVOKE },
        0,
        '',
        requester,
        // The campaign made the certifier decide this person's access: no request policy.
        false,
      );
    } catch (error) {
      if (error instanceof DomainError) throw new DomainError(error.code, error.message, args.field);
      throw error;
    }
    planned.payload = { ...planned.payload, certification: args.certification };
    return this.openRequest(em, new RequestFlow(em, this.scope), planned, {
      correlationId: newId(),
      cartId: null,
      justification: args.justification,
      requesterLogin: certifier.login,
    });
  }

  /**
   * A revoke the gateway decides by itself (a leaver, an access period that ended), inside the
   * caller's transaction: a request with no approval stage, so it is fulfilled at once through
   * the same provisioning as any revoke (a Disconnected application gets its fulfilment task).
   * Nothing is checked against the catalog: the access is held, and a disabled or retired role
   * or application must still be revoked.
   */
  async submitSystemRevoke(
    em: EntityManager,
    args: {
      beneficiary: User;
      entityType: RequestEntityType;
      entityId: string;
      title: string;
      requesterLogin: string;
      justification: string;
      workflowName: string;
      payload: Record<string, unknown>;
    },
  ): Promise<AccessRequest> {
    const beneficiary = strip({ login: args.beneficiary.login, employeeNumber: args.beneficiary.employeeNumber, displayName: args.beneficiary.displayName });
    const planned: PlannedItem = {
      item: { beneficiaries: beneficiary, entityId: args.entityId, entityType: args.entityType, type: RequestType.REVOKE, entityName: args.title },
      beneficiary: args.beneficiary,
      title: args.title,
      workflowName: args.workflowName,
      stages: [],
      payload: {
        beneficiary,
        requester: { login: args.requesterLogin },
        entityId: args.entityId,
        entityType: args.entityType,
        type: RequestType.REVOKE,
        accountName: null,
        form: null,
        ...args.payload,
      },
    };
    return this.openRequest(em, new RequestFlow(em, this.scope), planned, {
      correlationId: newId(),
      cartId: null,
      justification: args.justification,
      requesterLogin: args.requesterLogin,
    });
  }

  /** Ends every open request for `beneficiary` (their open tasks with them), e.g. when they leave. */
  async cancelOpenRequestsFor(em: EntityManager, beneficiary: User, perpetrator: string, comment: string): Promise<number> {
    const open = await em.find(AccessRequest, { workspace: this.ws, beneficiaryLogin: beneficiary.login, resolution: Resolution.INITIATED });
    const flow = new RequestFlow(em, this.scope);
    for (const request of open) await flow.cancelled(request, perpetrator, comment);
    return open.length;
  }

  /**
   * Checks one cart item and decides its workflow stages; writes nothing. With `policy`, the
   * requester must be the beneficiary, the beneficiary's manager, or hold REQUEST_FOR_OTHERS.
   */
  private async planItem(em: EntityManager, item: CartItemInput, index: number, prefix: string, requester: RequesterInfo, policy: boolean): Promise<PlannedItem> {
    const field = (name: string) => `${prefix}cartItems.${index}.${name}`;
    const type = item.type ?? RequestType.CREATE;
    const grant = type !== RequestType.REVOKE;
    const period = this.accessPeriod(item, type, field);
    const beneficiary = await this.person(em, item.beneficiaries, field('beneficiaries'));
    if (policy && beneficiary.login !== requester.login && beneficiary.managerLogin !== requester.login && !can(this.scope.viewer, 'requests:forOthers')) {
      throw new DomainError(
        'FORBIDDEN',
        `${requester.login} may not request for ${beneficiary.login}: only the beneficiary, their manager, or a credential with REQUEST_FOR_OTHERS may (rule: request for others)`,
        field('beneficiaries.login'),
        { rule: REQUEST_FOR_OTHERS_RULE, action: 'requests:forOthers' },
      );
    }
    if (type === RequestType.CREATE && beneficiary.status !== 'Active') {
      throw badInput(field('beneficiaries.login'), `${beneficiary.displayName} is ${beneficiary.status}; access can be granted to active people only`);
    }

    const { entity, system, config, businessOwnerLogin } = await this.requestedEntity(em, item, field('entityId'));
    if (item.entityType === RequestEntityType.SERVICE_REQUEST && type !== RequestType.CREATE) {
      throw badInput(field('type'), `${entity.displayName} is a service: it can be requested (CREATE), not modified or revoked`);
    }
    const notRequestable = (e: Requestable, what: string) =>
      e.retired
        ? `${what} is retired and cannot be requested`
        : e.disabled
          ? `${what} is disabled and cannot be requested`
          : !e.isRequestable
            ? `${what} is not requestable`
            : null;
    if (grant) {
      const reason = notRequestable(entity, entity.displayName) ?? (system && system !== entity ? notRequestable(system, `Its application ${system.displayName}`) : null);
      if (reason) throw badInput(field('entityId'), reason);
    }

    const provisioning = new Provisioning(em, this.scope.viewer, this.scope.requestId);
    const holding = await provisioning.holding(beneficiary, item.entityType, item.entityId, system?.id);
    const who = beneficiary.displayName;
    if (type === RequestType.CREATE && holding.held) throw conflict(`${who} already has ${entity.displayName}`, field('entityId'));
    if (type !== RequestType.CREATE && !holding.held) {
      throw badInput(field('entityId'), `${who} does not have ${entity.displayName}, so there is nothing to ${type}`);
    }
    if (type === RequestType.REVOKE && item.entityType === RequestEntityType.ROLE && !holding.assigned) {
      throw badInput(field('entityId'), `${who} holds ${entity.displayName} through its birthright rule; change the rule or the person's attributes instead`);
    }
    if (type === RequestType.REVOKE && holding.viaRoles?.length) {
      throw badInput(field('entityId'), `${who} gets ${entity.displayName} through the role ${holding.viaRoles.join(', ')}; revoke the role instead`);
    }
    const open = await em.findOne(AccessRequest, { workspace: this.ws, beneficiaryLogin: beneficiary.login, entityId: item.entityId, resolution: Resolution.INITIATED });
    if (open) throw conflict(`Request ${open.requestId} (${open.type} ${entity.displayName} for ${who}) is still open`, field('entityId'));

    let workflow;
    try {
      workflow = assertWorkflowConfig(config, field('entityId'));
    } catch (error) {
      throw conflict(`Configuration error on ${entity.displayName}: ${(error as Error).message}`, field('entityId'));
    }
    const plan = planStages(workflow, type, { ...config, managerLogin: beneficiary.managerLogin, businessOwnerLogin });
    if (!plan.ok) throw conflict(`${entity.displayName} for ${who} cannot be routed: ${plan.reason}`, field('entityId'));
    const stages = await this.awayFromParties(em, plan.stages, [requester.login, beneficiary.login], `${entity.displayName} for ${who}`, field('entityId'));
    await this.assertGroupsExist(em, stages, field('entityId'));
    let serviceForm: Record<string, unknown> | null = null;
    if (item.entityType === RequestEntityType.SERVICE_REQUEST) {
      try {
        await this.checkPerformer(em, (entity as ServiceRequest).performer, field('entityId'));
      } catch (error) {
        throw conflict(`Configuration error on ${entity.displayName}: ${(error as Error).message}`, field('entityId'));
      }
      const built = buildAccountForm((entity as ServiceRequest).form as never, beneficiary, item.beneficiaries.form ?? null);
      if (built.missing.length) throw badInput(field('beneficiaries.form'), `${entity.displayName} needs ${built.missing.map((m) => JSON.stringify(m)).join(', ')} in its form`);
      serviceForm = built.values;
    }
    if (system && system.integrationLevel !== 'Connected') {
      const performer = (entity as { performer?: string | null }).performer ?? system.performer;
      try {
        if (!performer) throw new Error(`${system.displayName} is Disconnected and has no performer`);
        await this.checkPerformer(em, performer, field('entityId'));
      } catch (error) {
        throw conflict(`Configuration error on ${entity.displayName}: ${(error as Error).message}`, field('entityId'));
      }
    }

    let form = serviceForm ?? item.beneficiaries.form ?? null;
    if (type === RequestType.CREATE && system) {
      const accountHeld = item.entityType !== RequestEntityType.TARGET_SYSTEM && (await provisioning.holding(beneficiary, RequestEntityType.TARGET_SYSTEM, system.id)).held;
      if (!accountHeld) {
        const built = buildAccountForm(system.form, beneficiary, form);
        if (built.missing.length)
          throw badInput(field('beneficiaries.form'), `${system.displayName} needs ${built.missing.map((m) => JSON.stringify(m)).join(', ')} in the account form`);
        form = built.values;
      }
    }
    const beneficiaryInfo = strip({ login: beneficiary.login, employeeNumber: beneficiary.employeeNumber, displayName: beneficiary.displayName });
    return {
      item: {
        beneficiaries: strip({ ...beneficiaryInfo, accountName: item.beneficiaries.accountName, form: item.beneficiaries.form }),
        entityId: item.entityId,
        entityType: item.entityType,
        type,
        entityName: entity.displayName,
        ...strip(period),
      },
      beneficiary,
      title: entity.displayName,
      workflowName: workflow.name,
      stages,
      payload: {
        beneficiary: beneficiaryInfo,
        requester,
        entityId: item.entityId,
        entityType: item.entityType,
        type,
        accountName: item.beneficiaries.accountName ?? null,
        form,
        ...strip(period),
      },
    };
  }

  /**
   * The access period of a cart item: `startDate`, and `endDate` or the form's
   * `accessRevokeDate` (the seed's end date; both given must agree). Only grants have one; the
   * start may not be in the past (a minute of leeway for clocks), the end must be in the future
   * and after the start. Errors name the field.
   */
  private accessPeriod(item: CartItemInput, type: RequestType, field: (name: string) => string): AccessPeriod {
    const now = this.scope.clock.now().getTime();
    const asDate = (value: unknown, name: string): Date | null => {
      if (value === undefined || value === null || value === '') return null;
      const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
      if (Number.isNaN(date.getTime())) throw badInput(field(name), `${name.split('.').pop()} must be a date and time (ISO 8601, e.g. 2027-03-31T17:00:00Z)`);
      return date;
    };
    const start = asDate(item.startDate, 'startDate');
    let end = asDate(item.endDate, 'endDate');
    let endField = 'endDate';
    const formEnd = type === RequestType.CREATE ? asDate(item.beneficiaries.form?.accessRevokeDate, 'beneficiaries.form.accessRevokeDate') : null;
    if (formEnd) {
      if (end && end.getTime() !== formEnd.getTime()) throw badInput(field('endDate'), "endDate and the form's accessRevokeDate differ; give one of them");
      end = formEnd;
      endField = item.endDate ? 'endDate' : 'beneficiaries.form.accessRevokeDate';
    }
    if (!start && !end) return { startDate: null, endDate: null };
    if (type !== RequestType.CREATE) throw badInput(field(start ? 'startDate' : 'endDate'), 'Only a grant (type CREATE) has an access period');
    if (start && start.getTime() < now - START_LEEWAY_MS) throw badInput(field('startDate'), `startDate ${start.toISOString()} is in the past`);
    if (end && end.getTime() <= now) throw badInput(field(endField), `The end date ${end.toISOString()} is in the past`);
    if (start && end && end <= start) throw badInput(field(endField), `The end date ${end.toISOString()} is not after startDate ${start.toISOString()}`);
    return { startDate: start?.toISOString() ?? null, endDate: end?.toISOString() ?? null };
  }

  /** The role, entitlement or application of a cart item, with its workflow configuration. */
  private async requestedEntity(
    em: EntityManager,
    item: CartItemInput,
    field: string,
  ): Promise<{ entity: Requestable & { id: string }; system?: TargetSystem; config: WorkflowConfig; businessOwnerLogin?: string | null }> {
    const id = item.entityId;
    const where = { id, workspace: this.ws };
    if (item.entityType === RequestEntityType.ROLE) {
      const role = isId(id) ? await em.findOne(Role, where) : null;
      if (!role) throw notFound('Role', id, field);
      return { entity: role, config: role, businessOwnerLogin: role.roleOwnerLogin };
    }
    if (item.entityType === RequestEntityType.TARGET_SYSTEM) {
      const ts = isId(id) ? await em.findOne(TargetSystem, where) : null;
      if (!ts) throw notFound('TargetSystem', id, field);
      return { entity: ts, system: ts, config: ts, businessOwnerLogin: ts.businessOwnerLogin };
    }
    if (item.entityType === RequestEntityType.ENTITLEMENT) {
      const e = isId(id) ? await em.findOne(Entitlement, where, { populate: ['targetSystem'] }) : null;
      if (!e) throw notFound('Entitlement', id, field);
      const ts = e.targetSystem;
      return {
        entity: e,
        system: ts,
        // An entitlement runs its own workflow, with its application's approver groups.
        config: { approvalWorkflow: e.approvalWorkflow ?? ts.approvalWorkflow, approver1: ts.approver1, approver2: ts.approver2, approver3: ts.approver3 },
        businessOwnerLogin: e.businessOwnerLogin ?? ts.businessOwnerLogin,
      };
    }
    if (item.entityType === RequestEntityType.SERVICE_REQUEST) {
      const service = isId(id) ? await em.findOne(ServiceRequest, where) : null;
      if (!service) throw notFound('ServiceRequest', id, field);
      return { entity: service, config: service, businessOwnerLogin: null };
    }
    throw badInput(field.replace(/entityId$/, 'entityType'), `${item.entityType} cannot be requested through a cart`);
  }

  /**
   * Separation of duties when routing: a stage that would go to a party of the request (its
   * requester or beneficiary: a manager requesting for a report, a business owner for themself)
   * goes to that person's manager instead, up the hierarchy; CONFLICT when there is none active.
   */
  private async awayFromParties(em: EntityManager, stages: PlannedStage[], parties: string[], what: string, field: string): Promise<PlannedStage[]> {
    const routed: PlannedStage[] = [];
    for (const stage of stages) {
      let assignee = stage.assignee;
      for (let hops = 0; stage.assigneeType === 'User' && parties.includes(assignee); hops++) {
        const person = hops < 20 ? await em.findOne(User, { workspace: this.ws, login: assignee }) : null;
        const manager = person?.managerLogin ? await em.findOne(User, { workspace: this.ws, login: person.managerLogin, status: 'Active' }) : null;
        if (!manager) {
          throw conflict(`${what} cannot be routed: the ${stage.taskName} would go to ${assignee}, a party of the request, and nobody above them can decide it instead`, field);
        }
        assignee = manager.login;
      }
      routed.push({ ...stage, assignee });
    }
    return routed;
  }

  private async assertGroupsExist(em: EntityManager, stages: PlannedStage[], field: string) {
    const names = [...new Set(stages.filter((s) => s.assigneeType === 'Group').map((s) => s.assignee))];
    if (names.length === 0) return;
    const found = new Set((await em.find(ApprovalGroup, { workspace: this.ws, name: { $in: names } })).map((g) => g.name));
    const missing = names.filter((n) => !found.has(n));
    if (missing.length) throw conflict(`Configuration error: there is no approval group named ${missing.map((m) => JSON.stringify(m)).join(', ')}`, field);
  }

  /**
   * Submits the onboarding of an application (with its entitlements) or a role (seed: Create
   * Application / Role), as the credential's person (or the one an ACT_AS key names). Checks
   * justification, requester, payload, name uniqueness, workflow
   * names, owners, rule and entitlement ids; writes the request and its first approval task.
   * The catalog object is created when the request is approved.
   */
  async submitOnboardingRequest(
    input: OnboardingInput,
    /** The id to give the request; only the demo seed sets it, to keep the seed document's request id. */
    fixed: { id?: string } = {},
  ): Promise<AccessRequest> {
    authorize(this.scope.viewer, 'requests:submit');
    decideActor(this.scope.viewer, input.requester?.login, 'input.requester.login');
    if (input.entityType !== RequestEntityType.APPLICATION && input.entityType !== RequestEntityType.ROLE) {
      throw badInput('input.entityType', 'Onboarding is for an APPLICATION or a ROLE');
    }
    if (!input.justification?.trim()) throw badInput('input.justification', 'A justification is required');
    return this.scope.transaction(async (em) => {
      const requester = await this.requesterOf(em, input.requester, 'input.requester');
      const application = input.entityType === RequestEntityType.APPLICATION;
      const key = application ? 'targetSystem' : 'role';
      const other = application ? 'role' : 'targetSystem';
      const body = input.payload?.[key] as Record<string, unknown> | null | undefined;
      if (!body) throw badInput(`input.payload.${key}`, `${application ? 'An application' : 'A role'} onboarding needs payload.${key}`);
      if (input.payload[other]) throw badInput(`input.payload.${other}`, `payload.${other} does not belong to a${application ? 'n application' : ' role'} onboarding`);
      const field = (name: string) => `input.payload.${key}.${name}`;
      const stored = application ? await this.checkApplication(em, body, field) : await this.checkRole(em, body, field);
      const name = stored.name as string;

      const pending = await em.find(AccessRequest, { workspace: this.ws, requestType: 'Catalog', entityType: input.entityType, resolution: Resolution.INITIATED });
      const clash = pending.find((r) => (r.payload[key] as { name?: string } | undefined)?.name === name);
      if (clash) throw conflict(`Request ${clash.requestId} to onboard "${name}" is still open`, field('name'));

      const plan = planStages(CATALOG_WORKFLOW, RequestType.CREATE, {});
      if (!plan.ok) throw conflict(plan.reason, 'input');
      await this.assertGroupsExist(em, plan.stages, 'input');

      const request = em.create(AccessRequest, {
        ...(fixed.id ? { id: fixed.id } : {}),
        workspace: this.ws,
        requestId: newId().slice(-6),
        correlationId: newId(),
        requestType: 'Catalog',
        type: RequestType.CREATE,
        entityType: input.entityType,
        entityId: null,
        title: stored.displayName as string,
        summary: input.summary?.trim() || `New ${application ? 'Application' : 'Role'} Request - ${name}`,
        workflowName: CATALOG_WORKFLOW.name,
        status: RequestStatus.SUBMITTED,
        justification: input.justification.trim(),
        requesterLogin: requester.login,
        beneficiaryLogin: null,
        payload: { [key]: stored, type: RequestType.CREATE, requester: strip({ login: requester.login, displayName: requester.displayName, email: requester.email }) },
        stages: plan.stages,
      });
      await new RequestFlow(em, this.scope).start(request, requester.login);
      return request;
    });
  }

  private async checkOwner(em: EntityManager, login: unknown, field: string) {
    if (login == null) return;
    if (!(await em.count(User, { workspace: this.ws, login: login as string }))) throw notFound('User', String(login), field);
  }

  /** A performer must be an approval group or a person of the workspace. */
  private async checkPerformer(em: EntityManager, performer: unknown, field: string) {
    if (performer == null) return;
    const name = performer as string;
    const known = (await em.count(ApprovalGroup, { workspace: this.ws, name })) + (await em.count(User, { workspace: this.ws, login: name }));
    if (!known) throw badInput(field, `Performer "${name}" is neither an approval group nor a user`);
  }

  private async checkApplication(em: EntityManager, ts: Record<string, unknown>, field: (n: string) => string): Promise<Record<string, unknown>> {
    const name = String(ts.name ?? '').trim();
    if (!name) throw badInput(field('name'), 'name is required');
    if (await em.count(TargetSystem, { workspace: this.ws, name })) throw conflict(`An application named "${name}" exists already`, field('name'));
    const level = ts.integrationLevel ?? 'Disconnected';
    if (level !== 'Connected' && level !== 'Disconnected') throw badInput(field('integrationLevel'), 'integrationLevel is `Connected` or `Disconnected`');
    assertWorkflowConfig(ts as WorkflowConfig, field('approvalWorkflow'));
    await this.checkOwner(em, ts.businessOwner, field('businessOwner'));
    await this.checkOwner(em, ts.ITOwner, field('ITOwner'));
    if (level === 'Disconnected' && !ts.performer) throw badInput(field('performer'), 'A Disconnected application needs a performer to fulfil its requests');
    await this.checkPerformer(em, ts.performer, field('performer'));
    reconSchedule(ts.schedule, field('schedule'));
    const form = ts.form == null ? null : Array.isArray(ts.form) ? ts.form.map((entry, i) => jsonObject(entry, field(`form.${i}`))) : jsonObject(ts.form, field('form'));
    const entitlements = (ts.entitlements as Array<Record<string, unknown>> | null | undefined) ?? [];
    const names = new Set<string>();
    for (const [i, e] of entitlements.entries()) {
      const f = (n: string) => field(`entitlements.${i}.${n}`);
      const ename = String(e.name ?? '').trim();
      if (!ename) throw badInput(f('name'), 'name is required');
      if (names.has(ename)) throw badInput(f('name'), `Entitlement "${ename}" appears twice`);
      names.add(ename);
      assertWorkflowConfig({ ...(ts as WorkflowConfig), approvalWorkflow: (e.approvalWorkflow as string | undefined) ?? (ts.approvalWorkflow as string) }, f('approvalWorkflow'));
      await this.checkOwner(em, e.businessOwner, f('businessOwner'));
      await this.checkOwner(em, e.ITOwner, f('ITOwner'));
      await this.checkPerformer(em, e.performer, f('performer'));
      jsonObject(e.form, f('form'));
      jsonObject(e.formValues, f('formValues'));
    }
    return strip({
      ...ts,
      name,
      displayName: String(ts.displayName ?? name),
      integrationLevel: level,
      form,
      entitlements: entitlements.map((e) => strip({ ...e, displayName: e.displayName ?? e.name })),
    });
  }

  private async checkRole(em: EntityManager, role: Record<string, unknown>, field: (n: string) => string): Promise<Record<string, unknown>> {
    const name = String(role.name ?? '').trim();
    if (!name) throw badInput(field('name'), 'name is required');
    if (await em.count(Role, { workspace: this.ws, name })) throw conflict(`A role named "${name}" exists already`, field('name'));
    assertWorkflowConfig(role as WorkflowConfig, field('approvalWorkflow'));
    compileRule(role.rule as string | null, field('rule'));
    await this.checkOwner(em, role.roleOwnerLogin, field('roleOwnerLogin'));
    const ids = (role.entitlementIds as string[] | null | undefined) ?? [];
    const found = new Set((await em.find(Entitlement, { workspace: this.ws, id: { $in: ids.filter(isId) } })).map((e) => e.id));
    ids.forEach((id, i) => {
      if (!found.has(id)) throw notFound('Entitlement', id, field(`entitlementIds.${i}`));
    });
    return strip({ ...role, name, displayName: String(role.displayName ?? name), entitlementIds: [...new Set(ids)] });
  }

  /**
   * Cancels an open request as the credential's person (or the one an ACT_AS key names in
   * `userLogin`), who must be its requester or beneficiary; its open tasks are cancelled too.
   * Writes the status change, history and audit events.
   */
  async cancelRequest(id: string, named: string | null | undefined, comment?: string | null): Promise<AccessRequest> {
    authorize(this.scope.viewer, 'requests:submit');
    decideActor(this.scope.viewer, named, 'userLogin');
    return this.scope.transaction(async (em) => {
      const request = isId(id) ? await em.findOne(AccessRequest, { id, workspace: this.ws }) : null;
      if (!request) throw notFound('Request', id, 'id');
      const { login: userLogin } = await actingPerson(em, this.scope.viewer, named, 'userLogin');
      if (userLogin !== request.requesterLogin && userLogin !== request.beneficiaryLogin) {
        throw forbidden(`${userLogin} is neither the requester nor the beneficiary of request ${request.requestId}`);
      }
      if (request.resolution !== Resolution.INITIATED) throw conflict(`Request ${request.requestId} is ${request.status}; it can no longer be cancelled`, 'id');
      await new RequestFlow(em, this.scope).cancelled(request, userLogin, comment);
      return request;
    });
  }

  /** One request (seed: Request Fetch by ID); another workspace's is null. */
  async request(id: string): Promise<AccessRequest | null> {
    authorize(this.scope.viewer, 'requests:read');
    return isId(id) ? this.loaders.request.load(id) : null;
  }

  /** Requests newest first (seed: Request Fetch by Type), by type and status. */
  async requests(args: { type?: RequestType | null; status?: string | null; requestType?: string | null; beneficiaryLogin?: string | null } & Page) {
    authorize(this.scope.viewer, 'requests:read');
    const page = pageRequest(args, this.scope.config);
    const where = (): FilterQuery<AccessRequest> =>
      strip({
        workspace: this.ws,
        type: args.type,
        status: args.status,
        requestType: args.requestType,
        beneficiaryLogin: args.beneficiaryLogin,
      }) as FilterQuery<AccessRequest>;
    return paginate(this.scope.em, AccessRequest, where, page, 'id', 'desc');
  }

  async cart(id: string): Promise<Cart | null> {
    authorize(this.scope.viewer, 'requests:read');
    return isId(id) ? this.loaders.cart.load(id) : null;
  }
}
