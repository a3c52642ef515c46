/**
 * `pnpm bench:asr [--out FILE]`
 *
 * Word error rate and decoding cost of the offline recognizer settings on the varied audio set
 * (audio-classes.ts), one decoder at a time: PocketSphinx with its default search and with the
 * pruned, single-pass search the model uses (`FAST_SEARCH_ARGS`), its endpointer at 500 ms (the
 * default) and at 250 ms. CPU includes loading the model (~0.3 s per process), as every turn pays it. WER = word-level Levenshtein
 * distance / reference words (NIST's definition), per audio class; cost = CPU seconds (user + sys of
 * the decoder, from /usr/bin/time) per second of audio: below 1 a decoder keeps up with real time on
 * one free core, below ~0.25 it keeps up beside a browser, LiveKit and an agent on 2 cores.
 * Other recognizers are listed in BENCHMARKS.md with why they could not be run here.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FAST_SEARCH_ARGS } from '@voice-widget/local-realtime';
import { REPO_ROOT } from '@voice-widget/stack';
import { AUDIO_CLASSES, buildAudioClasses } from './audio-classes.ts';
import { machineInfo } from './machine.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? join(REPO_ROOT, 'bench', 'results', 'asr.json'));

const SETTINGS: Record<string, string[]> = {
  'PocketSphinx 0.8 en-us, default search': [],
  'PocketSphinx 0.8 en-us, pruned single pass, endpointer 500 ms (before)': FAST_SEARCH_ARGS.filter((a, i, all) => a !== '-vad_postspeech' && all[i - 1] !== '-vad_postspeech'),
  'PocketSphinx 0.8 en-us, pruned single pass, endpointer 250 ms (the model’s)': FAST_SEARCH_ARGS,
};

const words = (t: string) => t.toLowerCase().replace(/[^a-z' ]/g, ' ').split(/\s+/).filter(Boolean);

/** Word-level edit distance between reference and hypothesis. */
function editDistance(ref: string[], hyp: string[]): number {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[hyp.length]!;
}

const tmp = mkdtempSync(join(tmpdir(), 'asr-eval-'));
const clips = buildAudioClasses(join(REPO_ROOT, '.state', 'audio-classes'));
const rows: { setting: string; class: string; refWords: number; errors: number; audioS: number; cpuS: number }[] = [];
try {
  for (const [setting, args] of Object.entries(SETTINGS)) {
    for (const cls of AUDIO_CLASSES) {
      const row = { setting, class: cls, refWords: 0, errors: 0, audioS: 0, cpuS: 0 };
      for (const clip of clips.filter((c) => c.class === cls)) {
        const raw = join(tmp, 'clip.raw');
        execFileSync('sox', [clip.file, '-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', raw]);
        const timeFile = join(tmp, 'time');
        const hyp = execFileSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, 'pocketsphinx_continuous', '-infile', raw, '-logfn', '/dev/null', ...args], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        const [user, sys] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
        const ref = words(clip.text);
        row.refWords += ref.length;
        row.errors += editDistance(ref, words(hyp));
        row.audioS += readFileSync(raw).length / 32_000;
        row.cpuS += (user ?? 0) + (sys ?? 0);
      }
      rows.push(row);
      console.log(`  ${setting} / ${cls}: WER ${(row.errors / row.refWords).toFixed(2)}, CPU ${(row.cpuS / row.audioS).toFixed(2)} s per audio s`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const table = [
  '| recognizer | ' + AUDIO_CLASSES.join(' | ') + ' | all | CPU s per audio s |',
  '|---|' + AUDIO_CLASSES.map(() => '---').join('|') + '|---|---|',
  ...Object.keys(SETTINGS).map((setting) => {
    const rs = rows.filter((r) => r.setting === setting);
    const wer = (r: { errors: number; refWords: number }) => (r.errors / r.refWords).toFixed(2);
    const all = rs.reduce((a, r) => ({ errors: a.errors + r.errors, refWords: a.refWords + r.refWords, cpuS: a.cpuS + r.cpuS, audioS: a.audioS + r.audioS }), { errors: 0, refWords: 0, cpuS: 0, audioS: 0 });
    return `| ${setting} | ${rs.map(wer).join(' | ')} | ${wer(all)} | ${(all.cpuS / all.audioS).toFixed(2)} |`;
  }),
].join('\n');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ kind: 'asr', date: new Date().toISOString(), machine: machineInfo(), rows }, null, 2));
writeFileSync(out.replace(/\.json$/, '.md'), `Word error rate per audio class (whole files, one decoder at a time):\n\n${table}\n`);
console.log(`\n${table}\nwrote ${out} (+ .md)`);
