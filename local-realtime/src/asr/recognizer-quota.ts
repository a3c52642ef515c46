import { RealtimeProtocolError } from '../errors.ts';
import type { Recognizer, RecognizerSource } from './turn-recognizer.ts';

/**
 * One session's share of the recognizer pool: at most `max` of its decoders alive at once (a turn's
 * live decoder, one still finishing, audio items being transcribed). A decoder counts from
 * `acquire()` until its process has exited.
 */
export class RecognizerQuota implements RecognizerSource {
  readonly #source: RecognizerSource;
  readonly #max: number;
  #busy = 0;

  constructor(source: RecognizerSource, max: number) {
    this.#source = source;
    this.#max = Math.max(1, max);
  }

  /** Decoders of this session alive now. */
  get busy(): number {
    return this.#busy;
  }

  /** @throws RealtimeProtocolError `recognizer_busy` at this session's cap, or the pool's. */
  acquire(): Recognizer {
    if (this.#busy >= this.#max) throw RealtimeProtocolError.recognizerBusy('session', this.#max);
    const recognizer = this.#source.acquire();
    this.#busy++;
    void recognizer.exited().finally(() => this.#busy--);
    return recognizer;
  }
}
