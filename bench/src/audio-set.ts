import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The default utterances: real human recordings shipped in Debian's pocketsphinx-testdata. */
export const DEFAULT_AUDIO = [
  ...['0870', '0880', '0890', '0920', '0930'].map(
    (n) => `/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-${n}.wav`,
  ),
  ...['001', '002', '003', '004', '005'].map((n) => `/usr/share/pocketsphinx/test/data/cards/${n}.wav`),
  '/usr/share/pocketsphinx/test/data/goforward.raw',
  '/usr/share/pocketsphinx/test/data/numbers.raw',
  '/usr/share/pocketsphinx/test/data/something.raw',
];

/** Duration of a WAV/raw file in seconds (sox). */
export function durationS(file: string): number {
  return Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
}

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

/** A mic schedule: the WAV Chromium plays, and when each utterance starts in it (s). */
export interface MicPlan {
  wav: string;
  utteranceStartsS: number[];
  utteranceEndsS: number[];
  totalS: number;
}

/**
 * Builds the caller's microphone track: `leadS` of silence (the greeting plays), then each
 * utterance followed by `gapS` of silence (the reply plays), cycling through `files` for `turns`
 * turns. 48 kHz mono S16 WAV under `outDir`.
 */
export function buildMicPlan(files: string[], turns: number, leadS: number, gapS: number, outDir: string, name: string): MicPlan {
  mkdirSync(outDir, { recursive: true });
  const norm = (f: string, i: number) => {
    const out = join(outDir, `utt-${i}-${basename(f).replace(/\W+/g, '_')}.wav`);
    if (!existsSync(out)) {
      const input = f.endsWith('.raw') ? ['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', f] : [f];
      execFileSync('sox', [...input, '-r', '48000', '-c', '1', '-b', '16', out]);
    }
    return out;
  };
  const utts = files.map(norm);
  const silence = (s: number) => {
    const out = join(outDir, `silence-${s}.wav`);
    if (!existsSync(out)) execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', out, 'trim', '0', String(s)]);
    return out;
  };
  const parts = [silence(leadS)];
  const starts: number[] = [];
  const ends: number[] = [];
  let t = leadS;
  for (let i = 0; i < turns; i++) {
    const u = utts[i % utts.length]!;
    starts.push(t);
    t += durationS(u);
    ends.push(t);
    parts.push(u, silence(gapS));
    t += gapS;
  }
  const wav = join(outDir, `${name}.wav`);
  execFileSync('sox', [...parts, wav]);
  return { wav, utteranceStartsS: starts, utteranceEndsS: ends, totalS: t };
}
