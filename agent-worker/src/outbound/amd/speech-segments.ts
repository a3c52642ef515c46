import type { Pause, SpeechSegment } from './types.ts';

/**
 * Turns per-window voiced flags into speech segments and the pauses between them (ms since
 * answer). A segment starts after `minSpeechMs` of consecutive voiced windows (its onset is the
 * first of them) and ends once `segmentGapMs` pass without a voiced window (its end is the last
 * voiced window's end), so gaps between words stay inside one segment.
 */
export class SpeechSegments {
  readonly #minSpeechMs: number;
  readonly #segmentGapMs: number;
  readonly segments: SpeechSegment[] = [];
  readonly pauses: Pause[] = [];
  #open: { onsetMs: number } | null = null;
  #runStartMs: number | null = null;
  #runMs = 0;
  #lastVoicedEndMs: number | null = null;
  #firstOnsetMs: number | null = null;

  constructor(minSpeechMs: number, segmentGapMs: number) {
    this.#minSpeechMs = minSpeechMs;
    this.#segmentGapMs = segmentGapMs;
  }

  /** Onset of the first segment, ms since answer, or null before any speech. */
  get firstOnsetMs(): number | null {
    return this.#firstOnsetMs;
  }

  /** End of the last voiced window of any segment, ms since answer, or null before any speech. */
  get lastVoicedEndMs(): number | null {
    return this.#lastVoicedEndMs;
  }

  /** Feeds one window `[startMs, startMs + durationMs)`. */
  push(voiced: boolean, startMs: number, durationMs: number): void {
    const endMs = startMs + durationMs;
    if (voiced) {
      if (this.#open) {
        this.#lastVoicedEndMs = endMs;
        return;
      }
      this.#runStartMs ??= startMs;
      this.#runMs += durationMs;
      if (this.#runMs >= this.#minSpeechMs) {
        const onsetMs = this.#runStartMs;
        const prevEnd = this.segments.at(-1);
        if (prevEnd) {
          const startOfPause = prevEnd.onsetMs + prevEnd.durationMs;
          this.pauses.push({ startMs: startOfPause, durationMs: onsetMs - startOfPause });
        }
        this.#open = { onsetMs };
        this.#firstOnsetMs ??= onsetMs;
        this.#lastVoicedEndMs = endMs;
      }
      return;
    }
    this.#runStartMs = null;
    this.#runMs = 0;
    if (this.#open && this.#lastVoicedEndMs !== null && endMs - this.#lastVoicedEndMs >= this.#segmentGapMs) this.#close();
  }

  /** True while a segment is open (speech, or a gap shorter than `segmentGapMs`). */
  get inSegment(): boolean {
    return this.#open !== null;
  }

  /** The closed segments plus the open one up to its last voiced window. */
  snapshot(): SpeechSegment[] {
    const open = this.#open;
    return open && this.#lastVoicedEndMs !== null
      ? [...this.segments, { onsetMs: open.onsetMs, durationMs: this.#lastVoicedEndMs - open.onsetMs }]
      : [...this.segments];
  }

  #close(): void {
    const open = this.#open!;
    this.segments.push({ onsetMs: open.onsetMs, durationMs: this.#lastVoicedEndMs! - open.onsetMs });
    this.#open = null;
  }
}
