import type { AmdDetector } from './detector.ts';
import type { AmdEvent, AmdFrame } from './types.ts';
import { Windows } from './windows.ts';

/**
 * Scores one 32 ms window (512 float samples in [-1, 1], 16 kHz) with a speech probability 0–1:
 * `SileroStream` of `@voice-widget/local-realtime` (Silero VAD v5, the ONNX model shipped in
 * `@livekit/agents-plugin-silero`), or a fake in tests. One stream per call (it keeps state).
 */
export interface SpeechScorer {
  probability(window: Float32Array): Promise<number>;
}

/**
 * Feeds an {@link AmdDetector} configured with `vad: { kind: 'probability' }` from audio frames
 * of any length: cuts them into 32 ms windows, scores each with Silero and passes window and
 * probability on. Calls are queued, so frames are processed in order even if not awaited.
 *
 *     const amd = new AmdDetector({ answeredAtMs, config: { vad: { kind: 'probability' } } });
 *     const input = new SileroAmdInput(amd, sileroModel.stream());
 *     await input.handleFrame({ samples, startMs }); // → the detector's events
 */
export class SileroAmdInput {
  readonly #detector: AmdDetector;
  readonly #scorer: SpeechScorer;
  readonly #windows = new Windows();
  readonly #floats = new Float32Array(512);
  #queue: Promise<unknown> = Promise.resolve();

  /** @throws Error when the detector does not take speech probabilities */
  constructor(detector: AmdDetector, scorer: SpeechScorer) {
    if (detector.config.vad.kind !== 'probability') throw new Error("SileroAmdInput needs a detector with vad: { kind: 'probability' }");
    this.#detector = detector;
    this.#scorer = scorer;
  }

  /**
   * Adds one frame (PCM16 mono 16 kHz); resolves with the detector's events for the windows it completed.
   * @throws RangeError (rejects) like {@link AmdDetector.handleFrame} on frames out of order
   */
  handleFrame(frame: Pick<AmdFrame, 'samples' | 'startMs'>): Promise<AmdEvent[]> {
    const run = this.#queue.then(() => this.#process(frame));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #process(frame: Pick<AmdFrame, 'samples' | 'startMs'>): Promise<AmdEvent[]> {
    const events: AmdEvent[] = [];
    for (const w of this.#windows.push(frame.samples, frame.startMs)) {
      if (this.#detector.finished) break;
      for (let i = 0; i < w.samples.length; i++) this.#floats[i] = w.samples[i]! / 32768;
      const p = await this.#scorer.probability(this.#floats);
      events.push(...this.#detector.handleFrame({ samples: w.samples, startMs: w.startMs, speechProbability: Math.min(1, Math.max(0, p)) }));
    }
    return events;
  }
}
