import { DomainError } from '../errors.js';

/**
 * SCIM 2.0 filters and attribute paths (RFC 7644 §3.4.2.2, §3.5.2). The grammar is small, so it
 * is parsed here rather than through a dependency: tokens, then recursive descent with the RFC's
 * precedence (not > and > or). Lenient where identity providers and Microsoft's conformance
 * collection are: attribute names and operators in any case, and unquoted words accepted as
 * string values (`name.familyName eq Employee`).
 */

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type ScalarValue = string | number | boolean | null;

/** `urn:…:User:name.givenName` → { schema: 'urn:…:User', attr: 'name', sub: 'givenName' }. */
export interface AttrPath {
  schema?: string;
  attr: string;
  sub?: string;
}

export type Filter =
  | { op: 'and' | 'or'; left: Filter; right: Filter }
  | { op: 'not'; filter: Filter }
  | { op: 'pr'; path: AttrPath }
  | { op: CompareOp; path: AttrPath; value: ScalarValue }
  /** `emails[type eq "work"]`: some value of a multi-valued attribute matches `filter`. */
  | { op: 'has'; path: AttrPath; filter: Filter };

/** A PATCH target: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`. */
export interface PatchPath {
  path: AttrPath;
  filter?: Filter;
  sub?: string;
}

const COMPARE = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

export const invalidFilter = (message: string, field = 'filter') => new DomainError('BAD_USER_INPUT', message, field, { scimType: 'invalidFilter' });
export const invalidPath = (message: string, field = 'path') => new DomainError('BAD_USER_INPUT', message, field, { scimType: 'invalidPath' });

type Token = { kind: 'word' | 'string' | '(' | ')' | '[' | ']'; text: string; value?: string; at: number };

function tokenize(input: string, fail: (m: string) => DomainError): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if ('()[]'.includes(c)) {
      tokens.push({ kind: c as Token['kind'], text: c, at: i });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) throw fail(`Unterminated string starting at position ${i + 1}`);
      const text = input.slice(i, j + 1);
      let value: string;
      try {
        value = JSON.parse(text);
      } catch {
        throw fail(`Invalid string ${text} at position ${i + 1}`);
      }
      tokens.push({ kind: 'string', text, value, at: i });
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !/[\s()[\]"]/.test(input[j])) j++;
      tokens.push({ kind: 'word', text: input.slice(i, j), at: i });
      i = j;
    }
  }
  return tokens;
}

/** Splits an attribute path; a URN prefix is everything up to the last colon. */
export function parseAttrPath(text: string, fail: (m: string) => DomainError = invalidFilter): AttrPath {
  let schema: string | undefined;
  let rest = text;
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    schema = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((p) => !/^[A-Za-z$][\w$-]*$/.test(p))) throw fail(`Invalid attribute path "${text}"`);
  return { ...(schema ? { schema } : {}), attr: parts[0], ...(parts[1] ? { sub: parts[1] } : {}) };
}

/**
 * How large a filter may be. It becomes one SQL condition: SQLite refuses expressions nested
 * more than 1,000 deep (a long `or` chain is such a nesting), and the parser recurses per level.
 */
export const FILTER_LIMITS = { depth: 32, comparisons: 200 };

class Parser {
  private pos = 0;
  private depth = 0;
  private comparisons = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly fail: (m: string) => DomainError,
  ) {}

  get done() {
    return this.pos >= this.tokens.length;
  }
  peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw this.fail('Unexpected end of filter');
    return t;
  }
  expect(kind: Token['kind']) {
    const t = this.next();
    if (t.kind !== kind) throw this.fail(`Expected "${kind}" at position ${t.at + 1}, found "${t.text}"`);
  }
  private keyword(word: string): boolean {
    const t = this.peek();
    if (t?.kind === 'word' && t.text.toLowerCase() === word) {
      this.pos++;
      return true;
    }
    return false;
  }

  or(): Filter {
    let left = this.and();
    while (this.keyword('or')) left = { op: 'or', left, right: this.and() };
    return left;
  }

  and(): Filter {
    let left = this.unary();
    while (this.keyword('and')) left = { op: 'and', left, right: this.unary() };
    return left;
  }

  unary(): Filter {
    if (++this.depth > FILTER_LIMITS.depth) throw this.fail(`the filter nests more than ${FILTER_LIMITS.depth} levels deep`);
    try {
      return this.unaryInner();
    } finally {
      this.depth--;
    }
  }

  private unaryInner(): Filter {
    const t = this.peek();
    if (t?.kind === 'word' && t.text.toLowerCase() === 'not' && this.tokens[this.pos + 1]?.kind === '(') {
      this.pos++;
      return { op: 'not', filter: this.unary() };
    }
    if (t?.kind === '(') {
      this.pos++;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    return this.attribute();
  }

  attribute(): Filter {
    const t = this.next();
    if (t.kind !== 'word') throw this.fail(`Expected an attribute name at position ${t.at + 1}, found "${t.text}"`);
    const path = parseAttrPath(t.text, this.fail);
    if (this.peek()?.kind === '[') {
      if (path.sub) throw this.fail(`A value filter cannot follow the sub-attribute in "${t.text}"`);
      this.pos++;
      let inner = this.or();
      this.expect(']');
      // `emails[type eq "work"].value eq "x"` (a PATCH-style path inside a filter): the
      // comparison applies to the same value the bracket selects.
      const after = this.peek();
      if (after?.kind === 'word' && after.text.startsWith('.')) {
        this.pos++;
        const sub = after.text.slice(1);
        if (!/^[A-Za-z$][\w$-]*$/.test(sub)) throw this.fail(`Invalid sub-attribute "${after.text}"`);
        inner = { op: 'and', left: inner, right: this.comparison({ attr: sub }) };
      }
      return { op: 'has', path, filter: inner };
    }
    return this.comparison(path);
  }

  comparison(path: AttrPath): Filter {
    if (++this.comparisons > FILTER_LIMITS.comparisons) throw this.fail(`a filter may have at most ${FILTER_LIMITS.comparisons} comparisons`);
    const opToken = this.next();
    const op = opToken.text.toLowerCase();
    if (opToken.kind === 'word' && op === 'pr') return { op: 'pr', path };
    if (opToken.kind !== 'word' || !COMPARE.has(op as CompareOp)) {
      throw this.fail(`Unknown operator "${opToken.text}" at position ${opToken.at + 1} (supported: eq ne co sw ew gt ge lt le pr)`);
    }
    const v = this.next();
    if (v.kind === 'string') return { op: op as CompareOp, path, value: v.value! };
    if (v.kind !== 'word') throw this.fail(`Expected a value at position ${v.at + 1}, found "${v.text}"`);
    return { op: op as CompareOp, path, value: bareValue(v.text) };
  }
}

function bareValue(text: string): ScalarValue {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  return text;
}

/** Parses a `filter` query parameter; a syntax error is BAD_USER_INPUT with scimType invalidFilter. */
export function parseFilter(text: string, field = 'filter'): Filter {
  const fail = (m: string) => invalidFilter(`Invalid filter: ${m}`, field);
  const tokens = tokenize(text, fail);
  if (tokens.length === 0) throw fail('the filter is empty');
  const parser = new Parser(tokens, fail);
  const filter = parser.or();
  if (!parser.done) {
    const t = parser.peek()!;
    throw fail(`unexpected "${t.text}" at position ${t.at + 1}`);
  }
  return filter;
}

/** Parses a PATCH operation's `path`; errors carry scimType invalidPath. */
export function parsePatchPath(text: string, field = 'path'): PatchPath {
  const fail = (m: string) => invalidPath(`Invalid path "${text}": ${m}`, field);
  const bracket = text.indexOf('[');
  if (bracket < 0) return { path: parseAttrPath(text.trim(), fail) };
  const close = text.lastIndexOf(']');
  if (close < bracket) throw fail('unbalanced brackets');
  const path = parseAttrPath(text.slice(0, bracket).trim(), fail);
  if (path.sub) throw fail('a value filter cannot follow a sub-attribute');
  const tokens = tokenize(text.slice(bracket + 1, close), fail);
  const parser = new Parser(tokens, fail);
  const filter = parser.or();
  if (!parser.done) throw fail(`unexpected "${parser.peek()!.text}" in the value filter`);
  const rest = text.slice(close + 1).trim();
  let sub: string | undefined;
  if (rest) {
    if (!/^\.[A-Za-z$][\w$-]*$/.test(rest)) throw fail(`unexpected "${rest}" after the value filter`);
    sub = rest.slice(1);
  }
  return { path, filter, ...(sub ? { sub } : {}) };
}

const lowerKeys = (o: Record<string, unknown>) => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));

/**
 * Evaluates a value filter against one value of a multi-valued attribute (`members[value eq
 * "x"]`, `emails[type eq "work"]`), in memory: PATCH targets are values of one resource.
 * Strings compare case-insensitively, as every sub-attribute this server filters on in memory
 * (type, value of emails, display) is caseExact=false, except the ids in `value`, where case
 * never differs.
 */
export function matchesValue(filter: Filter, item: unknown): boolean {
  switch (filter.op) {
    case 'and':
      return matchesValue(filter.left, item) && matchesValue(filter.right, item);
    case 'or':
      return matchesValue(filter.left, item) || matchesValue(filter.right, item);
    case 'not':
      return !matchesValue(filter.filter, item);
    case 'has':
      throw invalidFilter('Nested value filters are not supported');
    default: {
      const actual = valueAt(item, filter.path);
      if (filter.op === 'pr') return actual !== undefined && actual !== null && actual !== '' && !(Array.isArray(actual) && actual.length === 0);
      return compare(filter.op, actual, filter.value);
    }
  }
}

function valueAt(item: unknown, path: AttrPath): unknown {
  if (item === null || typeof item !== 'object') return path.attr.toLowerCase() === 'value' && !path.sub ? item : undefined;
  const first = lowerKeys(item as Record<string, unknown>).get(path.attr.toLowerCase());
  if (!path.sub) return first;
  return first && typeof first === 'object' ? lowerKeys(first as Record<string, unknown>).get(path.sub.toLowerCase()) : undefined;
}

function compare(op: CompareOp, actual: unknown, expected: ScalarValue): boolean {
  if (expected === null) return op === 'eq' ? actual == null : op === 'ne' ? actual != null : false;
  if (actual === undefined || actual === null) return op === 'ne';
  const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : typeof v === 'boolean' ? v : v);
  const a = norm(typeof expected === 'boolean' && typeof actual === 'string' ? actual.toLowerCase() === 'true' : actual);
  const b = norm(expected);
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'co':
      return String(a).includes(String(b));
    case 'sw':
      return String(a).startsWith(String(b));
    case 'ew':
      return String(a).endsWith(String(b));
    case 'gt':
      return (a as never) > (b as never);
    case 'ge':
      return (a as never) >= (b as never);
    case 'lt':
      return (a as never) < (b as never);
    case 'le':
      return (a as never) <= (b as never);
  }
}
