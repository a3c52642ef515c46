import { RealtimeProtocolError } from '../errors.ts';
import type { PocketSphinxProcess } from './pocketsphinx.ts';

/**
 * One decoder as a turn uses it: stream audio in, hear each utterance as its own endpointer closes
 * it (`onLine`), `finish()` for all of its words, `exited()` once the process is gone.
 */
export type Recognizer = Pick<PocketSphinxProcess, 'write' | 'finish' | 'kill' | 'exited' | 'onLine'>;

/** Source of recognizer processes (the pool, a session's quota of it, or a fake in tests). */
export interface RecognizerSource {
  /** @throws RealtimeProtocolError `recognizer_busy` when no decoder may be started now. */
  acquire(): Recognizer;
}

/**
 * Speech recognition for one user turn: one decoder for the whole turn, fed as the caller speaks,
 * pauses included. PocketSphinx's own endpointer closes an utterance at each pause and prints its
 * words at once, so the words up to the latest pause are known while the caller is still talking
 * (`partial()`), and a pause's words arrive by themselves (`speculativeResult`). At the end of the
 * turn its input is closed and the rest (the last utterance) follows ~50 ms later.
 *
 * Earlier versions closed the decoder at every pause and, when the caller went on, started a fresh
 * one fed the whole turn again: on noisy speech, where the VAD flaps between speech and pause, a
 * turn cost a model load (~0.3 s of CPU) and a re-decode of everything so far per pause, and the
 * recognizer fell seconds behind real time on 2 shared cores (issue 14). Now a turn costs one model
 * load and one pass over its audio, however many pauses it has.
 *
 * When no decoder can be had (`recognizer_busy`), `onBusy` is called once and the turn goes on;
 * each later write tries again, so only the audio before a decoder was free goes unheard.
 */
export class TurnRecognizer {
  readonly #source: RecognizerSource;
  readonly #onBusy: (error: RealtimeProtocolError) => void;
  /** Utterances the decoder printed so far, in order. */
  readonly #lines: string[] = [];
  #live: Recognizer | null = null;
  #busy: RealtimeProtocolError | null = null;
  #final: Promise<string> | null = null;
  #samples = 0;
  /** While paused: resolves with the words so far once the decoder printed an utterance after the pause began. */
  #speculative: Promise<string> | null = null;
  #wakeSpeculative: (() => void) | null = null;

  constructor(source: RecognizerSource, onBusy: (error: RealtimeProtocolError) => void = () => {}) {
    this.#source = source;
    this.#onBusy = onBusy;
  }

  /** Audio of the turn so far, samples at 16 kHz. */
  get samples(): number {
    return this.#samples;
  }

  /** While the caller pauses: resolves with the words up to the pause as soon as the decoder has them; null once they speak again. Does not end the turn. */
  get speculativeResult(): Promise<string> | null {
    return this.#speculative;
  }

  /** The words known right now: every utterance the decoder has finished (the one in progress is left out). */
  partial(): string {
    return this.#lines.join(' ');
  }

  /** Appends 16 kHz PCM16 audio of this turn (silence too: the decoder's endpointer needs it to close an utterance). */
  write(samples: Int16Array): void {
    if (this.#final || samples.length === 0) return;
    this.#samples += samples.length;
    this.#ensureLive()?.write(samples);
  }

  #ensureLive(): Recognizer | null {
    if (this.#live) return this.#live;
    try {
      const live = this.#source.acquire();
      live.onLine = (line) => {
        this.#lines.push(line);
        this.#wakeSpeculative?.();
      };
      this.#live = live;
    } catch (e) {
      if (!(e instanceof RealtimeProtocolError)) throw e;
      if (!this.#busy) {
        this.#busy = e;
        this.#onBusy(e);
      }
    }
    return this.#live;
  }

  /** The caller paused: the words up to here are the likely end of the turn (`speculativeResult`). */
  speculate(): void {
    if (this.#final || this.#speculative) return;
    const before = this.#lines.length;
    this.#speculative = new Promise<string>((resolve) => {
      this.#wakeSpeculative = () => {
        if (this.#lines.length > before) resolve(this.partial());
      };
    });
  }

  /** The caller spoke again: the pause was not the end of the turn. */
  resume(): void {
    this.#speculative = null;
    this.#wakeSpeculative = null;
  }

  /** The turn is over: resolves to its transcript ('' if nothing was recognized). Idempotent. */
  finish(): Promise<string> {
    if (!this.#final) {
      this.resume();
      const live = this.#live;
      this.#live = null;
      if (live) this.#final = live.finish();
      else this.#final = this.#busy && this.#lines.length === 0 ? Promise.reject(this.#busy) : Promise.resolve(this.partial());
      this.#final.catch(() => {}); // surfaced to whoever awaits it
    }
    return this.#final;
  }

  /** Abandons the turn (cleared buffer, closed connection): kills the decoder. */
  abort(): void {
    this.#live?.kill();
    this.#live = null;
    this.resume();
    if (!this.#final) this.#final = Promise.resolve('');
  }
}
