/**
 * The browser's barge-in rule: decides from client-VAD frames whether the caller is talking over
 * the agent (stop the agent) or only made a short noise (cough, "mm", a knock: let it talk).
 *
 * A frame counts as **voiced** when its speech probability is ≥ `positiveThreshold` (0.5) **and**
 * its level is ≥ `minLevelDbfs` (−50 dBFS RMS over the 32 ms frame); as **maybe speech** when its
 * probability is ≥ `duckThreshold` (0.3, Silero's rise at a word's onset) at that level. Only
 * frames heard while the agent is speaking count. A **run** starts at a maybe-speech frame and may
 * contain single quieter frames; two frames in a row that are not even maybe-speech (64 ms) end it.
 * - `duck` after `duckAfterMs` (64 ms = 2 maybe-speech frames) of a run: play the agent quieter at once;
 * - `interrupt` once the run holds `minSpeechMs` (250 ms) of voiced frames: stop playback, ask the
 *   agent to stop (RPC `voice.interrupt`);
 * - `resume` when a ducked run ends short of that (or the agent stopped by itself): full volume again.
 * So a 150 ms cough (≤ 6 frames = 192 ms even straddling frame edges) never stops the agent, and a
 * sound quieter than −50 dBFS never counts however long. The level gate also keeps Silero's
 * probability hangover after a loud burst from counting.
 */

/** One client-VAD frame. */
export interface BargeInFrame {
  /** End of the frame's audio, ms since epoch. */
  endMs: number;
  /** Silero speech probability 0..1. */
  probability: number;
  /** RMS level of the frame, dBFS. */
  levelDbfs: number;
}

export interface BargeInAction {
  phase: 'duck' | 'interrupt' | 'resume';
  /** Start of the run (its first voiced frame), ms since epoch. */
  atMs: number;
  /** Voiced time of the run so far, ms. */
  voicedMs: number;
}

export interface BargeInRuleOptions {
  minSpeechMs: number;
  minLevelDbfs: number;
  positiveThreshold?: number;
  /** Probability of a maybe-speech frame (ducking only). Default 0.3. */
  duckThreshold?: number;
  /** Maybe-speech time before ducking, ms. Default 64. */
  duckAfterMs?: number;
  /** Frame length, ms. Default 32 (Silero v5 at 16 kHz). */
  frameMs?: number;
}

export class BargeInDetector {
  readonly #o: Required<BargeInRuleOptions>;
  #runStartMs: number | null = null;
  #voicedMs = 0;
  #maybeMs = 0;
  #gapFrames = 0;
  #ducked = false;
  #fired = false;

  constructor(options: BargeInRuleOptions) {
    this.#o = { positiveThreshold: 0.5, duckThreshold: 0.3, duckAfterMs: 64, frameMs: 32, ...options };
  }

  /** Feeds one frame with whether the agent is speaking now; returns the action to take, if any. */
  frame(f: BargeInFrame, agentSpeaking: boolean): BargeInAction | null {
    const loud = f.levelDbfs >= this.#o.minLevelDbfs;
    const voiced = loud && f.probability >= this.#o.positiveThreshold;
    const maybe = loud && f.probability >= this.#o.duckThreshold;
    if (!agentSpeaking) return this.#endRun();
    if (!maybe) {
      if (this.#runStartMs !== null && ++this.#gapFrames >= 2) return this.#endRun();
      return null;
    }
    this.#gapFrames = 0;
    if (this.#runStartMs === null) this.#runStartMs = f.endMs - this.#o.frameMs;
    this.#maybeMs += this.#o.frameMs;
    if (voiced) this.#voicedMs += this.#o.frameMs;
    if (this.#fired) return null;
    const atMs = this.#runStartMs;
    if (this.#voicedMs >= this.#o.minSpeechMs) {
      this.#fired = true;
      return { phase: 'interrupt', atMs, voicedMs: this.#voicedMs };
    }
    if (!this.#ducked && this.#maybeMs >= this.#o.duckAfterMs) {
      this.#ducked = true;
      return { phase: 'duck', atMs, voicedMs: this.#voicedMs };
    }
    return null;
  }

  /** Forgets the current run (e.g. the microphone was muted). */
  reset(): BargeInAction | null {
    return this.#endRun();
  }

  #endRun(): BargeInAction | null {
    const action: BargeInAction | null =
      this.#ducked && !this.#fired && this.#runStartMs !== null
        ? { phase: 'resume', atMs: this.#runStartMs, voicedMs: this.#voicedMs }
        : null;
    this.#runStartMs = null;
    this.#voicedMs = 0;
    this.#maybeMs = 0;
    this.#gapFrames = 0;
    this.#ducked = false;
    this.#fired = false;
    return action;
  }
}
