import {
  type AgentTurnTimeline,
  type ClockOffset,
  type PairerEvent,
  type Summary,
  type TurnLatency,
  TurnPairer,
  computeStages,
  implausibleStage,
  matchTimeline,
  summarize,
} from '@voice-widget/protocol';
import { VAD_FRAME_MS } from './client-vad.ts';

/** Latency state after each turn (or when a turn's stage split arrives): the turn and the session summary. */
export interface LatencyUpdate {
  turn: TurnLatency;
  /** Perceived latency of non-overlap turns: count, P50, P95, max (ms). */
  summary: Summary;
  /** Turns where the agent talked over the caller (kept out of the percentiles). */
  overlaps: number;
}

/**
 * Turns VAD frames and played-audio edges into per-turn {@link TurnLatency} records
 * (pairing rules in protocol/pairing.ts; stage split with the agent's timelines when the clock
 * offset is known). Framework-free: feed it with `push`, read `onTurn`; `onTurn` fires again for
 * the same turn index when its agent timeline arrives after it.
 */
export class LatencyMeter {
  readonly turns: TurnLatency[] = [];
  readonly #pairer: TurnPairer;
  readonly #timelines: AgentTurnTimeline[] = [];
  #clock: ClockOffset | null = null;

  constructor(private readonly onTurn: (update: LatencyUpdate) => void) {
    this.#pairer = new TurnPairer((paired) => {
      const turn: TurnLatency = {
        index: this.turns.length,
        speechEndAt: paired.speechEndMs,
        playStartAt: paired.playStartMs,
        perceivedMs: paired.perceivedMs,
        overlap: paired.overlap,
        stages: null,
        endOfTurnSource: null,
        clockUncertaintyMs: null,
      };
      this.#attachStages(turn);
      this.turns.push(turn);
      this.onTurn({ turn, ...this.stats() });
    });
  }

  /** Feeds a VAD frame or an audio edge (page clock, ms since epoch). */
  push(event: PairerEvent): void {
    this.#pairer.push(event);
  }

  /** Records an agent timeline (agent clock); may complete the stage split of a recent turn. */
  addTimeline(timeline: AgentTurnTimeline): void {
    const i = this.#timelines.findIndex((t) => t.responseId === timeline.responseId);
    if (i >= 0) this.#timelines[i] = timeline;
    else this.#timelines.push(timeline);
    if (this.#timelines.length > 200) this.#timelines.shift();
    const last = this.turns.at(-1);
    if (last && last.stages === null && this.#attachStages(last)) this.onTurn({ turn: last, ...this.stats() });
  }

  /** Sets the page↔agent clock offset (agent − page) used to split turns into stages. */
  setClock(clock: ClockOffset): void {
    this.#clock = clock;
  }

  /** Session summary: perceived latency P50/P95/max over non-overlap turns, and overlap count. */
  stats(): { summary: Summary; overlaps: number } {
    const ok = this.turns.filter((t) => !t.overlap).map((t) => t.perceivedMs);
    return { summary: summarize(ok), overlaps: this.turns.length - ok.length };
  }

  /** Decides any pending turn (call when the session ends). */
  flush(): void {
    this.#pairer.flush();
  }

  /**
   * Fills the turn's stages from the agent timeline of its reply; returns whether it did. A split
   * with a stage negative beyond the clock's uncertainty is not drawn (the turn stays unsplit).
   */
  #attachStages(turn: TurnLatency): boolean {
    if (!this.#clock) return false;
    // The page's speech end is known to a VAD frame; agent times to the clock offset's ±.
    const toleranceMs = this.#clock.uncertaintyMs + VAD_FRAME_MS;
    const timeline = matchTimeline(
      { speechEndAt: turn.speechEndAt, playStartAt: turn.playStartAt },
      this.#timelines,
      this.#clock.offsetMs,
      { toleranceMs },
    );
    if (!timeline) return false;
    const stages = computeStages(turn, timeline, this.#clock.offsetMs);
    if (implausibleStage(stages, toleranceMs)) return false;
    turn.stages = stages;
    turn.endOfTurnSource = timeline.endOfTurnSource;
    turn.clockUncertaintyMs = this.#clock.uncertaintyMs;
    turn.responseId = timeline.responseId;
    return true;
  }
}
