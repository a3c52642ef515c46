/**
 * Cache of synthesized audio (PCM16 mono 24 kHz chunks) by key, least recently used first out.
 * A miss starts one production that every concurrent reader follows chunk by chunk, so a prefetch
 * and the reply that needs the audio share a single eSpeak run. Failed productions are not kept.
 */

interface Entry {
  chunks: Int16Array[];
  bytes: number;
  done: boolean;
  error: unknown;
  wake: Set<() => void>;
}

export class SpeechCache {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  /** `maxBytes`: cap on completed audio kept, bytes (2 bytes per sample). */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Total bytes of audio held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True if `key` is fully synthesized and cached. */
  has(key: string): boolean {
    return this.#entries.get(key)?.done === true;
  }

  /** Starts producing `key` if it is neither cached nor in progress. */
  prefetch(key: string, produce: () => AsyncIterable<Int16Array>): void {
    this.#entry(key, produce);
  }

  /** Streams the audio of `key`, from the cache or as `produce()` yields it. */
  async *stream(key: string, produce: () => AsyncIterable<Int16Array>): AsyncGenerator<Int16Array> {
    const entry = this.#entry(key, produce);
    let i = 0;
    for (;;) {
      while (i < entry.chunks.length) yield entry.chunks[i++]!;
      if (entry.done) {
        if (entry.error !== null) throw entry.error;
        return;
      }
      await new Promise<void>((resolve) => entry.wake.add(resolve));
    }
  }

  #entry(key: string, produce: () => AsyncIterable<Int16Array>): Entry {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key); // move to the most-recent end
      this.#entries.set(key, hit);
      return hit;
    }
    const entry: Entry = { chunks: [], bytes: 0, done: false, error: null, wake: new Set() };
    this.#entries.set(key, entry);
    const notify = () => {
      for (const w of entry.wake) w();
      entry.wake.clear();
    };
    void (async () => {
      try {
        for await (const chunk of produce()) {
          entry.chunks.push(chunk);
          entry.bytes += chunk.byteLength;
          notify();
        }
      } catch (e) {
        entry.error = e ?? new Error('speech production failed');
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      }
      entry.done = true;
      notify();
      if (entry.error === null && this.#entries.get(key) === entry) {
        this.#bytes += entry.bytes;
        this.#evict();
      }
    })();
    return entry;
  }

  #evict(): void {
    for (const [key, e] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      if (!e.done) continue;
      this.#entries.delete(key);
      this.#bytes -= e.bytes;
    }
  }
}
