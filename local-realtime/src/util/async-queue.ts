/** Unbounded single-consumer async queue: `push` from callbacks, `for await` on the other side. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #waiters: ((r: IteratorResult<T>) => void)[] = [];
  #closed = false;
  #error: unknown = null;

  push(item: T): void {
    if (this.#closed) return;
    const w = this.#waiters.shift();
    if (w) w({ value: item, done: false });
    else this.#items.push(item);
  }

  /** Ends the stream; with `error`, the consumer's next read throws it. */
  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error !== undefined) this.#error = error;
    for (const w of this.#waiters.splice(0)) w({ value: undefined, done: true });
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.#items.length) return { value: this.#items.shift()!, done: false };
    if (this.#closed) {
      if (this.#error !== null) {
        const e = this.#error;
        this.#error = null;
        throw e;
      }
      return { value: undefined, done: true };
    }
    const r = await new Promise<IteratorResult<T>>((resolve) => this.#waiters.push(resolve));
    if (r.done && this.#error !== null) {
      const e = this.#error;
      this.#error = null;
      throw e;
    }
    return r;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
