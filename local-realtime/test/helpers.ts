import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { concatInt16, encodePcm16Base64, float32ToInt16, int16ToFloat32 } from '../src/audio/pcm.ts';
import { Resampler } from '../src/audio/resampler.ts';
import { WavStreamParser } from '../src/audio/wav.ts';
import { DEFAULT_SCRIPT } from '../src/responder/default-script.ts';
import type { DialogueScript } from '../src/responder/script.ts';
import { words } from '../src/responder/text.ts';

/** Real human recordings from the Debian package `pocketsphinx-testdata`. */
export const TESTDATA = '/usr/share/pocketsphinx/test/data';

export interface Recording {
  name: string;
  /** PCM16 mono 24 kHz. */
  pcm: Int16Array;
  reference: string;
}

/**
 * Reference transcripts of the recordings that ship one, by file name: LibriVox and cards from their
 * transcription files, goforward.raw from its grammar (goforward.gram). numbers.raw and
 * something.raw ship none, so they are not scored.
 */
export function references(): Map<string, string> {
  const refs = new Map<string, string>([['goforward.raw', 'go forward ten meters']]);
  for (const [dir, file] of [
    ['librivox', 'transcription'],
    ['cards', 'cards.transcription'],
  ] as const) {
    for (const line of readFileSync(path.join(TESTDATA, dir, file), 'utf8').split('\n')) {
      const m = /^<s>(.*)<\/s>\s*\(([^)]+)\)/.exec(line.trim());
      if (m) refs.set(`${dir}/${m[2]}.wav`, m[1]!.trim().replace(/\s+/g, ' '));
    }
  }
  return refs;
}

/** Loads a 16 kHz recording (raw S16LE or WAV) and resamples it to 24 kHz. */
export function loadRecording(name: string): Recording {
  const bytes = readFileSync(path.join(TESTDATA, name));
  let pcm16k: Int16Array;
  if (name.endsWith('.wav')) {
    const parser = new WavStreamParser();
    pcm16k = parser.push(bytes);
    if (parser.format?.sampleRate !== 16_000 || parser.format.channels !== 1) throw new Error(`${name}: expected 16 kHz mono`);
  } else {
    pcm16k = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length - (bytes.length % 2)));
  }
  const r = new Resampler(16_000, 24_000);
  const pcm = concatInt16([float32ToInt16(r.push(int16ToFloat32(pcm16k))), float32ToInt16(r.flush())]);
  const reference = references().get(name);
  if (reference === undefined) throw new Error(`no reference transcript for ${name}`);
  return { name, pcm, reference };
}

/** Word error rate of `hypothesis` against `reference` (Levenshtein on words / reference length). */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const r = words(reference);
  const h = words(hypothesis);
  const d = Array.from({ length: r.length + 1 }, (_, i) => [i, ...Array<number>(h.length).fill(0)]);
  for (let j = 1; j <= h.length; j++) d[0]![j] = j;
  for (let i = 1; i <= r.length; i++) {
    for (let j = 1; j <= h.length; j++) {
      const cost = r[i - 1] === h[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
    }
  }
  return r.length ? d[r.length]![h.length]! / r.length : h.length ? 1 : 0;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** 100 ms chunks of PCM16 24 kHz. */
export function chunks(pcm: Int16Array, samples = 2_400): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i < pcm.length; i += samples) out.push(pcm.subarray(i, i + samples));
  return out;
}

export function silence(ms: number): Int16Array {
  return new Int16Array(Math.round(ms * 24));
}

/**
 * Calls `send` with each 100 ms chunk at real-time pace (drift-free: chunk k goes out at k × 100 ms).
 * Resolves when all are sent; `stop()` on the returned handle ends early.
 */
export function streamRealtime(pcm: Int16Array, send: (chunk: Int16Array) => void): { done: Promise<void>; stop: () => void } {
  let stopped = false;
  const done = (async () => {
    const t0 = performance.now();
    const list = chunks(pcm);
    for (let k = 0; k < list.length && !stopped; k++) {
      const wait = t0 + k * 100 - performance.now();
      if (wait > 0) await sleep(wait);
      if (!stopped) send(list[k]!);
    }
  })();
  return { done, stop: () => (stopped = true) };
}

type AnyEvent = { type: string; [k: string]: any };

/** Every event received on a connection, with arrival times, and a way to wait for the next match. */
export class EventLog {
  readonly events: (AnyEvent & { at: number })[] = [];
  #waiters: { pred: (e: AnyEvent) => boolean; from: number; resolve: (e: AnyEvent & { at: number }) => void }[] = [];

  push(e: AnyEvent): void {
    const stamped = { ...e, at: performance.now() };
    this.events.push(stamped);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.pred(stamped)) return true;
      w.resolve(stamped);
      return false;
    });
  }

  /** Index where the next `waitFor` starts looking (events already received count too). */
  get mark(): number {
    return this.events.length;
  }

  /** Resolves with the first event at index ≥ `from` (default: 0) matching `pred`. */
  waitFor(pred: string | ((e: AnyEvent) => boolean), opts: { from?: number; timeoutMs?: number } = {}): Promise<AnyEvent & { at: number }> {
    const test = typeof pred === 'string' ? (e: AnyEvent) => e.type === pred : pred;
    const from = opts.from ?? 0;
    const found = this.events.slice(from).find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${typeof pred === 'string' ? pred : 'event'}; got: ${this.events.slice(from).map((e) => e.type).join(', ')}`)), opts.timeoutMs ?? 15_000);
      this.#waiters.push({ pred: test, from, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  ofType(type: string, from = 0): (AnyEvent & { at: number })[] {
    return this.events.slice(from).filter((e) => e.type === type);
  }
}

/** Connects the official `openai` realtime WebSocket client to a local server (`server.baseURL`, `server.apiKey`). */
export async function connectOpenAI(server: { baseURL: string; apiKey: string }): Promise<{ rt: OpenAIRealtimeWS; log: EventLog; send: (e: object) => void; close: () => void }> {
  const client = new OpenAI({ apiKey: server.apiKey, baseURL: server.baseURL });
  // The client always dials wss://; the local server speaks plain ws, so hand ws a plain TCP socket.
  const rt = new OpenAIRealtimeWS(
    { model: 'gpt-realtime', options: { createConnection: (o: net.NetConnectOpts & { host?: string; port?: number }) => net.connect({ host: o.host, port: Number(o.port) }) } as never },
    client,
  );
  const log = new EventLog();
  rt.on('event', (e: RealtimeServerEvent) => log.push(e as AnyEvent));
  rt.on('error', () => {}); // error events are asserted through the log
  await new Promise<void>((resolve, reject) => {
    rt.socket.once('open', () => resolve());
    rt.socket.once('error', reject);
  });
  await log.waitFor('session.created');
  return { rt, log, send: (e) => rt.send(e as never), close: () => rt.close() };
}

/** Sends PCM16 24 kHz as one `input_audio_buffer.append`. */
export function appendEvent(pcm: Int16Array): object {
  return { type: 'input_audio_buffer.append', audio: encodePcm16Base64(pcm) };
}

/** Sum of audio in the deltas of one response, ms, and its RMS level (0–1). */
export function audioStats(log: EventLog, responseId: string): { ms: number; rms: number; deltas: number } {
  let samples = 0;
  let energy = 0;
  let deltas = 0;
  for (const e of log.events) {
    if (e.type !== 'response.output_audio.delta' || e.response_id !== responseId) continue;
    const b = Buffer.from(e.delta as string, 'base64');
    for (let i = 0; i + 1 < b.length; i += 2) energy += (b.readInt16LE(i) / 32768) ** 2;
    samples += b.length / 2;
    deltas++;
  }
  return { ms: samples / 24, rms: samples ? Math.sqrt(energy / samples) : 0, deltas };
}

/**
 * The built-in script with an order intent that calls any session tool whose name has "order" in
 * it and words the reply from the tool output: what the conformance tests' tool round trips need,
 * independent of the product script's tool names and wording.
 */
export const TEST_SCRIPT: DialogueScript = {
  ...DEFAULT_SCRIPT,
  intents: [
    {
      name: 'order_status',
      keywords: ['order', 'package', 'deliver*', 'tracking'],
      tool: { match: 'order' },
      preamble: 'Let me check that order for you.',
      ask: 'Sure. What is your order number?',
      afterTool: 'Here is what I found about order {number}: {output}.',
      reply: "I can't look up orders on this call.",
    },
    ...DEFAULT_SCRIPT.intents.filter((i) => i.name !== 'order_status'),
  ],
};
