/**
 * `pnpm bench:latency [--networks loopback,rtt80-1pct,bad-mobile] [--per-call N] [--turns N]
 *   [--network-turns N] [--classes clean,noisy,voices,short] [--audio DIR] [--ttfa-ms MS]
 *   [--barge-ins N] [--out FILE] [--short]`
 *
 * Perceived latency at the caller's ear (docs/latency.md) of this project's turn-taking (`fast`)
 * against the model's own VAD (`model_vad`) and a stock LiveKit Agents setup (`stock`), in one
 * interleaved run: real and synthetic speech of several classes (bench/audio/manifest.json,
 * built at run time), said by headless Chromium through the real widget → LiveKit → agent
 * worker → the local model with an emulated time to first audio; on loopback and behind an
 * impaired network (UDP relay in front of LiveKit's TURN). Calls rotate through every
 * (network, configuration) pair with the same utterances, so load and audio are shared.
 * Per call: click → greeting (with and without hover), CPU by part of the system, machine load.
 * Writes FILE (JSON), FILE.md (tables) and FILE.svg (chart); prints the tables.
 */
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type TurnTaking, summarize } from '@voice-widget/protocol';
import { REPO_ROOT } from '@voice-widget/stack';
import { ImpairedUdpRelay, NETWORK_PROFILES, type NetworkName, instrument, launchBrowser, routeMicFiles } from '@voice-widget/testkit';
import { endOfTurnLogStats } from './agent-log.ts';
import { AudioClass, buildAudioSet, loadManifest } from './audio-set.ts';
import { startBenchStack } from './bench-stack.ts';
import { CpuLedger, cpuBetween } from './cpu-ledger.ts';
import { type BargeInSample, measureBargeIns } from './greeting-bargein.ts';
import { machineInfo } from './machine.ts';
import { runCall } from './latency/call.ts';
import { stackCpuRules } from './latency/cpu-rules.ts';
import { type LatencyRun, type MeasuredCall, relaySummary, renderMarkdown } from './latency/report.ts';
import { renderSvg } from './latency/chart.ts';
import { interleaveClasses, scheduleCalls } from './latency/schedule.ts';

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const Args = z.object({
  networks: z.string().default('loopback,rtt80-1pct,bad-mobile').transform(list).pipe(z.array(z.enum(Object.keys(NETWORK_PROFILES) as [NetworkName, ...NetworkName[]])).min(1)),
  'per-call': z.coerce.number().int().min(1).max(20).default(5),
  turns: z.coerce.number().int().min(1).max(500).optional(),
  'network-turns': z.coerce.number().int().min(1).max(500).default(15),
  classes: z.string().default('clean,noisy,voices,short,custom').transform(list).pipe(z.array(AudioClass).min(1)),
  audio: z.string().optional(),
  'ttfa-ms': z.coerce.number().int().min(0).max(5_000).default(300),
  'barge-ins': z.coerce.number().int().min(0).max(50).default(10),
  out: z.string().default(join(REPO_ROOT, 'bench', 'results', 'latency.json')),
  short: z.boolean().default(false),
});
const str = { type: 'string' } as const;
const { values } = parseArgs({
  options: {
    networks: str, 'per-call': str, turns: str, 'network-turns': str, classes: str, audio: str, 'ttfa-ms': str, 'barge-ins': str, out: str,
    short: { type: 'boolean' },
  },
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  console.error(`bench:latency: ${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const args = parsed.data;
const out = resolve(process.env.INIT_CWD ?? process.cwd(), args.out);
const work = join(REPO_ROOT, '.state', 'bench');
/** CI's short mode: one utterance of each class, on loopback and the 80 ms profile. */
const short = args.short;
const networks = short ? args.networks.filter((n) => n === 'loopback' || n === 'rtt80-1pct') : args.networks;
const configsByNetwork: Record<string, TurnTaking[]> = Object.fromEntries(
  networks.map((n) => [n, n === 'loopback' ? ['fast', 'model_vad', 'stock'] : ['fast', 'stock']]),
);

const manifest = loadManifest();
const built = buildAudioSet(manifest, join(work, 'audio'), args.audio).filter((u) => args.classes.includes(u.cls));
let utterances = interleaveClasses(built);
if (short) utterances = utterances.slice(0, new Set(built.map((u) => u.cls)).size);
if (args.turns) utterances = utterances.slice(0, args.turns);
const perCall = short ? utterances.length : args['per-call'];
const turnsPerNetwork = Object.fromEntries(networks.filter((n) => n !== 'loopback').map((n) => [n, short ? 2 : args['network-turns']]));
const schedule = scheduleCalls(utterances, configsByNetwork, perCall, turnsPerNetwork);
const bargeTrials = short ? Math.min(2, args['barge-ins']) : args['barge-ins'];
console.log(
  `bench:latency — ${utterances.length} utterances (${[...new Set(utterances.map((u) => u.cls))].join(', ')}), ${schedule.length} calls ` +
    `over ${networks.join(', ')}, emulated model TTFA ${args['ttfa-ms']} ms`,
);

const bench = await startBenchStack(join(work, 'stack'), args['ttfa-ms'], ['fast', 'model_vad', 'stock'], { turn: networks.some((n) => n !== 'loopback') });
const relays = new Map<string, ImpairedUdpRelay>();
const calls: MeasuredCall[] = [];
let bargeIns: BargeInSample[] = [];
const ledger = new CpuLedger(stackCpuRules(bench.stack, bench.pgPid));
try {
  for (const n of networks) {
    const profile = NETWORK_PROFILES[n];
    if (profile) relays.set(n, await ImpairedUdpRelay.start(profile, { host: '127.0.0.1', port: bench.stack.turnUdpPort! }, 42));
  }
  const browser = await launchBrowser();
  try {
    await instrument(browser.context, { syntheticMic: true });
    const mic = await routeMicFiles(browser.context, Object.fromEntries(built.map((u) => [u.id, u.wav])));
    // A first call nobody measures: the stack's cold start belongs to no configuration.
    const warm = short ? [] : [{ network: 'loopback', config: 'fast' as string, utterances: utterances.slice(0, 1), block: -1 }];
    for (const [i, s] of [...warm, ...schedule].entries()) {
      const relay = relays.get(s.network);
      relay?.resetStats();
      const before = { cpu: ledger.totals(), machine: ledger.machine(), loadAvg1: loadavg()[0]! };
      const call = await runCall(
        browser.context,
        {
          index: i,
          config: s.config,
          network: s.network,
          pageUrl: bench.pages[s.config as TurnTaking],
          utterances: s.utterances,
          hoverMs: i % 2 === 0 ? 400 : null,
          relayPort: relay?.port ?? null,
        },
        (id) => mic[id]!,
      );
      const after = { cpu: ledger.totals(), machine: ledger.machine() };
      const measured: MeasuredCall = {
        ...call,
        warmup: s.block < 0,
        block: s.block,
        cpu: cpuBetween(before.cpu, after.cpu),
        machineBusyShare: (after.machine.busyS - before.machine.busyS) / Math.max(1e-9, after.machine.totalS - before.machine.totalS),
        loadAvg1: before.loadAvg1,
        relay: relay ? relaySummary(relay.stats()) : null,
      };
      calls.push(measured);
      const got = call.turns.filter((t) => t.turn && !t.turn.overlap).map((t) => Math.round(t.turn!.perceivedMs));
      console.log(
        `  call ${i}${measured.warmup ? ' (warm-up)' : ''} ${s.network}/${s.config}: greeting ${Math.round(call.clickToGreetingMs ?? NaN)} ms, ` +
          `turns [${got.join(', ')}] of ${call.turns.length}, machine ${(measured.machineBusyShare * 100).toFixed(0)} % busy` +
          (measured.relay ? `, relay ↑${measured.relay.up.received}/${measured.relay.up.dropped} lost ↓${measured.relay.down.received}/${measured.relay.down.dropped} lost` : '') +
          (call.errors.length ? ` — ${call.errors.join('; ').slice(0, 200)}` : ''),
      );
    }
  } finally {
    await browser.close();
  }
  if (bargeTrials > 0) {
    console.log(`  barge-in: ${bargeTrials} times in one call…`);
    bargeIns = await measureBargeIns(bench.stack.serverUrl, 'bench-fast', bargeTrials);
  }
} finally {
  ledger.stop();
  for (const r of relays.values()) await r.close();
  await bench.stop();
}

const run: LatencyRun = {
  kind: 'latency',
  version: 2,
  date: new Date().toISOString(),
  machine: machineInfo(),
  params: {
    ttfaMs: args['ttfa-ms'],
    networks,
    configsByNetwork,
    perCall,
    short,
    // What the scheduled calls said (a network's turn cap can leave some utterances out).
    utterances: utterances.filter((u) => schedule.some((s) => s.utterances.includes(u))).map((u) => ({ id: u.id, cls: u.cls })),
  },
  networkProfiles: Object.fromEntries(networks.map((n) => [n, NETWORK_PROFILES[n]])),
  calls,
  bargeIns,
  endOfTurn: endOfTurnLogStats(join(work, 'stack', 'logs', 'agent-worker.log')),
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(run, null, 1));
const md = renderMarkdown(run);
writeFileSync(out.replace(/\.json$/, '.md'), md);
writeFileSync(out.replace(/\.json$/, '.svg'), renderSvg(run));
console.log(`\n${md}\nwrote ${out} (+ .md, .svg)`);
// A run that measured nothing somewhere is a broken run, whatever the numbers would have been.
const empty = Object.entries(configsByNetwork).flatMap(([n, cs]) =>
  cs.filter((c) => summarize(calls.filter((x) => !x.warmup && x.plan.network === n && x.plan.config === c).flatMap((x) => x.turns.filter((t) => t.turn).map((t) => t.turn!.perceivedMs))).count === 0).map((c) => `${n}/${c}`),
);
if (empty.length || (bargeTrials > 0 && bargeIns.length === 0)) {
  console.error(`bench:latency measured nothing for: ${[...empty, ...(bargeTrials > 0 && bargeIns.length === 0 ? ['barge-in'] : [])].join(', ')}`);
  process.exit(1);
}
process.exit(0);
