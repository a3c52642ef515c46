import { type Summary, summarize } from '@voice-widget/protocol';
import { AGENT_SIDE, EXCLUDED, REPORTED } from './parts.ts';

/** What one run of one concurrency level measured (one round). */
export interface LevelSample {
  calls: number;
  /** Perceived latency of every answered turn, ms (caller's speech end → first agent audio heard). */
  perceivedMs: number[];
  /** Turns said that got no reply within the caller's timeout. */
  missed: number;
  /** Length of the talking window, s (first turn said → last reply over). */
  seconds: number;
  /** Core-seconds per part during the talking window. */
  cpuS: Record<string, number>;
  /** Peak resident memory per part during the talking window, bytes. */
  peakRssBytes: Record<string, number>;
  /** Core-seconds per part from the first join to the talking window (job start, greeting). */
  setupCpuS: Record<string, number>;
}

/** Idle state before the first call: CPU in % of one core and resident memory in bytes, per part. */
export interface IdleBaseline {
  cpuPct: Record<string, number>;
  rssBytes: Record<string, number>;
}

/** One concurrency level, all rounds together. */
export interface LevelRow {
  calls: number;
  perceived: Summary;
  missed: number;
  /** CPU per call while talking, % of one core, per part (idle subtracted, ≥ 0). */
  cpuPctPerCall: Record<string, number>;
  /** Agent side (job processes + inference process + worker main), % of one core per call. */
  agentCpuPctPerCall: number;
  /** Memory per call, MiB, per part (peak while talking − idle, ≥ 0). */
  memMiBPerCall: Record<string, number>;
  agentMemMiBPerCall: number;
  /** Agent side's CPU to set up one call (job process taken, greeting), core-seconds. */
  agentSetupCpuSPerCall: number;
  /** CPU of excluded parts while talking, % of one core (not per call, idle not subtracted). */
  excludedCpuPct: Record<string, number>;
  /** Whole machine busy while talking, % of all cores. */
  machineBusyPct: number;
}

/** The figures a capacity plan uses. */
export interface Capacity {
  /** One call's perceived P95, ms. */
  p95OneCallMs: number | null;
  /** First level whose P95 exceeds `kneeRatio` × one call's P95, or that missed a turn; null if none did. */
  knee: number | null;
  kneeRatio: number;
  /** Levels up to (not including) the knee. */
  healthy: number[];
  /** Worst agent-side CPU per call over the healthy levels, % of one core (never the flattering best). */
  agentCpuPctPerCall: number | null;
  /** 100 / agentCpuPctPerCall: calls one core of agent machine carries. */
  agentCallsPerCore: number | null;
  /** Worst agent-side memory per call over the healthy levels, MiB. */
  agentMemMiBPerCall: number | null;
  /** Whether the agent side's CPU per call (worst level before the knee) is ≤ `cpuTargetPct`; null when no level was healthy. */
  meetsCpuTarget: boolean | null;
  /** Target: agent side per call, % of one core. */
  cpuTargetPct: number;
}

const sum = (r: Record<string, number>, keys: readonly string[]) => keys.reduce((a, k) => a + (r[k] ?? 0), 0);
const MiB = 2 ** 20;

/**
 * Merges the rounds of each level into one row: latencies pooled, core-seconds summed over summed
 * seconds, memory the worst round. `machineBusy`: the machine's busy share per level, % of all cores.
 */
export function levelRows(samples: readonly LevelSample[], idle: IdleBaseline, machineBusy: Map<number, number>): LevelRow[] {
  const levels = [...new Set(samples.map((s) => s.calls))].sort((a, b) => a - b);
  const parts = [...new Set([...REPORTED, ...samples.flatMap((s) => Object.keys(s.cpuS))])];
  return levels.map((calls) => {
    const mine = samples.filter((s) => s.calls === calls);
    const seconds = mine.reduce((a, s) => a + s.seconds, 0);
    const cpuPct = Object.fromEntries(parts.map((p) => [p, (mine.reduce((a, s) => a + (s.cpuS[p] ?? 0), 0) / seconds) * 100]));
    const cpuPctPerCall = Object.fromEntries(REPORTED.map((p) => [p, Math.max(0, cpuPct[p]! - (idle.cpuPct[p] ?? 0)) / calls]));
    const memMiBPerCall = Object.fromEntries(
      REPORTED.map((p) => [p, Math.max(0, Math.max(...mine.map((s) => s.peakRssBytes[p] ?? 0)) - (idle.rssBytes[p] ?? 0)) / calls / MiB]),
    );
    const setup = mine.reduce((a, s) => a + sum(s.setupCpuS, AGENT_SIDE), 0) / mine.length;
    return {
      calls,
      perceived: summarize(mine.flatMap((s) => s.perceivedMs)),
      missed: mine.reduce((a, s) => a + s.missed, 0),
      cpuPctPerCall,
      agentCpuPctPerCall: sum(cpuPctPerCall, AGENT_SIDE),
      memMiBPerCall,
      agentMemMiBPerCall: sum(memMiBPerCall, AGENT_SIDE),
      agentSetupCpuSPerCall: setup / calls,
      excludedCpuPct: Object.fromEntries(EXCLUDED.map((p) => [p, cpuPct[p] ?? 0])),
      machineBusyPct: machineBusy.get(calls) ?? NaN,
    };
  });
}

/**
 * The knee and the per-call figures up to it. The knee is the first level (by calls) whose P95
 * exceeds `kneeRatio` × the one-call P95 or that missed a turn (a caller left without an answer is
 * worse than a slow one). Per-call figures are the worst over the levels before the knee.
 * @throws Error when there is no one-call level (the reference of the knee).
 */
export function capacity(rows: readonly LevelRow[], kneeRatio = 1.1, cpuTargetPct = 10): Capacity {
  const one = rows.find((r) => r.calls === 1);
  if (!one) throw new Error('bench:concurrency needs a 1-call level: the knee is relative to it');
  const ref = one.perceived.p95;
  const past = (r: LevelRow) => r.missed > 0 || r.perceived.p95 === null || ref === null || r.perceived.p95 > kneeRatio * ref;
  const knee = rows.find((r) => r.calls > 1 && past(r))?.calls ?? null;
  const healthyRows = rows.filter((r) => (knee === null || r.calls < knee) && !(r.calls === 1 && r.missed > 0));
  const worst = (f: (r: LevelRow) => number) => (healthyRows.length ? Math.max(...healthyRows.map(f)) : null);
  const cpu = worst((r) => r.agentCpuPctPerCall);
  return {
    p95OneCallMs: ref,
    knee,
    kneeRatio,
    healthy: healthyRows.map((r) => r.calls),
    agentCpuPctPerCall: cpu,
    agentCallsPerCore: cpu === null || cpu === 0 ? null : 100 / cpu,
    agentMemMiBPerCall: worst((r) => r.agentMemMiBPerCall),
    meetsCpuTarget: cpu === null ? null : cpu <= cpuTargetPct,
    cpuTargetPct,
  };
}

/** The BENCHMARKS.md tables: latency and agent side by level, then every part per call. */
export function markdown(rows: readonly LevelRow[], cap: Capacity): string {
  const f0 = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '–' : String(Math.round(v)));
  const f1 = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(1));
  const ratio = (r: LevelRow) => (r.perceived.p95 === null || !cap.p95OneCallMs ? '–' : (r.perceived.p95 / cap.p95OneCallMs).toFixed(2));
  const lines = [
    '| calls | turns | perceived P50 (ms) | P95 (ms) | P95 ÷ 1-call P95 | missed | agent side CPU per call (% of a core) | agent side memory per call (MiB) | agent set-up per call (core-s) | machine busy |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.calls} | ${r.perceived.count} | ${f0(r.perceived.p50)} | ${f0(r.perceived.p95)} | ${ratio(r)} | ${r.missed} | ${f1(r.agentCpuPctPerCall)} | ${f0(r.agentMemMiBPerCall)} | ${r.agentSetupCpuSPerCall.toFixed(2)} | ${f0(r.machineBusyPct)} % |`,
    ),
    '',
    `| calls | ${REPORTED.map((p) => `${p}: CPU % / MiB per call`).join(' | ')} | ${EXCLUDED.map((p) => `${p}: CPU %`).join(' | ')} |`,
    `|---|${REPORTED.map(() => '---').join('|')}|${EXCLUDED.map(() => '---').join('|')}|`,
    ...rows.map(
      (r) =>
        `| ${r.calls} | ${REPORTED.map((p) => `${f1(r.cpuPctPerCall[p]!)} / ${f0(r.memMiBPerCall[p])}`).join(' | ')} | ${EXCLUDED.map((p) => f0(r.excludedCpuPct[p])).join(' | ')} |`,
    ),
    '',
    `Knee (first level with P95 > ${cap.kneeRatio} × one call's ${f0(cap.p95OneCallMs)} ms, or a missed turn): ${cap.knee ?? `not reached up to ${rows.at(-1)?.calls} calls`}. ` +
      `Agent side up to the knee (worst level): ${cap.agentCpuPctPerCall === null ? '–' : cap.agentCpuPctPerCall.toFixed(1)} % of a core and ${f0(cap.agentMemMiBPerCall)} MiB per call, ` +
      `${cap.agentCallsPerCore === null ? '–' : cap.agentCallsPerCore.toFixed(1)} calls per core; target ≤ ${cap.cpuTargetPct} %: ${cap.meetsCpuTarget === null ? 'not measured' : cap.meetsCpuTarget ? 'met' : 'not met'}.`,
  ];
  return lines.join('\n');
}
