/**
 * The load this worker reports to LiveKit (0..1; at 1 it is full and LiveKit dispatches new calls
 * to another worker), and the default call capacity it is derived from.
 *
 *   load = min(1, max(activeCalls / AGENT_MAX_CALLS, min(0.9, cpuShare / AGENT_CPU_FULL)))
 *
 * The first term caps calls at what `pnpm bench:concurrency` measured one machine carries: at
 * AGENT_MAX_CALLS the worker is full. The second reflects the CPU it measures (calls heavier than
 * the benchmark's, a noisy neighbour), like agents-js' default load function —
 * `cpuMonitor.cpuPercent(2.5 s)`, the machine's (or cgroup's) busy share, against a production
 * load threshold of 0.7 (@livekit/agents 1.9.0 src/worker.ts `defaultCpuLoad`,
 * `Default.loadThreshold`) — with three differences:
 * - The CPU term steers but never refuses (capped at 0.9): LiveKit gives each new call to an
 *   available worker chosen with weight 1 − load (livekit-server pkg/service/agentservice.go
 *   `selectWorkerWeightedByLoad`), so a busy worker gets few calls while others have room; but
 *   when every worker is full the job request fails (`ResourceExhausted`) and is not retried
 *   (pkg/agent/client.go `LaunchJob`): a CPU burst — a call's set-up costs seconds of CPU —
 *   would cost a caller their agent. Refusing is the calls term's job, and scaling the pool is
 *   the autoscaler's (docs/deploy.md).
 * - The CPU is averaged over the last few reports, not one 2.5 s interval.
 * - By default it is this worker's own process tree, so a browser or a model sharing a
 *   development machine does not count (`AGENT_LOAD_CPU=machine` reads the whole machine).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/**
 * Cost of one call on the agent side (job process + inference process + worker main process),
 * measured by `pnpm bench:concurrency` against the cloud stand-in model (BENCHMARKS.md
 * "Concurrency", run of 2026-11-29 16:53 UTC, 2 cores): the worst CPU at any level (9.5 % of a
 * core; 9.3 % up to the knee) and the largest memory at any level (276 MiB at 8 calls; 151 MiB up
 * to the knee), so the default holds at the sizes it is used for. CPU in cores, memory in MiB.
 */
export const MEASURED_CALL = { cpuCores: 0.095, memMiB: 280 } as const;

/** Where the CPU term of the load is read: this worker's process tree, the whole machine, or nowhere. */
export type CpuSource = 'worker' | 'machine' | 'off';

const TICKS_PER_S = 100; // Linux USER_HZ (proc(5))

/**
 * Cores this process may use: `NUM_CPUS` (as agents-js reads it), else a cgroup v2 CPU quota
 * (`/sys/fs/cgroup/cpu.max`), else the machine's cores.
 */
export function availableCores(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number.parseFloat(env.NUM_CPUS ?? '');
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  try {
    const [quota, period] = readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim().split(/\s+/);
    if (quota !== 'max' && Number(quota) > 0 && Number(period) > 0) return Number(quota) / Number(period);
  } catch {
    /* no cgroup v2 limit */
  }
  return availableParallelism();
}

/**
 * Default `AGENT_MAX_CALLS`: the calls that fit in `cpuFull` of the cores and `memFull` of the
 * memory at the measured per-call cost, at least 1.
 *   maxCalls = max(1, ⌊min(cpuFull · cores / cpuCores, memFull · memMiB_total / memMiB)⌋)
 * `cores` may be fractional (a cgroup quota); `memBytes` is the machine's memory, bytes.
 */
export function defaultMaxCalls(cores: number, memBytes: number, cpuFull = 0.7, memFull = 0.8, call: { cpuCores: number; memMiB: number } = MEASURED_CALL): number {
  const byCpu = (cpuFull * cores) / call.cpuCores;
  const byMem = (memFull * memBytes) / 2 ** 20 / call.memMiB;
  return Math.max(1, Math.floor(Math.min(byCpu, byMem)));
}

/** The default for this machine (see {@link defaultMaxCalls}). */
export function machineDefaultMaxCalls(cpuFull = 0.7): number {
  return defaultMaxCalls(availableCores(), totalmem(), cpuFull);
}

/**
 * The load formula (see the module's doc), 0..1. `cpuShare` and `cpuFull` are shares of the
 * available cores (0..1); `cpuShare` null (not measured yet, or `off`) leaves only the calls term.
 */
export function workerLoad(activeCalls: number, maxCalls: number, cpuShare: number | null, cpuFull: number): number {
  const calls = activeCalls / maxCalls;
  const cpu = cpuShare === null ? 0 : Math.min(CPU_TERM_CAP, cpuShare / cpuFull);
  return Math.min(1, Math.max(calls, cpu));
}

/** The most the CPU term alone reports: below 1, so it never marks the worker full (see the module doc). */
export const CPU_TERM_CAP = 0.9;

/** CPU ticks (utime + stime + reaped children's) of `root` and all its descendants, from /proc. */
function treeTicks(root: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command name: state ppid … utime(14) stime(15) cutime(16) cstime(17) (proc(5)).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      /* ended while we read it */
    }
  }
  let ticks = 0;
  for (const [pid, s] of stats) {
    for (let p: number | undefined = pid, depth = 0; p !== undefined && depth < 64; p = stats.get(p)?.ppid, depth++) {
      if (p === root) {
        ticks += s.ticks;
        break;
      }
    }
  }
  return ticks;
}

/** Busy and total ticks of the whole machine (first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3]! - cpu[4]!, total };
}

/**
 * The CPU term: each {@link sample} call returns the busy share (0..1 of the available cores)
 * averaged over the last `window` intervals between calls (LiveKit asks every 2.5 s, so 4 ≈ 10 s);
 * null on the first call. A source that cannot be read (no /proc) reads null, never throws.
 */
export class CpuShare {
  #last: { at: number; busy: number; total: number } | null = null;
  readonly #shares: number[] = [];

  constructor(
    private readonly source: CpuSource,
    private readonly cores = availableCores(),
    private readonly window = 4,
    private readonly root = process.pid,
  ) {}

  sample(now = Date.now()): number | null {
    if (this.source === 'off') return null;
    let cur: { at: number; busy: number; total: number };
    try {
      if (this.source === 'machine') cur = { at: now, ...machineTicks() };
      else cur = { at: now, busy: treeTicks(this.root), total: 0 };
    } catch {
      return null;
    }
    const last = this.#last;
    this.#last = cur;
    if (!last) return null;
    const share =
      this.source === 'machine'
        ? (cur.busy - last.busy) / Math.max(1, cur.total - last.total)
        : (cur.busy - last.busy) / TICKS_PER_S / Math.max(0.001, (cur.at - last.at) / 1000) / this.cores;
    this.#shares.push(Math.max(0, share));
    if (this.#shares.length > this.window) this.#shares.shift();
    return this.#shares.reduce((a, b) => a + b, 0) / this.#shares.length;
  }
}
