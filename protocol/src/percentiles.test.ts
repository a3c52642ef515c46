import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './percentiles.ts';

describe('percentile (Hyndman & Fan type 7)', () => {
  it('matches NumPy on a known sample', () => {
    // np.percentile([15, 20, 35, 40, 50], [50, 95]) -> [35., 48.]
    expect(percentile([15, 20, 35, 40, 50], 50)).toBe(35);
    expect(percentile([50, 15, 40, 20, 35], 95)).toBeCloseTo(48, 10);
  });

  it('interpolates between ranks', () => {
    // np.percentile([1, 2, 3, 4], 50) -> 2.5 ; 95 -> 3.85
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([4, 3, 2, 1], 95)).toBeCloseTo(3.85, 10);
  });

  it('returns the value itself for one sample and the extremes at 0 and 100', () => {
    expect(percentile([420], 95)).toBe(420);
    expect(percentile([3, 9, 1], 0)).toBe(1);
    expect(percentile([3, 9, 1], 100)).toBe(9);
  });

  it('rejects empty input, bad p and non-finite values', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(/\[0, 100\]/);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(/finite/);
  });

  it('does not reorder the caller array', () => {
    const xs = [3, 1, 2];
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('summarize', () => {
  it('reports count, P50, P95 and max, never a mean alone', () => {
    const s = summarize([100, 200, 300, 400, 1000]);
    expect(s).toMatchObject({ count: 5, p50: 300, max: 1000 });
    expect(s.p95).toBeCloseTo(880, 9); // h = 3.8 -> 400 + 0.8 * 600
    expect(s).not.toHaveProperty('mean');
  });

  it('is null-valued for an empty sample', () => {
    expect(summarize([])).toEqual({ count: 0, p50: null, p95: null, max: null });
  });
});
