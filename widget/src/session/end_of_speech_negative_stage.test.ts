/**
 * Regression: a demo call's latency panel showed "End of speech −2653 ms". The caller paused, the
 * page's tentative hint started a speculative reply (its first frame was published), the caller
 * went on for two more seconds, and the real reply's timeline reached the page just after its
 * audio. The turn was split with the withdrawn reply's timeline — an end of turn 2.6 s before the
 * caller's speech end — and the right timeline, arriving a moment later, was never used.
 */
import { describe, expect, it } from 'vitest';
import type { AgentTurnTimeline } from '@voice-widget/protocol';
import { type LatencyUpdate, LatencyMeter } from './latency-meter.ts';

const reply = (id: string, endOfTurnAt: number, interrupted: boolean): AgentTurnTimeline => ({
  type: 'turn_timeline',
  responseId: id,
  endOfTurnAt,
  endOfTurnSource: 'client_hint',
  responseCreatedAt: endOfTurnAt + 5,
  firstAudioDeltaAt: endOfTurnAt + 550,
  firstFramePublishedAt: endOfTurnAt + 560,
  interrupted,
});

describe('End of speech −2653 ms (a withdrawn speculative reply paired with the next turn)', () => {
  it('never splits a turn with a reply whose end of turn precedes the speech end; the right reply splits it when it arrives', () => {
    const updates: LatencyUpdate[] = [];
    const m = new LatencyMeter((u) => updates.push(structuredClone(u)));
    m.setClock({ offsetMs: 0, uncertaintyMs: 5, samples: 5 });
    const frame = (endMs: number, voiced: boolean) => m.push({ type: 'vad_frame', endMs, voiced });
    // Speech until 10 000, a pause (tentative hint → speculative reply, published, withdrawn), speech again until 12 600.
    for (let t = 9_040; t <= 10_000; t += 32) frame(t, true);
    for (let t = 10_032; t <= 10_200; t += 32) frame(t, false);
    m.addTimeline(reply('speculative', 10_100, true));
    for (let t = 10_232; t <= 12_600; t += 32) frame(t, true);
    // The answer to the whole sentence: end of turn 12 700, heard at 13 350; its timeline arrives after the turn is decided.
    for (let t = 12_632; t <= 13_500; t += 32) frame(t, false);
    m.push({ type: 'agent_audio_start', atMs: 13_350 });
    frame(13_532, false);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.turn.perceivedMs).toBe(750);
    expect(updates[0]!.turn.stages).toBeNull(); // not the withdrawn reply's (endpointing −2500)
    m.addTimeline(reply('answer', 12_700, false));
    expect(updates).toHaveLength(2);
    expect(updates[1]!.turn.stages).toEqual({ endpointingMs: 100, modelMs: 550, agentOutMs: 10, networkPlayoutMs: 90 });
    for (const u of updates) for (const v of Object.values(u.turn.stages ?? {})) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('leaves a turn unsplit rather than drawing a stage negative beyond the clock uncertainty', () => {
    const updates: LatencyUpdate[] = [];
    const m = new LatencyMeter((u) => updates.push(structuredClone(u)));
    m.setClock({ offsetMs: 0, uncertaintyMs: 5, samples: 5 });
    for (let t = 9_040; t <= 10_000; t += 32) m.push({ type: 'vad_frame', endMs: t, voiced: true });
    // A reply whose first frame is stamped 100 ms before its first audio delta (agent out −100 ms).
    m.addTimeline({ ...reply('inconsistent', 10_100, false), firstAudioDeltaAt: 10_300, firstFramePublishedAt: 10_200 });
    for (let t = 10_032; t <= 10_700; t += 32) m.push({ type: 'vad_frame', endMs: t, voiced: false });
    m.push({ type: 'agent_audio_start', atMs: 10_500 });
    m.push({ type: 'vad_frame', endMs: 10_732, voiced: false });
    expect(updates).toHaveLength(1);
    expect(updates[0]!.turn.perceivedMs).toBe(500);
    expect(updates[0]!.turn.stages).toBeNull();
  });
});
