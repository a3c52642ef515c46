import { describe, expect, it } from 'vitest';
import { EndOfTurnHints, type HintAction } from './end-of-turn.ts';

/** Feeds 32 ms frames from `fromMs` (exclusive) to `toMs`; returns the actions. */
function feed(h: EndOfTurnHints, fromMs: number, toMs: number, voiced: boolean, agentSpeaking = false): HintAction[] {
  const out: HintAction[] = [];
  for (let t = fromMs + 32; t <= toMs; t += 32) {
    const a = h.frame(t, voiced, agentSpeaking);
    if (a) out.push(a);
  }
  return out;
}

describe('end-of-turn hints', () => {
  it('sends a tentative hint after 96 ms of silence, then the final one with the same speech end', () => {
    const h = new EndOfTurnHints();
    expect(feed(h, 0, 640, true)).toEqual([]); // 640 ms of speech ending at 640
    expect(feed(h, 640, 704, false)).toEqual([]); // 64 ms: not yet
    expect(feed(h, 704, 736, false)).toEqual([{ type: 'tentative', speechEndMs: 640 }]);
    expect(feed(h, 736, 960, false)).toEqual([]); // only once
    expect(h.speechEnd()).toEqual({ speechEndMs: 640, final: true });
  });

  it('reports a resumption when the caller goes on after the tentative hint', () => {
    const h = new EndOfTurnHints();
    feed(h, 0, 640, true);
    feed(h, 640, 768, false);
    expect(feed(h, 768, 800, true)).toEqual([{ type: 'resumed', atMs: 800 }]);
    feed(h, 800, 1280, true);
    expect(feed(h, 1280, 1376, false)).toEqual([{ type: 'tentative', speechEndMs: 1280 }]);
    expect(h.speechEnd()).toEqual({ speechEndMs: 1280, final: true });
  });

  it('waits for 128 ms of voiced frames before any hint (a click or a breath is not a turn)', () => {
    const h = new EndOfTurnHints();
    feed(h, 0, 96, true); // 96 ms: three frames
    expect(feed(h, 96, 600, false)).toEqual([]);
    expect(h.misfire()).toBeNull();
  });

  it('short_answer_yes_ends_the_turn: a one-word answer (~160 ms voiced) gets its hints', () => {
    // Regression: with 250 ms required, "yes" / "no" after a read-back was never answered.
    const h = new EndOfTurnHints();
    feed(h, 0, 160, true);
    expect(feed(h, 160, 288, false)).toEqual([{ type: 'tentative', speechEndMs: 160 }]);
    expect(h.speechEnd()).toEqual({ speechEndMs: 160, final: true });
  });

  it('withdraws a tentative hint when the VAD calls the speech a misfire', () => {
    const h = new EndOfTurnHints({ minSpeechMs: 64 });
    feed(h, 0, 96, true);
    expect(feed(h, 96, 192, false)).toEqual([{ type: 'tentative', speechEndMs: 96 }]);
    expect(h.misfire()).toMatchObject({ type: 'resumed' });
  });

  it('sends nothing for speech the agent talked through, but does after a barge-in', () => {
    const h = new EndOfTurnHints();
    feed(h, 1000, 1640, true, true);
    expect(feed(h, 1640, 1800, false, true)).toEqual([]);
    expect(h.speechEnd()).toBeNull();
    feed(h, 3000, 3320, true, true);
    h.bargeIn();
    feed(h, 3320, 3640, true, false);
    expect(feed(h, 3640, 3736, false)).toEqual([{ type: 'tentative', speechEndMs: 3640 }]);
    expect(h.speechEnd()).toEqual({ speechEndMs: 3640, final: true });
  });

  it('never sends the same final speech end twice, nor one before any speech', () => {
    const h = new EndOfTurnHints();
    expect(h.speechEnd()).toBeNull();
    feed(h, 0, 320, true);
    expect(h.speechEnd()).toEqual({ speechEndMs: 320, final: true });
    expect(h.speechEnd()).toBeNull();
    expect(feed(h, 320, 640, false)).toEqual([]);
  });
});
