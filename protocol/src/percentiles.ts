/**
 * Percentiles and the summary every latency report uses (count, P50, P95, max — never a mean alone).
 *
 * Method: linear interpolation between closest ranks, Hyndman & Fan (1996) definition 7,
 * the default of NumPy (`np.percentile`), R (`quantile(type = 7)`) and Excel `PERCENTILE.INC`.
 * For sorted x[0..n-1] and p in [0, 100]: h = (n − 1)·p/100, result = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 */

/**
 * The p-th percentile of `values` (any unit; the result has the same unit).
 * @throws RangeError when `values` is empty, contains a non-finite number, or p is outside [0, 100].
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty list');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile p must be in [0, 100], got ${p}`);
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`percentile input must be finite numbers, got ${v}`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Count, P50, P95 and max of a sample; the percentiles are `null` when the sample is empty. */
export interface Summary {
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** Summarises a sample (e.g. perceived latency in ms) as count, P50, P95, max. Never throws on empty input. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, p50: null, p95: null, max: null };
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: Math.max(...values),
  };
}
