/**
 * PCM16 helpers. Wire audio is always PCM16 little-endian mono 24 kHz (OpenAI Realtime
 * `audio/pcm`); the VAD and PocketSphinx work at 16 kHz.
 */

/** Sample rate of the wire protocol, both directions, in Hz. */
export const WIRE_SAMPLE_RATE = 24_000;
/** Sample rate Silero VAD and PocketSphinx run at, in Hz. */
export const RECOGNIZER_SAMPLE_RATE = 16_000;

/** Canonical base64 (RFC 4648 §4, padded): what `Buffer.from(x, 'base64')` accepts without silently skipping junk. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type DecodeResult =
  | { ok: true; samples: Int16Array }
  | { ok: false; reason: 'invalid_base64' | 'odd_length' };

/** Decodes a base64 string of PCM16 LE audio; rejects non-canonical base64 and odd byte counts. */
export function decodePcm16Base64(audio: string): DecodeResult {
  if (!BASE64.test(audio)) return { ok: false, reason: 'invalid_base64' };
  const bytes = Buffer.from(audio, 'base64');
  if (bytes.length % 2 !== 0) return { ok: false, reason: 'odd_length' };
  // Copy into an aligned buffer: Buffer pool slices may start at odd offsets.
  const samples = new Int16Array(bytes.length / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
  return { ok: true, samples };
}

/** Encodes PCM16 samples as base64 (little-endian, as the wire expects). */
export function encodePcm16Base64(samples: Int16Array): string {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
}

/** Duration of `samples` at `sampleRate` Hz, in ms. */
export function samplesToMs(samples: number, sampleRate: number = WIRE_SAMPLE_RATE): number {
  return (samples * 1000) / sampleRate;
}

/** Number of samples in `ms` at `sampleRate` Hz (rounded down). */
export function msToSamples(ms: number, sampleRate: number = WIRE_SAMPLE_RATE): number {
  return Math.floor((ms * sampleRate) / 1000);
}

/** Int16 → float in [-1, 1). */
export function int16ToFloat32(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}

/** Float in [-1, 1] → Int16, clipped. */
export function float32ToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i]! * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** Concatenates Int16 chunks into one array. */
export function concatInt16(chunks: readonly Int16Array[]): Int16Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Int16Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Index of the first sample whose magnitude reaches `threshold` (or `samples.length`). */
export function firstLoudSample(samples: Int16Array, threshold: number): number {
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (v >= threshold || v <= -threshold) return i;
  }
  return samples.length;
}
