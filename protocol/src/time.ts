import { z } from 'zod';

/**
 * Time values that cross a trust boundary. Every one is bounded: a timestamp of 1e300 must be a
 * 400 at the edge, not an overflow in a database column or a percentile.
 */

/** Earliest accepted wall-clock time, ms since epoch (2017-07-14). */
export const MIN_EPOCH_MS = 1_500_000_000_000;
/** Latest accepted wall-clock time, ms since epoch (2100-01-01). */
export const MAX_EPOCH_MS = 4_102_444_800_000;

/** A wall-clock time, ms since epoch, between 2017 and 2100 (finite, so never NaN/Infinity). */
export const EpochMs = z
  .number()
  .min(MIN_EPOCH_MS, 'time must be ms since epoch after 2017')
  .max(MAX_EPOCH_MS, 'time must be ms since epoch before 2100');

/** A duration or difference of two times, ms, within ±10 minutes (one call's span). */
export const SpanMs = z.number().min(-600_000).max(600_000);
