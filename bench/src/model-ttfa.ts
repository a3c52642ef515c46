/**
 * `pnpm bench:model-ttfa [--ttfa-ms 300] [--rounds N] [--busy N] [--modes manual,server_vad] [--classes a,b] [--per-class N] [--short] [--compare DIR] [--out FILE]`
 *
 * The offline model's own time to first audio on speech nobody tuned it for (issue 14), with no
 * LiveKit in between: the model runs as its own service (as in the stack), and this script is the
 * caller, over the model's WebSocket. For every clip of the varied audio set (audio-classes.ts:
 * clean, noisy at 20/10/5 dB SNR, other voices, short answers) and both turn modes the agent uses:
 *
 * - `manual` (the fast path): the clip streams in real time in 100 ms chunks, ~200 ms of its
 *   trailing silence included, then `input_audio_buffer.commit` + `response.create` in one write
 *   (what the agent does on the page's end-of-turn hint). Model stage = commit sent → first
 *   `response.output_audio.delta` received.
 * - `server_vad` (phone calls, 300 ms silence): the model ends the turn itself. Model stage =
 *   `input_audio_buffer.speech_stopped` → first audio delta.
 *
 * Trials are interleaved (every round shuffles all clip × mode pairs), so load affects every class
 * alike. `--busy N` keeps N busy-looping processes running meanwhile: the caller's browser and the
 * agent's job process, which share the 2 cores with the model during a real call. Reports P50/P95/max
 * of the model stage per class and mode against `--ttfa-ms`, the recognizer's lag (commit →
 * transcript), and how many replies were planned before the transcript was complete (from the
 * model's `response timing` log lines). `--compare DIR` also starts another checkout's
 * local-realtime (e.g. main's) as a second service and interleaves its trials with this one's, so a
 * before/after comparison shares the same load.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Summary, summarize } from '@voice-widget/protocol';
import { REPO_ROOT, freeTcpPort, loadOrCreateSecret, startLocalModel } from '@voice-widget/stack';
import WebSocket from 'ws';
import { z } from 'zod';
import { AUDIO_CLASSES, type AudioClass, type Clip, buildAudioClasses } from './audio-classes.ts';
import { BENCH_SCRIPT } from './bench-stack.ts';
import { machineInfo } from './machine.ts';

const Args = z.object({
  'ttfa-ms': z.coerce.number().int().min(0).max(5_000).default(300),
  rounds: z.coerce.number().int().min(1).max(20).default(2),
  busy: z.coerce.number().int().min(0).max(8).default(1),
  short: z.boolean().default(false),
  modes: z.string().default('manual,server_vad'),
  'per-class': z.coerce.number().int().min(1).optional(),
  classes: z.string().optional(),
  compare: z.string().optional(),
  out: z.string().default(join(REPO_ROOT, 'bench', 'results', 'model-ttfa.json')),
});
const { values } = parseArgs({
  options: {
    'ttfa-ms': { type: 'string' },
    rounds: { type: 'string' },
    busy: { type: 'string' },
    short: { type: 'boolean' },
    modes: { type: 'string' },
    'per-class': { type: 'string' },
    classes: { type: 'string' },
    compare: { type: 'string' },
    out: { type: 'string' },
  },
});
const args = Args.parse(values);
const out = resolve(process.env.INIT_CWD ?? process.cwd(), args.out);
type Mode = 'manual' | 'server_vad';
const MODES = args.modes.split(',').map((m) => z.enum(['manual', 'server_vad']).parse(m.trim())) as Mode[];

/** One measured turn. */
interface Trial {
  /** Which model served it: `this` checkout's, or `compare` (`--compare DIR`). */
  model: 'this' | 'compare';
  class: AudioClass;
  mode: Mode;
  clip: string;
  /** End of turn (commit sent / speech_stopped received) → first audio delta, ms. */
  modelMs: number | null;
  /** End of turn → transcription.completed, ms (how far the recognizer lagged). */
  transcriptMs: number | null;
  responseId: string | null;
  reply: string | null;
  /** From the model's log: how long the reply waited for the transcript, ms. */
  transcriptWaitMs?: number;
  /** From the model's log: the reply was planned before every transcript was final. */
  partial?: boolean;
}

const pcm24 = (file: string): Buffer => execFileSync('sox', [file, '-t', 'raw', '-r', '24000', '-e', 'signed', '-b', '16', '-c', '1', '-']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one clip through one fresh session; resolves with its timings. */
async function trial(target: Target, apiKey: string, clip: Clip, mode: Mode): Promise<Trial> {
  const ws = new WebSocket(`${target.wsUrl}?model=gpt-realtime`, { headers: { Authorization: `Bearer ${apiKey}` } });
  const result: Trial = { model: target.name, class: clip.class, mode, clip: clip.file.split('/').pop()!, modelMs: null, transcriptMs: null, responseId: null, reply: null };
  let turnEndAt: number | null = null;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let updated!: () => void;
  const ready = new Promise<void>((r) => (updated = r));
  ws.on('message', (data) => {
    const e = JSON.parse(String(data)) as { type: string; [k: string]: any };
    const now = performance.now();
    if (e.type === 'session.updated') updated();
    // The turn the first audio answers ended at the latest speech_stopped before it (a pause longer
    // than the silence ends a turn whose reply the next speech then cancels).
    else if (e.type === 'input_audio_buffer.speech_stopped' && mode === 'server_vad' && result.modelMs === null) turnEndAt = now;
    else if (e.type === 'conversation.item.input_audio_transcription.completed' && turnEndAt !== null) result.transcriptMs ??= now - turnEndAt;
    else if (e.type === 'response.created' && result.modelMs === null) result.responseId = e.response.id;
    else if (e.type === 'response.output_audio_transcript.delta') result.reply = (result.reply ?? '') + e.delta;
    else if (e.type === 'response.output_audio.delta' && result.modelMs === null && turnEndAt !== null) {
      result.modelMs = now - turnEndAt;
      ws.send(JSON.stringify({ type: 'response.cancel' })); // measured: no need to play the reply out in real time
    } else if (e.type === 'response.done') done();
  });
  await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
  const turnDetection = mode === 'manual' ? null : { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 300, create_response: true, interrupt_response: true };
  ws.send(
    JSON.stringify({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: `Answer briefly.\n\`\`\`local-realtime-script\n${JSON.stringify(BENCH_SCRIPT)}\n\`\`\``,
        audio: { input: { turn_detection: turnDetection, transcription: { model: 'local' } } },
      },
    }),
  );
  await ready;
  // The clip (300 ms of silence around the speech), at real-time pace; in manual mode without its
  // last 100 ms, so the commit comes ~200 ms after the speech, as the agent's does.
  let pcm = pcm24(clip.file);
  if (mode === 'manual') pcm = pcm.subarray(0, pcm.length - 4_800);
  else pcm = Buffer.concat([pcm, Buffer.alloc(48_000 * 2)]); // 2 s more silence for the VAD to end the turn
  const t0 = performance.now();
  for (let k = 0, at = 0; at < pcm.length; k++, at += 4_800) {
    const wait = t0 + k * 100 - performance.now();
    if (wait > 0) await sleep(wait);
    ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: pcm.subarray(at, at + 4_800).toString('base64') }));
  }
  if (mode === 'manual') {
    turnEndAt = performance.now();
    ws.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
    ws.send(JSON.stringify({ type: 'response.create' }));
  }
  await Promise.race([finished, sleep(20_000)]);
  ws.close();
  return result;
}

/** `response timing` lines of the model's log, by response id. */
function timingsFromLog(logFile: string): Map<string, { transcriptWaitMs?: number; transcriptComplete?: boolean }> {
  const map = new Map();
  if (!existsSync(logFile)) return map;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"response timing"')) continue;
    try {
      const t = JSON.parse(line).timing;
      if (t?.responseId) map.set(t.responseId, t);
    } catch {
      /* not JSON */
    }
  }
  return map;
}

const shuffle = <T>(xs: T[]): T[] => {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
};

const work = join(REPO_ROOT, '.state', 'bench-model-ttfa');
mkdirSync(work, { recursive: true });
let clips = buildAudioClasses(join(REPO_ROOT, '.state', 'audio-classes'));
if (args.classes) {
  const wanted = new Set(args.classes.split(',').map((c) => c.trim()));
  clips = clips.filter((c) => wanted.has(c.class));
}
const perClass = args.short ? 2 : args['per-class'];
if (perClass) clips = AUDIO_CLASSES.flatMap((c) => clips.filter((x) => x.class === c).slice(0, perClass));
const rounds = args.short ? 1 : args.rounds;
console.log(`bench:model-ttfa — ${clips.length} clips × ${MODES.length} modes × ${rounds} rounds, --ttfa-ms ${args['ttfa-ms']}, ${args.busy} busy process(es)${args.compare ? `, interleaved with the model of ${args.compare}` : ''}`);

interface Target {
  name: Trial['model'];
  wsUrl: string;
  service: Awaited<ReturnType<typeof startLocalModel>>['service'];
}
const apiKey = loadOrCreateSecret('local-realtime');
const targets: Target[] = [];
for (const [name, packageDir] of [['this', undefined], ...(args.compare ? [['compare', args.compare]] : [])] as [Trial['model'], string | undefined][]) {
  const m = await startLocalModel({ port: await freeTcpPort(), apiKey, ttfaMs: args['ttfa-ms'], logLevel: 'info', logDir: join(work, name), packageDir });
  targets.push({ name, wsUrl: `${m.url.replace(/^http/, 'ws')}/realtime`, service: m.service });
}
const busy: ChildProcess[] = Array.from({ length: args.busy }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
const trials: Trial[] = [];
const machine = machineInfo();
try {
  for (let r = 0; r < rounds; r++) {
    for (const [clip, mode, target] of shuffle(clips.flatMap((c) => MODES.flatMap((m) => targets.map((tg) => [c, m, tg] as const))))) {
      const t = await trial(target, apiKey, clip, mode);
      trials.push(t);
      process.stdout.write(`  ${t.model.padEnd(8)} ${t.class.padEnd(10)} ${t.mode.padEnd(10)} model ${t.modelMs?.toFixed(0) ?? '–'} ms  transcript ${t.transcriptMs?.toFixed(0) ?? '–'} ms  "${t.reply ?? ''}"\n`);
    }
  }
} finally {
  for (const b of busy) b.kill('SIGKILL');
  for (const t of targets) await t.service.stop();
}

const logged = new Map(targets.flatMap((t) => [...timingsFromLog(t.service.logFile)]));
for (const t of trials) {
  const l = t.responseId ? logged.get(t.responseId) : undefined;
  if (l?.transcriptComplete !== undefined) t.partial = !l.transcriptComplete;
  if (l?.transcriptWaitMs !== undefined) t.transcriptWaitMs = l.transcriptWaitMs;
}

const f = (v: number | null) => (v === null ? '–' : v.toFixed(0));
const rows: string[] = [];
const summaries: Record<string, { model: Summary; transcript: Summary; partial: number; n: number }> = {};
for (const target of targets) for (const mode of MODES) {
  for (const cls of [...AUDIO_CLASSES, 'all'] as const) {
    const ts = trials.filter((t) => t.model === target.name && t.mode === mode && (cls === 'all' || t.class === cls));
    if (!ts.length) continue;
    const m = summarize(ts.map((t) => t.modelMs).filter((v): v is number => v !== null));
    const tr = summarize(ts.map((t) => t.transcriptMs).filter((v): v is number => v !== null));
    const partial = ts.filter((t) => t.partial).length;
    summaries[`${target.name}/${mode}/${cls}`] = { model: m, transcript: tr, partial, n: ts.length };
    const ratio = m.p95 === null || args['ttfa-ms'] === 0 ? '–' : (m.p95 / args['ttfa-ms']).toFixed(2);
    rows.push(`| ${target.name === 'this' ? 'this checkout' : args.compare} | ${mode} | ${cls === 'all' ? '**all**' : cls} | ${m.count}/${ts.length} | ${f(m.p50)} | ${f(m.p95)} | ${f(m.max)} | ${ratio} | ${f(tr.p50)} | ${f(tr.p95)} | ${partial} |`);
  }
}
const md = [
  `Model stage (end of turn → first audio delta at the caller) vs the emulated TTFA of ${args['ttfa-ms']} ms; ${rounds} interleaved round(s), ${args.busy} busy-looping process(es) beside the model; load average at start ${machine.loadAvg1}.`,
  '',
  '| model | mode | audio class | n (answered/turns) | model P50 | model P95 | max | P95 / TTFA | transcript P50 | transcript P95 | planned on a partial transcript |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ kind: 'model-ttfa', date: new Date().toISOString(), machine, params: { ttfaMs: args['ttfa-ms'], rounds, busy: args.busy, modes: MODES, compare: args.compare ?? null }, summaries, trials }, null, 2));
writeFileSync(out.replace(/\.json$/, '.md'), md);
console.log(`\n${md}\nwrote ${out} (+ .md)`);
process.exit(trials.some((t) => t.modelMs !== null) ? 0 : 1);
