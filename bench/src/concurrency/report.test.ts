/**
 * bench:concurrency's arithmetic: rounds pooled per level, idle subtracted per part, the knee at
 * the first level past 1.1 × one call's P95 (or with a missed turn), per-call figures the worst
 * level before it.
 */
import { describe, expect, it } from 'vitest';
import { PART } from './parts.ts';
import { type LevelSample, capacity, levelRows, markdown } from './report.ts';

const MiB = 2 ** 20;
function sample(calls: number, perceivedMs: number[], jobCpuS: number, opts: { missed?: number; jobRssMiB?: number } = {}): LevelSample {
  return {
    calls,
    perceivedMs,
    missed: opts.missed ?? 0,
    seconds: 10,
    cpuS: { [PART.job]: jobCpuS, [PART.workerMain]: 0.5, [PART.livekit]: 0.2 * calls, [PART.callers]: 3 },
    peakRssBytes: { [PART.job]: (opts.jobRssMiB ?? 200 * calls) * MiB + 600 * MiB, [PART.workerMain]: 150 * MiB },
    setupCpuS: { [PART.job]: 1.5 * calls },
  };
}
const idle = { cpuPct: { [PART.workerMain]: 5, [PART.job]: 0 }, rssBytes: { [PART.job]: 600 * MiB, [PART.workerMain]: 150 * MiB } };

describe('bench:concurrency report', () => {
  it('pools rounds, subtracts idle per part, and divides by calls', () => {
    const rows = levelRows([sample(2, [500, 520], 1.6), sample(2, [510, 530], 2.4)], idle, new Map([[2, 40]]));
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r.perceived.count).toBe(4);
    // Job processes: (1.6 + 2.4) core-s over 20 s = 20 % of a core, over 2 calls.
    expect(r.cpuPctPerCall[PART.job]).toBeCloseTo(10);
    // Worker main: 1 core-s over 20 s = 5 %, minus the idle 5 % → 0.
    expect(r.cpuPctPerCall[PART.workerMain]).toBeCloseTo(0);
    expect(r.agentCpuPctPerCall).toBeCloseTo(10);
    expect(r.cpuPctPerCall[PART.livekit]).toBeCloseTo(2);
    expect(r.memMiBPerCall[PART.job]).toBeCloseTo(200);
    expect(r.agentSetupCpuSPerCall).toBeCloseTo(1.5);
    // The callers are excluded from the agent side, reported apart.
    expect(r.excludedCpuPct[PART.callers]).toBeCloseTo(30); // 6 core-s over 20 s
  });

  it('finds the knee at the first level past 1.1 × one call P95, and takes the worst level before it', () => {
    const rows = levelRows(
      [sample(1, [500, 500, 500], 0.8), sample(2, [500, 540, 545], 2.4), sample(4, [500, 560, 700], 4), sample(6, [500, 520, 530], 6)],
      idle,
      new Map(),
    );
    const cap = capacity(rows);
    expect(cap.p95OneCallMs).toBe(500);
    expect(cap.knee).toBe(4);
    expect(cap.healthy).toEqual([1, 2]);
    // 1 call: 8 %; 2 calls: 12 % — the worst is reported, not the best.
    expect(cap.agentCpuPctPerCall).toBeCloseTo(12);
    expect(cap.agentCallsPerCore).toBeCloseTo(100 / 12);
    expect(cap.meetsCpuTarget).toBe(false);
    expect(markdown(rows, cap)).toContain('Knee (first level with P95 > 1.1');
  });

  it('a missed turn is a knee even when the answered turns were fast', () => {
    const rows = levelRows([sample(1, [500], 0.5), sample(2, [500, 500], 0.8, { missed: 1 })], idle, new Map());
    const cap = capacity(rows);
    expect(cap.knee).toBe(2);
    expect(cap.agentCpuPctPerCall).toBeCloseTo(5);
    expect(cap.meetsCpuTarget).toBe(true);
  });

  it('needs a one-call level', () => {
    expect(() => capacity(levelRows([sample(2, [500], 1)], idle, new Map()))).toThrow(/1-call level/);
  });
});
