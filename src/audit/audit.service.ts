import type { EntityManager } from '@mikro-orm/core';
import { AuditEvent } from './audit-event.entity.js';
import { Workspace } from '../auth/workspace.entity.js';
import type { Viewer } from '../auth/viewer.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  /** The person acting (an approver, a requester), as decided by src/auth/actor.ts; none: the credential itself. */
  actorLogin?: string;
}

/** How the audit log names the actor: a personal credential's person, or a service key acting for one. */
function actorOf(viewer: Viewer, login: string | undefined): { actor: string; actorPerson: string | null; actingAs: boolean } {
  if (!login) return { actor: viewer.apiKeyName, actorPerson: null, actingAs: false };
  if (viewer.person?.login === login) return { actor: `${login} (via ${viewer.apiKeyName})`, actorPerson: login, actingAs: false };
  return { actor: `key ${viewer.apiKeyName} acting as ${login}`, actorPerson: login, actingAs: true };
}

/** Queues an audit event in the caller's unit of work, so it commits with the change it records. */
export function audit(em: EntityManager, viewer: Viewer, entry: AuditEntry, requestId?: string): AuditEvent {
  return em.create(AuditEvent, {
    workspace: em.getReference(Workspace, viewer.workspaceId),
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    ...actorOf(viewer, entry.actorLogin),
    actorKeyId: viewer.apiKeyId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    at: new Date(),
    requestId: requestId ?? null,
  });
}
