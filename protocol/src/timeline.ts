import { z } from 'zod';
import { STAGE_KEYS, type StageKey } from './stages.ts';
import { EpochMs, SpanMs } from './time.ts';

/**
 * The per-turn timeline on one clock (latency.md, "Stages"):
 *
 *   speechEnd ─endpointing─▶ endOfTurn ─model─▶ firstAudioDelta ─agentOut─▶ firstFramePublished
 *             ─network and playout─▶ playStart
 *
 * The page knows speechEnd and playStart (page clock); the agent knows the middle three (agent
 * clock) and sends them on the data topic {@link TIMELINE_TOPIC}. The page maps agent times onto
 * its clock with the RPC clock offset (see clock.ts).
 */

/** LiveKit data topic on which the agent publishes {@link AgentTurnTimeline} messages. */
export const TIMELINE_TOPIC = 'voice.timeline';

/** Who decided the end of turn. */
export const EndOfTurnSource = z.enum(['client_hint', 'model_vad', 'agent_vad', 'manual']);
export type EndOfTurnSource = z.infer<typeof EndOfTurnSource>;

/** Agent-side timestamps of one reply, agent clock, ms since epoch; null when not reached. */
export const AgentTurnTimeline = z
  .object({
    type: z.literal('turn_timeline'),
    /** Agent-side reply id (the model's response id). */
    responseId: z.string().max(128),
    endOfTurnAt: EpochMs.nullable(),
    endOfTurnSource: EndOfTurnSource.nullable(),
    responseCreatedAt: EpochMs.nullable(),
    firstAudioDeltaAt: EpochMs.nullable(),
    firstFramePublishedAt: EpochMs.nullable(),
    /** The reply was cut short by the caller (barge-in). */
    interrupted: z.boolean(),
  })
  .strict();
export type AgentTurnTimeline = z.infer<typeof AgentTurnTimeline>;

/** Durations of the stages of one turn (stages.ts), ms within ±10 minutes; null when a boundary is unknown. */
export const TurnStages = z.object(
  Object.fromEntries(STAGE_KEYS.map((k) => [k, SpanMs.nullable()])) as { [K in StageKey]: z.ZodNullable<z.ZodNumber> },
);
export type TurnStages = z.infer<typeof TurnStages>;

/** Most turns one call can have (a 10-minute call has a few dozen). */
export const MAX_TURNS_PER_CALL = 1_000;

/** One turn as the page measured it; what is shown live and stored with the call. */
export const TurnLatency = z
  .object({
    /** 0-based index of the turn in the session. */
    index: z.number().int().min(0).max(MAX_TURNS_PER_CALL - 1),
    /** Caller's end of speech, page clock, ms since epoch. */
    speechEndAt: EpochMs,
    /** First agent audio played, page clock, ms since epoch. */
    playStartAt: EpochMs,
    /** playStartAt − speechEndAt, ms. Negative = overlap (agent talked over the caller). */
    perceivedMs: z.number().min(-60_000).max(600_000),
    overlap: z.boolean(),
    stages: TurnStages.nullable(),
    endOfTurnSource: EndOfTurnSource.nullable(),
    /** ± bound of the page↔agent clock offset used for the stages, ms. */
    clockUncertaintyMs: z.number().min(0).max(600_000).nullable(),
    /**
     * The agent reply whose audio was heard (`AgentTurnTimeline.responseId`), when the page matched
     * one; the server checks the turn against that reply's timeline as the agent reported it.
     */
    responseId: z.string().max(128).nullable().optional(),
  })
  .strict()
  .refine((t) => Math.abs(t.playStartAt - t.speechEndAt - t.perceivedMs) <= 1, {
    message: 'perceivedMs must equal playStartAt − speechEndAt',
    path: ['perceivedMs'],
  });
export type TurnLatency = z.infer<typeof TurnLatency>;

/**
 * Splits a page-measured turn into stages with the agent's timeline.
 * `offsetMs` is agent − page (clock.ts); agent times are mapped with `page = agent − offsetMs`.
 * A stage whose boundaries are missing is null.
 */
export function computeStages(
  turn: { speechEndAt: number; playStartAt: number },
  timeline: AgentTurnTimeline,
  offsetMs: number,
): TurnStages {
  const toPage = (t: number | null) => (t === null ? null : t - offsetMs);
  const eot = toPage(timeline.endOfTurnAt);
  const delta = toPage(timeline.firstAudioDeltaAt);
  const published = toPage(timeline.firstFramePublishedAt);
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  return {
    endpointingMs: diff(turn.speechEndAt, eot),
    modelMs: diff(eot, delta),
    agentOutMs: diff(delta, published),
    networkPlayoutMs: diff(published, turn.playStartAt),
  };
}

/** Options of {@link matchTimeline}. */
export interface MatchOptions {
  /** How long before the caller's speech end a reply's first frame may have been published, ms. Default 2000. */
  slackMs?: number;
  /**
   * How far the mapped clocks may disagree, ms (the clock offset's ± uncertainty plus a VAD frame).
   * An end of turn earlier than speech end by more than this belongs to another turn. Default 50.
   */
  toleranceMs?: number;
}

/**
 * Picks the agent timeline that produced the audio heard at `playStartAt`: the one whose first
 * published frame (mapped to the page clock) is the latest at or before `playStartAt`, and after
 * `speechEndAt − slackMs`. Returns undefined when none fits.
 *
 * A reply whose end of turn lies before the caller's speech end (beyond `toleranceMs`) answered an
 * earlier hint — typically a speculative reply withdrawn because the caller went on talking,
 * published just before the withdrawal — and is never this turn's: pairing it drew a negative
 * endpointing stage ("End of speech −2653 ms"). Such a reply is skipped; if the right one has not
 * arrived yet the turn stays unsplit until it does.
 */
export function matchTimeline(
  turn: { speechEndAt: number; playStartAt: number },
  timelines: readonly AgentTurnTimeline[],
  offsetMs: number,
  options: MatchOptions = {},
): AgentTurnTimeline | undefined {
  const slackMs = options.slackMs ?? 2_000;
  const toleranceMs = options.toleranceMs ?? 50;
  let best: AgentTurnTimeline | undefined;
  let bestAt = Number.NEGATIVE_INFINITY;
  for (const t of timelines) {
    if (t.firstFramePublishedAt === null) continue;
    const at = t.firstFramePublishedAt - offsetMs;
    if (t.endOfTurnAt !== null && t.endOfTurnAt - offsetMs < turn.speechEndAt - toleranceMs) continue;
    if (at <= turn.playStartAt && at >= turn.speechEndAt - slackMs && at > bestAt) {
      best = t;
      bestAt = at;
    }
  }
  return best;
}

/**
 * The first stage of a split that is negative beyond `toleranceMs` (impossible on one clock:
 * the split pairs the wrong reply, or the clocks disagree), or null when the split is plausible.
 */
export function implausibleStage(stages: TurnStages, toleranceMs: number): StageKey | null {
  return STAGE_KEYS.find((k) => stages[k] !== null && stages[k]! < -toleranceMs) ?? null;
}
