import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { RequestScope } from '../common/request-scope.js';
import { DomainError } from '../errors.js';
import { parseFilter } from './scim-filter.js';
import { filterCondition, type ResourceSpec } from './scim-query.js';

/** What /Users and /Groups lists share: the SCIM page window, the filter, the version precondition. */

export interface ScimListArgs {
  filter?: string | null;
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex?: number | null;
  count?: number | null;
}

export interface ScimList<T> {
  totalResults: number;
  startIndex: number;
  items: T[];
}

/** A failed If-Match (or GraphQL `version`): the HTTP surface answers 412. */
export const versionMismatch = (field: string, current: string) =>
  new DomainError('CONFLICT', `The resource has changed (its version is now ${current}); read it again before writing`, field, { reason: 'VERSION_MISMATCH', version: current });

/** The largest startIndex taken as given; a larger one reads the same (empty) page. */
export const MAX_START_INDEX = 2 ** 31 - 1;

/**
 * Offsets and counts of a SCIM list: startIndex below 1 counts as 1, count below 0 as 0, and a
 * count above the maximum page size is lowered to it (RFC 7644 lets a server return fewer; the
 * maximum is advertised as filter.maxResults).
 */
export function scimWindow(args: ScimListArgs, maxResults: number): { offset: number; limit: number; startIndex: number } {
  // Past MAX_START_INDEX every list is empty anyway; the offset stays an integer SQL accepts.
  const startIndex = Math.min(MAX_START_INDEX, Math.max(1, Math.trunc(args.startIndex ?? 1) || 1));
  const limit = Math.min(maxResults, Math.max(0, Math.trunc(args.count ?? maxResults)));
  return { offset: startIndex - 1, limit, startIndex };
}

/** Reads a list page: the rows of `where` after `offset`, ordered by id, and their total. */
export async function scimPage<T extends { id: string }>(
  em: EntityManager,
  entity: new (...args: never[]) => T,
  where: () => FilterQuery<T>,
  window: { offset: number; limit: number; startIndex: number },
): Promise<ScimList<T>> {
  const totalResults = await em.count(entity, where());
  const items = window.limit === 0 ? [] : await em.find(entity, where(), { orderBy: { id: 'asc' } as never, offset: window.offset, limit: window.limit });
  return { totalResults, startIndex: window.startIndex, items };
}

/** The filter of a list as a condition entry, parsed once and compiled per statement. */
export function scimWhere(scope: Pick<RequestScope, 'em' | 'viewer'>, filter: string | null | undefined, spec: ResourceSpec): () => Record<string, unknown> {
  const parsed = filter?.trim() ? parseFilter(filter) : null;
  const platform = scope.em.getPlatform();
  return () => ({ workspace: scope.viewer.workspaceId, ...(parsed ? filterCondition(parsed, spec, platform) : {}) });
}
