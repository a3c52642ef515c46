import { RpcMethod } from '@voice-widget/protocol';

/**
 * Per-participant rate limits on what a caller can make the agent do (issue 10): each RPC method
 * and typed chat messages get a token bucket per participant (`burst` at once, refilled at
 * `perSecond`). A caller over the limit gets a clear error or notice and the call goes on; the
 * agent and its model never see the excess.
 */

/** What is limited: an RPC method name, or `chat` (messages on `lk.chat`). */
export type LimitedAction = (typeof RpcMethod)[keyof typeof RpcMethod] | 'chat';

export interface Bucket {
  /** Actions allowed at once. */
  burst: number;
  /** Refill rate, actions per second. */
  perSecond: number;
}

/**
 * Defaults sized for a person talking: a turn sends at most a tentative and a final end-of-turn
 * hint (plus a speech-resumed when they go on), the page probes the clock five times at the start,
 * and nobody types more than a message every two seconds for long.
 */
export const CALLER_LIMITS: Record<LimitedAction, Bucket> = {
  [RpcMethod.endOfTurn]: { burst: 6, perSecond: 3 },
  [RpcMethod.speechResumed]: { burst: 6, perSecond: 3 },
  [RpcMethod.interrupt]: { burst: 4, perSecond: 2 },
  [RpcMethod.clock]: { burst: 10, perSecond: 5 },
  [RpcMethod.turnSource]: { burst: 4, perSecond: 1 },
  [RpcMethod.personHeard]: { burst: 4, perSecond: 1 },
  chat: { burst: 3, perSecond: 0.5 },
};

/** Longest typed message the agent reads, characters (the widget's input stops at 500). */
export const MAX_CHAT_CHARS = 1_000;

/** Token buckets per (participant, action). Framework-free; `now` in ms. */
export class CallerLimits {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  /** Refusals since the last {@link takeRefusals}, per participant and action (for one log line, not 200). */
  readonly #refused = new Map<string, number>();

  constructor(
    private readonly limits: Record<LimitedAction, Bucket> = CALLER_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends one token of `identity`'s bucket for `action`; false when it is empty (refused). */
  allow(identity: string, action: LimitedAction): boolean {
    const { burst, perSecond } = this.limits[action];
    const key = `${identity}\u0000${action}`;
    const t = this.now();
    const b = this.#buckets.get(key) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
    b.at = t;
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    this.#refused.set(key, (this.#refused.get(key) ?? 0) + 1);
    return false;
  }

  /** The refusals counted since the last call, as `{identity, action, count}`; resets them. */
  takeRefusals(): { identity: string; action: string; count: number }[] {
    const out = [...this.#refused].map(([key, count]) => {
      const [identity, action] = key.split('\u0000') as [string, string];
      return { identity, action, count };
    });
    this.#refused.clear();
    return out;
  }
}

/** Minimal logger shape (pino's). */
interface WarnLog {
  warn(obj: object, msg: string): void;
}

/**
 * Logs the refusals of `limits` once per `everyMs` (one line per participant and action with a
 * count, not one per refused call); returns the stop function.
 */
export function reportRefusals(limits: CallerLimits, log: WarnLog, everyMs = 1_000): () => void {
  const timer = setInterval(() => {
    for (const r of limits.takeRefusals()) log.warn({ caller: r.identity, action: r.action, refused: r.count }, 'caller rate-limited');
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
