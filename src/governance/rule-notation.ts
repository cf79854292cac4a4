/**
 * The seed's compact notation for user queries and rules (IDHub writes `$and:[status:Active]`
 * and `$and:[department:CO]` beside the JSON form): the JSON filter with its quotes dropped and
 * its braces optional. This module only turns that text into the same plain value JSON.parse
 * would give; `compileRule` validates the result exactly as it validates JSON.
 *
 * Grammar (whitespace between tokens is ignored):
 *   members := member ("," member)*            an object's keys
 *   member  := key ":" value
 *   value   := "{" members "}" | "[" items "]" | member (an object of one key) | scalar
 *   items   := item ("," item)*                 each item a value; `[a:1,b:2]` is two objects
 *   scalar  := a run of characters other than : , [ ] { } " | a "quoted" JSON string
 * A list holds objects of one key each, as the seed's `$and`/`$or` do: `{$and:[a:1,b:2]}` is
 * `{"$and":[{"a":"1"},{"b":"2"}]}`. Every scalar is text, as rules compare values as text.
 */

export class NotationError extends Error {}

/** The deepest nesting the parser follows; the rule validator's own limit is far below it. */
const MAX_DEPTH = 64;

/** Parses the notation; throws NotationError (with the position) on anything else. */
export function parseRuleNotation(text: string): unknown {
  const parser = new Parser(text);
  parser.space();
  const value = parser.peek() === '{' ? parser.braced(0) : parser.members(0, '');
  parser.space();
  if (!parser.done()) parser.fail('unexpected text');
  return value;
}

const STOP = new Set([':', ',', '[', ']', '{', '}', '"']);

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }
  peek(): string {
    return this.text[this.at] ?? '';
  }
  space(): void {
    while (!this.done() && /\s/.test(this.peek())) this.at++;
  }
  fail(what: string): never {
    throw new NotationError(`${what} at character ${this.at + 1}`);
  }
  private expect(ch: string): void {
    this.space();
    if (this.peek() !== ch) this.fail(`expected "${ch}"`);
    this.at++;
  }

  braced(depth: number): Record<string, unknown> {
    this.expect('{');
    const out = this.members(depth + 1, '}');
    this.expect('}');
    return out;
  }

  /** key:value pairs up to `end` (or the end of the text). */
  members(depth: number, end: string): Record<string, unknown> {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    const out: Record<string, unknown> = {};
    for (;;) {
      const [key, value] = this.member(depth);
      if (Object.hasOwn(out, key)) this.fail(`duplicate key "${key}"`);
      out[key] = value;
      this.space();
      if (this.peek() !== ',') break;
      this.at++;
      this.space();
      if (this.done() || this.peek() === end) this.fail('expected a key after ","');
    }
    return out;
  }

  private member(depth: number): [string, unknown] {
    this.space();
    const key = this.scalar();
    if (key === '') this.fail('expected a key');
    this.expect(':');
    return [key, this.value(depth + 1)];
  }

  private value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    this.space();
    const ch = this.peek();
    if (ch === '{') return this.braced(depth);
    if (ch === '[') return this.list(depth);
    const start = this.at;
    const word = this.scalar();
    this.space();
    if (this.peek() === ':') {
      // `department:$nin:[CO]`: the value is itself an object of one key.
      this.at = start;
      const [key, value] = this.member(depth);
      return { [key]: value };
    }
    if (word === '' && ch !== '"') this.fail('expected a value');
    return word;
  }

  private list(depth: number): unknown[] {
    this.expect('[');
    const out: unknown[] = [];
    this.space();
    if (this.peek() === ']') {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.space();
      if (this.peek() === ',') {
        this.at++;
        continue;
      }
      break;
    }
    this.expect(']');
    return out;
  }

  /** A bare word (trimmed) or a quoted JSON string; '' when there is neither. */
  private scalar(): string {
    this.space();
    if (this.peek() === '"') {
      const start = this.at;
      this.at++;
      while (!this.done() && this.peek() !== '"') this.at += this.peek() === '\\' ? 2 : 1;
      if (this.done()) this.fail('unterminated quoted text');
      this.at++;
      try {
        return JSON.parse(this.text.slice(start, this.at)) as string;
      } catch {
        this.at = start;
        this.fail('invalid quoted text');
      }
    }
    const start = this.at;
    while (!this.done() && !STOP.has(this.peek())) this.at++;
    return this.text.slice(start, this.at).trim();
  }
}

/**
 * Writes a rule (a plain JSON value of objects, lists and scalars) in the notation; the parser
 * reads it back to the same value with every scalar as text. Used by tests and documentation.
 */
export function formatRuleNotation(value: unknown, top = true): string {
  if (Array.isArray(value)) return `[${value.map((v) => formatRuleNotation(v, false)).join(',')}]`;
  if (value && typeof value === 'object') {
    const body = Object.entries(value)
      .map(([k, v]) => `${word(k)}:${formatRuleNotation(v, false)}`)
      .join(',');
    return top ? body : `{${body}}`;
  }
  return word(String(value));
}

function word(text: string): string {
  const plain = text !== '' && text === text.trim() && ![...text].some((c) => STOP.has(c));
  return plain ? text : JSON.stringify(text);
}
