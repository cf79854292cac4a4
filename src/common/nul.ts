import { visit, type DocumentNode, type ValueNode } from 'graphql';

/**
 * NUL characters (U+0000) are refused at the doors: PostgreSQL cannot store them in text at
 * all, and SQLite's statement text ends at one. One check for every way text comes in.
 */
export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

const hasNul = (s: string) => s.includes('\u0000');

/** The dotted path (`input.items.0.name`) of the first string or object key in `value` holding a NUL, if any. */
export function nulPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return hasNul(value) ? path : undefined;
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, inner] of entries) {
    const here = path ? `${path}.${key}` : key;
    if (hasNul(key)) return here;
    const found = nulPath(inner, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The argument (and the path inside its literal) of the first string literal in `document` holding a NUL. */
export function nulPathInDocument(document: DocumentNode): string | undefined {
  let found: string | undefined;
  const inLiteral = (node: ValueNode, path: string): string | undefined => {
    if (node.kind === 'StringValue') return hasNul(node.value) ? path : undefined;
    if (node.kind === 'ListValue') {
      for (const [i, v] of node.values.entries()) {
        const at = inLiteral(v, `${path}.${i}`);
        if (at !== undefined) return at;
      }
    }
    if (node.kind === 'ObjectValue') {
      for (const f of node.fields) {
        const at = inLiteral(f.value, `${path}.${f.name.value}`);
        if (at !== undefined) return at;
      }
    }
    return undefined;
  };
  visit(document, {
    Argument(node) {
      found ??= inLiteral(node.value, node.name.value);
    },
    VariableDefinition(node) {
      if (node.defaultValue) found ??= inLiteral(node.defaultValue, node.variable.name.value);
    },
  });
  return found;
}
