import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { encodeWavPcm16, energyEnvelope, loudSpan, rmsLevel } from '@voice-widget/protocol';
import { REPO_ROOT } from '@voice-widget/stack';

/** The default utterances of bench:commit and bench:concurrency: real recordings from pocketsphinx-testdata. */
export const DEFAULT_AUDIO = [
  ...['0870', '0880', '0890', '0920', '0930'].map(
    (n) => `/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-${n}.wav`,
  ),
  ...['001', '002', '003', '004', '005'].map((n) => `/usr/share/pocketsphinx/test/data/cards/${n}.wav`),
  '/usr/share/pocketsphinx/test/data/goforward.raw',
  '/usr/share/pocketsphinx/test/data/numbers.raw',
  '/usr/share/pocketsphinx/test/data/something.raw',
];

/** The utterance files of `dir` (any *.wav), or the default set. @throws when `dir` has none. */
export function utteranceFiles(dir?: string): string[] {
  if (!dir) return DEFAULT_AUDIO.filter(existsSync);
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.wav'))
    .sort()
    .map((f) => join(dir, f));
  if (files.length === 0) throw new Error(`no .wav files in ${dir}`);
  return files;
}

/** Audio classes reported apart (and together). `custom`: recordings given with `--audio DIR`. */
export const AudioClass = z.enum(['clean', 'noisy', 'voices', 'short', 'custom']);
export type AudioClass = z.infer<typeof AudioClass>;

const Source = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('recording'), file: z.string(), trimS: z.tuple([z.number().min(0), z.number().positive()]).optional() }),
  z.strictObject({ kind: z.literal('espeak'), voice: z.string().regex(/^[\w+-]+$/), wpm: z.number().int().min(80).max(400), text: z.string().min(1).max(300) }),
  z.strictObject({ kind: z.literal('flite'), voice: z.string().regex(/^\w+$/), text: z.string().min(1).max(300) }),
]);
const Item = z.strictObject({
  id: z.string().regex(/^[\w.-]+$/),
  class: AudioClass,
  source: Source,
  /** Noise mixed over speech and pads, at `snrDb` below the speech's active level. */
  noise: z.strictObject({ kind: z.enum(['pink', 'brown', 'babble']), snrDb: z.number().min(-10).max(60) }).optional(),
  /** What is said, when known. */
  text: z.string().nullable().optional(),
});
/** bench/audio/manifest.json: what the generator builds. */
export const AudioManifest = z.strictObject({
  $comment: z.string().optional(),
  version: z.number().int(),
  padS: z.strictObject({ lead: z.number().min(0), tail: z.number().min(0) }),
  /** Speakers mixed into babble noise (never the target recording itself). */
  babbleSources: z.array(z.string()).min(2),
  items: z.array(Item).min(1),
});
export type AudioManifest = z.infer<typeof AudioManifest>;
export type AudioItem = z.infer<typeof Item>;

export const MANIFEST_PATH = join(REPO_ROOT, 'bench', 'audio', 'manifest.json');

/** One built utterance: a 48 kHz mono PCM16 WAV, and where its speech lies in it (energy, −45 dBFS). */
export interface Utterance {
  id: string;
  cls: AudioClass;
  wav: string;
  durationMs: number;
  /** First and end of the last 10 ms window of the speech (before noise) at or above −45 dBFS, ms from the file start. */
  speechStartMs: number;
  speechEndMs: number;
  text: string | null;
}

const RATE = 48_000;
/** Active speech level every utterance is set to, dBFS: a talker at a headset mic with AGC (ITU-T P.56 practice). */
const SPEECH_DBFS = -26;

/** Loads and validates the manifest. @throws Error naming the first problem. */
export function loadManifest(path = MANIFEST_PATH): AudioManifest {
  const parsed = AudioManifest.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Any sox-readable file (`.raw` = 16 kHz S16LE) as 48 kHz mono PCM16. */
function decode(file: string, trimS?: [number, number]): Int16Array {
  const input = file.endsWith('.raw') ? ['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', file] : [file];
  const effects = trimS ? ['trim', String(trimS[0]), String(trimS[1]), 'fade', 'q', '0.01', String(trimS[1]), '0.02'] : [];
  const buf = execFileSync('sox', ['-V1', ...input, '-t', 'raw', '-r', String(RATE), '-e', 'signed', '-b', '16', '-c', '1', '-', ...effects], { maxBuffer: 256 * 2 ** 20 });
  return new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

function speech(item: AudioItem, tmp: string): Int16Array {
  const s = item.source;
  if (s.kind === 'recording') return decode(s.file, s.trimS);
  const out = join(tmp, `${item.id}.tts.wav`);
  if (s.kind === 'espeak') execFileSync('espeak-ng', ['-v', s.voice, '-s', String(s.wpm), '-w', out, s.text]);
  else execFileSync('flite', ['-voice', s.voice, '-t', s.text, '-o', out]);
  return decode(out);
}

/** RMS of the 10 ms frames within 35 dB of the loudest (the speech's active level), 0..1. */
export function activeLevel(pcm: Int16Array, rateHz = RATE): number {
  const env = energyEnvelope(pcm, rateHz);
  const top = Math.max(...env);
  const frame = rateHz / 100;
  let sum = 0;
  let n = 0;
  env.forEach((db, i) => {
    if (db < top - 35) return;
    const r = rmsLevel(pcm, i * frame, (i + 1) * frame);
    sum += r * r;
    n++;
  });
  return Math.sqrt(sum / Math.max(1, n));
}

function noise(kind: 'pink' | 'brown' | 'babble', samples: number, manifest: AudioManifest, exclude: string, seed: number): Float64Array {
  const out = new Float64Array(samples);
  if (kind === 'babble') {
    // Four other speakers at once, each starting at a different point of its recording, looped.
    for (const [k, file] of manifest.babbleSources.filter((f) => f !== exclude).entries()) {
      const talker = decode(file);
      const gain = 1 / activeLevel(talker) / 32768;
      const offset = Math.floor(((seed + k * 7919) % 97) / 97 * talker.length);
      for (let i = 0; i < samples; i++) out[i]! += talker[(offset + i) % talker.length]! * gain;
    }
    return out;
  }
  const buf = execFileSync('sox', ['-V1', '-R', '-n', '-t', 'raw', '-r', String(RATE), '-e', 'signed', '-b', '16', '-c', '1', '-', 'synth', String(samples / RATE), `${kind}noise`]);
  const pcm = new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  for (let i = 0; i < samples; i++) out[i] = (pcm[i] ?? 0) / 32768;
  return out;
}

/**
 * Builds the WAV of one item (cached by a hash of its manifest entry): speech at −26 dBFS active
 * level, `padS` of silence around it, and the noise (if any) over the whole file at the SNR
 * given (noise RMS = speech active level − SNR).
 */
export function buildUtterance(item: AudioItem, manifest: AudioManifest, outDir: string): Utterance {
  mkdirSync(outDir, { recursive: true });
  const hash = createHash('sha256').update(JSON.stringify([manifest.version, manifest.padS, item, item.noise ? manifest.babbleSources : null])).digest('hex').slice(0, 10);
  const wav = join(outDir, `${item.id}-${hash}.wav`);
  const metaFile = `${wav}.json`;
  if (existsSync(wav) && existsSync(metaFile)) return JSON.parse(readFileSync(metaFile, 'utf8')) as Utterance;
  const raw = speech(item, outDir);
  const scale = 10 ** (SPEECH_DBFS / 20) / Math.max(1e-6, activeLevel(raw));
  const lead = Math.round(manifest.padS.lead * RATE);
  const total = lead + raw.length + Math.round(manifest.padS.tail * RATE);
  const clean = new Float64Array(total);
  raw.forEach((v, i) => (clean[lead + i] = (v / 32768) * scale));
  const mixed = Float64Array.from(clean);
  if (item.noise) {
    const n = noise(item.noise.kind, total, manifest, item.source.kind === 'recording' ? item.source.file : '', hash.charCodeAt(0));
    let sum = 0;
    for (const v of n) sum += v * v;
    const gain = 10 ** ((SPEECH_DBFS - item.noise.snrDb) / 20) / Math.sqrt(sum / total);
    for (let i = 0; i < total; i++) mixed[i]! += n[i]! * gain;
  }
  const toPcm = (x: Float64Array) => Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
  writeFileSync(wav, encodeWavPcm16(toPcm(mixed), RATE));
  const span = loudSpan(toPcm(clean), RATE) ?? { startMs: 0, endMs: (total / RATE) * 1000 };
  const meta: Utterance = {
    id: item.id,
    cls: item.class,
    wav,
    durationMs: (total / RATE) * 1000,
    speechStartMs: span.startMs,
    speechEndMs: span.endMs,
    text: item.text ?? null,
  };
  writeFileSync(metaFile, JSON.stringify(meta));
  return meta;
}

/** Builds every item of the manifest (plus `customDir`'s WAVs as class `custom`) under `outDir`. */
export function buildAudioSet(manifest: AudioManifest, outDir: string, customDir?: string): Utterance[] {
  const items: AudioItem[] = [...manifest.items];
  if (customDir) {
    for (const file of utteranceFiles(customDir)) {
      items.push({ id: `custom-${basename(file).replace(/\W+/g, '_')}`, class: 'custom', source: { kind: 'recording', file } });
    }
  }
  return items.map((item) => buildUtterance(item, manifest, outDir));
}
