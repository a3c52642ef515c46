/**
 * Pairs the caller's end of speech with the agent's first audible audio: one perceived-latency
 * value per turn, following `latency.md` (the product's single definition):
 *
 * - speechEnd = end time of the last client-VAD frame at or above the positive threshold
 *   (never the VAD's later end-of-speech decision).
 * - playStart = first moment after speechEnd at which the agent's played audio rises above the
 *   level threshold.
 * - If the caller speaks again before any agent audio, the later speech end replaces the earlier.
 * - If the agent was already audible when the caller stopped (the caller heard no silence), there
 *   is no turn: the caller's speech was a barge-in attempt or a backchannel.
 * - If the caller is still voiced after the agent's audio starts (agent talked over the caller),
 *   the turn is an overlap with a negative value, kept out of the percentiles.
 *
 * VAD frames reach us later than the audio level does (the VAD runs a model), so an onset is
 * resolved only once VAD frames up to `onset + settleMs` have arrived.
 *
 * All times are on one clock, in ms (the widget uses ms since epoch from `performance`).
 */

/** One paired turn. `perceivedMs = playStartMs − speechEndMs`; negative means overlap. */
export interface PairedTurn {
  /** End of the caller's last voiced frame, ms. */
  speechEndMs: number;
  /** Agent audio onset as played, ms. */
  playStartMs: number;
  /** playStartMs − speechEndMs, ms. */
  perceivedMs: number;
  /** True when the agent started while the caller was still voiced. */
  overlap: boolean;
}

/** Options of {@link TurnPairer}. */
export interface TurnPairerOptions {
  /** How far past an onset VAD frames must reach before the turn is decided, ms. Default 100. */
  settleMs?: number;
}

/** Input events of the pairer. Frames must arrive in time order; audio events likewise. */
export type PairerEvent =
  | { type: 'vad_frame'; endMs: number; voiced: boolean }
  | { type: 'agent_audio_start'; atMs: number }
  | { type: 'agent_audio_end'; atMs: number };

/** Stateful pairer; feed it events with {@link TurnPairer.push}, read turns from the callback. */
export class TurnPairer {
  readonly #settleMs: number;
  readonly #onTurn: (turn: PairedTurn) => void;
  /** End of the caller's last voiced frame since the previous turn, or null. */
  #speechEndMs: number | null = null;
  #agentAudible = false;
  /** When the agent's audio last went silent (-Infinity before any agent audio). */
  #agentSilentSinceMs = Number.NEGATIVE_INFINITY;
  #pendingOnsetMs: number | null = null;
  #lastFrameEndMs = Number.NEGATIVE_INFINITY;

  constructor(onTurn: (turn: PairedTurn) => void, options: TurnPairerOptions = {}) {
    this.#onTurn = onTurn;
    this.#settleMs = options.settleMs ?? 100;
  }

  /** Feeds one event; may call `onTurn` synchronously. */
  push(event: PairerEvent): void {
    switch (event.type) {
      case 'vad_frame':
        this.#lastFrameEndMs = event.endMs;
        if (event.voiced) this.#speechEndMs = event.endMs;
        this.#resolveIfSettled();
        break;
      case 'agent_audio_start':
        this.#agentAudible = true;
        if (this.#pendingOnsetMs !== null) break;
        if (this.#speechEndMs !== null && this.#agentSilentSinceMs <= this.#speechEndMs) {
          this.#pendingOnsetMs = event.atMs;
          this.#resolveIfSettled();
        } else {
          // The caller's speech (if any) ended while the agent was audible: no silence heard.
          this.#speechEndMs = null;
        }
        break;
      case 'agent_audio_end':
        this.#agentAudible = false;
        this.#agentSilentSinceMs = event.atMs;
        break;
    }
  }

  /** Decides a pending onset with whatever VAD frames have arrived (e.g. when the call ends). */
  flush(): void {
    if (this.#pendingOnsetMs !== null) this.#resolve(this.#pendingOnsetMs);
  }

  /** True while agent audio is above the level threshold. */
  get agentAudible(): boolean {
    return this.#agentAudible;
  }

  #resolveIfSettled(): void {
    const onset = this.#pendingOnsetMs;
    if (onset !== null && this.#lastFrameEndMs >= onset + this.#settleMs) this.#resolve(onset);
  }

  #resolve(onsetMs: number): void {
    const speechEnd = this.#speechEndMs;
    this.#pendingOnsetMs = null;
    this.#speechEndMs = null;
    if (speechEnd === null) return;
    const perceivedMs = onsetMs - speechEnd;
    this.#onTurn({ speechEndMs: speechEnd, playStartMs: onsetMs, perceivedMs, overlap: perceivedMs < 0 });
  }
}
