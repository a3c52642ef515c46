import { describe, expect, it } from 'vitest';
import { AmdDetector } from './detector.ts';
import { SileroAmdInput, type SpeechScorer } from './silero-input.ts';
import { concat, frames, noise, silence } from './test-signals.ts';

/** A fake Silero: speech wherever the window is loud (RMS above −40 dBFS), and it records what it saw. */
class LevelScorer implements SpeechScorer {
  windows = 0;
  async probability(w: Float32Array): Promise<number> {
    this.windows++;
    let sum = 0;
    for (const v of w) sum += v * v;
    return Math.sqrt(sum / w.length) > 0.01 ? 0.95 : 0.02;
  }
}

describe('SileroAmdInput', () => {
  it('cuts 10 ms frames into 32 ms windows, scores each once and drives the detector', async () => {
    const amd = new AmdDetector({ answeredAtMs: 0, config: { vad: { kind: 'probability' } } });
    const scorer = new LevelScorer();
    const input = new SileroAmdInput(amd, scorer);
    const audio = concat(silence(320), noise(480, -20, 1), silence(2000));
    const pending = frames(audio, 10).map((f) => input.handleFrame(f)); // not awaited one by one: queued in order
    const events = (await Promise.all(pending)).flat();
    expect(scorer.windows).toBeGreaterThan(60);
    expect(events.find((e) => e.type === 'amd_decision')).toMatchObject({ decision: 'human', evidence: { vad: 'probability' } });
  });

  it('refuses a detector that does not take probabilities', () => {
    expect(() => new SileroAmdInput(new AmdDetector({ answeredAtMs: 0 }), new LevelScorer())).toThrow(/probability/);
  });

  it('rejects frames out of order without blocking later ones', async () => {
    const input = new SileroAmdInput(new AmdDetector({ answeredAtMs: 0, config: { vad: { kind: 'probability' } } }), new LevelScorer());
    await input.handleFrame({ samples: silence(100), startMs: 1000 });
    await expect(input.handleFrame({ samples: silence(100), startMs: 0 })).rejects.toThrow(RangeError);
    await expect(input.handleFrame({ samples: silence(100), startMs: 1100 })).resolves.toEqual([]);
  });
});
