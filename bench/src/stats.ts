import { STAGE_KEYS, type StageKey, type Summary, type TurnLatency, summarize } from '@voice-widget/protocol';

/** Latency of one configuration over a run: perceived and each stage, count/P50/P95/max (ms). */
export interface ConfigStats {
  perceived: Summary;
  stages: Record<StageKey, Summary>;
  /** Everything but endpointing and the model's own delay: agent out + network and playout (ms). */
  pipeline: Summary;
  /** Turns where the agent talked over the caller (negative latency; not in the percentiles). */
  overlaps: number;
  /** Turns without a stage split (no matching agent timeline). */
  unsplit: number;
  /** Clock offset uncertainty of the split turns, ± ms (P95). */
  clockUncertaintyP95: number | null;
}

/** Summarises a run's turn records (overlaps excluded from every percentile, counted apart). */
export function configStats(turns: readonly TurnLatency[]): ConfigStats {
  const ok = turns.filter((t) => !t.overlap);
  const split = ok.filter((t) => t.stages !== null);
  const stage = (name: StageKey) =>
    summarize(split.map((t) => t.stages![name]).filter((v): v is number => v !== null));
  const pipeline = split
    .map((t) => (t.stages!.agentOutMs ?? Number.NaN) + (t.stages!.networkPlayoutMs ?? Number.NaN))
    .filter(Number.isFinite);
  return {
    perceived: summarize(ok.map((t) => t.perceivedMs)),
    stages: Object.fromEntries(STAGE_KEYS.map((s) => [s, stage(s)])) as Record<StageKey, Summary>,
    pipeline: summarize(pipeline),
    overlaps: turns.length - ok.length,
    unsplit: ok.length - split.length,
    clockUncertaintyP95: summarize(split.map((t) => t.clockUncertaintyMs ?? 0)).p95,
  };
}
