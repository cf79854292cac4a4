import { randomUUID } from 'node:crypto';

/**
 * JSON texts that go into one response as they are (compiled selections, src/graph/compiled.ts).
 * The answer carries a placeholder string in their place; the HTTP layer swaps each for its
 * text once Apollo has serialised the response. The placeholder holds a random token of the
 * request, so no string of the data can pass for one.
 */
export class RawAnswers {
  private readonly token = randomUUID();
  private readonly texts: string[] = [];

  /** The placeholder to put in the answer. */
  hold(text: string): string {
    this.texts.push(text);
    return `${this.token}:${this.texts.length - 1}`;
  }

  get empty(): boolean {
    return this.texts.length === 0;
  }

  /** The serialised response with each placeholder (a JSON string) replaced by its text. */
  splice(body: string): string {
    if (this.texts.length === 0) return body;
    const pattern = new RegExp(`"${this.token}:(\\d+)"`, 'g');
    return body.replace(pattern, (_, index: string) => this.texts[Number(index)]);
  }
}
