import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/core';
import { isId } from '../common/ids.js';
import { knexOf } from './rows.js';
import { graphRegistry } from './registry.js';
import { entityOf, tableOf, type EdgeLoaders } from './edge-loaders.js';
import type { Action } from '../auth/authorities.js';

/** The GraphQL types that implement Node (known once the schema is built). */
let implementers: ReadonlySet<string> = new Set();

export function setNodeImplementers(names: Iterable<string>): void {
  implementers = new Set(names);
}

export interface NodeContext {
  may(action: Action): boolean;
  readonly em: EntityManager;
  readonly graph: EdgeLoaders;
  readonly viewer: { workspaceId: string };
}

/**
 * Which node type each id is, for ids of the caller's workspace among the types the caller may
 * read: one statement for any number of ids (a UNION over the node tables), then one statement
 * per type found (the registry's by-id loaders). Ids are unique across tables (see common/ids.ts).
 */
export function nodeTypeLoader(ctx: NodeContext): DataLoader<string, string | null> {
  return new DataLoader<string, string | null>(async (ids) => {
    const types = graphRegistry.nodeTypes().filter((t) => t.entity && implementers.has(t.name) && ctx.may(t.read));
    if (types.length === 0) return ids.map(() => null);
    const marks = ids.map(() => '?').join(', ');
    const parts = types.map((t) => `select '${t.name}' as t, id from ${tableOf(ctx.em, t.entity!)} where workspace_id = ? and id in (${marks})`);
    const result: unknown = await knexOf(ctx.em).raw(
      parts.join(' union all '),
      types.flatMap(() => [ctx.viewer.workspaceId, ...ids]),
    );
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ t: string; id: string }>;
    const found = new Map(rows.map((r) => [r.id, r.t]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Any object the caller may read by its id; null for other workspaces, unknown ids and types the caller may not read. */
export async function findNode(ctx: NodeContext & { readonly nodeTypes: DataLoader<string, string | null> }, id: string): Promise<object | null> {
  if (!isId(id)) return null;
  const type = await ctx.nodeTypes.load(id);
  return type ? ctx.graph.byKey(entityOf(type)).load(id) : null;
}
