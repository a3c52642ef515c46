import { describe, expect, it } from 'vitest';
import { energyEnvelope } from './audio/level.ts';
import { loudRuns, phoneTurnsFromEnvelopes, toPhoneTurnLatencies } from './envelope.ts';

const SR = 8000;

/** PCM16 track of [durationMs, amplitude 0–1] pieces (a 440 Hz tone, or silence at 0). */
function track(pieces: [number, number][]): Int16Array {
  const total = pieces.reduce((n, [ms]) => n + (ms * SR) / 1000, 0);
  const out = new Int16Array(total);
  let i = 0;
  for (const [ms, amp] of pieces) {
    for (let k = 0; k < (ms * SR) / 1000; k++, i++) out[i] = Math.round(amp * 32767 * Math.sin((2 * Math.PI * 440 * i) / SR));
  }
  return out;
}

describe('loudRuns', () => {
  it('drops runs shorter than the minimum (clicks)', () => {
    expect(loudRuns([-120, -10, -120, -10, -10, -10, -120], -45, 2)).toEqual([[3, 6]]);
  });
});

describe('phoneTurnsFromEnvelopes', () => {
  // Caller: greeting heard first (no turn), then speaks 1.0–2.0 s with a word gap; agent answers.
  const sent = energyEnvelope(track([[1000, 0], [400, 0.3], [80, 0], [520, 0.3], [3000, 0]]), SR);
  const received = energyEnvelope(track([[100, 0], [600, 0.5], [1900, 0], [300, 0.5], [200, 0], [300, 0.5], [1100, 0]]), SR);

  it('pairs the end of the caller speech with the next agent onset; the greeting is no turn', () => {
    const turns = phoneTurnsFromEnvelopes(sent, received);
    expect(turns).toEqual([{ speechEndMs: 2000, playStartMs: 2600, perceivedMs: 600, overlap: false }]);
  });

  it('merges the agent words separated by short gaps into one reply (one turn, not two)', () => {
    expect(phoneTurnsFromEnvelopes(sent, received, { agentGapMs: 100 })).toHaveLength(1);
  });

  it('reports the agent talking over the caller as an overlap with a negative value', () => {
    const caller = energyEnvelope(track([[500, 0], [1000, 0.3], [1500, 0]]), SR);
    const agent = energyEnvelope(track([[1200, 0], [500, 0.5], [1300, 0]]), SR);
    const [turn] = phoneTurnsFromEnvelopes(caller, agent);
    // The pairer decides once caller frames reach onset + settle (100 ms): still voiced then.
    expect(turn).toMatchObject({ speechEndMs: 1300, playStartMs: 1200, perceivedMs: -100, overlap: true });
  });

  it('becomes TurnLatency records on the caller clock', () => {
    const [t] = toPhoneTurnLatencies(phoneTurnsFromEnvelopes(sent, received), 1_700_000_000_000);
    expect(t).toEqual({
      index: 0,
      speechEndAt: 1_700_000_002_000,
      playStartAt: 1_700_000_002_600,
      perceivedMs: 600,
      overlap: false,
      stages: null,
      endOfTurnSource: 'model_vad',
      clockUncertaintyMs: null,
    });
  });
});
