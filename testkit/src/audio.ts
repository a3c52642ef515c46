import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loudSpan, parseWavPcm16 } from '@voice-widget/protocol';
import { STATE_DIR } from '@voice-widget/stack';

/** Real human recordings from Debian's pocketsphinx-testdata (16 kHz mono), with their transcripts. */
export const TESTDATA = '/usr/share/pocketsphinx/test/data';
export const RECORDINGS = {
  goforward: { file: `${TESTDATA}/goforward.raw`, raw: true, text: 'go forward ten meters' },
  illDisposed: {
    file: `${TESTDATA}/librivox/sense_and_sensibility_01_austen_64kb-0880.wav`,
    raw: false,
    text: 'he was not an ill disposed young man',
  },
  amiable: {
    file: `${TESTDATA}/librivox/sense_and_sensibility_01_austen_64kb-0930.wav`,
    raw: false,
    text: 'he might even have been made amiable himself',
  },
} as const;
export type RecordingName = keyof typeof RECORDINGS;

/**
 * One piece of the caller's audio: a recording (or the part `trimS` = [from, to] seconds of it),
 * synthetic speech (`voice`: `espeak:<voice>`, default `espeak:en-us`, or `flite:<voice>`, e.g.
 * `flite:rms`), silence of `silenceS` seconds, or a sine tone of `toneHz` for `seconds` at `gainDb`
 * dBFS peak (default −12: a signature that proves whose audio arrived where; or a voicemail beep).
 */
export type Segment =
  | { recording: RecordingName; trimS?: [number, number] }
  | { say: string; voice?: string }
  | { silenceS: number }
  | { toneHz: number; seconds: number; gainDb?: number };

/** sox arguments that write segment `seg` (silence or a tone) at `rateHz` to `out`; null for speech. */
export function synthArgs(seg: Segment, rateHz: number, out: string): string[] | null {
  if ('silenceS' in seg) return ['-n', '-r', String(rateHz), '-c', '1', '-b', '16', out, 'trim', '0', String(seg.silenceS)];
  if ('toneHz' in seg) return ['-n', '-r', String(rateHz), '-c', '1', '-b', '16', out, 'synth', String(seg.seconds), 'sine', String(seg.toneHz), 'gain', String(seg.gainDb ?? -12)];
  return null;
}

/** sox arguments after the output file that shape a speech segment (the cut of a recording). */
export function segmentEffects(seg: Segment): string[] {
  return 'recording' in seg && seg.trimS ? ['trim', String(seg.trimS[0]), `=${seg.trimS[1]}`] : [];
}

/**
 * sox input arguments of a speech segment: a recording, or `say` spoken by eSpeak NG (150 words a
 * minute) or Flite (cached under .state/audio by voice and text).
 */
export function speechInput(seg: Extract<Segment, { recording: RecordingName } | { say: string }>): string[] {
  if ('say' in seg) {
    const dir = join(STATE_DIR, 'audio');
    mkdirSync(dir, { recursive: true });
    const [engine, voice] = (seg.voice ?? 'espeak:en-us').split(':') as [string, string];
    const out = join(dir, `say-${engine}-${voice}-${seg.say.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60)}.wav`);
    if (!existsSync(out)) {
      if (engine === 'flite') execFileSync('flite', ['-voice', voice, '-t', seg.say, '-o', out]);
      else execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', out, seg.say]);
    }
    return [out];
  }
  const rec = RECORDINGS[seg.recording];
  return rec.raw ? ['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', rec.file] : [rec.file];
}

/**
 * Builds the caller's microphone WAV (48 kHz mono S16, what Chromium's fake capture expects):
 * the segments in order. Cached by name under .state/audio.
 * @throws Error when sox or the recordings are missing (scripts/setup.sh installs them).
 */
export function callerWav(name: string, segments: Segment[]): string {
  const dir = join(STATE_DIR, 'audio');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}.wav`);
  if (existsSync(out)) return out;
  const parts = segments.map((seg, i) => {
    const part = join(dir, `${name}.part${i}.wav`);
    const synth = synthArgs(seg, 48_000, part);
    if (synth) execFileSync('sox', synth);
    else execFileSync('sox', [...speechInput(seg as Parameters<typeof speechInput>[0]), '-r', '48000', '-c', '1', '-b', '16', part, ...segmentEffects(seg)]);
    return part;
  });
  execFileSync('sox', [...parts, out]);
  return out;
}

/**
 * Where speech starts in a WAV (PCM16 mono): the first 10 ms window whose RMS reaches
 * `thresholdDbfs`, in ms from the start of the file. The default −35 dBFS sits above the
 * LibriVox clips' −45…−50 dBFS noise floor and below their speech (−20…−30 dBFS).
 * @throws Error when nothing in the file reaches the threshold.
 */
export function speechOnsetMs(wavPath: string, thresholdDbfs = -35): number {
  const { samples, sampleRateHz } = parseWavPcm16(readFileSync(wavPath));
  const span = loudSpan(samples, sampleRateHz, thresholdDbfs);
  if (!span) throw new Error(`no sound above ${thresholdDbfs} dBFS in ${wavPath}`);
  return span.startMs;
}

/**
 * A cough-like burst: `durationS` of pink noise with a fast attack and decay at `gainDb`, between
 * silences. Built with sox; cached by name under .state/audio.
 */
export function noiseBurstWav(name: string, opts: { leadS: number; durationS: number; tailS: number; gainDb?: number }): string {
  const dir = join(STATE_DIR, 'audio');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}.wav`);
  if (existsSync(out)) return out;
  const burst = join(dir, `${name}.burst.wav`);
  execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', burst, 'synth', String(opts.durationS), 'pinknoise', 'fade', 'q', '0.01', String(opts.durationS), '0.06', 'gain', String(opts.gainDb ?? -6)]);
  execFileSync('sox', [burst, out, 'pad', String(opts.leadS), String(opts.tailS)]);
  return out;
}
