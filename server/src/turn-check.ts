import type { TurnLatency } from '@voice-widget/protocol';

/**
 * Does a turn the page uploaded fit the agent's own timeline of the reply it claims? The page
 * measures on its clock and the server cannot see that clock, so the check uses only what the
 * agent's clock proves (docs/latency.md, "Stages"):
 *
 * - The caller cannot have heard the reply sooner than the agent produced it after the end of
 *   turn: `perceivedMs ≥ firstFramePublished − endOfTurn` (both agent clock, one clock), minus
 *   {@link CLOCK_SLACK_MS}. A forged fast turn fails here.
 * - What lies outside the agent (endpointing, network, playout) is at most
 *   {@link MAX_OUTSIDE_AGENT_MS}: a forged slow turn past that fails.
 * - The page's model and agent-out stages are differences of two agent times, so they must equal
 *   the agent's own (±{@link CLOCK_SLACK_MS}); so must the end-of-turn source.
 * - Overlaps (negative: the agent talked over the caller) are kept out of percentiles anyway; they
 *   only need a real reply and a plausible size.
 *
 * What it cannot prove: how the rest splits between endpointing and network — a caller can still
 * shave that part, never below the agent's own time.
 */

/** Timer and rounding slack between two readings of one clock, ms. */
export const CLOCK_SLACK_MS = 5;
/** Largest plausible endpointing + network + playout of one turn, ms. */
export const MAX_OUTSIDE_AGENT_MS = 10_000;

/** The agent's timeline of one reply as stored (agent clock, ms since epoch; null when not reached). */
export interface ReplyTimeline {
  endOfTurnAtMs: number | null;
  endOfTurnSource: string | null;
  firstAudioDeltaAtMs: number | null;
  firstFramePublishedAtMs: number | null;
}

export type TurnCheck = { ok: true } | { ok: false; reason: string };

/** Checks `turn` against `reply` (rules above); the reason names the failed rule. */
export function checkTurn(turn: Pick<TurnLatency, 'perceivedMs' | 'overlap' | 'stages' | 'endOfTurnSource'>, reply: ReplyTimeline): TurnCheck {
  const eot = reply.endOfTurnAtMs;
  const published = reply.firstFramePublishedAtMs;
  if (eot === null || published === null) return { ok: false, reason: 'the reply has no end of turn or no audio (a greeting is not a turn)' };
  const agentMs = published - eot;
  if (turn.overlap || turn.perceivedMs < 0) {
    return Math.abs(turn.perceivedMs) <= MAX_OUTSIDE_AGENT_MS ? { ok: true } : { ok: false, reason: 'overlap longer than plausible' };
  }
  if (turn.perceivedMs < agentMs - CLOCK_SLACK_MS) {
    return { ok: false, reason: `perceived ${Math.round(turn.perceivedMs)} ms is shorter than the agent's own ${Math.round(agentMs)} ms` };
  }
  if (turn.perceivedMs > agentMs + MAX_OUTSIDE_AGENT_MS) {
    return { ok: false, reason: `perceived ${Math.round(turn.perceivedMs)} ms leaves more than ${MAX_OUTSIDE_AGENT_MS} ms outside the agent` };
  }
  if (turn.endOfTurnSource !== null && reply.endOfTurnSource !== null && turn.endOfTurnSource !== reply.endOfTurnSource) {
    return { ok: false, reason: 'end-of-turn source differs from the agent\'s' };
  }
  const s = turn.stages;
  const delta = reply.firstAudioDeltaAtMs;
  if (s && delta !== null) {
    const off = (claimed: number | null, actual: number) => claimed !== null && Math.abs(claimed - actual) > CLOCK_SLACK_MS;
    if (off(s.modelMs, delta - eot) || off(s.agentOutMs, published - delta)) {
      return { ok: false, reason: 'model or agent-out stage differs from the agent\'s timeline' };
    }
  }
  return { ok: true };
}
