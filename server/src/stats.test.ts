import { describe, expect, it } from 'vitest';
import { histogram, summarizeBy } from './stats.ts';

describe('histogram', () => {
  it('uses a round bin width, covers the largest value and counts every value once', () => {
    const values = [120, 480, 510, 640, 1490];
    const bins = histogram(values);
    expect(bins[0]!.toMs - bins[0]!.fromMs).toBe(50); // 1490 / 50 < 30 bars
    expect(bins.at(-1)!.toMs).toBeGreaterThan(1490);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(values.length);
    expect(bins.find((b) => b.fromMs === 450)!.count).toBe(1);
    expect(bins.find((b) => b.fromMs === 500)!.count).toBe(1);
    expect(histogram([])).toEqual([]);
  });
});

describe('summarizeBy', () => {
  it('groups by key and reports P50/P95 (type 7), not a mean', () => {
    const s = (agent: string, perceivedMs: number) => ({ agent, perceivedMs, overlap: false, channel: 'web' as const, day: '2026-11-21' });
    const rows = summarizeBy([s('b', 100), s('a', 400), s('a', 500), s('a', 1500)], (x) => x.agent);
    expect(rows.map((r) => r.key)).toEqual(['a', 'b']);
    expect(rows[0]!.summary).toEqual({ count: 3, p50: 500, p95: 1400, max: 1500 });
  });
});
