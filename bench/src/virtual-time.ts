/**
 * A virtual clock for running timer-driven library code (agents-js' AMD) over recorded audio
 * faster than real time: while installed, `setTimeout`/`clearTimeout` and `performance.now()`
 * follow {@link VirtualTime.now} (ms), which only moves in {@link VirtualTime.advanceTo}. Due
 * timers fire in order, each with the clock set to its due time, and pending promise callbacks
 * run between them (a real `setImmediate`, which is not replaced).
 */
type Timer = { id: number; at: number; seq: number; fn: () => void };

export class VirtualTime {
  now = 0;
  #timers: Timer[] = [];
  #seq = 0;
  #restore: (() => void) | null = null;

  /** Replaces the global timers and `performance.now`. @throws Error when already installed */
  install(): void {
    if (this.#restore) throw new Error('virtual time already installed');
    const g = globalThis as unknown as Record<string, unknown>;
    const saved = { setTimeout: g.setTimeout, clearTimeout: g.clearTimeout, now: performance.now };
    g.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const t: Timer = { id: ++this.#seq, at: this.now + Math.max(0, Number(ms) || 0), seq: this.#seq, fn: () => fn(...args) };
      this.#timers.push(t);
      // Callers may call .unref()/.ref()/.hasRef() on the handle.
      return { id: t.id, unref() { return this; }, ref() { return this; }, hasRef: () => false, [Symbol.toPrimitive]: () => t.id };
    }) as unknown;
    g.clearTimeout = ((h: unknown) => {
      const id = typeof h === 'object' && h !== null ? (h as { id: number }).id : Number(h);
      this.#timers = this.#timers.filter((t) => t.id !== id);
    }) as unknown;
    performance.now = () => this.now;
    this.#restore = () => {
      g.setTimeout = saved.setTimeout;
      g.clearTimeout = saved.clearTimeout;
      performance.now = saved.now;
    };
  }

  uninstall(): void {
    this.#restore?.();
    this.#restore = null;
    this.#timers = [];
  }

  /** Lets pending promise callbacks run (one real macrotask turn, a few times). */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
  }

  /** Moves the clock to `t` ms, firing every timer due by then in order. */
  async advanceTo(t: number): Promise<void> {
    for (;;) {
      const due = this.#timers.filter((x) => x.at <= t).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((x) => x !== due);
      this.now = Math.max(this.now, due.at);
      due.fn();
      await this.settle();
    }
    this.now = Math.max(this.now, t);
    await this.settle();
  }
}
