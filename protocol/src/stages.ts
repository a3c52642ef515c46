/**
 * The stages of a turn's perceived latency (docs/latency.md, "Stages"), in timeline order: the
 * one list every view uses — the widget's latency panel, the dashboard's timeline, the bench's
 * tables and charts. `key` is the field of {@link TurnStages} (ms); `label` a short name;
 * `span` the two timestamps it lies between; `color` the same in every chart.
 */
export const LATENCY_STAGES = [
  { key: 'endpointingMs', label: 'endpointing', span: 'speech end → end of turn', color: '#8e6bd8' },
  { key: 'modelMs', label: 'model', span: 'end of turn → first audio delta', color: '#e08a1e' },
  { key: 'agentOutMs', label: 'agent out', span: 'first delta → frame published', color: '#2e9d6a' },
  { key: 'networkPlayoutMs', label: 'network + playout', span: 'published → heard', color: '#3b82c4' },
] as const;

/** One stage of {@link LATENCY_STAGES}. */
export type LatencyStage = (typeof LATENCY_STAGES)[number];
/** Field name of a stage in {@link TurnStages}, e.g. `endpointingMs`. */
export type StageKey = LatencyStage['key'];
/** The stage keys in timeline order. */
export const STAGE_KEYS: readonly StageKey[] = LATENCY_STAGES.map((s) => s.key);
