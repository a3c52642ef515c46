/**
 * Turns a stream of per-frame speech probabilities (Silero VAD, 32 ms frames) into turn events.
 * Pure and synchronous, so the timing rules are unit-tested without a model.
 *
 * Rules (Silero's own `get_speech_timestamps` hysteresis):
 * - speech starts after `minSpeechMs` of consecutive frames with p ≥ threshold;
 * - while speaking, silence starts at the first frame with p < threshold − 0.15, frames in between
 *   neither start nor end it, and a frame with p ≥ threshold cancels it;
 * - once the silence has lasted `pauseMs()`, a `pause` is reported: the caller may be done, so the
 *   recognizer is finalized speculatively (short gaps between words stay below it);
 * - speech stops once silence has lasted `silenceMs()` (re-read at every frame: the semantic mode
 *   lengthens it when the words heard so far sound unfinished).
 */

export type DetectorEvent =
  /** `speechStartMs`: start of the first voiced frame, ms of session audio. */
  | { type: 'speech_started'; speechStartMs: number }
  /** The silence has lasted `pauseMs()`; `atMs`: end of that frame. */
  | { type: 'pause'; atMs: number }
  /** Speech came back after a `pause`, before the silence was long enough to end the turn. */
  | { type: 'speech_resumed'; atMs: number }
  /** `atMs`: end of the frame that completed the silence; `lastVoicedEndMs`: end of the last voiced frame. */
  | { type: 'speech_stopped'; atMs: number; lastVoicedEndMs: number };

export interface DetectorParams {
  /** Speech probability threshold, 0–1. */
  threshold: number;
  /** Voiced time needed to start speech, ms. */
  minSpeechMs: number;
  /** Silence needed to end speech, ms; called at every silent frame. */
  silenceMs: () => number;
  /** Silence after which a `pause` is reported, ms (below `silenceMs()`); called at every silent frame. */
  pauseMs: () => number;
}

export class TurnDetector {
  #params: DetectorParams;
  #speaking = false;
  #voicedRunMs = 0;
  #voicedRunStartMs = 0;
  #lastVoicedEndMs = 0;
  #silenceStartMs: number | null = null;
  #pauseReported = false;

  constructor(params: DetectorParams) {
    this.#params = params;
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Replaces the parameters (on `session.update`); the current state is kept. */
  setParams(params: DetectorParams): void {
    this.#params = params;
  }

  /** Forgets any speech in progress (after a clear or a manual commit). */
  reset(): void {
    this.#speaking = false;
    this.#voicedRunMs = 0;
    this.#silenceStartMs = null;
    this.#pauseReported = false;
  }

  /** Feeds one frame's probability; `startMs`/`durationMs` place the frame on the session's audio timeline. */
  push(probability: number, startMs: number, durationMs: number): DetectorEvent[] {
    const { threshold, minSpeechMs } = this.#params;
    const negThreshold = Math.max(threshold - 0.15, 0.01);
    const endMs = startMs + durationMs;
    const events: DetectorEvent[] = [];
    if (!this.#speaking) {
      if (probability >= threshold) {
        if (this.#voicedRunMs === 0) this.#voicedRunStartMs = startMs;
        this.#voicedRunMs += durationMs;
        this.#lastVoicedEndMs = endMs;
        if (this.#voicedRunMs >= minSpeechMs) {
          this.#speaking = true;
          this.#silenceStartMs = null;
          this.#pauseReported = false;
          events.push({ type: 'speech_started', speechStartMs: this.#voicedRunStartMs });
        }
      } else {
        this.#voicedRunMs = 0;
      }
      return events;
    }
    if (probability >= threshold) {
      this.#lastVoicedEndMs = endMs;
      if (this.#pauseReported) events.push({ type: 'speech_resumed', atMs: startMs });
      this.#silenceStartMs = null;
      this.#pauseReported = false;
      return events;
    }
    if (probability < negThreshold) {
      this.#silenceStartMs ??= startMs;
      const silentMs = endMs - this.#silenceStartMs;
      if (!this.#pauseReported && silentMs >= this.#params.pauseMs()) {
        this.#pauseReported = true;
        events.push({ type: 'pause', atMs: endMs });
      }
      if (silentMs >= this.#params.silenceMs()) {
        this.#speaking = false;
        this.#voicedRunMs = 0;
        this.#silenceStartMs = null;
        this.#pauseReported = false;
        events.push({ type: 'speech_stopped', atMs: endMs, lastVoicedEndMs: this.#lastVoicedEndMs });
      }
    }
    return events;
  }
}
