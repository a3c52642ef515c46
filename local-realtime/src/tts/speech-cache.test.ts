import { describe, expect, it } from 'vitest';
import { SpeechCache } from './speech-cache.ts';

async function collect(it: AsyncIterable<Int16Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const c of it) out.push(...c);
  return out;
}

function producer(values: number[][], calls: { n: number }, delayMs = 1) {
  return async function* () {
    calls.n++;
    for (const v of values) {
      await new Promise((r) => setTimeout(r, delayMs));
      yield Int16Array.from(v);
    }
  };
}

describe('SpeechCache', () => {
  it('produces once for concurrent readers and serves later reads from memory', async () => {
    const cache = new SpeechCache(1_000);
    const calls = { n: 0 };
    const produce = producer([[1, 2], [3]], calls);
    const [a, b] = await Promise.all([collect(cache.stream('k', produce)), collect(cache.stream('k', produce))]);
    expect(a).toEqual([1, 2, 3]);
    expect(b).toEqual([1, 2, 3]);
    expect(await collect(cache.stream('k', produce))).toEqual([1, 2, 3]);
    expect(calls.n).toBe(1);
    expect(cache.has('k')).toBe(true);
    expect(cache.bytes).toBe(6);
  });

  it('evicts the least recently used entries beyond the byte cap', async () => {
    const cache = new SpeechCache(8); // room for two 4-byte entries
    const calls = { n: 0 };
    for (const key of ['a', 'b']) await collect(cache.stream(key, producer([[1, 1]], calls)));
    await collect(cache.stream('a', producer([[1, 1]], calls))); // touch a: b is now oldest
    await collect(cache.stream('c', producer([[1, 1]], calls)));
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
  });

  it('rethrows a production failure to readers and does not cache it', async () => {
    const cache = new SpeechCache(1_000);
    // eslint-disable-next-line require-yield
    const failing = async function* (): AsyncGenerator<Int16Array> {
      throw new Error('espeak missing');
    };
    await expect(collect(cache.stream('x', failing))).rejects.toThrow('espeak missing');
    expect(cache.has('x')).toBe(false);
    const calls = { n: 0 };
    expect(await collect(cache.stream('x', producer([[7]], calls)))).toEqual([7]);
  });
});
