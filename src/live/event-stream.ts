/**
 * A push-fed async iterator: what a subscription's source stream is. Unlike an async generator,
 * `return()` (the client completed, or the socket closed) ends it at once even while it waits
 * for the next value, so a finished subscription stops listening immediately.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiting: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  private done = false;
  private failure: unknown;

  constructor(
    private readonly onEnd: () => void,
    /** Most values kept for a slow reader; past it the stream ends with this error instead of growing. */
    private readonly capacity = 1000,
  ) {}

  push(value: T): void {
    if (this.done) return;
    const reader = this.waiting.shift();
    if (reader) reader.resolve({ value, done: false });
    else if (this.buffer.length >= this.capacity) this.fail(new Error('The subscriber reads too slowly; the subscription ended'));
    else this.buffer.push(value);
  }

  /** Ends the stream with an error, delivered after the values already buffered. */
  fail(error: unknown): void {
    if (this.done) return;
    this.failure = error;
    this.finish();
    for (const reader of this.waiting.splice(0)) reader.reject(error);
  }

  async next(): Promise<IteratorResult<T>> {
    const value = this.buffer.shift();
    if (value !== undefined) return { value, done: false };
    if (this.failure !== undefined) {
      const error = this.failure;
      this.failure = undefined;
      throw error;
    }
    if (this.done) return { value: undefined, done: true };
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.failure = undefined;
    this.finish();
    for (const reader of this.waiting.splice(0)) reader.resolve({ value: undefined, done: true });
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.onEnd();
  }
}

/** Maps each value of `source` through `map` (one at a time, in order); ending either ends both. */
export function mapStream<S, T>(source: AsyncIterator<S>, map: (value: S) => Promise<T>): AsyncIterableIterator<T> {
  return {
    async next() {
      const item = await source.next();
      if (item.done) return { value: undefined, done: true };
      return { value: await map(item.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
