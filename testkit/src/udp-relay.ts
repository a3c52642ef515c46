import { type RemoteInfo, type Socket, createSocket } from 'node:dgram';

/**
 * A user-space impaired access network (this kernel has no netem): a UDP relay that delays,
 * jitters and drops datagrams between WebRTC clients and a server port (LiveKit's TURN). Each
 * direction is impaired on its own, with half the round trip as its base delay. Order is kept
 * (a packet never overtakes the one before it, as on one radio bearer), so jitter shows up as
 * delay variation, not reordering. Loss is independent, or bursty with a Gilbert–Elliott model.
 */

/** Impairment of one network profile; every delay in ms. */
export interface NetworkProfile {
  name: string;
  /** Round-trip time the relay adds (half each way), ms. */
  rttMs: number;
  /** Standard deviation of each packet's extra delay (normal, truncated at 0), ms. */
  jitterMs: number;
  /** Share of packets dropped in each direction, 0..1 (long-run average). */
  loss: number;
  /** Mean length of a loss burst in packets (Gilbert–Elliott); 1 = independent losses. */
  burstPackets?: number;
}

/** Profiles of the latency benchmark. */
export const NETWORK_PROFILES = {
  /** Everything on loopback: no relay. */
  loopback: null,
  /** A good broadband or 4G link far from the server. */
  'rtt80-1pct': { name: 'rtt80-1pct', rttMs: 80, jitterMs: 20, loss: 0.01 },
  /** Bad mobile: long, jittery, bursty loss (3 % in bursts of ~3 packets). */
  'bad-mobile': { name: 'bad-mobile', rttMs: 200, jitterMs: 50, loss: 0.03, burstPackets: 3 },
} as const satisfies Record<string, NetworkProfile | null>;
export type NetworkName = keyof typeof NETWORK_PROFILES;

/** What one direction of the relay did (proof that the impairment is there). */
export interface DirectionStats {
  received: number;
  dropped: number;
  forwarded: number;
  /** Delay actually added to forwarded packets (scheduled + timer lateness), ms. */
  delayMs: number[];
  /** How late the timers fired past the scheduled time (the relay's own distortion), ms. */
  latenessMs: number[];
}

/** Counters of both directions: `up` = client → server, `down` = server → client. */
export interface RelayStats {
  clients: number;
  up: DirectionStats;
  down: DirectionStats;
}

const newDirection = (): DirectionStats => ({ received: 0, dropped: 0, forwarded: 0, delayMs: [], latenessMs: [] });

/** Seeded PRNG (mulberry32), so a run's loss pattern is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One direction's impairment: decides each packet's fate and its release time. */
class Impairment {
  /** Admitted packets waiting for their release time, in order. */
  readonly queue: { at: number; arrivedAt: number; send: () => void }[] = [];
  timer: NodeJS.Timeout | null = null;
  #bad = false;
  #lastReleaseAt = 0;
  readonly #toBad: number;
  readonly #toGood: number;

  constructor(
    private readonly profile: NetworkProfile,
    private readonly random: () => number,
  ) {
    // Gilbert–Elliott with loss only in the bad state: mean burst B → leave bad with 1/B;
    // stationary loss p = toBad / (toBad + toGood) → toBad = p·toGood / (1 − p).
    const burst = Math.max(1, profile.burstPackets ?? 1);
    this.#toGood = 1 / burst;
    this.#toBad = (profile.loss * this.#toGood) / Math.max(1e-9, 1 - profile.loss);
  }

  /** Release time (ms, `performance.now()` clock) for a packet arriving `now`, or null to drop it. */
  admit(now: number): number | null {
    this.#bad = this.#bad ? this.random() >= this.#toGood : this.random() < this.#toBad;
    if (this.#bad) return null;
    // Box–Muller normal, truncated at zero extra delay.
    const normal = Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
    const at = now + this.profile.rttMs / 2 + Math.max(0, normal * this.profile.jitterMs);
    this.#lastReleaseAt = Math.max(at, this.#lastReleaseAt);
    return this.#lastReleaseAt;
  }
}

/**
 * Listens on a free UDP port of 127.0.0.1 and relays every client's datagrams to `target`
 * (one upstream socket per client, so the server sees one address per client), impaired by
 * `profile` in both directions. `stats()` proves what it did; `close()` stops it.
 */
export class ImpairedUdpRelay {
  readonly #socket: Socket = createSocket('udp4');
  readonly #upstreams = new Map<string, Socket>();
  /** Client → server impairment, per client. */
  readonly #ups = new Map<string, Impairment>();
  readonly #links: Impairment[] = [];
  readonly #stats: RelayStats = { clients: 0, up: newDirection(), down: newDirection() };
  readonly #random: () => number;
  #port = 0;

  private constructor(
    readonly profile: NetworkProfile,
    private readonly target: { host: string; port: number },
    seed: number,
  ) {
    this.#random = prng(seed);
  }

  /** Starts a relay to `target` (e.g. LiveKit's TURN UDP port). */
  static async start(profile: NetworkProfile, target: { host: string; port: number }, seed = 1): Promise<ImpairedUdpRelay> {
    const relay = new ImpairedUdpRelay(profile, target, seed);
    await relay.#listen();
    return relay;
  }

  /** The port clients send to (127.0.0.1). */
  get port(): number {
    return this.#port;
  }

  /** Counters so far (copies). */
  stats(): RelayStats {
    const copy = (d: DirectionStats) => ({ ...d, delayMs: [...d.delayMs], latenessMs: [...d.latenessMs] });
    return { clients: this.#stats.clients, up: copy(this.#stats.up), down: copy(this.#stats.down) };
  }

  /** Zeroes the counters (e.g. between calls). */
  resetStats(): void {
    this.#stats.up = newDirection();
    this.#stats.down = newDirection();
  }

  async close(): Promise<void> {
    for (const link of [...this.#links]) if (link.timer) clearTimeout(link.timer);
    for (const s of this.#upstreams.values()) s.close();
    this.#upstreams.clear();
    await new Promise<void>((r) => this.#socket.close(() => r()));
  }

  async #listen(): Promise<void> {
    this.#socket.on('message', (msg, from) => this.#fromClient(msg, from));
    await new Promise<void>((resolve, reject) => {
      this.#socket.once('error', reject);
      this.#socket.bind(0, '127.0.0.1', () => resolve());
    });
    this.#port = this.#socket.address().port;
  }

  #fromClient(msg: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    let upstream = this.#upstreams.get(key);
    if (!upstream) {
      upstream = createSocket('udp4');
      upstream.bind(0, '127.0.0.1');
      const down = new Impairment(this.profile, this.#random);
      const up = new Impairment(this.profile, this.#random);
      this.#links.push(up, down);
      this.#ups.set(key, up);
      upstream.on('message', (reply) => this.#forward(this.#stats.down, down, () => this.#socket.send(reply, from.port, from.address)));
      upstream.on('error', () => {});
      this.#upstreams.set(key, upstream);
      this.#stats.clients++;
    }
    const socket = upstream;
    this.#forward(this.#stats.up, this.#ups.get(key)!, () => socket.send(msg, this.target.port, this.target.host));
  }

  #forward(stats: DirectionStats, link: Impairment, send: () => void): void {
    const now = performance.now();
    stats.received++;
    const at = link.admit(now);
    if (at === null) {
      stats.dropped++;
      return;
    }
    link.queue.push({ at, arrivedAt: now, send });
    this.#drain(stats, link);
  }

  /** Sends every queued packet that is due, in order; one timer per direction for the next. */
  #drain(stats: DirectionStats, link: Impairment): void {
    if (link.timer) return;
    const now = performance.now();
    while (link.queue.length && link.queue[0]!.at <= now) {
      const p = link.queue.shift()!;
      p.send();
      stats.forwarded++;
      if (stats.delayMs.length < 200_000) {
        stats.delayMs.push(now - p.arrivedAt);
        stats.latenessMs.push(now - p.at);
      }
    }
    const next = link.queue[0];
    if (next) {
      link.timer = setTimeout(() => {
        link.timer = null;
        this.#drain(stats, link);
      }, Math.max(0, next.at - now));
    }
  }
}
