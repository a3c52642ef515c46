/**
 * Offset between the page's clock and the agent's clock, estimated from RPC round trips the way
 * NTP/Cristian's algorithm does (Cristian 1989, "Probabilistic clock synchronization"):
 *
 *   offset = agentTime − (sendTime + receiveTime) / 2,   uncertainty = ± roundTrip / 2
 *
 * and the sample with the smallest round trip wins (least queueing, tightest bound).
 * `agentTime = pageTime + offset`.
 */

/** One clock probe: page send/receive times and the agent's time in its reply, all ms since epoch. */
export interface ClockSample {
  sendMs: number;
  agentMs: number;
  receiveMs: number;
}

/** Best estimate so far: `offsetMs` to add to a page time to get agent time, ± `uncertaintyMs`. */
export interface ClockOffset {
  offsetMs: number;
  uncertaintyMs: number;
  samples: number;
}

/**
 * Keeps the minimum-round-trip estimate over the samples it is given.
 * @throws RangeError on a sample whose receive time precedes its send time.
 */
export class ClockOffsetEstimator {
  #best: ClockOffset | null = null;
  #count = 0;

  /** Adds a probe and returns the current best estimate. */
  add(sample: ClockSample): ClockOffset {
    const rtt = sample.receiveMs - sample.sendMs;
    if (!(rtt >= 0)) throw new RangeError(`clock sample has negative round trip (${rtt} ms)`);
    this.#count += 1;
    const candidate = {
      offsetMs: sample.agentMs - (sample.sendMs + sample.receiveMs) / 2,
      uncertaintyMs: rtt / 2,
    };
    if (this.#best === null || candidate.uncertaintyMs < this.#best.uncertaintyMs) {
      this.#best = { ...candidate, samples: this.#count };
    }
    this.#best = { ...this.#best, samples: this.#count };
    return this.#best;
  }

  /** The best estimate, or null before any sample. */
  get current(): ClockOffset | null {
    return this.#best;
  }
}
