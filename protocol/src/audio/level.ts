/**
 * Signal level, the one implementation every part uses (page VAD frames, the phone-latency
 * envelope, synthetic callers, test recordings). RMS over a window, in dBFS: 0 dBFS is a
 * full-scale square wave; PCM16 full scale is 32768, Float32 (Web Audio) full scale is 1.0.
 */

/** Samples as they come: PCM16 (full scale 32768) or Web Audio Float32 (full scale 1). */
export type Samples = Int16Array | Float32Array;

/** Default floor for silence, dBFS: what {@link levelDbfs} returns for digital silence. */
export const SILENCE_DBFS = -120;

/** latency.md's level threshold: a 10 ms window is audible at or above this, dBFS. */
export const AUDIBLE_DBFS = -45;

const fullScale = (s: Samples) => (s instanceof Int16Array ? 32768 : 1);

/** RMS of `samples[start, end)` relative to full scale (0..≈1); 0 for an empty window. */
export function rmsLevel(samples: Samples, start = 0, end = samples.length): number {
  const from = Math.max(0, start);
  const to = Math.min(samples.length, end);
  if (to <= from) return 0;
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / (to - from)) / fullScale(samples);
}

/** A relative RMS level (0..1) in dBFS, never below `floorDb`. */
export function toDbfs(rms: number, floorDb = SILENCE_DBFS): number {
  return rms > 10 ** (floorDb / 20) ? 20 * Math.log10(rms) : floorDb;
}

/** RMS level of `samples[start, end)` in dBFS, never below `floorDb` (default −120). */
export function levelDbfs(samples: Samples, start = 0, end = samples.length, floorDb = SILENCE_DBFS): number {
  return toDbfs(rmsLevel(samples, start, end), floorDb);
}

/**
 * Level of each `frameMs` frame in dBFS (RMS; digital silence is `floorDb`). The last partial
 * frame is dropped.
 */
export function energyEnvelope(samples: Samples, sampleRateHz: number, frameMs = 10, floorDb = SILENCE_DBFS): Float64Array {
  const frame = Math.max(1, Math.round((sampleRateHz * frameMs) / 1000));
  const out = new Float64Array(Math.floor(samples.length / frame));
  for (let i = 0; i < out.length; i++) out[i] = levelDbfs(samples, i * frame, (i + 1) * frame, floorDb);
  return out;
}

/**
 * Time of the first and of the end of the last `frameMs` window at or above `thresholdDbfs`, ms
 * from the start; null when nothing reaches it.
 */
export function loudSpan(samples: Samples, sampleRateHz: number, thresholdDbfs = AUDIBLE_DBFS, frameMs = 10): { startMs: number; endMs: number } | null {
  const env = energyEnvelope(samples, sampleRateHz, frameMs);
  let first = -1;
  let last = -1;
  for (let i = 0; i < env.length; i++) {
    if (env[i]! < thresholdDbfs) continue;
    if (first < 0) first = i;
    last = i;
  }
  return first < 0 ? null : { startMs: first * frameMs, endMs: (last + 1) * frameMs };
}
