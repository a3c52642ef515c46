import { describe, expect, it } from 'vitest';
import type { Utterance } from '../audio-set.ts';
import { interleaveClasses, scheduleCalls } from './schedule.ts';

const u = (id: string, cls: Utterance['cls']): Utterance => ({ id, cls, wav: `${id}.wav`, durationMs: 1000, speechStartMs: 0, speechEndMs: 900, text: null });

describe('latency schedule', () => {
  it('mixes the classes in every block', () => {
    const set = [u('c1', 'clean'), u('c2', 'clean'), u('n1', 'noisy'), u('n2', 'noisy'), u('s1', 'short')];
    expect(interleaveClasses(set).map((x) => x.id)).toEqual(['c1', 'n1', 's1', 'c2', 'n2']);
  });

  it('gives every configuration the same utterances and rotates which goes first', () => {
    const set = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => u(id, 'clean'));
    const calls = scheduleCalls(set, { loopback: ['fast', 'model_vad', 'stock'], lossy: ['fast', 'stock'] }, 2, { lossy: 3 });
    const order = (b: number) => calls.filter((c) => c.block === b).map((c) => `${c.network}/${c.config}`);
    expect(order(0)).toEqual(['loopback/fast', 'loopback/model_vad', 'loopback/stock', 'lossy/fast', 'lossy/stock']);
    expect(order(1)).toEqual(['loopback/model_vad', 'loopback/stock', 'lossy/fast', 'lossy/stock', 'loopback/fast']);
    expect(order(2)).toEqual(['loopback/stock', 'loopback/fast', 'loopback/model_vad']); // lossy capped at 3 turns
    for (const b of [0, 1, 2]) {
      const said = new Set(calls.filter((c) => c.block === b && c.network === 'loopback').map((c) => c.utterances.map((x) => x.id).join()));
      expect(said.size).toBe(1);
    }
    expect(calls.filter((c) => c.network === 'lossy' && c.config === 'fast').flatMap((c) => c.utterances.map((x) => x.id))).toEqual(['a', 'b', 'c']);
  });
});
