import { describe, expect, it } from 'vitest';
import { EndOfTurnHints } from './end-of-turn.ts';

describe('end-of-turn hint', () => {
  it('sends the end of the last voiced frame when the VAD decides speech ended', () => {
    const h = new EndOfTurnHints();
    h.frame(1032, true, false);
    h.frame(1064, true, false);
    h.frame(1096, false, false);
    h.frame(1128, false, false);
    expect(h.speechEnd()).toEqual({ speechEndMs: 1064 });
  });

  it('sends nothing for speech the agent talked through, but does after a barge-in', () => {
    const h = new EndOfTurnHints();
    h.frame(2000, true, true);
    expect(h.speechEnd()).toBeNull();
    h.frame(3000, true, true);
    h.bargeIn();
    h.frame(3032, true, false);
    expect(h.speechEnd()).toEqual({ speechEndMs: 3032 });
  });

  it('never sends the same speech end twice, nor one before any speech', () => {
    const h = new EndOfTurnHints();
    expect(h.speechEnd()).toBeNull();
    h.frame(1000, true, false);
    expect(h.speechEnd()).toEqual({ speechEndMs: 1000 });
    expect(h.speechEnd()).toBeNull();
  });
});
