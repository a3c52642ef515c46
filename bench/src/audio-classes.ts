import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * A varied set of caller utterances nobody tuned the model on, by class (issue 14), built with
 * Debian's sox, espeak-ng and flite from pocketsphinx-testdata's real human recordings:
 *
 * - `clean`: the human recordings as they are (LibriVox readers, card names, a command);
 * - `noisy_20db`, `noisy_10db`, `noisy_5db`: the same recordings with noise mixed in at that
 *   speech-to-noise ratio — pink noise for half of them, babble (three other readers, reversed so
 *   no word is intelligible) for the other half;
 * - `voices`: front-desk requests spoken by other synthetic voices and accents (flite's awb, rms,
 *   slt, kal; eSpeak NG's Scottish, Caribbean, West Midlands and RP English) than the model's own;
 * - `short`: one-word answers ("yes", "no", "okay", …) by those voices and by a human speaker
 *   (card recordings cut to one word are not available, so the human says "five five");
 * - `pauses`: turns in which the caller pauses 200–250 ms between phrases (longer than a gap between
 *   words, shorter than the end-of-turn silence), three to four phrases each, human and synthetic:
 *   what makes a streaming recognizer finalize early and start again.
 *
 * Every file is 16 kHz mono PCM16 WAV with 300 ms of silence before and after the speech. Built
 * once under `dir` and reused (delete the folder to rebuild).
 */
export type AudioClass = 'clean' | 'noisy_20db' | 'noisy_10db' | 'noisy_5db' | 'voices' | 'short' | 'pauses';
export const AUDIO_CLASSES: readonly AudioClass[] = ['clean', 'noisy_20db', 'noisy_10db', 'noisy_5db', 'voices', 'short', 'pauses'];

export interface Clip {
  class: AudioClass;
  /** 16 kHz mono PCM16 WAV. */
  file: string;
  /** What is said (the reference transcript, lowercase words). */
  text: string;
}

const TESTDATA = '/usr/share/pocketsphinx/test/data';
const LIBRIVOX = ['0870', '0880', '0890', '0920', '0930'].map((n) => `${TESTDATA}/librivox/sense_and_sensibility_01_austen_64kb-${n}.wav`);
/** LibriVox references from the recordings' own transcription file. */
function librivoxText(file: string): string {
  const id = basename(file, '.wav');
  const line = readFileSync(`${TESTDATA}/librivox/transcription`, 'utf8').split('\n').find((l) => l.includes(`(${id})`));
  const m = line && /<s>(.*)<\/s>/.exec(line);
  if (!m) throw new Error(`no reference for ${id}`);
  return m[1]!.trim().replace(/\s+/g, ' ');
}
const HUMAN: { file: string; text: string }[] = [
  ...LIBRIVOX.map((file) => ({ file, text: librivoxText(file) })),
  { file: `${TESTDATA}/goforward.raw`, text: 'go forward ten meters' },
  { file: `${TESTDATA}/cards/002.wav`, text: 'four queen of clubs' },
  { file: `${TESTDATA}/cards/005.wav`, text: 'eight of spades four of clubs seven of hearts' },
];
const REQUESTS = [
  'Where is my order? The number is one two three four.',
  'What time are you open tomorrow?',
  'I would like to speak to a person, please.',
  'Can you check when my package will be delivered?',
  'Hi, I have a question about my last invoice.',
  'Thanks, that is all I needed.',
];
const SHORT = ['Yes.', 'No.', 'Okay.', 'Yeah.', 'Nope.', 'Sure.'];
const FLITE = ['awb', 'rms', 'slt', 'kal'];
const ESPEAK = ['en-gb-scotland', 'en-029', 'en-gb-x-gbcwmd+f2', 'en-gb-x-rp+m4'];

const sox = (...args: string[]) => execFileSync('sox', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const soxInput = (file: string) => (file.endsWith('.raw') ? ['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', file] : [file]);

/** RMS amplitude (0–1) of a file, from `sox stat` (which reports on stderr). */
function rmsOf(file: string): number {
  const r = execFileSync('sh', ['-c', 'sox "$@" -n stat 2>&1', 'sh', ...soxInput(file)], { encoding: 'utf8' });
  const m = /RMS\s+amplitude:\s+([\d.]+)/.exec(r);
  if (!m) throw new Error(`sox stat gave no RMS for ${file}`);
  return Number(m[1]);
}

/** Writes `out` atomically from `make(tmp)`, unless it exists. */
function build(out: string, make: (tmp: string) => void): string {
  if (existsSync(out)) return out;
  const tmp = out.replace(/\.wav$/, '.tmp.wav');
  make(tmp);
  renameSync(tmp, out);
  return out;
}

/** 16 kHz mono with 300 ms of silence around it, normalised to −3 dBFS peak. */
function normalise(input: string[], out: string): void {
  sox(...input, '-r', '16000', '-c', '1', '-b', '16', out, 'gain', '-n', '-3', 'pad', '0.3', '0.3');
}

/** Builds (or reuses) the set under `dir`; returns every clip with its class. */
export function buildAudioClasses(dir: string): Clip[] {
  mkdirSync(dir, { recursive: true });
  const clips: Clip[] = [];
  const cleanFiles = HUMAN.map((h) => {
    const out = build(join(dir, `clean-${basename(h.file).replace(/\W+/g, '_')}.wav`), (tmp) => normalise(soxInput(h.file), tmp));
    clips.push({ class: 'clean', file: out, text: h.text });
    return out;
  });
  // Noise beds as long as the longest clip: pink noise, and babble of three reversed readers.
  const pink = build(join(dir, 'noise-pink.wav'), (tmp) => sox('-n', '-r', '16000', '-c', '1', '-b', '16', tmp, 'synth', '8', 'pinknoise', 'gain', '-n', '-20'));
  const babble = build(join(dir, 'noise-babble.wav'), (tmp) =>
    sox('-m', ...LIBRIVOX.slice(0, 3).flatMap((f) => ['-v', '0.6', f]), '-r', '16000', '-c', '1', '-b', '16', tmp, 'reverse', 'gain', '-n', '-20', 'pad', '0', '2'),
  );
  for (const snr of [20, 10, 5] as const) {
    const cls = `noisy_${snr}db` as AudioClass;
    cleanFiles.forEach((clean, i) => {
      const noise = i % 2 === 0 ? pink : babble;
      const out = build(join(dir, `${cls}-${basename(clean).replace(/^clean-/, '')}`), (tmp) => {
        // Scale the noise so that speech RMS / noise RMS = snr dB (RMS over the whole clip, pauses included).
        const gain = rmsOf(clean) / (rmsOf(noise) * 10 ** (snr / 20));
        const dur = execFileSync('soxi', ['-D', clean], { encoding: 'utf8' }).trim();
        sox('-m', clean, '-v', gain.toFixed(5), noise, '-b', '16', tmp, 'trim', '0', dur);
      });
      clips.push({ class: cls, file: out, text: HUMAN[i]!.text });
    });
  }
  const speak = (voice: string, text: string, out: string) =>
    build(out, (tmp) => {
      const raw = tmp.replace(/\.tmp\.wav$/, '.synth.wav');
      if (FLITE.includes(voice)) execFileSync('flite', ['-voice', voice, '-t', text, '-o', raw]);
      else execFileSync('espeak-ng', ['-v', voice, '-w', raw, text]);
      normalise([raw], tmp);
    });
  const voices = [...FLITE, ...ESPEAK];
  REQUESTS.forEach((text, i) => {
    for (const v of [voices[i % voices.length]!, voices[(i + 4) % voices.length]!]) {
      const file = speak(v, text, join(dir, `voices-${v.replace(/\W+/g, '_')}-${i}.wav`));
      clips.push({ class: 'voices', file, text: text.toLowerCase().replace(/[^a-z ]/g, '') });
    }
  });
  SHORT.forEach((text, i) => {
    for (const v of [voices[i % voices.length]!, voices[(i + 3) % voices.length]!]) {
      const file = speak(v, text, join(dir, `short-${v.replace(/\W+/g, '_')}-${i}.wav`));
      clips.push({ class: 'short', file, text: text.toLowerCase().replace(/[^a-z ]/g, '') });
    }
  });
  const fives = build(join(dir, 'short-human-cards004.wav'), (tmp) => normalise([`${TESTDATA}/cards/004.wav`], tmp));
  clips.push({ class: 'short', file: fives, text: 'five five' });
  // Phrases joined with short pauses: each part trimmed of its silence, then 200–250 ms between.
  const joined = (name: string, parts: Clip[], gapS: number) => {
    const out = build(join(dir, `pauses-${name}.wav`), (tmp) => {
      const trimmed = parts.map((p, i) => {
        const t = join(dir, `pauses-${name}.part${i}.wav`);
        sox(p.file, t, 'silence', '1', '0.02', '1%', 'reverse', 'silence', '1', '0.02', '1%', 'reverse', 'pad', '0', String(gapS));
        return t;
      });
      sox(...trimmed, tmp, 'pad', '0.3', '0.1');
    });
    clips.push({ class: 'pauses', file: out, text: parts.map((p) => p.text).join(' ') });
  };
  const byName = (prefix: string) => clips.filter((c) => c.file.includes(prefix));
  const human = byName('/clean-');
  const synth = clips.filter((c) => c.class === 'voices');
  joined('human-a', [human[5]!, human[6]!, human[7]!], 0.22);
  joined('human-b', [human[1]!, human[6]!, human[5]!, human[4]!], 0.25);
  joined('human-noisy', byName('/noisy_10db-').slice(5, 8), 0.2);
  joined('synth-a', [synth[0]!, synth[4]!, synth[8]!], 0.25);
  joined('synth-b', [synth[3]!, synth[7]!, synth[11]!, synth[2]!], 0.22);
  joined('synth-c', [synth[1]!, synth[5]!, synth[9]!], 0.2);
  return clips;
}
