/**
 * Where a job process's main-thread CPU goes, from a V8 CPU profile written by
 * `bench:concurrency --cpu-prof DIR` (cpu-prof-hook.cjs):
 * `pnpm --filter @voice-widget/bench exec tsx src/concurrency/cpu-profile.ts DIR/job-PID.cpuprofile`.
 *
 * Every sample is charged to one part of a call by its whole stack (first matching rule wins), so
 * the shared plumbing (FFI, web streams) is charged to the audio path it carries where the stack
 * shows it. Times in seconds; shares of the busy (non-idle) main-thread time.
 */
import { readFileSync } from 'node:fs';

/** The subset of V8's `Profiler.Profile` read here (Chrome DevTools protocol, Profiler domain). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  /** µs between samples; `timeDeltas[i + 1]` is how long sample i lasted. */
  timeDeltas: number[];
}

type Frame = { url: string; fn: string };
const any = (test: (f: Frame) => boolean) => (stack: Frame[]) => stack.some(test);

/** The parts of a call, in the order they are tried. */
export const PARTS: { part: string; match: (stack: Frame[]) => boolean }[] = [
  { part: 'Silero VAD (the agent’s fallback VAD)', match: any((f) => f.url.includes('/@livekit/agents-plugin-silero/') || f.url.includes('/onnxruntime-node/')) },
  { part: 'loading code (job start)', match: any((f) => f.url.startsWith('node:internal/modules') || f.url.includes('/tsx/')) },
  {
    part: 'caller audio → model (session input streams, 100 ms chunks, base64, WebSocket)',
    match: any((f) => ['pushAudio', '_mainTaskImpl', 'pumpInput'].includes(f.fn) || /\/ws\/|identity_transform|audio_recognition|multi_input_stream|agent_activity/.test(f.url)),
  },
  { part: 'caller audio ← LiveKit (frame events, AudioStream)', match: any((f) => f.url.includes('audio_stream') || f.fn === 'AudioStreamSource.onEvent') },
  { part: 'FFI event decoding (protobuf; mostly audio frames)', match: any((f) => f.url.includes('ffi_client') && f.fn === '') },
  { part: 'agent audio out (frames to LiveKit)', match: any((f) => /room_io\/_output|audio_source/.test(f.url) || f.fn === 'captureFrame') },
  { part: 'other FFI calls (RPC, data, room events)', match: any((f) => f.url.includes('/@livekit/rtc-node/') || f.url.includes('/@bufbuild/')) },
  { part: 'event-loop monitor (agents telemetry)', match: any((f) => f.url.includes('loop_monitor')) },
];

/** Seconds of main-thread time per part; `busyS` excludes idle. */
export function cpuByPart(profile: CpuProfile): { busyS: number; parts: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const parts = new Map<string, number>();
  let busyS = 0;
  profile.samples.forEach((id, i) => {
    const s = (profile.timeDeltas[i + 1] ?? 0) / 1e6;
    const leaf = byId.get(id)!.callFrame.functionName;
    if (leaf === '(idle)') return;
    busyS += s;
    const stack: Frame[] = [];
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) stack.push({ url: byId.get(x)!.callFrame.url, fn: byId.get(x)!.callFrame.functionName });
    const part =
      leaf === '(garbage collector)'
        ? 'garbage collection'
        : (PARTS.find((p) => p.match(stack))?.part ?? (leaf === '(program)' ? '(program): native code outside JS' : 'other JS (web-stream continuations, session, timers, our code)'));
    parts.set(part, (parts.get(part) ?? 0) + s);
  });
  return { busyS, parts };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) {
    const { busyS, parts } = cpuByPart(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    console.log(`\n${file}: ${busyS.toFixed(2)} s busy\n\n| part | s | share |\n|---|---|---|`);
    for (const [part, s] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`| ${part} | ${s.toFixed(2)} | ${((s / busyS) * 100).toFixed(1)} % |`);
  }
}
