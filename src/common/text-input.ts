import { visit, type DocumentNode, type ValueNode } from 'graphql';

/**
 * Text that no database stores is refused at the doors: the NUL character (U+0000), which
 * PostgreSQL cannot store in text and at which SQLite's statement text ends, and unpaired
 * surrogates (not Unicode; PostgreSQL's json refuses them). One check for every way text comes in.
 */
export const UNSTORABLE_TEXT = 'must not contain the NUL character (U+0000) or unpaired surrogates (text must be well-formed Unicode)';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (s: string) => s.includes('\u0000') || LONE_SURROGATE.test(s);

/** The dotted path (`input.items.0.name`) of the first string or object key in `value` holding a NUL or an unpaired surrogate, if any. */
export function unstorablePath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return unstorable(value) ? path : undefined;
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, inner] of entries) {
    const here = path ? `${path}.${key}` : key;
    if (unstorable(key)) return here;
    const found = unstorablePath(inner, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The argument (and the path inside its literal) of the first string literal in `document` holding a NUL or an unpaired surrogate. */
export function unstorablePathInDocument(document: DocumentNode): string | undefined {
  let found: string | undefined;
  const inLiteral = (node: ValueNode, path: string): string | undefined => {
    if (node.kind === 'StringValue') return unstorable(node.value) ? path : undefined;
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
