import { spawn } from 'node:child_process';
import { WIRE_SAMPLE_RATE, concatInt16, firstLoudSample, float32ToInt16, int16ToFloat32 } from '../audio/pcm.ts';
import { Resampler } from '../audio/resampler.ts';
import { WavStreamParser } from '../audio/wav.ts';
import { AsyncQueue } from '../util/async-queue.ts';

/**
 * eSpeak NG (`espeak-ng --stdout`, Debian package `espeak-ng`): text in on stdin, a WAV stream
 * (22.05 kHz PCM16 mono) out as it is synthesized, ~9 ms to the first byte. Yields PCM16 mono
 * 24 kHz chunks as they are produced, with the leading near-silence trimmed (it is heard as delay).
 */

export interface EspeakOptions {
  /** Executable, default `espeak-ng`. */
  command?: string;
}

/** Samples under this magnitude at the start count as silence and are dropped. */
const LEADING_SILENCE_LEVEL = 200;
/** Audio kept before the first loud sample, samples at 24 kHz (2 ms). */
const KEEP_BEFORE_ONSET = 48;

/** Synthesizes `text` with eSpeak voice `voice` at `wpm` words per minute; yields PCM16 mono 24 kHz chunks. */
export async function* espeakStream(
  text: string,
  voice: string,
  wpm: number,
  opts: EspeakOptions = {},
  signal?: AbortSignal,
): AsyncGenerator<Int16Array> {
  const child = spawn(opts.command ?? 'espeak-ng', ['--stdout', '-b', '1', '-v', voice, '-s', String(wpm)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const queue = new AsyncQueue<Buffer>();
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => queue.push(b));
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 1_000) stderr += b.toString();
  });
  child.on('error', (e) => queue.close(e));
  child.on('close', (code) => queue.close(code === 0 ? undefined : new Error(`espeak-ng exited with ${code}: ${stderr.trim()}`)));
  child.stdin.on('error', () => {});
  child.stdin.end(text);
  const onAbort = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', onAbort, { once: true });

  const parser = new WavStreamParser();
  let resampler: Resampler | null = null;
  let onsetFound = false;
  let held = new Int16Array(0); // the last few samples of leading silence
  const trimLeading = (pcm: Int16Array): Int16Array => {
    if (onsetFound) return pcm;
    const all = concatInt16([held, pcm]);
    const onset = held.length + firstLoudSample(pcm, LEADING_SILENCE_LEVEL);
    if (onset === all.length) {
      held = all.slice(Math.max(0, all.length - KEEP_BEFORE_ONSET));
      return new Int16Array(0);
    }
    onsetFound = true;
    return all.subarray(Math.max(0, onset - KEEP_BEFORE_ONSET));
  };
  try {
    for await (const bytes of queue) {
      const samples = parser.push(bytes);
      if (!samples.length) continue;
      const format = parser.format!;
      resampler ??= new Resampler(format.sampleRate, WIRE_SAMPLE_RATE);
      const out = trimLeading(float32ToInt16(resampler.push(int16ToFloat32(samples))));
      if (out.length) yield out;
    }
    if (resampler) {
      const out = trimLeading(float32ToInt16(resampler.flush()));
      if (out.length) yield out;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
