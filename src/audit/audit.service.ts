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
  /** A user login acting through the key (an approver, a requester); defaults to the key. */
  actorLogin?: string;
}

/** Queues an audit event in the caller's unit of work, so it commits with the change it records. */
export function audit(em: EntityManager, viewer: Viewer, entry: AuditEntry, requestId?: string): AuditEvent {
  return em.create(AuditEvent, {
    workspace: em.getReference(Workspace, viewer.workspaceId),
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    actor: entry.actorLogin ? `${entry.actorLogin} (via ${viewer.apiKeyName})` : viewer.apiKeyName,
    before: entry.before ?? null,
    after: entry.after ?? null,
    at: new Date(),
    requestId: requestId ?? null,
  });
}
