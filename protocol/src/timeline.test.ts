import { describe, expect, it } from 'vitest';
import { type AgentTurnTimeline, computeStages, implausibleStage, matchTimeline } from './timeline.ts';

const timeline = (over: Partial<AgentTurnTimeline>): AgentTurnTimeline => ({
  type: 'turn_timeline',
  responseId: 'resp_1',
  endOfTurnAt: null,
  endOfTurnSource: null,
  responseCreatedAt: null,
  firstAudioDeltaAt: null,
  firstFramePublishedAt: null,
  interrupted: false,
  ...over,
});

describe('computeStages', () => {
  it('maps agent times onto the page clock and splits the turn', () => {
    const offset = 10_000; // agent = page + 10 s
    const stages = computeStages(
      { speechEndAt: 1_000, playStartAt: 1_600 },
      timeline({
        endOfTurnAt: 11_200,
        endOfTurnSource: 'model_vad',
        firstAudioDeltaAt: 11_500,
        firstFramePublishedAt: 11_520,
      }),
      offset,
    );
    expect(stages).toEqual({ endpointingMs: 200, modelMs: 300, agentOutMs: 20, networkPlayoutMs: 80 });
    const sum = Object.values(stages).reduce<number>((a, b) => a + (b ?? 0), 0);
    expect(sum).toBe(600); // the stages add up to the perceived latency
  });

  it('leaves a stage null when a boundary is missing', () => {
    const stages = computeStages({ speechEndAt: 0, playStartAt: 500 }, timeline({ firstFramePublishedAt: 400 }), 0);
    expect(stages).toEqual({ endpointingMs: null, modelMs: null, agentOutMs: null, networkPlayoutMs: 100 });
  });
});

describe('matchTimeline', () => {
  it('picks the latest reply published before the audio was heard', () => {
    const old = timeline({ responseId: 'a', firstFramePublishedAt: 100 });
    const cur = timeline({ responseId: 'b', firstFramePublishedAt: 1_450 });
    const future = timeline({ responseId: 'c', firstFramePublishedAt: 5_000 });
    expect(matchTimeline({ speechEndAt: 1_000, playStartAt: 1_500 }, [old, cur, future], 0)?.responseId).toBe('b');
  });

  it('returns undefined when no reply fits', () => {
    expect(matchTimeline({ speechEndAt: 10_000, playStartAt: 10_500 }, [timeline({ firstFramePublishedAt: 1 })], 0)).toBeUndefined();
  });
});

describe('matchTimeline and implausibleStage (End of speech −2653 ms)', () => {
  it('skips a reply whose end of turn precedes the speech end beyond the tolerance', () => {
    const withdrawn = timeline({ responseId: 'w', endOfTurnAt: 10_100, firstFramePublishedAt: 10_660 });
    const turn = { speechEndAt: 12_600, playStartAt: 13_350 };
    expect(matchTimeline(turn, [withdrawn], 0)).toBeUndefined();
    const answer = timeline({ responseId: 'a', endOfTurnAt: 12_580, firstFramePublishedAt: 13_260 });
    expect(matchTimeline(turn, [withdrawn, answer], 0)?.responseId).toBe('a'); // 20 ms early: within 50 ms
    expect(matchTimeline(turn, [withdrawn, answer], 0, { toleranceMs: 10 })).toBeUndefined();
  });

  it('names the first stage negative beyond the tolerance', () => {
    expect(implausibleStage({ endpointingMs: -2653, modelMs: 300, agentOutMs: 2, networkPlayoutMs: 90 }, 40)).toBe('endpointingMs');
    expect(implausibleStage({ endpointingMs: -30, modelMs: 300, agentOutMs: null, networkPlayoutMs: 90 }, 40)).toBeNull();
  });
});
