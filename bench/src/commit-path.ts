/**
 * `pnpm bench:commit [--trials N]`
 *
 * How long the agent takes from "the caller's turn is over" to asking the model for the reply,
 * on the real AgentSession + plugin + local model (no room, no network in between):
 *
 * - `commitUserTurn`: @livekit/agents 1.9's manual path, `session.commitUserTurn()`;
 * - `direct`: our fast path, `EndOfTurnController.onHint()` (commit the model's audio buffer and
 *   `generateReply()` in the same tick).
 *
 * Reports, per path, P50/P95/max of commit → `response.create` sent, and commit → first audio delta.
 * The caller's audio (a real recording) is pushed in real time, then 400 ms of silence.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type llm, initializeLogger, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { EndOfTurnController, ModelResponses, TurnTimelineRecorder, createRealtimeModel } from '@voice-widget/agent-worker';
import { type Summary, summarize } from '@voice-widget/protocol';
import { REPO_ROOT, freeTcpPort, loadOrCreateSecret, startLocalModel } from '@voice-widget/stack';
import { pino } from 'pino';
import { DEFAULT_AUDIO } from './audio-set.ts';
import { machineInfo } from './machine.ts';
import { loadUtterance } from '@voice-widget/testkit';

const { values } = parseArgs({ options: { trials: { type: 'string' }, out: { type: 'string' } } });
const trials = Math.max(1, Math.min(100, Number(values.trials ?? 10)));
const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? join(REPO_ROOT, 'bench', 'results', 'commit-path.json'));

initializeLogger({ pretty: false, level: 'warn' });
const log = pino({ level: 'warn' });
// The model runs as its own service, as in the stack (its log: .state/bench-commit/local-realtime.log).
// The plugin's WebSocket stays open after AgentSession.close() (agents 1.9; a real job process
// exits after its call): every trial's session stays counted, so lift the session limit.
const model = await startLocalModel({
  port: await freeTcpPort(),
  apiKey: loadOrCreateSecret('local-realtime'),
  maxSessions: 1_000,
  logLevel: 'warn',
  logDir: join(REPO_ROOT, '.state', 'bench-commit'),
});
const utt = loadUtterance(DEFAULT_AUDIO.find((f) => f.endsWith('goforward.raw'))!);
// The utterance at 24 kHz (what the plugin sends the model): every second sample of 48 kHz.
const pcm24 = Int16Array.from({ length: Math.floor(utt.pcm.length / 2) }, (_, i) => utt.pcm[i * 2]!);

type Path = 'commitUserTurn' | 'direct';
const results: Record<Path, { toRequest: number[]; toFirstAudio: number[] }> = {
  commitUserTurn: { toRequest: [], toFirstAudio: [] },
  direct: { toRequest: [], toFirstAudio: [] },
};

async function trial(path: Path): Promise<void> {
  let rt: llm.RealtimeSession | undefined;
  const config = { LOCAL_REALTIME_URL: model.url, LOCAL_REALTIME_API_KEY: model.apiKey, OPENAI_VOICE: 'alloy' } as Parameters<typeof createRealtimeModel>[0];
  const session = new voice.AgentSession({
    llm: createRealtimeModel(config, { profile: 'fast', onSession: (s) => (rt = s) }),
    vad: null,
    turnHandling: { turnDetection: 'manual' },
  });
  await session.start({ agent: new voice.Agent({ instructions: 'Answer briefly.' }) });
  try {
    // The caller speaks in real time (100 ms frames, as RoomIO delivers them), then is silent for
    // 400 ms (the page VAD redemption plus the hint RPC) before the turn is declared over.
    const silence = new Int16Array(9_600);
    for (const samples of [pcm24, silence]) {
      for (let i = 0; i < samples.length; i += 2400) {
        const chunk = samples.slice(i, i + 2400);
        rt!.pushAudio(new AudioFrame(chunk, 24_000, 1, chunk.length));
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    let requestAt = 0;
    let audioAt = 0;
    rt!.on('openai_client_event_queued' as never, (ev: { type: string }) => {
      if (ev.type === 'response.create' && !requestAt) requestAt = performance.now();
    });
    rt!.on('openai_server_event_received' as never, (ev: { type: string }) => {
      if (ev.type === 'response.output_audio.delta' && !audioAt) audioAt = performance.now();
    });
    const t0 = performance.now();
    if (path === 'commitUserTurn') session.commitUserTurn();
    else new EndOfTurnController(session, () => rt, new TurnTimelineRecorder(() => {}), new ModelResponses(), log).onHint(Date.now());
    const deadline = Date.now() + 10_000;
    while (!audioAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (requestAt) results[path].toRequest.push(requestAt - t0);
    if (audioAt) results[path].toFirstAudio.push(audioAt - t0);
  } finally {
    await session.close();
  }
}

console.log(`bench:commit — ${trials} trials per path`);
for (let i = 0; i < trials; i++) {
  for (const path of ['commitUserTurn', 'direct'] as const) await trial(path);
}
await model.service.stop();

const f = (v: number | null) => (v === null ? '–' : v.toFixed(0));
const row = (label: string, s: Summary) => `| ${label} | ${s.count} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.max)} |`;
const md = [
  '| path | n | P50 (ms) | P95 (ms) | max (ms) |',
  '|---|---|---|---|---|',
  ...(['commitUserTurn', 'direct'] as const).flatMap((p) => [
    row(`${p}: turn over → response.create sent`, summarize(results[p].toRequest)),
    row(`${p}: turn over → first audio delta`, summarize(results[p].toFirstAudio)),
  ]),
].join('\n');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ kind: 'commit-path', date: new Date().toISOString(), machine: machineInfo(), trials, results }, null, 2));
writeFileSync(out.replace(/\.json$/, '.md'), md);
console.log(`\n${md}\nwrote ${out} (+ .md)`);
process.exit(Object.values(results).some((r) => r.toFirstAudio.length === 0) ? 1 : 0);
