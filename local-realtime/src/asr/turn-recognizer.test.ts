import { describe, expect, it } from 'vitest';
import { type RecognizerSource, TurnRecognizer } from './turn-recognizer.ts';

/** A fake decoder that "recognizes" the number of samples it was given. */
class FakeDecoder {
  received = 0;
  finished = false;
  killed = false;
  write(s: Int16Array): void {
    if (this.finished) throw new Error('write after finish');
    this.received += s.length;
  }
  finish(): Promise<string> {
    this.finished = true;
    return Promise.resolve(`heard ${this.received}`);
  }
  kill(): void {
    this.killed = true;
  }
}

function source(): RecognizerSource & { made: FakeDecoder[] } {
  const made: FakeDecoder[] = [];
  return {
    made,
    acquire() {
      const d = new FakeDecoder();
      made.push(d);
      return d;
    },
  };
}

const chunk = (n: number) => new Int16Array(n);

describe('TurnRecognizer', () => {
  it('streams to one decoder and finishes it at the end of the turn', async () => {
    const src = source();
    const r = new TurnRecognizer(src);
    r.write(chunk(100));
    r.write(chunk(50));
    expect(await r.finish()).toBe('heard 150');
    expect(src.made).toHaveLength(1);
  });

  it('uses the speculative result when the pause turns out to be the end of the turn', async () => {
    const src = source();
    const r = new TurnRecognizer(src);
    r.write(chunk(100));
    r.speculate();
    expect(src.made[0]!.finished).toBe(true); // stdin closed at the first silent frame
    r.write(chunk(30)); // trailing silence: not sent anywhere
    expect(await r.finish()).toBe('heard 100');
    expect(src.made).toHaveLength(1);
  });

  it('re-feeds the whole turn to a fresh decoder when speech resumes after a speculation', async () => {
    const src = source();
    const r = new TurnRecognizer(src);
    r.write(chunk(100));
    r.speculate();
    expect(await r.speculativeResult).toBe('heard 100'); // peeking does not end the turn
    r.write(chunk(30));
    r.resume();
    expect(r.speculativeResult).toBeNull();
    r.write(chunk(20));
    expect(await r.finish()).toBe('heard 150');
    expect(src.made).toHaveLength(2);
  });

  it('returns an empty transcript for a turn without audio, and aborts by killing the decoder', async () => {
    expect(await new TurnRecognizer(source()).finish()).toBe('');
    const src = source();
    const r = new TurnRecognizer(src);
    r.write(chunk(10));
    r.abort();
    expect(src.made[0]!.killed).toBe(true);
    expect(await r.finish()).toBe('');
  });
});
