import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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

/** One piece of the caller's audio: a recording, or silence of `silenceS` seconds. */
export type Segment = { recording: RecordingName } | { silenceS: number };

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
    if ('silenceS' in seg) {
      execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', part, 'trim', '0', String(seg.silenceS)]);
    } else {
      const rec = RECORDINGS[seg.recording];
      const input = rec.raw ? ['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', rec.file] : [rec.file];
      execFileSync('sox', [...input, '-r', '48000', '-c', '1', '-b', '16', part]);
    }
    return part;
  });
  execFileSync('sox', [...parts, out]);
  return out;
}
