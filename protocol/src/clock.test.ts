import { describe, expect, it } from 'vitest';
import { ClockOffsetEstimator } from './clock.ts';

describe('ClockOffsetEstimator', () => {
  it('uses the midpoint of the round trip and keeps the tightest sample', () => {
    const est = new ClockOffsetEstimator();
    // agent clock is 5000 ms ahead; first probe has a 40 ms round trip, asymmetric (30 up, 10 down)
    expect(est.add({ sendMs: 1000, agentMs: 6030, receiveMs: 1040 })).toEqual({
      offsetMs: 5010,
      uncertaintyMs: 20,
      samples: 1,
    });
    // tighter probe: 4 ms round trip, symmetric
    est.add({ sendMs: 2000, agentMs: 7002, receiveMs: 2004 });
    // looser probe afterwards does not replace it
    const best = est.add({ sendMs: 3000, agentMs: 8100, receiveMs: 3100 });
    expect(best).toEqual({ offsetMs: 5000, uncertaintyMs: 2, samples: 3 });
  });

  it('bounds the true offset by the uncertainty', () => {
    const trueOffset = -1234.5;
    const est = new ClockOffsetEstimator();
    for (const [up, down] of [[7, 1], [2, 9], [3, 3]] as const) {
      const send = 10_000 + up * 100;
      est.add({ sendMs: send, agentMs: send + up + trueOffset, receiveMs: send + up + down });
    }
    const c = est.current!;
    expect(Math.abs(c.offsetMs - trueOffset)).toBeLessThanOrEqual(c.uncertaintyMs);
  });

  it('rejects a sample received before it was sent', () => {
    expect(() => new ClockOffsetEstimator().add({ sendMs: 10, agentMs: 0, receiveMs: 5 })).toThrow(RangeError);
  });
});
