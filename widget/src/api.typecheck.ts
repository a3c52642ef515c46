/**
 * Compile-time proof that the dependency-free public types in api.ts describe exactly what the
 * wire schemas in @voice-widget/protocol produce (checked by `tsc`, nothing runs).
 */
import type { Summary, TurnLatency, TurnStages } from '@voice-widget/protocol';
import type { LatencySummary, TurnLatencyInfo, TurnStagesInfo } from './api.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

export type Checks = [
  Assert<Equal<TurnLatencyInfo, TurnLatency>>,
  Assert<Equal<TurnStagesInfo, TurnStages>>,
  Assert<Equal<LatencySummary, Summary>>,
];
