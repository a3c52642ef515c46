import type { RealtimeWireEvent } from '../timeline/turn-timeline.ts';

/**
 * Whether the model has a response in progress, from its wire events. A realtime model accepts
 * one response at a time (`conversation_already_has_active_response` otherwise), and a cancelled
 * one is only over at its `response.done`: a new reply must wait for that.
 */
export class ModelResponses {
  /** `response.create` sent, `response.created` not yet received. */
  #requested = 0;
  #active: string | null = null;
  #waiters: (() => void)[] = [];

  /** Feeds an event the agent sent to the model. */
  onClientEvent(event: RealtimeWireEvent): void {
    if (event.type === 'response.create') this.#requested += 1;
  }

  /** Feeds an event the model sent. */
  onServerEvent(event: RealtimeWireEvent): void {
    if (event.type === 'response.created') {
      this.#requested = Math.max(0, this.#requested - 1);
      this.#active = event.response?.id ?? 'unknown';
    } else if (event.type === 'response.done') {
      this.#active = null;
      if (this.#requested === 0) for (const wake of this.#waiters.splice(0)) wake();
    } else if (event.type === 'error') {
      // A refused response.create never gets its response.created.
      this.#requested = Math.max(0, this.#requested - 1);
    }
  }

  /** A response is requested or in progress. */
  get active(): boolean {
    return this.#active !== null || this.#requested > 0;
  }

  /** Resolves when no response is requested or in progress, or after `timeoutMs` (never rejects). */
  idle(timeoutMs: number): Promise<void> {
    if (!this.active) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
