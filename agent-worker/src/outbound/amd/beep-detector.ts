import { type ToneBand, type ToneObservation } from './goertzel.ts';
import type { BeepEvidence } from './types.ts';

/** What counts as a voicemail beep. */
export interface BeepParams {
  /** Where to look for the tone. */
  band: ToneBand;
  /** A window is tonal when at least this share of its energy is in one frequency, 0–1. */
  minTonality: number;
  /** Shortest beep, ms. */
  minDurationMs: number;
  /** Longest beep, ms; a longer steady tone (dial tone, fax, a stuck line) is not a beep. */
  maxDurationMs: number;
  /** Consecutive tonal windows belong to one tone when their frequencies differ by at most this, Hz. */
  frequencyToleranceHz: number;
  /** A tone quieter than this is ignored, dBFS. */
  minLevelDb: number;
  /** …or than this much above the noise floor, dB. */
  minSnrDb: number;
  /** Non-tonal windows a tone may skip (noise, a click) and continue, windows. */
  maxGapWindows: number;
}

/** The detector's view of one analysis window. */
export interface BeepWindowResult {
  /** This window looks like part of a tone (the VAD should not count it as speech). */
  tonal: boolean;
  /** A beep that ended with this window (its last tonal window came before), or null. */
  beep: BeepEvidence | null;
}

interface Run {
  /** The window two before the run was loud (speech, or another tone). */
  loudBefore: boolean;
  startMs: number;
  endMs: number;
  freqs: number[];
  tonalitySum: number;
  levelSum: number;
  gap: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Finds beeps in a stream of per-window tone observations: runs of tonal windows at one steady
 * frequency, loud enough, lasting between `minDurationMs` and `maxDurationMs`, with quiet (no
 * speech, no other tone) two windows before and right after (the windows in between may hold the
 * tone's own edges). A beep is reported when it ends (the window after its last tonal one, plus
 * the allowed gap), because the voicemail message starts after it. Times are ms since answer.
 *
 * The quiet edges matter on the phone: G.711's 300 Hz high-pass leaves one strong harmonic in many
 * vowels, and a monotone synthetic voice holds it steady for 150–250 ms — tonal, steady, but
 * inside speech. A machine's beep follows a pause and is followed by the recording's silence.
 * A beep of two tones back to back is therefore not recognised (each tone has the other as a
 * neighbour); the greeting-end rule then applies.
 */
export class BeepDetector {
  readonly #p: BeepParams;
  #run: Run | null = null;
  /** Loudness of the last two windows (the nearer one may hold the tone's own onset). */
  #prevLoud: [boolean, boolean] = [false, false];

  constructor(params: BeepParams) {
    this.#p = params;
  }

  /**
   * Feeds one window. `tone` from {@link ToneAnalyzer.analyse}; `levelDb` the window's RMS level,
   * dBFS; `noiseFloorDb` the tracked floor; `startMs`/`durationMs` place it on the timeline;
   * `loud`: the window is loud enough to be speech (the VAD's level test, whether tonal or not).
   */
  push(tone: ToneObservation | null, levelDb: number, noiseFloorDb: number, startMs: number, durationMs: number, loud: boolean): BeepWindowResult {
    const p = this.#p;
    const inBand = tone !== null && tone.frequencyHz >= p.band.minHz - p.band.stepHz && tone.frequencyHz <= p.band.maxHz + p.band.stepHz;
    const tonal = inBand && tone!.tonality >= p.minTonality && levelDb >= p.minLevelDb && levelDb >= noiseFloorDb + p.minSnrDb;
    const twoBefore = this.#prevLoud[0];
    this.#prevLoud = [this.#prevLoud[1], loud];
    const run = this.#run;
    if (tonal && run && Math.abs(tone!.frequencyHz - median(run.freqs)) <= p.frequencyToleranceHz) {
      run.endMs = startMs + durationMs;
      run.freqs.push(tone!.frequencyHz);
      run.tonalitySum += tone!.tonality;
      run.levelSum += levelDb;
      run.gap = 0;
      return { tonal, beep: null };
    }
    let beep: BeepEvidence | null = null;
    if (run && !tonal && run.gap < p.maxGapWindows) {
      run.gap++;
      return { tonal, beep: null };
    }
    // The window that ends a run must be quiet too (the gap windows before it may hold the tone's edge).
    if (run) beep = loud ? null : this.#finish(run);
    this.#run = tonal
      ? { loudBefore: twoBefore, startMs, endMs: startMs + durationMs, freqs: [tone!.frequencyHz], tonalitySum: tone!.tonality, levelSum: levelDb, gap: 0 }
      : null;
    return { tonal, beep };
  }

  #finish(run: Run): BeepEvidence | null {
    const durationMs = run.endMs - run.startMs;
    if (durationMs < this.#p.minDurationMs || durationMs > this.#p.maxDurationMs || run.loudBefore) return null;
    const n = run.freqs.length;
    return {
      startMs: run.startMs,
      endMs: run.endMs,
      durationMs,
      frequencyHz: Math.round(median(run.freqs)),
      frequencySpreadHz: Number((Math.max(...run.freqs) - Math.min(...run.freqs)).toFixed(1)),
      tonality: Number((run.tonalitySum / n).toFixed(3)),
      levelDb: Number((run.levelSum / n).toFixed(1)),
    };
  }
}
