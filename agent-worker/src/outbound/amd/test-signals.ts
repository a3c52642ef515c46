/**
 * Signals for the AMD unit tests, PCM16 mono 16 kHz: tones, seeded noise, silence, and real human
 * speech from Debian's pocketsphinx-testdata (installed by scripts/setup.sh).
 */
import { readFileSync } from 'node:fs';
import { parseWavPcm16 } from '@voice-widget/protocol';
import { AMD_SAMPLE_RATE_HZ } from './types.ts';

const SR = AMD_SAMPLE_RATE_HZ;
const n = (ms: number) => Math.round((ms * SR) / 1000);

/** A sine of `frequencyHz` at `levelDb` dBFS RMS, with 5 ms fades. */
export function tone(frequencyHz: number, ms: number, levelDb = -12): Int16Array {
  const out = new Int16Array(n(ms));
  const amp = 10 ** (levelDb / 20) * Math.SQRT2 * 32768;
  const fade = n(5);
  for (let i = 0; i < out.length; i++) {
    const g = Math.min(1, i / fade, (out.length - 1 - i) / fade);
    out[i] = Math.round(amp * g * Math.sin((2 * Math.PI * frequencyHz * i) / SR));
  }
  return out;
}

/** Digital silence. */
export function silence(ms: number): Int16Array {
  return new Int16Array(n(ms));
}

/** White noise at `levelDb` dBFS RMS from a seeded generator (mulberry32), the same every run. */
export function noise(ms: number, levelDb: number, seed = 1): Int16Array {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Int16Array(n(ms));
  const amp = 10 ** (levelDb / 20) * Math.sqrt(3) * 32768; // uniform in [-a, a] has RMS a/√3
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amp * (2 * rand() - 1));
  return out;
}

/** Sample-wise sum, clipped to PCM16 (lengths may differ; the result has the longer one). */
export function mix(a: Int16Array, b: Int16Array): Int16Array {
  const out = new Int16Array(Math.max(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, (a[i] ?? 0) + (b[i] ?? 0)));
  return out;
}

/** Pieces one after another. */
export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const TESTDATA = '/usr/share/pocketsphinx/test/data';

/**
 * A real recording from pocketsphinx-testdata, cut to `[fromMs, toMs)` (16 kHz mono):
 * `cards/001.wav` ("ten of clubs", speech 0.04–0.94 s), `goforward.raw` ("go forward ten meters",
 * speech 0.46–2.11 s), `librivox/…-0880.wav` ("he was not an ill disposed young man", 0.21–2.79 s),
 * `librivox/…-0870.wav` (7 s of read speech without a pause longer than 0.1 s, 0.15–7.04 s).
 */
export function recording(name: 'cards-001' | 'goforward' | 'librivox-0880' | 'librivox-0870', fromMs = 0, toMs = Infinity): Int16Array {
  let samples: Int16Array;
  if (name === 'goforward') {
    const b = readFileSync(`${TESTDATA}/goforward.raw`);
    samples = new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + (b.length & ~1)));
  } else {
    const file = name === 'cards-001' ? 'cards/001.wav' : `librivox/sense_and_sensibility_01_austen_64kb-${name.slice(-4)}.wav`;
    samples = parseWavPcm16(readFileSync(`${TESTDATA}/${file}`)).samples;
  }
  return samples.slice(n(fromMs), Math.min(samples.length, n(toMs)));
}

/** Splits audio into frames of `frameMs` starting at `startMs` (ms on the test's clock). */
export function frames(samples: Int16Array, frameMs = 20, startMs = 0): { samples: Int16Array; startMs: number }[] {
  const step = n(frameMs);
  const out: { samples: Int16Array; startMs: number }[] = [];
  for (let i = 0; i + step <= samples.length; i += step) out.push({ samples: samples.slice(i, i + step), startMs: startMs + (i / SR) * 1000 });
  return out;
}
