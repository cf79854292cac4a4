import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { reconSchedule } from '../governance/form-values.js';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { RequestScope } from '../common/request-scope.js';
import type { JobContext } from '../jobs/job-runner.js';
import { after, periodOf, REPEAT_FORMS } from '../common/repeat.js';
import { ReconciliationMark } from './reconciliation-mark.entity.js';
import type { ReconciliationLoaders } from './reconciliation.loaders.js';
import { authorize } from '../auth/viewer.js';
import { Workspace } from '../auth/workspace.entity.js';
import { audit } from '../audit/audit.service.js';
import { badInput, conflict, DomainError, notFound } from '../errors.js';
import { isId } from '../common/ids.js';
import { paginate } from '../common/keyset.js';
import { pageRequest } from '../common/pagination.js';
import { TargetSystem } from '../governance/target-system.entity.js';
import { User } from '../governance/user.entity.js';
import { AccountMapping } from './account-mapping.js';
import { effectiveMapping, parseAttributeMapping, type AttributeMapping } from './attribute-mapping.js';
import { BatchRunner } from './batch-runner.js';
import { ReconciliationBatch } from './reconciliation-batch.entity.js';
import { ReconciliationEvent } from './reconciliation-event.entity.js';
import {
  ConnectorType,
  ReconciliationBatchStatus,
  ReconciliationEntityType,
  ReconciliationEventStatus,
  ReconciliationOperation,
  ReconciliationResourceType,
} from './reconciliation.enums.js';
import { ScimClient } from './scim-client.js';
import { connectorTokenContext } from './connector-secrets.js';
import { SecretError, secretBox, type SecretKeys } from '../common/secrets.js';

/** The condition value that lets reconciliation write mismatches into the gateway. */
export const UPDATE_ON_MISMATCH = 'updateOnMismatch';
/** Resources per SCIM page and per page of gateway rows. */
export const RECONCILIATION_PAGE_SIZE = 500;

interface Page {
  first?: number | null;
  after?: string | null;
}

export interface ConnectorInput {
  type: ConnectorType;
  baseUrl?: string | null;
  token?: string | null;
  trustedReconciliation?: boolean | null;
  isCredentialManager?: boolean | null;
  schedule?: Record<string, unknown> | null;
  safetyThresholdPercent?: number | null;
  attributeMapping?: Record<string, unknown> | null;
}

export interface ReconcileArgs {
  id: string;
  operation: ReconciliationOperation;
  entityType: ReconciliationEntityType;
  condition?: string | null;
  dryRun?: boolean | null;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Connector configuration and reconciliation runs of target systems, and their history. */
export class ReconciliationService {
  constructor(
    private readonly scope: RequestScope,
    private readonly loaders: ReconciliationLoaders,
  ) {}

  private get em(): EntityManager {
    return this.scope.em;
  }
  private get ws(): string {
    return this.scope.viewer.workspaceId;
  }

  /**
   * Sets how the gateway reaches an application. Checks: SCIM needs an https base URL (http
   * only to this machine) and a bearer token; the stored token is kept when none is given only
   * while the type and the base URL stay the same (a token is never sent to a URL it was not
   * given for); DISCONNECTED takes neither and forgets both. Writes the connector columns (the
   * token sealed, see src/common/secrets.ts) and integrationLevel (Connected / Disconnected),
   * and an audit record that tells whether a token is set, never the token itself.
   */
  async configureConnector(targetSystemId: string, input: ConnectorInput): Promise<TargetSystem> {
    authorize(this.scope.viewer, 'connectors:configure');
    const baseUrl = input.type === ConnectorType.SCIM ? validBaseUrl(input.baseUrl) : null;
    if (input.type === ConnectorType.DISCONNECTED) {
      if (input.baseUrl) throw badInput('input.baseUrl', 'A DISCONNECTED application has no connector URL');
      if (input.token) throw badInput('input.token', 'A DISCONNECTED application has no connector token');
    }
    const schedule = reconSchedule(input.schedule, 'input.schedule');
    const token = input.token ?? null;
    if (token !== null && (token.length === 0 || token.length > 4096 || /\s/.test(token))) {
      throw badInput('input.token', 'The token must be 1 to 4096 characters without spaces or line breaks');
    }
    const threshold = input.safetyThresholdPercent;
    if (threshold != null && (!Number.isInteger(threshold) || threshold < 0 || threshold > 100)) {
      throw badInput('input.safetyThresholdPercent', 'The safety threshold is a whole percentage from 0 to 100');
    }
    const attributeMapping = input.attributeMapping == null ? undefined : parseAttributeMapping(input.attributeMapping);
    const period = schedule == null ? undefined : periodOf(String(schedule.repeat));
    if (schedule != null && period === undefined) throw badInput('input.schedule.repeat', `repeat must be one of: ${REPEAT_FORMS}`);
    return this.scope.transaction(async (em) => {
      const system = await em.findOne(TargetSystem, { id: targetSystemId, workspace: this.ws });
      if (!system) throw notFound('TargetSystem', targetSystemId, 'targetSystemId');
      if (threshold != null) system.reconSafetyThresholdPercent = threshold;
      if (attributeMapping) system.connectorAttributeMapping = Object.keys(attributeMapping).length ? attributeMapping : null;
      if (schedule != null) {
        system.schedule = { ...schedule, repeat: String(schedule.repeat).trim() };
        if (period) {
          await this.scope.queue.enqueue(
            {
              type: RECONCILIATION_SCHEDULE,
              workspaceId: this.ws,
              payload: { targetSystemId: system.id },
              runAt: after(this.scope.clock.now(), period),
              singletonKey: `${RECONCILIATION_SCHEDULE}:${system.id}`,
            },
            em,
          );
        }
      }
      const stored = system.connectorToken ?? null;
      const sameTarget = system.connectorType === input.type && system.connectorBaseUrl === baseUrl;
      const kept = input.type === ConnectorType.SCIM && sameTarget ? stored : null;
      if (input.type === ConnectorType.SCIM && !token && !kept) {
        throw badInput(
          'input.token',
          stored
            ? 'The connector changes its base URL or type: give the token for the new target (the stored token is never sent to another URL)'
            : 'A SCIM connector needs a bearer token',
        );
      }
      const before = connectorState(system);
      system.connectorType = input.type;
      system.connectorBaseUrl = baseUrl;
      system.connectorToken = token ? secretBox(this.scope.config.secrets).seal(token, connectorTokenContext(system.id)) : kept;
      system.integrationLevel = input.type === ConnectorType.SCIM ? 'Connected' : 'Disconnected';
      if (input.trustedReconciliation != null) system.trustedReconciliation = input.trustedReconciliation;
      if (input.isCredentialManager != null) system.isCredentialManager = input.isCredentialManager;
      system.updatedOn = new Date();
      audit(
        em,
        this.scope.viewer,
        {
          action: 'targetSystem.connector.configure',
          entityType: 'TargetSystem',
          entityId: system.id,
          before,
          after: { ...connectorState(system), tokenReplaced: token !== null },
        },
        this.scope.requestId,
      );
      return system;
    });
  }

  /**
   * Reconciliation By ID. Checks: the application exists in the workspace, has a SCIM
   * connector whose token this gateway can open, is not retired, its recon keys can be matched,
   * and no other run of it is under way; provision pushes accounts only. Writes the batch
   * (Initiated), its start audit and the `reconciliation.run` job in one transaction and
   * answers at once: the job runs the batch (Running → Completed / Failed, see BatchRunner).
   */
  async reconcileTargetSystem(args: ReconcileArgs): Promise<ReconciliationBatch> {
    authorize(this.scope.viewer, 'reconciliation:run');
    if (args.operation === ReconciliationOperation.PROVISION && args.entityType !== ReconciliationEntityType.ACCOUNT) {
      throw badInput('entityType', 'provision pushes accounts: use entityType ACCOUNT');
    }
    if (args.condition != null && args.condition.length > 200) throw badInput('condition', 'condition may be at most 200 characters');
    const dryRun = args.dryRun ?? false;

    const batch = await this.scope.transaction(async (em) => {
      const system = isId(args.id) ? await em.findOne(TargetSystem, { id: args.id, workspace: this.ws }) : null;
      if (!system) throw notFound('TargetSystem', args.id, 'id');
      const batch = await startBatch(em, this.scope, system, { operation: args.operation, entityType: args.entityType, condition: args.condition ?? null, dryRun });
      return batch;
    });
    this.loaders.clearAll();
    return (await this.loaders.batch.load(batch.id))!;
  }

  /** One batch of the workspace; another workspace's batch is null. */
  async batch(id: string): Promise<ReconciliationBatch | null> {
    authorize(this.scope.viewer, 'reconciliation:read');
    return isId(id) ? this.loaders.batch.load(id) : null;
  }

  /** Batches, newest first, optionally of one application. */
  async batches(args: { targetSystemId?: string | null } & Page) {
    authorize(this.scope.viewer, 'reconciliation:read');
    const where = (): FilterQuery<ReconciliationBatch> => {
      const w: FilterQuery<ReconciliationBatch> = { workspace: this.ws };
      if (args.targetSystemId) Object.assign(w, { targetSystem: args.targetSystemId });
      return w;
    };
    return paginate(this.em, ReconciliationBatch, where, pageRequest(args, this.scope.config), 'id', 'desc');
  }

  /**
   * Fetch past Recon Events: the events of one batch in row order, narrowed by resourceType
   * and status. Events of another workspace's batch are absent.
   */
  async events(args: { batchId: string; resourceType?: ReconciliationResourceType | null; status?: ReconciliationEventStatus | null } & Page) {
    authorize(this.scope.viewer, 'reconciliation:read');
    if (!isId(args.batchId)) throw badInput('batchId', 'batchId must be a 24-hex id');
    const page = pageRequest(args, this.scope.config);
    const where = (): FilterQuery<ReconciliationEvent> => {
      const w: FilterQuery<ReconciliationEvent> = { workspace: this.ws, batch: args.batchId };
      if (args.resourceType) Object.assign(w, { resourceType: args.resourceType });
      if (args.status) Object.assign(w, { status: args.status });
      return w;
    };
    return paginate(this.em, ReconciliationEvent, where, page, 'rowNumber');
  }
}

/** The connector's token in clear, for its own base URL only; a token this gateway cannot open is a CONFLICT. */
function openToken(system: TargetSystem, keys: SecretKeys): string {
  try {
    return secretBox(keys).open(system.connectorToken!, connectorTokenContext(system.id));
  } catch (error) {
    if (!(error instanceof SecretError)) throw error;
    throw conflict(`The connector token of ${system.displayName} cannot be used: ${error.message}. Configure the connector again with its token`, 'id');
  }
}

function connectorState(system: TargetSystem) {
  return {
    connectorType: system.connectorType,
    connectorBaseUrl: system.connectorBaseUrl ?? null,
    integrationLevel: system.integrationLevel,
    tokenSet: !!system.connectorToken,
    trustedReconciliation: system.trustedReconciliation,
    isCredentialManager: system.isCredentialManager,
    safetyThresholdPercent: system.reconSafetyThresholdPercent,
    schedule: system.schedule ?? null,
    attributeMapping: system.connectorAttributeMapping ?? null,
  };
}

/** An absolute http(s) URL without credentials, query or fragment; plain http only to this machine. */
function validBaseUrl(value: string | null | undefined): string {
  if (!value) throw badInput('input.baseUrl', 'A SCIM connector needs the base URL of the SCIM service');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput('input.baseUrl', `Not an absolute URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput('input.baseUrl', 'The SCIM base URL must use https');
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw badInput('input.baseUrl', 'The SCIM base URL must use https (plain http is accepted only for localhost): the bearer token travels with every call');
  }
  if (url.username || url.password) throw badInput('input.baseUrl', 'Put credentials in `token`, not in the URL');
  if (url.search || url.hash) throw badInput('input.baseUrl', 'The SCIM base URL takes no query or fragment');
  if (value.length > 2048) throw badInput('input.baseUrl', 'The SCIM base URL may be at most 2048 characters');
  return url.toString().replace(/\/+$/, '');
}

/** User attributes a recon key may name: the string columns of User. */
function userAttributes(em: EntityManager): Set<string> {
  const meta = em.getMetadata().get(User.name);
  return new Set(
    Object.values(meta.properties)
      .filter((p) => p.kind === 'scalar' && p.runtimeType === 'string')
      .map((p) => p.name),
  );
}

export const RECONCILIATION_RUN = 'reconciliation.run';
export const RECONCILIATION_SCHEDULE = 'reconciliation.schedule';

/** The repeat an application's recon `schedule` names (seed shape `{"repeat": "Do not repeat"}`); null: none. */
export function scheduleOf(system: Pick<TargetSystem, 'schedule'>) {
  const repeat = (system.schedule as { repeat?: unknown } | null | undefined)?.repeat;
  return typeof repeat === 'string' ? (periodOf(repeat) ?? null) : null;
}

/**
 * The `reconciliation.schedule` job: starts a run of the application's accounts (condition
 * updateOnMismatch; the safety threshold still guards it) and comes back after the period. A
 * run still under way skips this turn; a schedule set to "Do not repeat" ends the job.
 */
export async function scheduledReconciliation({ payload, em, scope, clock, job, log, reschedule }: JobContext<{ targetSystemId: string }>): Promise<void> {
  const system = await em.findOne(TargetSystem, { id: payload.targetSystemId });
  const period = system ? scheduleOf(system) : null;
  if (!system || !period) return;
  try {
    await em.transactional((tx) =>
      startBatch(tx, scope, system, { operation: ReconciliationOperation.RECONCILE, entityType: ReconciliationEntityType.ACCOUNT, condition: UPDATE_ON_MISMATCH, dryRun: false }),
    );
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    log.warn('scheduled reconciliation skipped', { targetSystem: system.id, reason: error.message });
  }
  let next = after(job.runAt, period);
  if (next <= clock.now()) next = after(clock.now(), period);
  reschedule(next);
}

/**
 * Checks that `system` can be reconciled now (SCIM connector, token usable, not retired, recon
 * keys resolvable, no run under way) and writes an Initiated batch, its start audit and the job
 * that runs it, in the caller's transaction. Used by the mutation and by a recon schedule.
 */
export async function startBatch(
  em: EntityManager,
  scope: Pick<RequestScope, 'viewer' | 'requestId' | 'config' | 'clock' | 'queue'>,
  system: TargetSystem,
  run: { operation: ReconciliationOperation; entityType: ReconciliationEntityType; condition: string | null; dryRun: boolean },
): Promise<ReconciliationBatch> {
  const ws = scope.viewer.workspaceId;
  if (system.connectorType !== ConnectorType.SCIM || system.integrationLevel === 'Disconnected' || !system.connectorBaseUrl || !system.connectorToken) {
    throw conflict(`${system.displayName} is Disconnected: it has no connector to reconcile through (configure a SCIM connector with configureConnector)`, 'id');
  }
  if (system.retired) throw conflict(`${system.displayName} is retired; it cannot be reconciled`, 'id');
  if (run.entityType === ReconciliationEntityType.ACCOUNT) AccountMapping.fromForm(system.form, system.displayName, userAttributes(em));
  openToken(system, scope.config.secrets);
  const running = await em.count(ReconciliationBatch, {
    workspace: ws,
    targetSystem: system.id,
    status: { $in: [ReconciliationBatchStatus.INITIATED, ReconciliationBatchStatus.RUNNING] },
  });
  if (running > 0) throw conflict(`A reconciliation of ${system.displayName} is already under way`, 'id');

  const workspace = await em.findOneOrFail(Workspace, ws);
  const batch = em.create(ReconciliationBatch, {
    workspace,
    targetSystem: system,
    targetSystemName: system.name,
    tenantName: workspace.name,
    operation: run.operation,
    entityType: run.entityType,
    resourceType: run.entityType === ReconciliationEntityType.ACCOUNT ? 'account' : 'entitlement',
    condition: run.condition,
    dryRun: run.dryRun,
    startDate: scope.clock.now(),
  });
  audit(
    em,
    scope.viewer,
    {
      action: 'reconciliation.start',
      entityType: 'ReconciliationBatch',
      entityId: batch.id,
      after: { status: batch.status, targetSystemId: system.id, operation: run.operation, entityType: run.entityType, condition: batch.condition, dryRun: run.dryRun },
    },
    scope.requestId,
  );
  await scope.queue.enqueue({ type: RECONCILIATION_RUN, workspaceId: ws, payload: { batchId: batch.id }, singletonKey: `${RECONCILIATION_RUN}:${batch.id}` }, em);
  return batch;
}

/**
 * The `reconciliation.run` job: runs an Initiated batch to its end. A batch found Running was
 * being run by a process that died (or stopped without reaching a checkpoint): it is failed with
 * that reason, so the application is never left blocked, and a new run can start.
 */
export async function runBatchJob({ payload, em, scope, clock, signal }: JobContext<{ batchId: string }>): Promise<void> {
  const batch = await em.findOne(ReconciliationBatch, { id: payload.batchId }, { populate: ['targetSystem'] });
  if (!batch || batch.status === ReconciliationBatchStatus.COMPLETED || batch.status === ReconciliationBatchStatus.FAILED) return;
  if (batch.status === ReconciliationBatchStatus.RUNNING) {
    await failBatch(em, scope, batch.id, 'The run was interrupted (the gateway process running it stopped); pages committed before are kept. Run it again');
    return;
  }
  const system = batch.targetSystem;
  let mapping: AccountMapping | null = null;
  let attributeMapping: AttributeMapping;
  let client: ScimClient;
  try {
    mapping = batch.entityType === ReconciliationEntityType.ACCOUNT ? AccountMapping.fromForm(system.form, system.displayName, userAttributes(em)) : null;
    // Stored overrides are checked again: a row written around configureConnector fails the batch, not the job.
    attributeMapping = effectiveMapping(system.connectorAttributeMapping == null ? null : parseAttributeMapping(system.connectorAttributeMapping, 'connectorAttributeMapping'));
    if (!system.connectorBaseUrl || !system.connectorToken) throw conflict(`${system.displayName} has no connector any more`, 'id');
    client = new ScimClient({ baseUrl: system.connectorBaseUrl, token: openToken(system, scope.config.secrets) });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await failBatch(em, scope, batch.id, error.message);
    return;
  }
  await new BatchRunner(em as SqlEntityManager, {
    batchId: batch.id,
    workspaceId: scope.viewer.workspaceId,
    targetSystem: system,
    operation: batch.operation,
    entityType: batch.entityType,
    dryRun: batch.dryRun,
    updateOnMismatch: batch.condition === UPDATE_ON_MISMATCH,
    mapping,
    attributeMapping,
    client,
    pageSize: RECONCILIATION_PAGE_SIZE,
    viewer: scope.viewer,
    requestId: scope.requestId,
    signal,
    safetyThresholdPercent: system.reconSafetyThresholdPercent,
    now: () => clock.now(),
  }).run();
}

/** Ends a batch that cannot run (or was interrupted) as Failed with `error`, audited. */
export async function failBatch(em: EntityManager, scope: Pick<RequestScope, 'viewer' | 'requestId' | 'clock'>, batchId: string, error: string): Promise<void> {
  await em.fork().transactional(async (tx) => {
    await tx.nativeDelete(ReconciliationMark, { batch: batchId });
    await tx.nativeUpdate(ReconciliationBatch, { id: batchId }, { status: ReconciliationBatchStatus.FAILED, endDate: scope.clock.now(), error });
    audit(
      tx,
      scope.viewer,
      { action: 'reconciliation.fail', entityType: 'ReconciliationBatch', entityId: batchId, after: { status: ReconciliationBatchStatus.FAILED, error } },
      scope.requestId,
    );
  });
}
