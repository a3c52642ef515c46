import { describe, expect, it } from 'vitest';
import { RealtimeProtocolError } from '../errors.ts';
import { RecognizerQuota } from './recognizer-quota.ts';
import { type RecognizerSource, TurnRecognizer } from './turn-recognizer.ts';

/** A fake decoder: `utter()` plays its endpointer closing an utterance ("heard N" for the N samples since the last one). */
class FakeDecoder {
  received = 0;
  #sinceLine = 0;
  lines: string[] = [];
  finished = false;
  killed = false;
  onLine: ((line: string) => void) | null = null;
  #exit!: () => void;
  readonly #exited = new Promise<void>((r) => (this.#exit = r));
  /** Resolves `finish()` only when released (a decoder lagging behind), if set. */
  gate: Promise<void> | null = null;
  write(s: Int16Array): void {
    if (this.finished) throw new Error('write after finish');
    this.received += s.length;
    this.#sinceLine += s.length;
  }
  utter(): void {
    const line = `heard ${this.#sinceLine}`;
    this.#sinceLine = 0;
    this.lines.push(line);
    this.onLine?.(line);
  }
  async finish(): Promise<string> {
    this.finished = true;
    if (this.gate) await this.gate;
    if (this.#sinceLine) this.utter();
    this.#exit();
    return this.lines.join(' ');
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
  it('streams the whole turn, pauses included, to one decoder and finishes it at the end of the turn', async () => {
    const src = source();
    const r = new TurnRecognizer(src);
    r.write(chunk(100));
    r.speculate();
    r.write(chunk(30)); // the pause: the decoder's endpointer needs the silence
    r.resume();
    r.write(chunk(50));
    expect(await r.finish()).toBe('heard 180');
    expect(src.made).toHaveLength(1);
    expect(src.made[0]!.received).toBe(180);
  });

  it('one decoder and one pass over the audio however many pauses a turn has (regression: issue 14)', async () => {
    const src = source();
    const r = new TurnRecognizer(src);
    for (let i = 0; i < 20; i++) {
      r.write(chunk(1_000));
      r.speculate();
      r.write(chunk(10));
      r.resume();
    }
    await r.finish();
    expect(src.made).toHaveLength(1);
    expect(src.made[0]!.received).toBe(20 * 1_010);
  });

  it('gives the words up to a pause once the decoder closes that utterance, without ending the turn', async () => {
    const src = source();
    const r = new TurnRecognizer(src);
    r.write(chunk(100));
    r.speculate();
    const spec = r.speculativeResult!;
    r.write(chunk(20));
    src.made[0]!.utter();
    expect(await spec).toBe('heard 120');
    expect(src.made[0]!.finished).toBe(false);
    r.resume();
    expect(r.speculativeResult).toBeNull();
    r.write(chunk(40));
    expect(await r.finish()).toBe('heard 120 heard 40');
  });

  it('knows the words of the finished utterances while the last one is still decoding', async () => {
    const src = source();
    const r = new TurnRecognizer(src);
    r.write(chunk(100));
    src.made[0]!.utter();
    r.write(chunk(40));
    let release!: () => void;
    src.made[0]!.gate = new Promise((res) => (release = res));
    const final = r.finish();
    await Promise.resolve();
    expect(r.partial()).toBe('heard 100');
    release();
    expect(await final).toBe('heard 100 heard 40');
  });

  it('goes on without a decoder when none can be had, reports it once, and takes one when it is free', async () => {
    const busy: RealtimeProtocolError[] = [];
    let refuse = 2;
    const src = source();
    const limited: RecognizerSource = {
      acquire() {
        if (refuse-- > 0) throw RealtimeProtocolError.recognizerBusy('server', 1);
        return src.acquire();
      },
    };
    const r = new TurnRecognizer(limited, (e) => busy.push(e));
    r.write(chunk(100));
    r.write(chunk(100));
    r.write(chunk(50));
    expect(await r.finish()).toBe('heard 50');
    expect(busy.map((e) => e.code)).toEqual(['recognizer_busy']);
    // No decoder at all: the turn's transcript fails with the busy error.
    const none = new TurnRecognizer({
      acquire: () => {
        throw RealtimeProtocolError.recognizerBusy('session', 3);
      },
    });
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
