/**
 * End-of-turn hints for the agent, in two steps (the agent side: agent-worker/src/turns/end-of-turn.ts):
 *
 * 1. **Tentative** (`voice.end_of_turn {final: false}`): after `tentativeMs` (default 96 ms = three
 *    32 ms VAD frames) of silence following at least `minSpeechMs` of voiced frames. The agent starts
 *    the reply speculatively, so the model's time to first audio overlaps the rest of the wait.
 * 2. **Final** (`{final: true}`): when the VAD decides the speech ended (`redemptionMs` of silence,
 *    default 300 ms). If the caller speaks again before that, `voice.speech_resumed` withdraws the
 *    speculative reply (a cloud model's first audio takes ≥ 300 ms, so it is withdrawn unheard).
 *
 * Both carry `speechEndMs`: the end of the **last voiced frame** (the speechEnd the latency meter
 * uses). No hint is sent for speech the agent talked through without being interrupted (a
 * backchannel like "mm-hm" or a cough during the agent's reply is not a turn), and never twice.
 */
import { PAGE_HINT_DEFAULTS } from '@voice-widget/protocol/hint-timing';

export interface EndOfTurnOptions {
  /** Silence after the last voiced frame before the tentative hint, ms. Default 96. */
  tentativeMs?: number;
  /** Voiced time a speech needs before it can end a turn, ms (vad-web's `minSpeechMs`). Default 128. */
  minSpeechMs?: number;
  /** Duration of one VAD frame, ms. Default 32 (Silero v5). */
  frameMs?: number;
}

/** What to tell the agent after a frame. */
export type HintAction =
  | { type: 'tentative'; speechEndMs: number }
  | { type: 'resumed'; atMs: number };

export class EndOfTurnHints {
  readonly #tentativeMs: number;
  readonly #minSpeechMs: number;
  readonly #frameMs: number;
  #lastVoicedEndMs: number | null = null;
  #voicedMs = 0;
  #overlappedAgent = false;
  #bargedIn = false;
  #tentativeFor: number | null = null;
  #lastFinalMs: number | null = null;

  constructor(options: EndOfTurnOptions = {}) {
    this.#tentativeMs = options.tentativeMs ?? PAGE_HINT_DEFAULTS.tentativeMs;
    this.#minSpeechMs = options.minSpeechMs ?? PAGE_HINT_DEFAULTS.minSpeechMs;
    this.#frameMs = options.frameMs ?? 32;
  }

  /** Feeds one VAD frame (`voiced` = probability ≥ the positive threshold); returns a hint to send, or null. */
  frame(endMs: number, voiced: boolean, agentSpeaking: boolean): HintAction | null {
    if (voiced) {
      this.#lastVoicedEndMs = endMs;
      this.#voicedMs += this.#frameMs;
      if (agentSpeaking) this.#overlappedAgent = true;
      if (this.#tentativeFor !== null) {
        this.#tentativeFor = null;
        return { type: 'resumed', atMs: endMs };
      }
      return null;
    }
    const end = this.#lastVoicedEndMs;
    if (
      end === null ||
      this.#tentativeFor !== null ||
      end === this.#lastFinalMs ||
      this.#voicedMs < this.#minSpeechMs ||
      this.#talkedThrough() ||
      endMs - end < this.#tentativeMs
    ) {
      return null;
    }
    this.#tentativeFor = end;
    return { type: 'tentative', speechEndMs: end };
  }

  /** The barge-in rule stopped the agent during this speech. */
  bargeIn(): void {
    this.#bargedIn = true;
  }

  /** The VAD dropped a speech too short to count (vad-web's misfire): forget it. */
  misfire(): HintAction | null {
    const resumed = this.#tentativeFor;
    this.#reset();
    return resumed === null ? null : { type: 'resumed', atMs: performance.timeOrigin + performance.now() };
  }

  /** The VAD decided the speech ended; returns the final hint to send, or null. Starts a new segment. */
  speechEnd(): { speechEndMs: number; final: true } | null {
    const end = this.#lastVoicedEndMs;
    const talkedThrough = this.#talkedThrough();
    this.#reset();
    if (end === null || talkedThrough || end === this.#lastFinalMs) return null;
    this.#lastFinalMs = end;
    return { speechEndMs: end, final: true };
  }

  #talkedThrough(): boolean {
    return this.#overlappedAgent && !this.#bargedIn;
  }

  #reset(): void {
    this.#overlappedAgent = false;
    this.#bargedIn = false;
    this.#voicedMs = 0;
    this.#tentativeFor = null;
  }
}
