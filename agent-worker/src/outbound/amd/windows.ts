import { AMD_SAMPLE_RATE_HZ, AMD_WINDOW_MS, AMD_WINDOW_SAMPLES } from './types.ts';

/** Frames this far off the expected start are a discontinuity, ms. */
const CONTINUITY_TOLERANCE_MS = 2;

/** One analysis window: 512 samples of PCM16 mono 16 kHz (32 ms) and the time of its first sample. */
export interface AudioWindow {
  samples: Int16Array;
  startMs: number;
}

/**
 * Cuts a stream of frames of any length into 32 ms windows. A frame that starts later than the
 * previous one ended (lost audio) drops the partial window and restarts there, so the gap reads
 * as silence in time; a frame that starts earlier is an error.
 */
export class Windows {
  readonly #buf = new Int16Array(AMD_WINDOW_SAMPLES);
  #fill = 0;
  #startMs = 0;
  #expectedMs: number | null = null;

  /**
   * Adds one frame (PCM16 mono 16 kHz, `startMs` on the caller's clock); returns the windows it completed.
   * @throws RangeError when the frame goes back in time or its time is not finite
   */
  push(samples: Int16Array, startMs: number): AudioWindow[] {
    if (!Number.isFinite(startMs)) throw new RangeError(`AMD frame startMs must be finite, got ${startMs}`);
    if (this.#expectedMs !== null && startMs < this.#expectedMs - CONTINUITY_TOLERANCE_MS) {
      throw new RangeError(`AMD frames out of order: frame at ${startMs} ms, expected ${this.#expectedMs} ms`);
    }
    if (this.#expectedMs === null || startMs > this.#expectedMs + CONTINUITY_TOLERANCE_MS) {
      this.#fill = 0;
      this.#startMs = startMs;
    }
    this.#expectedMs = startMs + (samples.length / AMD_SAMPLE_RATE_HZ) * 1000;
    const out: AudioWindow[] = [];
    for (let offset = 0; offset < samples.length; ) {
      const take = Math.min(AMD_WINDOW_SAMPLES - this.#fill, samples.length - offset);
      this.#buf.set(samples.subarray(offset, offset + take), this.#fill);
      this.#fill += take;
      offset += take;
      if (this.#fill === AMD_WINDOW_SAMPLES) {
        out.push({ samples: this.#buf.slice(), startMs: this.#startMs });
        this.#fill = 0;
        this.#startMs += AMD_WINDOW_MS;
      }
    }
    return out;
  }
}
