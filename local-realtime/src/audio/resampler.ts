/**
 * Streaming windowed-sinc resampler for mono audio between integer sample rates
 * (24 kHz → 16 kHz for the recognizers, 22.05 kHz → 24 kHz for eSpeak NG, 16 kHz → 24 kHz in tests).
 *
 * Written here rather than using `@livekit/rtc-node`'s `AudioResampler` so that it is pure,
 * synchronous and adds a known delay: half the filter length (≈1 ms), no internal block buffering.
 * Filter: Kaiser-windowed sinc, 16 zero crossings each side, cutoff at 0.92 × the lower Nyquist.
 */

const ZERO_CROSSINGS = 16;
const ROLLOFF = 0.92;
const KAISER_BETA = 8;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series), for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

interface Filter {
  phases: number;
  taps: number;
  firstTap: number;
  kernel: Float32Array;
}

/** Filters by rate pair: computing one takes milliseconds (tens on a cold start), so once per process. */
const FILTERS = new Map<string, Filter>();

function filterFor(inRate: number, outRate: number): Filter {
  const key = `${inRate}:${outRate}`;
  let f = FILTERS.get(key);
  if (!f) {
    f = designFilter(inRate, outRate);
    FILTERS.set(key, f);
  }
  return f;
}

function designFilter(inRate: number, outRate: number): Filter {
  const phases = outRate / gcd(inRate, outRate);
  const fc = 0.5 * Math.min(1, outRate / inRate) * ROLLOFF; // cycles per input sample
  const halfWidth = ZERO_CROSSINGS / (2 * fc); // in input samples
  const firstTap = -Math.ceil(halfWidth) + 1;
  const taps = 2 * Math.ceil(halfWidth);
  const kernel = new Float32Array(phases * taps);
  const i0Beta = besselI0(KAISER_BETA);
  for (let p = 0; p < phases; p++) {
    // Fractional offset of output samples with this phase: frac(n × step) for n ≡ p.
    const frac = (p * inRate) / outRate - Math.floor((p * inRate) / outRate);
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const t = firstTap + k - frac; // distance from the output position, input samples
      const r = t / halfWidth;
      const window = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta;
      const x = 2 * fc * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const v = 2 * fc * sinc * window;
      kernel[p * taps + k] = v;
      sum += v;
    }
    for (let k = 0; k < taps; k++) kernel[p * taps + k]! /= sum;
  }
  return { phases, taps, firstTap, kernel };
}

export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  /** Output sample n sits at input position n × step (in input samples). */
  readonly #step: number;
  /** Number of distinct fractional offsets (the output rate reduced by the gcd). */
  readonly #phases: number;
  /** Taps per phase and the index of the first tap relative to floor(position). */
  readonly #taps: number;
  readonly #firstTap: number;
  /** Kernel table, `#phases` × `#taps`, normalised so each phase sums to 1 (unity DC gain). */
  readonly #kernel: Float32Array;
  /** Unconsumed input; `#history[0]` is input sample number `#historyStart`. */
  #history: Float32Array = new Float32Array(0);
  #historyStart = 0;
  /** Next output sample number. */
  #nextOut = 0;

  constructor(inRate: number, outRate: number) {
    if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0) {
      throw new RangeError(`sample rates must be positive integers (got ${inRate} → ${outRate})`);
    }
    this.inRate = inRate;
    this.outRate = outRate;
    this.#step = inRate / outRate;
    const filter = filterFor(inRate, outRate);
    this.#phases = filter.phases;
    this.#taps = filter.taps;
    this.#firstTap = filter.firstTap;
    this.#kernel = filter.kernel;
  }

  /** Pushes float samples in [-1, 1] at `inRate`; returns every output sample now computable. */
  push(input: Float32Array): Float32Array {
    const merged = new Float32Array(this.#history.length + input.length);
    merged.set(this.#history, 0);
    merged.set(input, this.#history.length);
    this.#history = merged;
    return this.#drain(false);
  }

  /** Pads the end with silence and returns the remaining output; the resampler can be reused after. */
  flush(): Float32Array {
    const tail = new Float32Array(this.#taps);
    const merged = new Float32Array(this.#history.length + tail.length);
    merged.set(this.#history, 0);
    this.#history = merged;
    const out = this.#drain(true);
    this.#history = new Float32Array(0);
    this.#historyStart = 0;
    this.#nextOut = 0;
    return out;
  }

  #drain(flushing: boolean): Float32Array {
    const available = this.#historyStart + this.#history.length; // input samples seen
    const lastTap = this.#firstTap + this.#taps - 1;
    // Output n needs input up to floor(n × step) + lastTap.
    let end = Math.floor((available - 1 - lastTap) / this.#step) + 1;
    if (flushing) {
      // Only outputs whose centre lies within the real (unpadded) input.
      const realInput = available - this.#taps;
      end = Math.min(end, Math.ceil(realInput / this.#step));
    }
    const count = Math.max(0, end - this.#nextOut);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const n = this.#nextOut + i;
      const pos = n * this.#step;
      const base = Math.floor(pos + 1e-9);
      const phase = n % this.#phases;
      const kOffset = phase * this.#taps;
      let acc = 0;
      for (let k = 0; k < this.#taps; k++) {
        const idx = base + this.#firstTap + k - this.#historyStart;
        if (idx >= 0 && idx < this.#history.length) acc += this.#history[idx]! * this.#kernel[kOffset + k]!;
      }
      out[i] = acc;
    }
    this.#nextOut += count;
    // Keep only the input the next output still needs.
    const nextBase = Math.floor(this.#nextOut * this.#step + 1e-9) + this.#firstTap;
    const drop = Math.max(0, Math.min(this.#history.length, nextBase - this.#historyStart));
    if (drop > 0) {
      this.#history = this.#history.slice(drop);
      this.#historyStart += drop;
    }
    return out;
  }
}
