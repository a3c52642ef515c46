/**
 * `pnpm bench:greeting [--calls N] [--networks loopback,rtt80-1pct] [--hover-ms MS] [--ttfa-ms MS] [--out FILE]`
 *
 * Where click → first greeting audio goes. N calls from a fresh page each, interleaved over four
 * modes (rotating call by call, same load for all): hover the talk button first (the widget
 * prefetches its session, as a visitor's pointer would) or click at once, and the worker's
 * greeting cache cold (its folder emptied before the call: the greeting comes from the model, as
 * every call's did before the cache) or warm (the cached greeting audio plays as the caller joins);
 * and, with `--networks`, over emulated access networks too (the page's WebRTC forced through an
 * impairing UDP relay in front of LiveKit's TURN, as in bench:latency; the relay's packet counts
 * prove the impairment).
 * Each call's milestones on one clock (everything runs on this machine): the page's own times
 * (session request, greeting heard) and the agent worker's and model's JSON logs (job received,
 * caller joined, session started, model session open, response.created, first audio delta,
 * greeting's first frame published). Writes FILE (JSON) and FILE.md (P50/P95/max of each
 * milestone per mode, ms from the click).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type Summary, summarize } from '@voice-widget/protocol';
import { REPO_ROOT } from '@voice-widget/stack';
import { ImpairedUdpRelay, NETWORK_PROFILES, type NetworkName, callerWav, instrument, launchBrowser } from '@voice-widget/testkit';
import { startBenchStack } from './bench-stack.ts';
import { greetOnce } from './greeting-bargein.ts';
import { machineInfo } from './machine.ts';

const Args = z.object({
  calls: z.coerce.number().int().min(1).max(400).default(24),
  networks: z
    .string()
    .default('loopback')
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(Object.keys(NETWORK_PROFILES) as [NetworkName, ...NetworkName[]])).min(1)),
  'hover-ms': z.coerce.number().int().min(0).max(10_000).default(400),
  'ttfa-ms': z.coerce.number().int().min(0).max(5_000).default(300),
  out: z.string().default(join(REPO_ROOT, 'bench', 'results', 'greeting.json')),
});
const { values } = parseArgs({
  options: { calls: { type: 'string' }, networks: { type: 'string' }, 'hover-ms': { type: 'string' }, 'ttfa-ms': { type: 'string' }, out: { type: 'string' } },
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  console.error(`bench:greeting: ${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const args = parsed.data;
const out = resolve(process.env.INIT_CWD ?? process.cwd(), args.out);

/** Milestones of one call, ms from the click (negative: before it, i.e. during the hover). */
const MILESTONES = {
  sessionCreated: 'session created (POST /api/sessions answered)',
  signalStart: 'page: room.connect began (signal WebSocket created)',
  signalOpen: 'page: signal WebSocket open',
  jobReceived: 'agent job received (LiveKit dispatch, worker)',
  jobStarted: 'job running in a (prewarmed) job process',
  agentJoined: 'agent joined the room',
  trackPublished: "agent's audio track published",
  pcConnected: "page: first peer connection connected (ICE + DTLS)",
  callerJoined: 'agent: caller joined (page in the room)',
  callerSubscribed: "caller subscribed to the agent's track",
  greetingStart: "greeting: cache read, cached audio queued on the agent's track (model: asked later)",
  sessionStarted: 'agent: AgentSession started (session.start returned)',
  modelOpen: 'model session open (realtime WebSocket)',
  responseCreated: 'model: greeting response.created',
  firstDelta: 'model: greeting first audio delta',
  firstFrame: 'greeting: first audio frame published',
  heard: 'greeting heard in the page',
} as const;
type Milestone = keyof typeof MILESTONES;
/** agent-worker (and local-realtime) log message → milestone (first line of each within the call's window). */
const LOG_LINES: Record<string, Milestone> = {
  'received job request': 'jobReceived',
  'job started': 'jobStarted',
  'Connect callback received': 'agentJoined',
  'agent audio: track published': 'trackPublished',
  'caller joined': 'callerJoined',
  'agent audio: subscribed by the caller': 'callerSubscribed',
  'greeting: start': 'greetingStart',
  'caller in the room; model session open, greeting queued': 'sessionStarted',
  'session opened': 'modelOpen',
};

/** The four interleaved modes, in rotation order. */
const MODES = [
  { hover: true, cache: 'warm' },
  { hover: false, cache: 'cold' },
  { hover: false, cache: 'warm' },
  { hover: true, cache: 'cold' },
] as const;
type Mode = (typeof MODES)[number] & { network: NetworkName };
/** Every (network, mode) pair, in rotation order: each network meets every mode in turn. */
const PLANS: Mode[] = MODES.flatMap((m) => args.networks.map((network) => ({ ...m, network })));
const modeLabel = (m: Mode) => `${args.networks.length > 1 ? `${m.network}: ` : ''}${m.hover ? `hover ${args['hover-ms']} ms` : 'no hover'}, cache ${m.cache}`;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Milestones from the agent worker's and the model's log lines (ms since epoch) between `from` and `to`. */
function agentMilestones(logFiles: string[], from: number, to: number): Partial<Record<Milestone, number>> {
  const found: Partial<Record<Milestone, number>> = {};
  const lines = logFiles.flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n') : []));
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    let e: {
      time?: number;
      msg?: string;
      firstFramePublishedAt?: number;
      timeline?: { responseCreatedAt?: number | null; firstAudioDeltaAt?: number | null; firstFramePublishedAt?: number | null };
    };
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof e.time !== 'number' || e.time < from || e.time > to) continue;
    const m = LOG_LINES[e.msg ?? ''];
    if (m) found[m] ??= e.time;
    // agent-worker/src/session/greeting.ts: the greeting's first frame, from the cache or the model.
    if (e.msg === 'greeting: first frame published' && typeof e.firstFramePublishedAt === 'number') found.firstFrame ??= e.firstFramePublishedAt;
    // A greeting from the model is the call's first reply: its timeline line (timeline/turn-timeline.ts).
    if (e.msg === 'turn timeline' && e.timeline) {
      const t = e.timeline;
      if (typeof t.responseCreatedAt === 'number') found.responseCreated ??= t.responseCreatedAt;
      if (typeof t.firstAudioDeltaAt === 'number') found.firstDelta ??= t.firstAudioDeltaAt;
      if (typeof t.firstFramePublishedAt === 'number') found.firstFrame ??= t.firstFramePublishedAt;
    }
  }
  return found;
}

interface CallResult {
  mode: Mode;
  /** ms from the click. */
  at: Partial<Record<Milestone, number>>;
}

console.log(`bench:greeting — ${args.calls} calls over ${PLANS.length} interleaved modes (+1 warm-up) on ${args.networks.join(', ')}, hover ${args['hover-ms']} ms, emulated model TTFA ${args['ttfa-ms']} ms`);
const dir = join(REPO_ROOT, '.state', 'bench-greeting');
const impaired = args.networks.filter((n) => NETWORK_PROFILES[n] !== null);
const bench = await startBenchStack(dir, args['ttfa-ms'], ['fast'], { turn: impaired.length > 0 });
const relays = new Map<NetworkName, ImpairedUdpRelay>();
for (const n of impaired) relays.set(n, await ImpairedUdpRelay.start(NETWORK_PROFILES[n]!, { host: '127.0.0.1', port: bench.stack.turnUdpPort! }, 42));
// The stack gives the worker this greeting cache folder (stack.ts); emptied before a "cold" call.
const cacheDir = join(dir, 'greeting-cache');
// The model runs as its own service: its "session opened" line is in its own log.
const logFiles = [join(dir, 'logs', 'agent-worker.log'), join(dir, 'logs', 'local-realtime.log')];
const calls: CallResult[] = [];
try {
  const browser = await launchBrowser({ micWav: callerWav('greeting-silence', [{ silenceS: 20 }]) });
  try {
    await instrument(browser.context);
    // One warm-up call nobody measures (the first job process, the first page load; it fills the cache).
    for (let i = -1; i < args.calls; i++) {
      const mode = PLANS[(i + PLANS.length) % PLANS.length]!;
      if (mode.cache === 'cold') rmSync(cacheDir, { recursive: true, force: true });
      const relay = relays.get(mode.network);
      relay?.resetStats();
      const call = await greetOnce(browser.context, bench.pages.fast, mode.hover ? args['hover-ms'] : null, relay?.port ?? null);
      const rs = relay?.stats();
      if (rs) console.log(`    relay ${mode.network}: ↑ ${rs.up.received} packets, ${rs.up.dropped} dropped; ↓ ${rs.down.received}, ${rs.down.dropped} dropped`);
      const { clickAt } = call;
      await wait(500); // the agent's log lines reach the file
      const at: Partial<Record<Milestone, number>> = {
        ...agentMilestones(logFiles, call.hoverAt, clickAt + 20_000),
        ...(call.sessionAt !== null ? { sessionCreated: call.sessionAt } : {}),
        ...(call.heardAt !== null ? { heard: call.heardAt } : {}),
        ...Object.fromEntries(Object.entries(call.page ?? {}).filter(([, t]) => t !== null)),
      };
      const fromClick = Object.fromEntries(Object.entries(at).map(([k, t]) => [k, Math.round(t - clickAt)])) as CallResult['at'];
      if (i >= 0) calls.push({ mode, at: fromClick });
      console.log(`  call ${i < 0 ? 'warm-up' : i + 1} (${modeLabel(mode)}): ${Object.keys(MILESTONES).map((k) => `${k} ${fromClick[k as Milestone] ?? '–'}`).join(', ')}`);
      await wait(1_500); // the agent leaves the room
    }
  } finally {
    await browser.close();
  }
} finally {
  for (const r of relays.values()) await r.close();
  await bench.stop();
}

const statsOf = (cs: CallResult[]) =>
  Object.fromEntries(
    Object.keys(MILESTONES).map((k) => [k, summarize(cs.map((c) => c.at[k as Milestone]).filter((v): v is number => v !== undefined))]),
  ) as Record<Milestone, Summary>;
const perMode = PLANS.map((mode) => ({ mode: modeLabel(mode), stats: statsOf(calls.filter((c) => c.mode === mode)) }));
const cell = (s: Summary) => (s.count === 0 ? '–' : `${Math.round(s.p50!)} / ${Math.round(s.p95!)}`);
const md = [
  `Click → greeting, ${calls.length} calls interleaved over ${PLANS.length} modes (${args.networks.join(', ')}; emulated model TTFA ${args['ttfa-ms']} ms). ms from the click, P50 / P95 (n per mode in the last row); negative = during the hover.`,
  '',
  `| milestone | ${perMode.map((p) => p.mode).join(' | ')} |`,
  `|---|${perMode.map(() => '---').join('|')}|`,
  ...Object.entries(MILESTONES).map(([k, label]) => `| ${label} | ${perMode.map((p) => cell(p.stats[k as Milestone])).join(' | ')} |`),
  `| calls heard / measured | ${perMode.map((p) => `${p.stats.heard.count} / ${calls.filter((c) => modeLabel(c.mode) === p.mode).length}`).join(' | ')} |`,
].join('\n');
console.log(`\n${md}`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ kind: 'greeting', date: new Date().toISOString(), machine: machineInfo(), params: args, perMode, calls }, null, 2)}\n`);
writeFileSync(out.replace(/\.json$/, '.md'), `${md}\n`);
console.log(`wrote ${out} (+ .md)`);
if (!calls.some((c) => c.at.heard !== undefined)) {
  console.error('bench:greeting: no greeting was heard');
  process.exit(1);
}
process.exit(0);
