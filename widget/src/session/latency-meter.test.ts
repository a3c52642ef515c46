import { describe, expect, it } from 'vitest';
import type { AgentTurnTimeline } from '@voice-widget/protocol';
import { type LatencyUpdate, LatencyMeter } from './latency-meter.ts';

/** Caller speech of `frames` 32 ms frames ending at `endMs`, then silence frames up to `untilMs`. */
function speak(m: LatencyMeter, endMs: number, untilMs: number, frames = 10) {
  for (let i = frames - 1; i >= 0; i--) m.push({ type: 'vad_frame', endMs: endMs - i * 32, voiced: true });
  for (let t = endMs + 32; t <= untilMs; t += 32) m.push({ type: 'vad_frame', endMs: t, voiced: false });
}

describe('latency meter (as the widget feeds it)', () => {
  it('one turn per reply: speech end of the last voiced frame → first played audio; P50/P95 over turns', () => {
    const updates: LatencyUpdate[] = [];
    const m = new LatencyMeter((u) => updates.push(structuredClone(u)));
    const perceived = [700, 900, 1500];
    let t = 10_000;
    for (const p of perceived) {
      speak(m, t, t + p + 200);
      m.push({ type: 'agent_audio_start', atMs: t + p }); // frames already reach onset + 100 ms: decided
      m.push({ type: 'agent_audio_end', atMs: t + p + 1_000 });
      t += 5_000;
    }
    expect(updates.map((u) => Math.round(u.turn.perceivedMs))).toEqual(perceived);
    const s = updates.at(-1)!.summary;
    expect(s.count).toBe(3);
    expect(s.p50).toBe(900);
    expect(s.p95).toBeCloseTo(1440, 6); // type-7 interpolation between 900 and 1500
    expect(updates.map((u) => u.turn.index)).toEqual([0, 1, 2]);
  });

  it('the caller speaking again before any agent audio makes one turn from the later speech end', () => {
    const updates: LatencyUpdate[] = [];
    const m = new LatencyMeter((u) => updates.push(u));
    speak(m, 1_000, 1_400);
    speak(m, 2_000, 2_600);
    m.push({ type: 'agent_audio_start', atMs: 2_500 });
    expect(updates).toHaveLength(0); // VAD frames have not reached onset + settle yet
    m.push({ type: 'vad_frame', endMs: 2_640, voiced: false });
    expect(updates).toHaveLength(1);
    expect(updates[0]!.turn.perceivedMs).toBe(500);
  });

  it('a turn whose agent timeline arrives later is reported again with its stages', () => {
    const updates: LatencyUpdate[] = [];
    const m = new LatencyMeter((u) => updates.push(structuredClone(u)));
    m.setClock({ offsetMs: 50, uncertaintyMs: 2, samples: 5 }); // agent clock = page + 50
    speak(m, 1_000, 2_000);
    m.push({ type: 'agent_audio_start', atMs: 1_800 });
    speak(m, 2_000, 2_000, 0);
    expect(updates[0]!.turn.stages).toBeNull();
    const timeline: AgentTurnTimeline = {
      type: 'turn_timeline',
      responseId: 'r1',
      endOfTurnAt: 1_300 + 50,
      endOfTurnSource: 'client_hint',
      responseCreatedAt: 1_310 + 50,
      firstAudioDeltaAt: 1_600 + 50,
      firstFramePublishedAt: 1_650 + 50,
      interrupted: false,
    };
    m.addTimeline(timeline);
    expect(updates).toHaveLength(2);
    expect(updates[1]!.turn.index).toBe(0);
    expect(updates[1]!.turn.stages).toEqual({ endpointingMs: 300, modelMs: 300, agentOutMs: 50, networkPlayoutMs: 150 });
    expect(updates[1]!.turn.endOfTurnSource).toBe('client_hint');
    // The turn names the reply it was matched to: the server checks it against the agent's own copy.
    expect(updates[1]!.turn.responseId).toBe('r1');
    expect(updates[0]!.turn.responseId).toBeUndefined();
  });
});
