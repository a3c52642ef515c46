import { RealtimeProtocolError } from '../errors.ts';
import type { PocketSphinxProcess } from './pocketsphinx.ts';

/** One decoder as the turn uses it: stream audio in, `finish()` for its words, `exited()` once gone. */
export type Recognizer = Pick<PocketSphinxProcess, 'write' | 'finish' | 'kill' | 'exited'>;

/** Source of recognizer processes (the pool, a session's quota of it, or a fake in tests). */
export interface RecognizerSource {
  /** @throws RealtimeProtocolError `recognizer_busy` when no decoder may be started now. */
  acquire(): Recognizer;
}

/** A decoded stretch of the turn: its words once known. */
interface Segment {
  text: Promise<string>;
  /** The words, once `text` resolved ('' if it failed). */
  settled: string | null;
}

/**
 * Speech recognition for one user turn, streamed while the caller speaks, one decoder per stretch
 * of speech between pauses. At a pause (`speculate()`) the live decoder's input is closed, so the
 * words up to the pause are usually known before the turn is even declared over. If the caller goes
 * on (`resume()`), a fresh decoder is fed only the audio after that cut — never the turn again from
 * its start, which made decoding cost grow with the square of the pauses in a turn and fall behind
 * real time on noisy speech (issue 14). The turn's transcript is its segments' words in order.
 *
 * When no decoder can be had (`recognizer_busy`), that stretch is not transcribed: `onBusy` is
 * called once, the turn goes on, and `finish()` gives the words of the other stretches.
 */
export class TurnRecognizer {
  readonly #source: RecognizerSource;
  readonly #onBusy: (error: RealtimeProtocolError) => void;
  readonly #segments: Segment[] = [];
  /** Audio since the last cut, kept while paused for the decoder that a resume starts (16 kHz samples). */
  #sincePause: Int16Array[] = [];
  #live: Recognizer | null = null;
  #paused = false;
  #busy: RealtimeProtocolError | null = null;
  #final: Promise<string> | null = null;
  #samples = 0;

  constructor(source: RecognizerSource, onBusy: (error: RealtimeProtocolError) => void = () => {}) {
    this.#source = source;
    this.#onBusy = onBusy;
  }

  /** Audio of the turn so far, samples at 16 kHz. */
  get samples(): number {
    return this.#samples;
  }

  /** The words up to the last pause while no speech came after it, else null. Does not end the turn. */
  get speculativeResult(): Promise<string> | null {
    return this.#paused ? this.#joined() : null;
  }

  /** The words known right now: every segment decoded so far, in order (stretches still decoding are left out). */
  partial(): string {
    return this.#segments.map((s) => s.settled ?? '').filter(Boolean).join(' ');
  }

  /** True once every closed segment has its words (and no decoder is live). */
  get complete(): boolean {
    return this.#live === null && this.#segments.every((s) => s.settled !== null);
  }

  /** Appends 16 kHz PCM16 audio of this turn. */
  write(samples: Int16Array): void {
    if (this.#final || samples.length === 0) return;
    this.#samples += samples.length;
    if (this.#paused) {
      this.#sincePause.push(samples); // for the decoder a resume starts; a pause adds no words
      return;
    }
    this.#ensureLive()?.write(samples);
  }

  #ensureLive(): Recognizer | null {
    if (this.#live) return this.#live;
    try {
      this.#live = this.#source.acquire();
    } catch (e) {
      if (!(e instanceof RealtimeProtocolError)) throw e;
      if (!this.#busy) {
        this.#busy = e;
        this.#onBusy(e);
      }
    }
    return this.#live;
  }

  /** The caller paused: close the live decoder now; its words are the likely end of the turn. */
  speculate(): void {
    if (this.#final || this.#paused) return;
    this.#paused = true;
    this.#close();
  }

  /** The caller spoke again: a fresh decoder takes the audio after the cut, and streaming goes on. */
  resume(): void {
    if (this.#final || !this.#paused) return;
    this.#paused = false;
    const held = this.#sincePause;
    this.#sincePause = [];
    const live = this.#ensureLive();
    for (const chunk of held) live?.write(chunk);
  }

  #close(): void {
    const live = this.#live;
    this.#live = null;
    if (!live) return;
    const segment: Segment = { text: live.finish(), settled: null };
    segment.text = segment.text.then(
      (t) => (segment.settled = t),
      (e: unknown) => {
        segment.settled = '';
        throw e;
      },
    );
    segment.text.catch(() => {}); // surfaced by finish()
    this.#segments.push(segment);
  }

  /** The segments' words joined; rejects only when no segment gave words and one failed (or no decoder could be had). */
  async #joined(): Promise<string> {
    const results = await Promise.allSettled(this.#segments.map((s) => s.text));
    const words = results.map((r) => (r.status === 'fulfilled' ? r.value : '')).filter(Boolean);
    const failure = results.find((r) => r.status === 'rejected');
    if (words.length === 0 && (failure || this.#busy)) throw failure ? (failure as PromiseRejectedResult).reason : this.#busy;
    return words.join(' ').replace(/\s+/g, ' ').trim();
  }

  /** The turn is over: resolves to its transcript ('' if nothing was recognized). Idempotent. */
  finish(): Promise<string> {
    if (!this.#final) {
      this.#close();
      this.#sincePause = [];
      this.#final = this.#joined();
    }
    return this.#final;
  }

  /** Abandons the turn (cleared buffer, closed connection): kills the live decoder. */
  abort(): void {
    this.#live?.kill();
    this.#live = null;
    this.#sincePause = [];
    if (!this.#final) this.#final = Promise.resolve('');
  }
}
