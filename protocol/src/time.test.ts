import { describe, expect, it } from 'vitest';
import { AgentTurnTimeline, TurnLatency } from './timeline.ts';

const turn = (over: Record<string, unknown> = {}) => ({
  index: 0,
  speechEndAt: 1_700_000_000_000,
  playStartAt: 1_700_000_000_640,
  perceivedMs: 640,
  overlap: false,
  stages: null,
  endOfTurnSource: null,
  clockUncertaintyMs: null,
  ...over,
});

describe('bounded times at the edge (regression: speechEndAt 1e300 was a 500)', () => {
  it('accepts a real turn, with or without the reply it matched', () => {
    expect(TurnLatency.safeParse(turn()).success).toBe(true);
    expect(TurnLatency.safeParse(turn({ responseId: 'resp_1' })).success).toBe(true);
  });

  it.each([
    ['a timestamp of 1e300', { speechEndAt: 1e300, playStartAt: 1e300 + 640 }],
    ['a timestamp before 2017', { speechEndAt: 1_000, playStartAt: 1_640 }],
    ['a timestamp after 2100', { speechEndAt: 5e12, playStartAt: 5e12 + 640 }],
    ['perceivedMs that does not match the two times', { perceivedMs: 10 }],
    ['a stage of 1e300 ms', { stages: { endpointingMs: 1e300, modelMs: null, agentOutMs: null, networkPlayoutMs: null } }],
    ['an index past the per-call cap', { index: 1_000 }],
    ['a clock uncertainty of 1e300 ms', { clockUncertaintyMs: 1e300 }],
  ])('rejects %s', (_what, over) => {
    expect(TurnLatency.safeParse(turn(over)).success).toBe(false);
  });

  it('bounds every time of an agent timeline', () => {
    const ok = { type: 'turn_timeline', responseId: 'r', endOfTurnAt: 1_700_000_000_000, endOfTurnSource: 'client_hint', responseCreatedAt: null, firstAudioDeltaAt: null, firstFramePublishedAt: 1_700_000_000_500, interrupted: false };
    expect(AgentTurnTimeline.safeParse(ok).success).toBe(true);
    expect(AgentTurnTimeline.safeParse({ ...ok, firstFramePublishedAt: 1e300 }).success).toBe(false);
  });
});
