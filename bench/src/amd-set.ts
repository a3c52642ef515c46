/**
 * The labeled answer recordings of `pnpm bench:amd`, generated from the committed manifest
 * (amd-cases.json) with tools the project ships: human answers cut from Debian's
 * pocketsphinx-testdata, greetings spoken by eSpeak NG and Flite, beeps and line noise, then
 * G.711 µ-law at 8 kHz band-limited 300–3400 Hz (sox) and back to PCM16 mono 16 kHz (what the
 * detector reads). Deterministic (`sox -R`); each case is cached under `dir` by a hash of its spec.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseWavPcm16, toDbfs } from '@voice-widget/protocol';
import { activeLevel } from './audio-set.ts';

const TESTDATA = '/usr/share/pocketsphinx/test/data';
const SR = 16_000;
/** Bump when the rendering changes, so cached cases are rebuilt. */
const GENERATOR_VERSION = 1;
/** Speech is normalised to this active RMS level before `gainDb`, dBFS. */
const SPEECH_DB = -24;
/** Beeps are generated at this RMS level before `gainDb`, dBFS. */
const BEEP_DB = -20;

const Noise = z.union([
  z.strictObject({ color: z.enum(['white', 'pink', 'brown']), snrDb: z.number().min(-10).max(60) }),
  z.strictObject({ color: z.enum(['white', 'pink', 'brown']), levelDb: z.number().min(-90).max(0) }),
]);
const Piece = z.union([
  z.strictObject({ silence: z.number().min(0).max(60) }),
  z.strictObject({ human: z.string(), tempo: z.number().min(0.5).max(2), pitchCents: z.number().min(-1200).max(1200), gainDb: z.number().min(-40).max(20) }),
  z.strictObject({ tts: z.literal('espeak'), voice: z.string().regex(/^[\w+-]+$/), text: z.string(), speed: z.number().int().min(80).max(450), gainDb: z.number() }),
  z.strictObject({ tts: z.literal('flite'), voice: z.string().regex(/^\w+$/), text: z.string(), stretch: z.number().min(0.5).max(2), gainDb: z.number() }),
  z.strictObject({ beep: z.number().min(100).max(4000), s: z.number().min(0.01).max(5), gainDb: z.number() }),
  z.strictObject({ burst: z.number().min(0.01).max(5), gainDb: z.number() }),
]);
const Case = z.strictObject({
  id: z.string(),
  split: z.enum(['tune', 'heldout', 'added']),
  truth: z.enum(['human', 'machine', 'silent']),
  pieces: z.array(Piece).min(1),
  noise: Noise.nullable(),
  telephone: z.boolean(),
});
const Manifest = z.strictObject({
  version: z.literal(1),
  about: z.string(),
  humanClips: z.record(z.string(), z.strictObject({ file: z.string(), fromS: z.number(), toS: z.number(), words: z.string() })),
  greetings: z.record(z.string(), z.string()),
  cases: z.array(Case),
});
export type AmdCase = z.infer<typeof Case>;
export type AmdManifest = z.infer<typeof Manifest>;
export type Truth = AmdCase['truth'];

/** What really is in a generated recording, ms from its start (= the answer). */
export interface CaseTruth {
  truth: Truth;
  /** The beep, if the case has one. */
  beep: { startMs: number; endMs: number; frequencyHz: number } | null;
  /** Start and end of each speech piece (human or greeting). */
  speech: { startMs: number; endMs: number }[];
}

/** One generated case. */
export interface BuiltCase {
  spec: AmdCase;
  wavPath: string;
  /** PCM16 mono 16 kHz. */
  samples: Int16Array;
  truth: CaseTruth;
}

/**
 * Reads and checks the manifest.
 * @throws Error when it does not match the schema, or a case names a clip or greeting that does not exist
 */
export function loadManifest(path = new URL('./amd-cases.json', import.meta.url)): AmdManifest {
  const parsed = Manifest.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`amd-cases.json: ${z.prettifyError(parsed.error)}`);
  const m = parsed.data;
  const ids = new Set<string>();
  for (const c of m.cases) {
    if (ids.has(c.id)) throw new Error(`amd-cases.json: duplicate case id ${c.id}`);
    ids.add(c.id);
    for (const p of c.pieces) {
      if ('human' in p && !m.humanClips[p.human]) throw new Error(`case ${c.id}: unknown human clip ${p.human}`);
      if ('tts' in p && !m.greetings[p.text]) throw new Error(`case ${c.id}: unknown greeting ${p.text}`);
    }
  }
  return m;
}

const sox = (args: string[]) => execFileSync('sox', ['-R', '-V1', ...args], { maxBuffer: 256 * 2 ** 20 });
const RAW16 = ['-t', 'raw', '-r', String(SR), '-e', 'signed', '-b', '16', '-c', '1'];
const toInt16 = (buf: Buffer) => new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + (buf.length & ~1)));
const dbToAmp = (db: number) => 10 ** (db / 20);

/** Active speech level (frames within 35 dB of the loudest), dBFS. */
const activeLevelDb = (x: Int16Array) => toDbfs(activeLevel(x, SR));

function scale(x: Int16Array, gain: number): Int16Array {
  return Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * gain))));
}

/** A piece as PCM16 16 kHz (speech normalised to SPEECH_DB + gainDb). */
function renderPiece(p: z.infer<typeof Piece>, m: AmdManifest, tmp: string): Int16Array {
  if ('silence' in p) return new Int16Array(Math.round(p.silence * SR));
  if ('beep' in p) {
    const n = Math.round(p.s * SR);
    const amp = dbToAmp(BEEP_DB + p.gainDb) * Math.SQRT2 * 32768;
    const fade = Math.round(0.005 * SR);
    return Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.min(1, i / fade, (n - 1 - i) / fade) * Math.sin((2 * Math.PI * p.beep * i) / SR)));
  }
  if ('burst' in p) {
    const x = toInt16(sox(['-n', ...RAW16, '-', 'synth', String(p.burst), 'pinknoise', 'fade', 'q', '0.01', String(p.burst), '0.05']));
    return scale(x, dbToAmp(SPEECH_DB + p.gainDb - activeLevelDb(x)));
  }
  let x: Int16Array;
  if ('human' in p) {
    const clip = m.humanClips[p.human]!;
    const file = join(TESTDATA, clip.file);
    const input = file.endsWith('.raw') ? [...RAW16, file] : [file];
    const effects = ['trim', String(clip.fromS), String(clip.toS - clip.fromS), 'fade', 'h', '0.01', '0', '0.02'];
    if (p.tempo !== 1) effects.push('tempo', '-s', String(p.tempo));
    if (p.pitchCents !== 0) effects.push('pitch', String(p.pitchCents));
    x = toInt16(sox([...input, ...RAW16, '-', ...effects]));
  } else {
    const text = m.greetings[p.text]!;
    const wav = join(tmp, 'tts.wav');
    if (p.tts === 'espeak') execFileSync('espeak-ng', ['-v', p.voice, '-s', String(p.speed), '-w', wav, text]);
    else execFileSync('flite', ['-voice', p.voice, '--setf', `duration_stretch=${p.stretch}`, '-t', text, '-o', wav]);
    x = toInt16(sox([wav, ...RAW16, '-']));
  }
  return scale(x, dbToAmp(SPEECH_DB + p.gainDb - activeLevelDb(x)));
}

/** Builds (or loads from the cache) one case. */
export function buildCase(spec: AmdCase, m: AmdManifest, dir: string): BuiltCase {
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha256')
    .update(JSON.stringify({ v: GENERATOR_VERSION, spec, clips: spec.pieces.map((p) => ('human' in p ? m.humanClips[p.human] : 'tts' in p ? m.greetings[p.text] : null)) }))
    .digest('hex')
    .slice(0, 12);
  const wavPath = join(dir, `${spec.id}-${key}.wav`);
  const truthPath = `${wavPath}.truth.json`;
  if (existsSync(wavPath) && existsSync(truthPath)) {
    return { spec, wavPath, samples: parseWavPcm16(readFileSync(wavPath)).samples, truth: JSON.parse(readFileSync(truthPath, 'utf8')) as CaseTruth };
  }
  const tmp = join(dir, `tmp-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  const parts: Int16Array[] = [];
  const truth: CaseTruth = { truth: spec.truth, beep: null, speech: [] };
  let at = 0;
  for (const p of spec.pieces) {
    const x = renderPiece(p, m, tmp);
    const startMs = (at / SR) * 1000;
    const endMs = ((at + x.length) / SR) * 1000;
    if ('beep' in p) truth.beep = { startMs, endMs, frequencyHz: p.beep };
    if ('human' in p || 'tts' in p) truth.speech.push({ startMs, endMs });
    parts.push(x);
    at += x.length;
  }
  const mixed = new Int16Array(at);
  let off = 0;
  for (const x of parts) (mixed.set(x, off), (off += x.length));
  if (spec.noise) {
    const noise = toInt16(sox(['-n', ...RAW16, '-', 'synth', String(at / SR), `${spec.noise.color}noise`]));
    const levelDb = 'snrDb' in spec.noise ? SPEECH_DB - spec.noise.snrDb : spec.noise.levelDb;
    const g = dbToAmp(levelDb - activeLevelDb(noise));
    for (let i = 0; i < at; i++) mixed[i] = Math.max(-32768, Math.min(32767, mixed[i]! + Math.round((noise[i] ?? 0) * g)));
  }
  const raw = join(tmp, 'mixed.raw');
  writeFileSync(raw, new Uint8Array(mixed.buffer));
  const out = join(tmp, 'out.wav');
  if (spec.telephone) {
    const ulaw = join(tmp, 'ulaw.wav');
    sox([...RAW16, raw, '-r', '8000', '-e', 'u-law', '-b', '8', ulaw, 'sinc', '300-3400']);
    sox([ulaw, '-r', String(SR), '-e', 'signed', '-b', '16', out]);
  } else {
    sox([...RAW16, raw, '-e', 'signed', '-b', '16', out]);
  }
  writeFileSync(truthPath, JSON.stringify(truth));
  renameSync(out, wavPath);
  rmSync(tmp, { recursive: true, force: true });
  return { spec, wavPath, samples: parseWavPcm16(readFileSync(wavPath)).samples, truth };
}

/** A word of the offline recogniser's transcript, ms from the start of the recording. */
export interface AsrWord {
  word: string;
  startMs: number;
  endMs: number;
}

/**
 * The words PocketSphinx (the project's offline recogniser, Debian `pocketsphinx` with the
 * en-us model) hears in a case, with times; cached next to the WAV.
 */
export function transcribe(built: BuiltCase): AsrWord[] {
  const cache = `${built.wavPath}.asr.json`;
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as AsrWord[];
  const out = execFileSync('pocketsphinx_continuous', ['-infile', built.wavPath, '-time', 'yes', '-logfn', '/dev/null'], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  const words: AsrWord[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\S+) (\d+\.\d+) (\d+\.\d+) (\d+\.\d+)$/.exec(line.trim());
    if (!m || /^[<[]/.test(m[1]!)) continue;
    words.push({ word: m[1]!.replace(/\(\d+\)$/, ''), startMs: Math.round(Number(m[2]) * 1000), endMs: Math.round(Number(m[3]) * 1000) });
  }
  writeFileSync(cache, JSON.stringify(words));
  return words;
}
