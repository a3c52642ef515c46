import { LATENCY_STAGES, type Summary, type TurnLatency, summarize } from '@voice-widget/protocol';
import type { NetworkProfile, RelayStats } from '@voice-widget/testkit';
import type { EndOfTurnLogStats } from '../agent-log.ts';
import type { BargeInSample } from '../greeting-bargein.ts';
import type { MachineInfo } from '../machine.ts';
import type { CpuTotals } from '../cpu-ledger.ts';
import type { CallResult } from './call.ts';

/** One direction of the relay, summarised (proof of the impairment). */
export interface RelayDirection {
  received: number;
  dropped: number;
  /** One-way delay the relay added, ms. */
  delay: Summary;
  /** Timer lateness past the scheduled release, ms (the relay's own distortion). */
  lateness: Summary;
}

/** A call with what the machine did meanwhile. */
export interface MeasuredCall extends CallResult {
  warmup: boolean;
  block: number;
  /** Core-seconds per part of the system during the call. */
  cpu: CpuTotals;
  /** Share of all cores busy during the call (whole machine, /proc/stat), 0..1. */
  machineBusyShare: number;
  /** 1-minute load average when the call started. */
  loadAvg1: number;
  relay: { up: RelayDirection; down: RelayDirection } | null;
}

/** Result file of `pnpm bench:latency` (version 2: interleaved calls, audio classes, networks). */
export interface LatencyRun {
  kind: 'latency';
  version: 2;
  date: string;
  machine: MachineInfo;
  params: {
    ttfaMs: number;
    networks: string[];
    configsByNetwork: Record<string, string[]>;
    perCall: number;
    short: boolean;
    utterances: { id: string; cls: string }[];
  };
  networkProfiles: Record<string, NetworkProfile | null>;
  calls: MeasuredCall[];
  bargeIns: BargeInSample[];
  endOfTurn: EndOfTurnLogStats;
}

export function relaySummary(s: RelayStats): { up: RelayDirection; down: RelayDirection } {
  const dir = (d: RelayStats['up']): RelayDirection => ({ received: d.received, dropped: d.dropped, delay: summarize(d.delayMs), lateness: summarize(d.latenessMs) });
  return { up: dir(s.up), down: dir(s.down) };
}

/** Classes nobody tuned for: the issue's "unseen speech". */
export const UNSEEN = ['noisy', 'voices', 'short', 'custom'];

const f = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const pp = (s: Summary) => `${f(s.p50)} / ${f(s.p95)}`;
const ratio = (a: number | null, b: number | null) => (a !== null && b ? (a / b).toFixed(2) : '–');

/** The measured calls of one network (warm-up excluded). */
const callsOf = (r: LatencyRun, network: string, config?: string) =>
  r.calls.filter((c) => !c.warmup && c.plan.network === network && (!config || c.plan.config === config));
/** Turns of those calls whose class is in `classes` (all when null). */
function turnsOf(r: LatencyRun, network: string, config: string, classes: string[] | null) {
  return callsOf(r, network, config).flatMap((c) => c.turns.filter((t) => !classes || classes.includes(t.cls)));
}
const measured = (ts: { turn: TurnLatency | null }[]) => ts.filter((t) => t.turn && !t.turn.overlap).map((t) => t.turn!);
const stage = (ts: TurnLatency[], key: (typeof LATENCY_STAGES)[number]['key']) =>
  summarize(ts.map((t) => t.stages?.[key]).filter((v): v is number => typeof v === 'number'));

/** Markdown tables of a run: per network, perceived latency by class and configuration, stages, load, proof, CPU. */
export function renderMarkdown(r: LatencyRun): string {
  const m = r.machine;
  const L: string[] = [];
  const classes = [...new Set(r.params.utterances.map((u) => u.cls))];
  L.push(
    `Run ${r.date} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.os}, Node ${m.node}, ${m.chromium}; load average at start ${m.loadAvg1}.`,
    `Emulated model time to first audio (TTFA): **${r.params.ttfaMs} ms**. ${r.calls.filter((c) => !c.warmup).length} calls (${r.params.perCall} utterances each), ` +
      `configurations interleaved call by call (rotating order, same utterances, same load); utterances: ` +
      classes.map((c) => `${c} ${r.params.utterances.filter((u) => u.cls === c).length}`).join(', ') + '.',
    '',
  );
  for (const network of r.params.networks) {
    const configs = r.params.configsByNetwork[network] ?? [];
    const p = r.networkProfiles[network];
    L.push(`### ${network}${p ? ` — RTT +${p.rttMs} ms, jitter σ ${p.jitterMs} ms, loss ${(p.loss * 100).toFixed(0)} %${p.burstPackets ? ` in bursts of ~${p.burstPackets}` : ''} (UDP relay → LiveKit TURN)` : ' (no relay)'}`, '');
    L.push(
      `| class | ${configs.map((c) => `${c} P50 / P95 (n, missed)`).join(' | ')} | fast / stock P50 | fast / stock P95 | fast model stage P50 / P95 (TTFA ${r.params.ttfaMs}) |`,
      `|---|${configs.map(() => '---').join('|')}|---|---|---|`,
    );
    const rows: [string, string[] | null][] = [...classes.map((c) => [c, [c]] as [string, string[]]), ['**unseen** (noisy + voices + short)', UNSEEN], ['**all**', null]];
    for (const [label, cls] of rows) {
      if (cls && !cls.some((c) => classes.includes(c))) continue;
      const per = Object.fromEntries(configs.map((c) => [c, turnsOf(r, network, c, cls)]));
      const s = Object.fromEntries(configs.map((c) => [c, summarize(measured(per[c]!).map((t) => t.perceivedMs))]));
      const cells = configs.map((c) => `${pp(s[c]!)} (${s[c]!.count}, ${per[c]!.filter((t) => !t.turn).length})`);
      const model = stage(measured(per.fast ?? []), 'modelMs');
      L.push(`| ${label} | ${cells.join(' | ')} | ${ratio(s.fast?.p50 ?? null, s.stock?.p50 ?? null)} | ${ratio(s.fast?.p95 ?? null, s.stock?.p95 ?? null)} | ${pp(model)} |`);
    }
    L.push('', `Stages (all classes), ms P50 / P95:`, '', `| stage | ${configs.join(' | ')} |`, `|---|${configs.map(() => '---').join('|')}|`);
    const all = Object.fromEntries(configs.map((c) => [c, measured(turnsOf(r, network, c, null))]));
    L.push(`| **perceived** | ${configs.map((c) => pp(summarize(all[c]!.map((t) => t.perceivedMs)))).join(' | ')} |`);
    for (const s of LATENCY_STAGES) {
      const tag = s.key === 'modelMs' ? ` — emulated TTFA ${r.params.ttfaMs}` : '';
      L.push(`| ${s.label} (${s.span})${tag} | ${configs.map((c) => pp(stage(all[c]!, s.key))).join(' | ')} |`);
    }
    L.push(`| turns with a stage split / without | ${configs.map((c) => `${all[c]!.filter((t) => t.stages).length} / ${all[c]!.filter((t) => !t.stages).length}`).join(' | ')} |`);
    L.push(`| overlaps (agent over the caller; not in percentiles) | ${configs.map((c) => turnsOf(r, network, c, null).filter((t) => t.turn?.overlap).length).join(' | ')} |`);
    L.push('', 'Machine load during each configuration\'s calls (whole machine, all processes):', '', '| configuration | calls | machine busy, mean | load average at call start, P50 |', '|---|---|---|---|');
    for (const c of configs) {
      const cs = callsOf(r, network, c);
      const busy = cs.reduce((a, x) => a + x.machineBusyShare, 0) / Math.max(1, cs.length);
      L.push(`| ${c} | ${cs.length} | ${f(busy * 100)} % | ${f(summarize(cs.map((x) => x.loadAvg1)).p50, 2)} |`);
    }
    if (p) L.push('', ...networkProof(r, network));
    L.push('');
  }
  L.push(...greetingTable(r), '', ...(r.bargeIns.length ? [...bargeInTable(r), ''] : []), ...cpuTable(r), '', ...speechEndCheck(r), '');
  const e = r.endOfTurn;
  L.push(
    `End-of-turn model (fast path, tentative hints, whole run): asked ${e.asked} (not asked ${e.notAsked}: the final hint came before any reply could be heard), let the reply start ${e.speculated}, held ${e.asked - e.speculated} back; ` +
      `speculative replies withdrawn: ${e.withdrawn}; answer time P50 ${f(e.eotMs.p50)} ms, P95 ${f(e.eotMs.p95)} ms.`,
  );
  return L.join('\n');
}

/** What the relay did and what the page's WebRTC stack saw: the impairment is really there. */
function networkProof(r: LatencyRun, network: string): string[] {
  const cs = callsOf(r, network);
  const sum = (g: (c: MeasuredCall) => number) => cs.reduce((a, c) => a + g(c), 0);
  const up = { rx: sum((c) => c.relay?.up.received ?? 0), drop: sum((c) => c.relay?.up.dropped ?? 0) };
  const down = { rx: sum((c) => c.relay?.down.received ?? 0), drop: sum((c) => c.relay?.down.dropped ?? 0) };
  const delays = (d: 'up' | 'down', k: 'p50' | 'p95') => summarize(cs.map((c) => c.relay?.[d].delay[k]).filter((v): v is number => typeof v === 'number')).p50;
  const late = summarize(cs.map((c) => c.relay?.down.lateness.p95).filter((v): v is number => typeof v === 'number')).max;
  const net = cs.map((c) => c.network).filter((n) => n !== null);
  const pairs = [...new Set(net.flatMap((n) => n!.selectedPairs))].join(', ') || '–';
  const inLoss = sum((c) => c.network?.inbound.packetsLost ?? 0) / Math.max(1, sum((c) => (c.network?.inbound.packetsLost ?? 0) + (c.network?.inbound.packetsReceived ?? 0)));
  const med = (g: (n: NonNullable<MeasuredCall['network']>) => number | null | undefined) => f(summarize(net.map((n) => g(n!)).filter((v): v is number => typeof v === 'number')).p50);
  return [
    `Proof of the impairment (${cs.length} calls): the relay received ↑ ${up.rx} packets from the browser and dropped ${up.drop} (${f((up.drop / Math.max(1, up.rx)) * 100, 1)} %), ` +
      `↓ ${down.rx} toward it and dropped ${down.drop} (${f((down.drop / Math.max(1, down.rx)) * 100, 1)} %); one-way delay it added, median of calls' P50 / P95: ↑ ${f(delays('up', 'p50'))} / ${f(delays('up', 'p95'))} ms, ` +
      `↓ ${f(delays('down', 'p50'))} / ${f(delays('down', 'p95'))} ms (timer lateness P95 at most ${f(late)} ms). ` +
      `The page's getStats(): selected candidate pairs ${pairs}; agent audio lost ${f(inLoss * 100, 1)} % of packets; receiver jitter ${med((n) => n.inbound.jitterMs)} ms; ` +
      `jitter buffer ${med((n) => n.inbound.jitterBufferMs)} ms; concealed ${med((n) => n.inbound.concealedPct)} % of samples; ICE RTT ${med((n) => n.rttMs[0])} ms; ` +
      `caller audio lost (RTCP) ${med((n) => n.outbound.packetsLost)} packets per call (medians over calls).`,
  ];
}

function greetingTable(r: LatencyRun): string[] {
  const L = ['Click → first greeting audio heard (every measured call; the widget prefetches the session on hover):', '', '| | n | P50 | P95 | max |', '|---|---|---|---|---|'];
  for (const [label, hover] of [['hover 400 ms, then click', true], ['click without hover', false]] as const) {
    for (const network of r.params.networks) {
      const s = summarize(callsOf(r, network).filter((c) => (c.plan.hoverMs !== null) === hover).map((c) => c.clickToGreetingMs).filter((v): v is number => v !== null));
      if (s.count) L.push(`| ${label} (${network}) | ${s.count} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.max)} |`);
    }
  }
  return L;
}

function bargeInTable(r: LatencyRun): string[] {
  const b = (k: keyof BargeInSample) => summarize(r.bargeIns.map((x) => x[k]).filter((v): v is number => v !== null));
  const row = (label: string, s: Summary) => `| ${label} | ${s.count} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.max)} |`;
  return [
    'Barge-in (loopback, fast; ms from the caller\'s speech onset):',
    '',
    '| | n | P50 | P95 | max |',
    '|---|---|---|---|---|',
    row('agent ducked', b('duckMs')),
    row('agent stopped, interrupt sent', b('stopMs')),
    row('agent audio silent in the page', b('silentMs')),
  ];
}

/** Cores used by each part of the system while a call of each configuration runs (loopback). */
function cpuTable(r: LatencyRun): string[] {
  const network = r.params.networks.includes('loopback') ? 'loopback' : r.params.networks[0]!;
  const configs = r.params.configsByNetwork[network] ?? [];
  const per = Object.fromEntries(
    configs.map((c) => {
      const cs = callsOf(r, network, c);
      const wallS = cs.reduce((a, x) => a + (x.endedAt - x.startedAt) / 1000, 0);
      const tot: Record<string, number> = {};
      for (const x of cs) for (const [k, v] of Object.entries(x.cpu)) tot[k] = (tot[k] ?? 0) + v;
      return [c, { wallS, tot, calls: cs.length }];
    }),
  );
  const parts = [...new Set(configs.flatMap((c) => Object.keys(per[c]!.tot)))].sort((a, b) => (per.fast?.tot[b] ?? 0) - (per.fast?.tot[a] ?? 0));
  const cores = (c: string, k: string) => (per[c]!.tot[k] ?? 0) / Math.max(1e-9, per[c]!.wallS);
  const L = [
    `CPU per call (${network}): cores in use while a call runs (core-seconds ÷ call seconds; 1.00 = one core), by part of the system. ` +
      `Calls: ${configs.map((c) => `${c} ${per[c]!.calls} (${f(per[c]!.wallS / Math.max(1, per[c]!.calls))} s each)`).join(', ')}.`,
    '',
    `| part | ${configs.join(' | ')} |`,
    `|---|${configs.map(() => '---').join('|')}|`,
    ...parts.map((k) => `| ${k} | ${configs.map((c) => f(cores(c, k), 3)).join(' | ')} |`),
    `| **everything this run started** | ${configs.map((c) => f(parts.filter((k) => !k.startsWith('other')).reduce((a, k) => a + cores(c, k), 0), 2)).join(' | ')} |`,
  ];
  return L;
}

/** The page VAD's speech end against the file's true one: how far the measurement's start point can be trusted. */
function speechEndCheck(r: LatencyRun): string[] {
  const classes = [...new Set(r.params.utterances.map((u) => u.cls))];
  const L = [
    'Check of the measurement\'s start: page speech end (last voiced VAD frame) − true end of the speech in the file (energy, −45 dBFS), all networks and configurations, ms:',
    '',
    '| class | n | P50 | P95 | min |',
    '|---|---|---|---|---|',
  ];
  for (const c of classes) {
    const d = r.calls.filter((x) => !x.warmup).flatMap((x) => x.turns.filter((t) => t.cls === c && t.turn).map((t) => t.turn!.speechEndAt - t.trueSpeechEndAt));
    const s = summarize(d);
    L.push(`| ${c} | ${s.count} | ${f(s.p50)} | ${f(s.p95)} | ${f(d.length ? Math.min(...d) : null)} |`);
  }
  return L;
}
