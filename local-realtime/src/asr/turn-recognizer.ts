import { concatInt16 } from '../audio/pcm.ts';
import type { PocketSphinxProcess } from './pocketsphinx.ts';

/** Source of recognizer processes (the pool, or a fake in tests). */
export interface RecognizerSource {
  acquire(): Pick<PocketSphinxProcess, 'write' | 'finish' | 'kill'>;
}

type Recognizer = ReturnType<RecognizerSource['acquire']>;

/**
 * Speech recognition for one user turn, streamed while the caller speaks and finalized
 * speculatively: at the first silent VAD frame (`speculate()`) the decoder's stdin is closed, so
 * its transcript is usually ready before the turn is even declared over. If the caller goes on
 * talking (`resume()`), a fresh warm decoder is fed the whole turn so far (it decodes ~5× faster
 * than real time) and streaming continues. `finish()` returns the speculative result when no
 * speech came after it, otherwise closes the live decoder.
 */
export class TurnRecognizer {
  readonly #source: RecognizerSource;
  /** Every 16 kHz sample of the turn, kept for a re-feed after `resume()`. */
  readonly #audio: Int16Array[] = [];
  #live: Recognizer | null = null;
  #speculative: Promise<string> | null = null;
  #final: Promise<string> | null = null;

  constructor(source: RecognizerSource) {
    this.#source = source;
  }

  /** Audio of the turn so far, samples at 16 kHz. */
  get samples(): number {
    return this.#audio.reduce((n, a) => n + a.length, 0);
  }

  /** The speculative transcript while it is still valid (no speech since), else null. Does not end the turn. */
  get speculativeResult(): Promise<string> | null {
    return this.#speculative;
  }

  /** Appends 16 kHz PCM16 audio of this turn. */
  write(samples: Int16Array): void {
    if (this.#final || samples.length === 0) return;
    this.#audio.push(samples);
    if (this.#speculative) return; // kept for a possible resume; a pause adds no words
    this.#ensureLive().write(samples);
  }

  #ensureLive(): Recognizer {
    this.#live ??= this.#source.acquire();
    return this.#live;
  }

  /** The caller paused: close the live decoder now and keep its transcript as the likely result. */
  speculate(): void {
    if (this.#final || this.#speculative || !this.#live) return;
    const live = this.#live;
    this.#live = null;
    this.#speculative = live.finish();
    this.#speculative.catch(() => {}); // surfaced by finish() if used
  }

  /** The caller spoke again: drop the speculative result, re-feed the turn to a fresh decoder. */
  resume(): void {
    if (this.#final || !this.#speculative) return;
    this.#speculative = null;
    const live = this.#ensureLive();
    live.write(concatInt16(this.#audio));
  }

  /** The turn is over: resolves to its transcript ('' if nothing was recognized). Idempotent. */
  finish(): Promise<string> {
    if (!this.#final) {
      if (this.#speculative) this.#final = this.#speculative;
      else if (this.#live) this.#final = this.#live.finish();
      else this.#final = Promise.resolve('');
      this.#live = null;
    }
    return this.#final;
  }

  /** Abandons the turn (cleared buffer, closed connection): kills the live decoder. */
  abort(): void {
    this.#live?.kill();
    this.#live = null;
    this.#speculative = null;
    if (!this.#final) this.#final = Promise.resolve('');
  }
}
