import { describe, expect, it } from 'vitest';
import { energyEnvelope, loudRuns, phoneTurnsFromEnvelopes, toPhoneTurnLatencies } from './envelope.ts';

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

describe('energyEnvelope', () => {
  it('gives dBFS per 10 ms frame: a full-scale sine is −3 dB, silence is −120', () => {
    const env = energyEnvelope(track([[100, 1], [100, 0]]), SR);
    expect(env.length).toBe(20);
    expect(env[5]).toBeCloseTo(-3, 0); // 4.4 cycles a frame: not exactly −3.01
    expect(env[15]).toBe(-120);
  });
});

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

describe('parseWavPcm16', () => {
  it('reads the samples of a PCM16 mono WAV and refuses other formats', async () => {
    const { parseWavPcm16 } = await import('./envelope.ts');
    const wav = (channels: number, samples: number[]) => {
      const b = new DataView(new ArrayBuffer(44 + samples.length * 2));
      const put = (at: number, s: string) => [...s].forEach((c, i) => b.setUint8(at + i, c.charCodeAt(0)));
      put(0, 'RIFF'); b.setUint32(4, 36 + samples.length * 2, true); put(8, 'WAVE');
      put(12, 'fmt '); b.setUint32(16, 16, true); b.setUint16(20, 1, true); b.setUint16(22, channels, true);
      b.setUint32(24, 8000, true); b.setUint32(28, 16000, true); b.setUint16(32, 2, true); b.setUint16(34, 16, true);
      put(36, 'data'); b.setUint32(40, samples.length * 2, true);
      samples.forEach((s, i) => b.setInt16(44 + 2 * i, s, true));
      return new Uint8Array(b.buffer);
    };
    expect(parseWavPcm16(wav(1, [1, -2, 32767]))).toEqual({ samples: new Int16Array([1, -2, 32767]), sampleRateHz: 8000 });
    expect(() => parseWavPcm16(wav(2, [0, 0]))).toThrow(/mono/);
    expect(() => parseWavPcm16(new Uint8Array(8))).toThrow(/not a WAV/);
  });
});
