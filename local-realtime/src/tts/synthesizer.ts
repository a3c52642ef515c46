import { type EspeakOptions, espeakStream } from './espeak.ts';
import { SpeechCache } from './speech-cache.ts';
import { espeakVoice, espeakWpm } from './voices.ts';
import { splitSentences } from './sentences.ts';

/** Text to speech for replies: sentence by sentence, cached per (sentence, voice, speed). */
export class SpeechSynthesizer {
  readonly #cache: SpeechCache;
  readonly #espeak: EspeakOptions;

  /** `cacheBytes`: audio kept in memory, bytes (64 MiB ≈ 23 min of PCM16 24 kHz). */
  constructor(opts: { cacheBytes?: number; espeak?: EspeakOptions } = {}) {
    this.#cache = new SpeechCache(opts.cacheBytes ?? 64 * 1024 * 1024);
    this.#espeak = opts.espeak ?? {};
  }

  #produce(sentence: string, voice: string, speed: number): () => AsyncIterable<Int16Array> {
    return () => espeakStream(sentence, espeakVoice(voice), espeakWpm(speed), this.#espeak);
  }

  #key(sentence: string, voice: string, speed: number): string {
    return `${espeakVoice(voice)}|${espeakWpm(speed)}|${sentence}`;
  }

  /** PCM16 mono 24 kHz chunks of one sentence, as soon as they exist. */
  stream(sentence: string, voice: string, speed: number): AsyncGenerator<Int16Array> {
    return this.#cache.stream(this.#key(sentence, voice, speed), this.#produce(sentence, voice, speed));
  }

  /** Starts synthesizing every sentence of `text` into the cache (no-op for cached ones). */
  prefetch(text: string, voice: string, speed: number): void {
    for (const s of splitSentences(text)) this.#cache.prefetch(this.#key(s, voice, speed), this.#produce(s, voice, speed));
  }

  /** True if every sentence of `text` is already cached. */
  isCached(text: string, voice: string, speed: number): boolean {
    return splitSentences(text).every((s) => this.#cache.has(this.#key(s, voice, speed)));
  }
}
