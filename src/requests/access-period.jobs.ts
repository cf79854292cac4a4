import type { JobContext } from '../jobs/job-runner.js';
import { audit } from '../audit/audit.service.js';
import { User } from '../governance/user.entity.js';
import { Entitlement } from '../governance/entitlement.entity.js';
import { AccessRequest } from './access-request.entity.js';
import { RequestFlow, SYSTEM_PERPETRATOR } from './request-flow.js';
import { RequestService } from './request.service.js';
import { RequestLoaders } from './requests.loaders.js';
import { Provisioning } from './provisioning.service.js';
import { ACCESS_PERIOD_END_WORKFLOW, periodOf } from './access-period.js';
import { RequestEntityType, RequestType, Resolution } from './workflow.js';

/** When an open request for the same access delays the end of a period, it is tried again this much later. */
const BUSY_RETRY_MS = 60 * 60_000;

/**
 * The `access.start` job: at a time-bound grant's start date the approved request is fulfilled
 * (provisioned, or handed to fulfilment tasks); for a beneficiary no longer active it is
 * cancelled instead. Early (the date moved): due again at the start date.
 */
export async function startAccess({ payload, scope, clock, reschedule }: JobContext<{ requestId: string }>): Promise<void> {
  await scope.transaction(async (em) => {
    const request = await em.findOne(AccessRequest, { id: payload.requestId });
    if (!request || request.resolution !== Resolution.INITIATED) return;
    const { start } = periodOf(request);
    if (start && start > clock.now()) return reschedule(start);
    const flow = new RequestFlow(em, scope);
    const beneficiary = await em.findOne(User, { workspace: request.workspace, login: request.beneficiaryLogin! });
    if (beneficiary?.status !== 'Active') return flow.cancelled(request, SYSTEM_PERPETRATOR, 'The beneficiary is no longer active at the start date');
    await flow.started(request, SYSTEM_PERPETRATOR);
  });
}

/**
 * The `access.end` job: at a time-bound grant's end date, the access it granted and the person
 * still holds (by that grant: a requested role, an entitlement or account of its own) is revoked
 * by a revoke request with no approval (workflow `Access Period End`), through the same
 * provisioning as any revoke; audited as `access.expire` on the grant. A grant still open then
 * (waiting for fulfilment) is cancelled first.
 */
export async function endAccess({ payload, scope, clock, reschedule }: JobContext<{ requestId: string }>): Promise<void> {
  await scope.transaction(async (em) => {
    const grant = await em.findOne(AccessRequest, { id: payload.requestId });
    if (!grant || grant.type !== RequestType.CREATE || !grant.entityId) return;
    const { end } = periodOf(grant);
    if (!end) return;
    if (end > clock.now()) return reschedule(end);
    if (grant.resolution === Resolution.INITIATED)
      await new RequestFlow(em, scope).cancelled(grant, SYSTEM_PERPETRATOR, 'The access period ended before the request was fulfilled');
    else if (grant.resolution !== Resolution.APPROVED) return;

    const beneficiary = await em.findOne(User, { workspace: grant.workspace, login: grant.beneficiaryLogin! });
    if (!beneficiary) return;
    const provisioning = new Provisioning(em, scope.viewer, scope.requestId);
    const systemId = grant.entityType === RequestEntityType.ENTITLEMENT ? (await em.findOne(Entitlement, grant.entityId))?.targetSystem.id : undefined;
    const holding = await provisioning.holding(beneficiary, grant.entityType, grant.entityId, systemId);
    const held = grant.entityType === RequestEntityType.ROLE ? holding.assigned : grant.entityType === RequestEntityType.ENTITLEMENT ? holding.direct : holding.held;
    if (!held) return;
    const open = await em.count(AccessRequest, { workspace: grant.workspace, beneficiaryLogin: beneficiary.login, entityId: grant.entityId, resolution: Resolution.INITIATED });
    if (open > 0) return reschedule(new Date(clock.now().getTime() + BUSY_RETRY_MS));

    const revoke = await new RequestService(scope, new RequestLoaders(em, grant.workspace.id)).submitSystemRevoke(em, {
      beneficiary,
      entityType: grant.entityType,
      entityId: grant.entityId,
      title: grant.title,
      requesterLogin: SYSTEM_PERPETRATOR,
      justification: `The access period of request ${grant.requestId} ended at ${end.toISOString()}`,
      workflowName: ACCESS_PERIOD_END_WORKFLOW,
      payload: { grantRequest: grant.requestId, periodEnd: end.toISOString() },
    });
    audit(
      em,
      scope.viewer,
      {
        action: 'access.expire',
        entityType: 'Request',
        entityId: grant.id,
        after: { beneficiary: beneficiary.login, endDate: end.toISOString(), revokeRequest: revoke.requestId },
      },
      scope.requestId,
    );
  });
}
