import { describe, expect, it } from 'vitest';
import { RpcMethod } from '@voice-widget/protocol';
import { CALLER_LIMITS, CallerLimits } from './caller-limits.ts';

describe('CallerLimits', () => {
  it('200 end-of-turn hints in one second: a burst passes, the rest is refused, the next real turn passes', () => {
    let now = 1_000_000;
    const limits = new CallerLimits(CALLER_LIMITS, () => now);
    let allowed = 0;
    for (let i = 0; i < 200; i++) {
      now += 5; // 200 in one second
      if (limits.allow('caller_1', RpcMethod.endOfTurn)) allowed++;
    }
    const { burst, perSecond } = CALLER_LIMITS[RpcMethod.endOfTurn];
    expect(allowed).toBeGreaterThanOrEqual(burst);
    expect(allowed).toBeLessThanOrEqual(burst + perSecond + 1);
    expect(limits.takeRefusals()).toEqual([{ identity: 'caller_1', action: RpcMethod.endOfTurn, count: 200 - allowed }]);
    expect(limits.takeRefusals()).toEqual([]); // counted once
    now += 1_000; // a second later a person's turn (tentative + final hint) goes through
    expect(limits.allow('caller_1', RpcMethod.endOfTurn)).toBe(true);
    expect(limits.allow('caller_1', RpcMethod.endOfTurn)).toBe(true);
  });

  it('keeps a bucket per participant and per action', () => {
    let now = 0;
    const limits = new CallerLimits({ ...CALLER_LIMITS, chat: { burst: 1, perSecond: 0.5 } }, () => now);
    expect(limits.allow('a', 'chat')).toBe(true);
    expect(limits.allow('a', 'chat')).toBe(false);
    expect(limits.allow('b', 'chat')).toBe(true); // another caller is not affected
    expect(limits.allow('a', RpcMethod.clock)).toBe(true); // nor another action
    now += 2_000;
    expect(limits.allow('a', 'chat')).toBe(true);
  });
});
