import type { AccessRequest } from './access-request.entity.js';

/** The job that grants a time-bound request's access at its start date. */
export const ACCESS_START = 'access.start';
/** The job that revokes a time-bound grant at its end date. */
export const ACCESS_END = 'access.end';
/** The workflow named on the revoke requests the end of an access period opens. */
export const ACCESS_PERIOD_END_WORKFLOW = 'Access Period End';
/** A request status: approved, its access waits for its start date. */
export const WAITING_START = 'Waiting for Start Date';

/** The access period a grant's payload carries (ISO 8601 texts, from the cart item). */
export type AccessPeriod = {
  startDate: string | null;
  endDate: string | null;
};

export function periodOf(r: Pick<AccessRequest, 'payload'>): { start: Date | null; end: Date | null } {
  const p = r.payload as Partial<AccessPeriod>;
  return { start: p.startDate ? new Date(p.startDate) : null, end: p.endDate ? new Date(p.endDate) : null };
}

export function accessStartJob(r: Pick<AccessRequest, 'id' | 'workspace'>, at: Date) {
  return { type: ACCESS_START, workspaceId: r.workspace.id, payload: { requestId: r.id }, runAt: at, singletonKey: `${ACCESS_START}:${r.id}` };
}

export function accessEndJob(r: Pick<AccessRequest, 'id' | 'workspace'>, at: Date) {
  return { type: ACCESS_END, workspaceId: r.workspace.id, payload: { requestId: r.id }, runAt: at, singletonKey: `${ACCESS_END}:${r.id}` };
}
