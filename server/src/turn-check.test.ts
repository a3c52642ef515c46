import { describe, expect, it } from 'vitest';
import type { TurnLatency } from '@voice-widget/protocol';
import { MAX_OUTSIDE_AGENT_MS, type ReplyTimeline, checkTurn } from './turn-check.ts';

const t0 = 1_700_000_000_000;
// The agent: end of turn at t0, first audio from the model 300 ms later, first frame out 20 ms after.
const reply: ReplyTimeline = { endOfTurnAtMs: t0, endOfTurnSource: 'client_hint', firstAudioDeltaAtMs: t0 + 300, firstFramePublishedAtMs: t0 + 320 };
const turn = (perceivedMs: number, over: Partial<TurnLatency> = {}) => ({
  perceivedMs,
  overlap: perceivedMs < 0,
  stages: { endpointingMs: 150, modelMs: 300, agentOutMs: 20, networkPlayoutMs: perceivedMs - 470 },
  endOfTurnSource: 'client_hint' as const,
  ...over,
});

describe('checkTurn', () => {
  it('accepts a real turn: the agent span plus plausible endpointing and network', () => {
    expect(checkTurn(turn(640), reply)).toEqual({ ok: true });
    expect(checkTurn(turn(640, { stages: null, endOfTurnSource: null }), reply)).toEqual({ ok: true });
  });

  it('refuses a forged fast turn: shorter than the agent itself took', () => {
    const r = checkTurn(turn(100, { stages: null }), reply);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/shorter than the agent's own 320 ms/) });
  });

  it('refuses a turn far slower than any endpointing and network could make it', () => {
    expect(checkTurn(turn(320 + MAX_OUTSIDE_AGENT_MS + 1, { stages: null }), reply).ok).toBe(false);
  });

  it('refuses stages that do not match the agent timeline, or another end-of-turn source', () => {
    expect(checkTurn(turn(640, { stages: { endpointingMs: 400, modelMs: 50, agentOutMs: 20, networkPlayoutMs: 170 } }), reply).ok).toBe(false);
    expect(checkTurn(turn(640, { endOfTurnSource: 'model_vad' }), reply).ok).toBe(false);
  });

  it('refuses a turn claiming the greeting (no end of turn) or a reply that never played', () => {
    expect(checkTurn(turn(640), { ...reply, endOfTurnAtMs: null }).ok).toBe(false);
    expect(checkTurn(turn(640), { ...reply, firstFramePublishedAtMs: null }).ok).toBe(false);
  });

  it('lets a plausible overlap through (it never enters the percentiles) but not an absurd one', () => {
    expect(checkTurn(turn(-200, { stages: null }), reply)).toEqual({ ok: true });
    expect(checkTurn(turn(-(MAX_OUTSIDE_AGENT_MS + 1), { stages: null }), reply).ok).toBe(false);
  });
});
