import { describe, expect, it } from 'vitest';
import { RealtimeProtocolError } from '../errors.ts';
import { RecognizerQuota } from './recognizer-quota.ts';
import { type RecognizerSource, TurnRecognizer } from './turn-recognizer.ts';

/** A fake decoder that "recognizes" the number of samples it was given. */
class FakeDecoder {
  received = 0;
  finished = false;
  killed = false;
  #exit!: () => void;
  readonly #exited = new Promise<void>((r) => (this.#exit = r));
  /** Resolves `finish()` only when released (a decoder lagging behind), if set. */
  gate: Promise<void> | null = null;
  write(s: Int16Array): void {
    if (this.finished) throw new Error('write after finish');
    this.received += s.length;
  }
  async finish(): Promise<string> {
    this.finished = true;
    if (this.gate) await this.gate;
    this.#exit();
    return `heard ${this.received}`;
  }
  kill(): void {
    this.killed = true;
    this.#exit();
  }
  exited(): Promise<void> {
    return this.#exited;
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

  it('on resume feeds a fresh decoder only the audio after the cut, never the turn again (regression: issue 14)', async () => {
    const src = source();
    const r = new TurnRecognizer(src);
    r.write(chunk(100));
    r.speculate();
    expect(await r.speculativeResult).toBe('heard 100'); // peeking does not end the turn
    r.write(chunk(30)); // the pause and the new speech onset, held while paused
    r.resume();
    expect(r.speculativeResult).toBeNull();
    r.write(chunk(20));
    expect(await r.finish()).toBe('heard 100 heard 50');
    expect(src.made.map((d) => d.received)).toEqual([100, 50]);
  });

  it('decodes a turn with many pauses in linear work', async () => {
    const src = source();
    const r = new TurnRecognizer(src);
    for (let i = 0; i < 20; i++) {
      r.write(chunk(1_000));
      r.speculate();
      r.write(chunk(10));
      r.resume();
    }
    await r.finish();
    expect(src.made.reduce((n, d) => n + d.received, 0)).toBe(20 * 1_010);
  });

  it('knows the words of the finished segments while a later one is still decoding', async () => {
    const src = source();
    const r = new TurnRecognizer(src);
    r.write(chunk(100));
    r.speculate();
    await r.speculativeResult;
    r.resume();
    r.write(chunk(40));
    let release!: () => void;
    src.made[1]!.gate = new Promise((res) => (release = res));
    const final = r.finish();
    await Promise.resolve();
    expect(r.partial()).toBe('heard 100');
    expect(r.complete).toBe(false);
    release();
    expect(await final).toBe('heard 100 heard 40');
    expect(r.complete).toBe(true);
  });

  it('goes on without words for a stretch no decoder could be had for, and reports it once', async () => {
    const busy: RealtimeProtocolError[] = [];
    let allow = 1;
    const src = source();
    const limited: RecognizerSource = {
      acquire() {
        if (allow-- <= 0) throw RealtimeProtocolError.recognizerBusy('server', 1);
        return src.acquire();
      },
    };
    const r = new TurnRecognizer(limited, (e) => busy.push(e));
    r.write(chunk(100));
    r.speculate();
    r.resume();
    r.write(chunk(50));
    r.speculate();
    r.resume();
    r.write(chunk(50));
    expect(await r.finish()).toBe('heard 100');
    expect(busy.map((e) => e.code)).toEqual(['recognizer_busy']);
    // No decoder at all: the turn's transcript fails with the busy error.
    const none = new TurnRecognizer({ acquire: () => { throw RealtimeProtocolError.recognizerBusy('session', 3); } });
    none.write(chunk(10));
    await expect(none.finish()).rejects.toMatchObject({ code: 'recognizer_busy' });
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

describe('RecognizerQuota', () => {
  it('lets a session have at most `max` decoders alive, and frees a slot when one exits', async () => {
    const src = source();
    const quota = new RecognizerQuota(src, 2);
    const a = quota.acquire();
    quota.acquire();
    expect(() => quota.acquire()).toThrow(/this session already has 2 recognizers/);
    expect(quota.busy).toBe(2);
    await a.finish();
    await a.exited();
    await Promise.resolve();
    expect(quota.busy).toBe(1);
    expect(() => quota.acquire()).not.toThrow();
  });
});
