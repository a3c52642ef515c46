/**
 * Finds a sine tone in a recording (a person's test signature, audio.ts `toneHz` segments):
 * Goertzel power at the tone's frequency against the window's total power, per 20 ms window.
 * Speech spreads its energy over many frequencies; a pure tone puts nearly all of it in one bin.
 */

/** Start times (ms from the start of `samples`) of windows where `hz` carries ≥ `share` of the power and the level is ≥ `minDbfs`. */
export function toneWindows(samples: Int16Array, sampleRateHz: number, hz: number, opts: { windowMs?: number; share?: number; minDbfs?: number } = {}): number[] {
  const n = Math.round((sampleRateHz * (opts.windowMs ?? 20)) / 1000);
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / sampleRateHz);
  const out: number[] = [];
  for (let start = 0; start + n <= samples.length; start += n) {
    let s1 = 0;
    let s2 = 0;
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const x = samples[start + i]! / 32768;
      energy += x * x;
      const s0 = x + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const tonePower = (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (n / 2); // ≈ sum of x² at that frequency
    const db = 10 * Math.log10(energy / n + 1e-12);
    if (db >= (opts.minDbfs ?? -40) && tonePower / (energy + 1e-12) >= (opts.share ?? 0.6)) out.push((start / sampleRateHz) * 1000);
  }
  return out;
}
