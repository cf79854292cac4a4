import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * A resolver's selection as a plain tree: field name → sub-selection. Only what the SQL
 * planner can honour exactly is kept: a field selected under two aliases, with arguments or
 * with directives is marked `opaque`, so the planner leaves it to the field's resolver.
 */
export interface Selection {
  fields: Map<string, Selection | null>;
  /** Names the planner must not prefetch (aliased twice, arguments, directives). */
  opaque: Set<string>;
}

type Info = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

function collect(info: Info, sets: SelectionSetNode[], typeName: string | null): Selection {
  const grouped = new Map<string, FieldNode[]>();
  const opaque = new Set<string>();
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const s of set.selections) {
      if (s.directives?.length) {
        if (s.kind === 'Field') opaque.add(s.name.value);
        else if (s.kind === 'InlineFragment' || s.kind === 'FragmentSpread') {
          // A conditional fragment: its fields may or may not be there.
          markAll(s.kind === 'InlineFragment' ? s.selectionSet : info.fragments[s.name.value]?.selectionSet);
        }
        continue;
      }
      if (s.kind === 'Field') {
        const list = grouped.get(s.name.value) ?? [];
        list.push(s);
        grouped.set(s.name.value, list);
      } else if (s.kind === 'InlineFragment') {
        visit(s.selectionSet, seen);
      } else if (!seen.has(s.name.value) && info.fragments[s.name.value]) {
        seen.add(s.name.value);
        visit(info.fragments[s.name.value].selectionSet, seen);
      }
    }
  };
  const markAll = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) if (s.kind === 'Field') opaque.add(s.name.value);
  };
  for (const set of sets) visit(set, new Set());
  const fields = new Map<string, Selection | null>();
  for (const [name, nodes] of grouped) {
    const keys = new Set(nodes.map((n) => n.alias?.value ?? n.name.value));
    if (keys.size > 1 || nodes.some((n) => n.arguments?.length)) opaque.add(name);
    const subSets = nodes.map((n) => n.selectionSet).filter((x): x is SelectionSetNode => !!x);
    fields.set(name, subSets.length ? collect(info, subSets, typeName) : null);
  }
  return { fields, opaque };
}

/** The selection under the current field, optionally descending a path (`['edges', 'node']`). */
export function selectionOf(info: Info, path: string[] = []): Selection | null {
  let current: Selection | null = collect(
    info,
    info.fieldNodes.map((n) => n.selectionSet).filter((x): x is SelectionSetNode => !!x),
    null,
  );
  for (const step of path) {
    if (!current || current.opaque.has(step)) return null;
    current = current.fields.get(step) ?? null;
  }
  return current;
}

/**
 * The node selection of a connection: `nodes { … }` or `edges { node { … } }`. When a query
 * uses both, the planner stays out (each path keeps its own resolvers).
 */
export function connectionNodeSelection(info: Info): Selection | null {
  const nodes = selectionOf(info, ['nodes']);
  const edges = selectionOf(info, ['edges', 'node']);
  if (nodes && edges) return null;
  return nodes ?? edges;
}
