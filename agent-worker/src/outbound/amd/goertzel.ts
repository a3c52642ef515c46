/**
 * Tone analysis of one audio window with a bank of Goertzel filters (G. Goertzel, "An algorithm
 * for the evaluation of finite trigonometric series", Amer. Math. Monthly 65, 1958; the filter
 * telephone equipment uses for DTMF, ITU-T Q.24).
 *
 * The window is Hann-weighted, the bank covers the beep band at a fixed spacing, the strongest
 * filter's frequency is refined by parabolic interpolation of its neighbours' log power, and one
 * more filter at the refined frequency gives the tone's power. *Tonality* is that power as a share
 * of the window's energy, normalised so a pure sinusoid scores 1: for a Hann-weighted tone of
 * amplitude A, |X(f)|² = A²(Σw)²/4 and Σ(w·x)² = A²Σw²/2, so tonality = 2·Σw²·|X(f)|² / ((Σw)²·Σ(w·x)²).
 * Speech spreads its energy over several harmonics and scores well below a beep.
 */

/** Frequencies the bank looks at. */
export interface ToneBand {
  /** Lowest filter, Hz. */
  minHz: number;
  /** Highest filter, Hz. */
  maxHz: number;
  /** Spacing between filters, Hz (at most half the window's bin width keeps the loss under 1 dB). */
  stepHz: number;
}

/** The strongest tone in a window. */
export interface ToneObservation {
  /** Refined frequency, Hz. */
  frequencyHz: number;
  /** Share of the window's energy at that frequency, 0–1 (1 = pure tone). */
  tonality: number;
}

/** |X(f)|² of `x` at `frequencyHz` (any real frequency, not only bin centres). */
export function goertzelPower(x: Float32Array, frequencyHz: number, sampleRateHz: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRateHz);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s = x[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/** A filter bank for windows of one length and rate; reuse it for every window of a call. */
export class ToneAnalyzer {
  readonly #hann: Float32Array;
  readonly #weighted: Float32Array;
  readonly #freqs: number[];
  readonly #powers: Float64Array;
  readonly #norm: number;
  readonly #sampleRateHz: number;

  /**
   * @param windowSamples samples per window (e.g. 512 = 32 ms at 16 kHz)
   * @throws RangeError when the band is empty or reaches the Nyquist frequency
   */
  constructor(windowSamples: number, sampleRateHz: number, band: ToneBand) {
    if (!(band.minHz > 0 && band.maxHz >= band.minHz && band.stepHz > 0 && band.maxHz + band.stepHz < sampleRateHz / 2)) {
      throw new RangeError(`tone band ${band.minHz}–${band.maxHz} Hz step ${band.stepHz} is not inside 0–${sampleRateHz / 2} Hz`);
    }
    this.#sampleRateHz = sampleRateHz;
    this.#hann = new Float32Array(windowSamples);
    let sumW = 0;
    let sumW2 = 0;
    for (let i = 0; i < windowSamples; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (windowSamples - 1));
      this.#hann[i] = w;
      sumW += w;
      sumW2 += w * w;
    }
    this.#norm = (2 * sumW2) / (sumW * sumW);
    this.#weighted = new Float32Array(windowSamples);
    this.#freqs = [];
    // One guard filter beyond each end, so a tone at the band's edge is interpolated too.
    for (let f = band.minHz - band.stepHz; f <= band.maxHz + band.stepHz + 1e-9; f += band.stepHz) if (f > 0) this.#freqs.push(f);
    this.#powers = new Float64Array(this.#freqs.length);
  }

  /**
   * The strongest tone of one window of PCM16 samples (length = the analyzer's window), or null
   * for digital silence.
   */
  analyse(samples: Int16Array): ToneObservation | null {
    const x = this.#weighted;
    if (samples.length !== x.length) throw new RangeError(`tone window must be ${x.length} samples, got ${samples.length}`);
    let energy = 0;
    for (let i = 0; i < x.length; i++) {
      const v = (samples[i]! / 32768) * this.#hann[i]!;
      x[i] = v;
      energy += v * v;
    }
    if (energy <= 1e-12) return null;
    let best = 0;
    for (let k = 0; k < this.#freqs.length; k++) {
      const p = goertzelPower(x, this.#freqs[k]!, this.#sampleRateHz);
      this.#powers[k] = p;
      if (p > this.#powers[best]!) best = k;
    }
    let frequencyHz = this.#freqs[best]!;
    if (best > 0 && best < this.#freqs.length - 1) {
      // Parabolic interpolation of log power around the peak (offset in filter steps, within ±0.5).
      const a = Math.log(this.#powers[best - 1]! + 1e-20);
      const b = Math.log(this.#powers[best]! + 1e-20);
      const c = Math.log(this.#powers[best + 1]! + 1e-20);
      const denom = a - 2 * b + c;
      if (denom < 0) frequencyHz += (0.5 * (a - c) / denom) * (this.#freqs[1]! - this.#freqs[0]!);
    }
    const peak = Math.max(goertzelPower(x, frequencyHz, this.#sampleRateHz), this.#powers[best]!);
    return { frequencyHz, tonality: Math.min(1, (peak * this.#norm) / energy) };
  }
}
