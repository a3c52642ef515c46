import { describe, expect, it } from 'vitest';
import { SampleRing } from './caller-audio.ts';

describe('SampleRing', () => {
  it('keeps the latest samples, oldest first, zeros before anything was written', () => {
    const ring = new SampleRing(4);
    expect([...ring.snapshot()]).toEqual([0, 0, 0, 0]);
    ring.push(Int16Array.from([1, 2, 3]));
    expect([...ring.snapshot()]).toEqual([0, 1, 2, 3]);
    ring.push(Int16Array.from([4, 5, 6]));
    expect([...ring.snapshot()]).toEqual([3, 4, 5, 6]);
  });
});
