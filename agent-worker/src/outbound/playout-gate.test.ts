import { ReadableStream } from 'node:stream/web';
import { describe, expect, it } from 'vitest';
import { PlayoutGate } from './playout-gate.ts';

/** A stream that yields 0, 1, 2, … as fast as it is read, and counts how many it has produced. */
function counter(n: number) {
  let produced = 0;
  const stream = new ReadableStream<number>({
    pull(c) {
      if (produced === n) c.close();
      else c.enqueue(produced++);
    },
  });
  return { stream, produced: () => produced };
}
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('PlayoutGate', () => {
  it('passes frames straight through when not held', async () => {
    const gate = new PlayoutGate();
    const out: number[] = [];
    for await (const x of gate.through(counter(5).stream)) out.push(x);
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });

  it('holds frames while held — the source is still read (generation goes on) — and lets them out in order on release', async () => {
    const gate = new PlayoutGate();
    gate.hold();
    const src = counter(50);
    const reader = gate.through(src.stream).getReader();
    let got: number | undefined;
    const first = reader.read().then((r) => (got = r.value));
    await settle();
    expect(got, 'nothing came out while held').toBeUndefined();
    expect(src.produced(), 'the source was read while held').toBeGreaterThan(0);
    gate.release();
    await first;
    expect(got).toBe(0);
    const rest: number[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest.push(r.value);
    expect(rest).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
    expect(gate.held).toBe(false);
  });

  it('a stream cancelled while held (the reply interrupted) ends without anything coming out, and a later release is harmless', async () => {
    const gate = new PlayoutGate();
    gate.hold();
    const reader = gate.through(counter(10).stream).getReader();
    const pending = reader.read();
    await settle();
    await reader.cancel('interrupted');
    expect(await pending).toEqual({ done: true, value: undefined });
    gate.release();
    await settle();
    // The next reply goes straight out.
    const out: number[] = [];
    for await (const x of gate.through(counter(3).stream)) out.push(x);
    expect(out).toEqual([0, 1, 2]);
  });
});
