import type { QueueEntry, QueueSnapshot } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { listRecentCold, listWaiting, onlineCount } from '../repo/handoffs.ts';
import { buildPackage } from './package.ts';

/** Cold transfers stay in the console this long, ms. */
export const RECENT_COLD_MS = 30 * 60_000;
/** Most waiting callers listed. */
export const MAX_LISTED = 50;

/** The console's view right now (protocol `QueueSnapshot`): waiting callers with their packages, recent cold transfers. */
export async function queueSnapshot(db: Db, now = new Date()): Promise<QueueSnapshot> {
  const waitedS = (from: Date) => Math.max(0, (now.getTime() - from.getTime()) / 1000);
  const waiting = await Promise.all(
    (await listWaiting(db)).slice(0, MAX_LISTED).map(
      async ({ handoff: h, call }, i): Promise<QueueEntry> => ({
        id: h.id,
        kind: h.kind,
        status: h.status,
        position: i + 1,
        waitedS: waitedS(h.requestedAt),
        waitLimitS: h.waitLimitS,
        transferTo: null,
        endpointDelivered: null,
        package: await buildPackage(db, call, h),
      }),
    ),
  );
  const transfers = await Promise.all(
    (await listRecentCold(db, new Date(now.getTime() - RECENT_COLD_MS))).map(
      async ({ handoff: h, call }): Promise<QueueEntry> => ({
        id: h.id,
        kind: h.kind,
        status: h.status,
        position: null,
        waitedS: 0,
        waitLimitS: 0,
        transferTo: h.transferTo,
        endpointDelivered: h.endpointDelivered,
        package: h.package ?? (await buildPackage(db, call, h)),
      }),
    ),
  );
  return { waiting, transfers, online: await onlineCount(db, now), atMs: now.getTime() };
}

/**
 * One poll of the queue per server process, shared by every open console: while anyone listens it
 * rebuilds the snapshot every `intervalMs` (the database is the truth, so changes made by other
 * server processes show up too) and at once on {@link notify} (changes made here), and hands it to
 * the listeners when something other than the clocks changed.
 */
export class QueueFeed {
  readonly #listeners = new Set<(snap: QueueSnapshot) => void>();
  #timer: NodeJS.Timeout | undefined;
  #last = '';
  #latest: QueueSnapshot | null = null;
  #running: Promise<void> | null = null;
  #again = false;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  /** Listens; the current snapshot comes at once (or with the first poll). Returns the unsubscribe function. */
  subscribe(listener: (snap: QueueSnapshot) => void): () => void {
    this.#listeners.add(listener);
    if (this.#latest) listener(this.#latest);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.#refresh(), this.intervalMs);
      void this.#refresh();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** Something changed: refresh now (if anyone listens). */
  notify(): void {
    if (this.#timer) void this.#refresh();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#latest = null;
    this.#last = '';
  }

  async #refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true; // one more after the one in progress
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          const snap = await queueSnapshot(this.db);
          const key = JSON.stringify({ ...snap, atMs: 0, waiting: snap.waiting.map((e) => ({ ...e, waitedS: 0 })) });
          if (key !== this.#last && this.#timer) {
            this.#last = key;
            this.#latest = snap;
            for (const l of this.#listeners) l(snap);
          }
        } catch (err) {
          this.log.warn({ err: (err as Error).message }, 'queue snapshot failed');
        }
      } while (this.#again);
    })().finally(() => (this.#running = null));
    return this.#running;
  }
}
