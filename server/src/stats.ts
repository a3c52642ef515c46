import { type CallFilter, type CallOutcome, type Summary, summarize } from '@voice-widget/protocol';
import type { Db } from './db/client.ts';
import { outcomeCounts } from './repo/calls.ts';
import { type TurnSample, turnSamples } from './repo/turns.ts';

/** One histogram bar: turns with `fromMs ≤ perceived < toMs`. */
export interface Bin {
  fromMs: number;
  toMs: number;
  count: number;
}

/** Perceived latency and outcome rates over the calls matching a filter (docs/latency.md). */
export interface LatencyReport {
  /** Non-overlap turns: count, P50, P95, max. */
  overall: Summary;
  /** Turns where the agent talked over the caller (kept out of the percentiles). */
  overlaps: number;
  byAgent: { key: string; summary: Summary }[];
  byChannel: { key: string; summary: Summary }[];
  byDay: { key: string; summary: Summary }[];
  histogram: Bin[];
  outcomes: Record<CallOutcome, number>;
  /** Share of ended calls the agent handled alone (`completed`); null with no ended call. */
  containmentRate: number | null;
  /** Share of ended calls transferred to a person; null with no ended call. */
  transferRate: number | null;
}

const NICE_WIDTHS_MS = [25, 50, 100, 200, 250, 500, 1000, 2000, 5000];

/** Histogram with a round bin width giving at most `maxBins` bars up to the largest value. */
export function histogram(values: readonly number[], maxBins = 30): Bin[] {
  if (values.length === 0) return [];
  const max = Math.max(...values);
  const width = NICE_WIDTHS_MS.find((w) => max / w < maxBins) ?? Math.ceil(max / maxBins);
  const n = Math.floor(max / width) + 1;
  const bins: Bin[] = Array.from({ length: n }, (_, i) => ({ fromMs: i * width, toMs: (i + 1) * width, count: 0 }));
  for (const v of values) bins[Math.min(n - 1, Math.max(0, Math.floor(v / width)))]!.count += 1;
  return bins;
}

/** Groups the non-overlap turns by `key` and summarises each group, sorted by key. */
export function summarizeBy(samples: readonly TurnSample[], key: (s: TurnSample) => string) {
  const groups = new Map<string, number[]>();
  for (const s of samples) {
    const k = key(s);
    const list = groups.get(k) ?? [];
    list.push(s.perceivedMs);
    groups.set(k, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, values]) => ({ key: k, summary: summarize(values) }));
}

/** Builds the {@link LatencyReport} for the calls matching `f`. */
export async function latencyReport(db: Db, f: Partial<CallFilter>): Promise<LatencyReport> {
  const [all, outcomes] = await Promise.all([turnSamples(db, f), outcomeCounts(db, f)]);
  const samples = all.filter((s) => !s.overlap);
  const values = samples.map((s) => s.perceivedMs);
  const ended = Object.values(outcomes).reduce((a, b) => a + b, 0);
  return {
    overall: summarize(values),
    overlaps: all.length - samples.length,
    byAgent: summarizeBy(samples, (s) => s.agent),
    byChannel: summarizeBy(samples, (s) => s.channel),
    byDay: summarizeBy(samples, (s) => s.day),
    histogram: histogram(values),
    outcomes,
    containmentRate: ended ? outcomes.completed / ended : null,
    transferRate: ended ? outcomes.transferred / ended : null,
  };
}
