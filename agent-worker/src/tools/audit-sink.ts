import type { AuditEvent } from '@voice-widget/protocol';
import type { ApiResult } from '../server-api/client.ts';

/** Most entries sent in one request (the server's limit). */
const MAX_BATCH = 100;

/**
 * Batches the guard's audit entries to the server (`POST /api/calls/:room/audit`): sent within
 * `flushMs` of the first entry, at once when a batch is full, and on {@link close}. A failed batch
 * is kept and sent with the next one; never throws.
 */
export class AuditSink {
  #queue: AuditEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (events: AuditEvent[]) => Promise<ApiResult<null>>,
    private readonly flushMs = 1_000,
  ) {}

  /** Queues one entry. */
  add(event: AuditEvent): void {
    this.#queue.push(event);
    if (this.#queue.length >= MAX_BATCH) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Sends what is queued (after any send in progress). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sending = this.#sending.then(async () => {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        const res = await this.send(batch);
        if (!res.ok && res.status === undefined) {
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
