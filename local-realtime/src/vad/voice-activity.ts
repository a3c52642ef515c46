import { VAD_WINDOW_MS, VAD_WINDOW_SAMPLES } from './silero.ts';
import { type DetectorEvent, TurnDetector, type DetectorParams } from './turn-detector.ts';

/** Anything that scores a 32 ms window of 16 kHz float audio with a speech probability (Silero, or a fake in tests). */
export interface SpeechScorer {
  probability(window: Float32Array): Promise<number>;
  reset(): void;
}

/**
 * Cuts 16 kHz audio into 32 ms windows, scores each and runs the turn detector. Window k covers
 * ms [32k, 32k+32) of the session's input audio, so detector times are session audio times.
 */
export class VoiceActivity {
  readonly detector: TurnDetector;
  readonly #scorer: SpeechScorer;
  #pending = new Float32Array(0);
  #windowIndex = 0;
  /** Probability of the last scored window (for logs and tests). */
  lastProbability = 0;

  constructor(scorer: SpeechScorer, params: DetectorParams) {
    this.#scorer = scorer;
    this.detector = new TurnDetector(params);
  }

  /** Session audio time up to which every window has been scored, ms. */
  get processedMs(): number {
    return this.#windowIndex * VAD_WINDOW_MS;
  }

  /** Scores every complete window in `samples` (16 kHz floats) and returns the detector events in order. */
  async push(samples: Float32Array): Promise<DetectorEvent[]> {
    const merged = new Float32Array(this.#pending.length + samples.length);
    merged.set(this.#pending, 0);
    merged.set(samples, this.#pending.length);
    const events: DetectorEvent[] = [];
    let offset = 0;
    while (merged.length - offset >= VAD_WINDOW_SAMPLES) {
      const window = merged.subarray(offset, offset + VAD_WINDOW_SAMPLES);
      offset += VAD_WINDOW_SAMPLES;
      const p = await this.#scorer.probability(window);
      this.lastProbability = p;
      events.push(...this.detector.push(p, this.#windowIndex * VAD_WINDOW_MS, VAD_WINDOW_MS));
      this.#windowIndex++;
    }
    this.#pending = merged.slice(offset);
    return events;
  }
}
