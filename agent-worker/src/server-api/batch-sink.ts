import type { ApiResult } from './client.ts';

/**
 * Batches things the agent reports to the server as they happen — the guard's audit entries
 * (`POST …/audit`), the live transcript (`POST …/live`), reply timelines (`POST …/timelines`, upserted by response id): sent within `flushMs` of the first one,
 * at once when a batch is full, and on {@link close}. A batch the server could not be reached for
 * (network error, timeout, 5xx after the client's retries) is kept and sent with the next one, so
 * the routes must be idempotent; one the server refused (4xx, e.g. 409 call ended) is dropped.
 * Never throws.
 */
export class BatchSink<T> {
  #queue: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (batch: T[]) => Promise<ApiResult<unknown>>,
    private readonly flushMs = 1_000,
    /** Most items in one request (the route's limit). */
    private readonly maxBatch = 100,
  ) {}

  /** Queues one item. */
  add(item: T): void {
    this.#queue.push(item);
    if (this.#queue.length >= this.maxBatch) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Sends what is queued (after any send in progress). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sending = this.#sending.then(async () => {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.maxBatch);
        const res = await this.send(batch);
        if (!res.ok && (res.status === undefined || res.status >= 500)) {
          this.#queue.unshift(...batch); // the server was unreachable: keep it for the next flush
          return;
        }
      }
    });
    return this.#sending;
  }

  /** Sends everything left (at the end of the call). */
  close(): Promise<void> {
    return this.flush();
  }
}
