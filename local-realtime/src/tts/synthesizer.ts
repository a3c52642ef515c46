import { type EspeakOptions, espeakStream } from './espeak.ts';
import { SpeechCache } from './speech-cache.ts';
import { espeakVoice, espeakWpm } from './voices.ts';
import { splitSentences } from './sentences.ts';

/**
 * Text to speech for replies: sentence by sentence, cached per (sentence, voice, speed).
 * Background prefetches run one eSpeak process at a time so they never crowd out a reply
 * (`stream()` and `prefetch(…, {now: true})` start at once).
 */
export class SpeechSynthesizer {
  readonly #cache: SpeechCache;
  readonly #espeak: EspeakOptions;
  readonly #backlog: (() => AsyncIterable<Int16Array>)[] = [];
  #draining = false;
  #drainDone: Promise<void> | null = null;
  /** Moving average of eSpeak's time to its first chunk, ms (what a reply not in the cache waits). */
  #firstChunkMs = 100;

  /** `cacheBytes`: audio kept in memory, bytes (64 MiB ≈ 23 min of PCM16 24 kHz). */
  constructor(opts: { cacheBytes?: number; espeak?: EspeakOptions } = {}) {
    this.#cache = new SpeechCache(opts.cacheBytes ?? 64 * 1024 * 1024);
    this.#espeak = opts.espeak ?? {};
  }

  #produce(sentence: string, voice: string, speed: number): () => AsyncIterable<Int16Array> {
    const timed = async function* (this: SpeechSynthesizer, source: AsyncIterable<Int16Array>) {
      const t0 = performance.now();
      let first = true;
      for await (const chunk of source) {
        if (first) {
          first = false;
          this.#firstChunkMs = 0.8 * this.#firstChunkMs + 0.2 * (performance.now() - t0);
        }
        yield chunk;
      }
    };
    return () => timed.call(this, espeakStream(sentence, espeakVoice(voice), espeakWpm(speed), this.#espeak));
  }

  /** Expected time from starting a sentence that is not cached to its first audio, ms (moving average of eSpeak runs). */
  get firstChunkMs(): number {
    return this.#firstChunkMs;
  }

  #key(sentence: string, voice: string, speed: number): string {
    return `${espeakVoice(voice)}|${espeakWpm(speed)}|${sentence}`;
  }

  /** PCM16 mono 24 kHz chunks of one sentence, as soon as they exist. */
  stream(sentence: string, voice: string, speed: number): AsyncGenerator<Int16Array> {
    return this.#cache.stream(this.#key(sentence, voice, speed), this.#produce(sentence, voice, speed));
  }

  /** Synthesizes every sentence of `text` into the cache: now, or (default) queued behind other prefetches. */
  prefetch(text: string, voice: string, speed: number, opts: { now?: boolean } = {}): void {
    for (const s of splitSentences(text)) {
      const key = this.#key(s, voice, speed);
      if (opts.now) this.#cache.prefetch(key, this.#produce(s, voice, speed));
      else if (!this.#cache.has(key)) this.#backlog.push(() => this.#cache.stream(key, this.#produce(s, voice, speed)));
    }
    void this.#drain();
  }

  /** True if every sentence of `text` is already cached. */
  isCached(text: string, voice: string, speed: number): boolean {
    return splitSentences(text).every((s) => this.#cache.has(this.#key(s, voice, speed)));
  }

  /** Resolves when every queued prefetch has been synthesized. */
  async drained(): Promise<void> {
    while (this.#draining || this.#backlog.length) await (this.#drainDone ?? Promise.resolve());
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    let done!: () => void;
    this.#drainDone = new Promise<void>((r) => (done = r));
    try {
      for (let job = this.#backlog.shift(); job; job = this.#backlog.shift()) {
        try {
          for await (const _ of job());
        } catch {
          // a failed prefetch is retried by the reply that needs it
        }
      }
    } finally {
      this.#draining = false;
      done();
    }
  }
}
