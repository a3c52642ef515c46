import type { AgentTimelinesUpload, AgentTurnTimeline } from '@voice-widget/protocol';
import type { Logger } from 'pino';

/** Most timelines in one upload (the server's `AgentTimelinesUpload` cap). */
export const MAX_TIMELINES_PER_UPLOAD = 100;

/**
 * Sends the agent's reply timelines to the server in batches (`POST /api/calls/:room/timelines`):
 * the first timeline waits at most `flushMs` for others, a reply published again (its interrupted
 * flag) replaces its pending copy, and {@link flush} sends what is left (at shutdown). The server
 * keeps a widget turn `pending` until the reply it names arrives, so a batch a second late costs
 * nothing. Upload failures are logged; the call never waits for them.
 */
export class TimelineUploader {
  readonly #pending = new Map<string, AgentTurnTimeline>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly send: (body: AgentTimelinesUpload) => Promise<{ ok: boolean; error?: string }>,
    private readonly log: Pick<Logger, 'warn'>,
    private readonly flushMs = 1_000,
  ) {}

  /** Queues one reply's timeline. */
  add(timeline: AgentTurnTimeline): void {
    this.#pending.set(timeline.responseId, timeline);
    if (this.#pending.size >= MAX_TIMELINES_PER_UPLOAD) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Uploads everything queued now (in batches of {@link MAX_TIMELINES_PER_UPLOAD}). */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (let i = 0; i < all.length; i += MAX_TIMELINES_PER_UPLOAD) {
      const sent = await this.send({ timelines: all.slice(i, i + MAX_TIMELINES_PER_UPLOAD) });
      if (!sent.ok) this.log.warn({ err: sent.error, replies: Math.min(MAX_TIMELINES_PER_UPLOAD, all.length - i) }, 'reply timelines not uploaded');
    }
  }
}
