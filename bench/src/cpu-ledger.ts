import { readFileSync, readdirSync } from 'node:fs';

/**
 * Where every core-second of the machine goes, by part of the system: samples /proc every
 * `intervalMs`, gives each process a category (by its ancestry and command line), and adds
 * each process's CPU time (utime + stime, USER_HZ ticks) to its category as it grows. Processes
 * that end between two samples (an eSpeak run, a recognizer) are still counted: their parent's
 * `cutime + cstime` grows by their whole time when it reaps them, and what was not already seen
 * goes to the category of the children that parent lost, or of the parent.
 */

const TICKS_PER_S = 100; // Linux USER_HZ
const PAGE_BYTES = 4096;

/** What the ledger knows of a process from /proc/<pid>/stat (and cmdline, once). */
interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  args: string;
  own: number;
  children: number;
  category: string;
}

/** A category rule: the first that matches a process (or its nearest ancestor that matches) wins. */
export interface CategoryRule {
  category: string;
  match: (p: { pid: number; comm: string; args: string }) => boolean;
}

/** Core-seconds per category since the ledger started. */
export type CpuTotals = Record<string, number>;

function readProc(pid: number): Omit<Proc, 'category' | 'args'> | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const rest = stat.slice(close + 2).split(' ');
    // rest[0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime (proc(5)).
    return {
      pid,
      ppid: Number(rest[1]),
      comm: stat.slice(open + 1, close),
      own: Number(rest[11]) + Number(rest[12]),
      children: Number(rest[13]) + Number(rest[14]),
    };
  } catch {
    return null; // ended while we read it
  }
}

function readArgs(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

export class CpuLedger {
  readonly #rules: CategoryRule[];
  readonly #procs = new Map<number, Proc>();
  readonly #totals: CpuTotals = {};
  readonly #timer: NodeJS.Timeout;
  /** Idle and total jiffies of the whole machine (/proc/stat), for its busy share. */
  #machine = { busy: 0, total: 0 };

  /**
   * Starts sampling. Rules apply to `root` and its descendants (the benchmark and all it started);
   * every other process is `fallback` (other work on the machine).
   */
  constructor(
    rules: CategoryRule[],
    private readonly root = process.pid,
    intervalMs = 500,
    private readonly fallback = 'other processes on the machine',
  ) {
    this.#rules = rules;
    this.sample(true);
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  /** Core-seconds per category so far (a copy). */
  totals(): CpuTotals {
    this.sample();
    return { ...this.#totals };
  }

  /** Machine-wide busy and total CPU time so far, core-seconds (from /proc/stat). */
  machine(): { busyS: number; totalS: number } {
    return { busyS: this.#machine.busy / TICKS_PER_S, totalS: this.#machine.total / TICKS_PER_S };
  }

  /**
   * Resident memory now, bytes per category (RSS from /proc/<pid>/statm; shared pages count in
   * every process that maps them, so a sum over-states what processes forked from one parent use).
   * Processes outside `root`'s tree (the fallback category) are not read.
   */
  rss(): Record<string, number> {
    this.sample();
    const out: Record<string, number> = {};
    for (const p of this.#procs.values()) {
      if (p.category === this.fallback) continue;
      try {
        const pages = Number(readFileSync(`/proc/${p.pid}/statm`, 'utf8').split(' ')[1]);
        out[p.category] = (out[p.category] ?? 0) + pages * PAGE_BYTES;
      } catch {
        /* ended since the sample */
      }
    }
    return out;
  }

  /** Live processes per category now (the fallback category is not counted). */
  processes(): Record<string, number> {
    this.sample();
    const out: Record<string, number> = {};
    for (const p of this.#procs.values()) if (p.category !== this.fallback) out[p.category] = (out[p.category] ?? 0) + 1;
    return out;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One pass over /proc. `baseline`: record what exists without counting its past. */
  sample(baseline = false): void {
    const seen = new Map<number, Omit<Proc, 'category' | 'args'>>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const p = readProc(Number(entry));
      if (p) seen.set(p.pid, p);
    }
    const add = (category: string, ticks: number) => {
      if (!baseline && ticks > 0) this.#totals[category] = (this.#totals[category] ?? 0) + ticks / TICKS_PER_S;
    };
    // Gone since the last pass: a parent's cutime grows by all it reaps, so what we already saw of
    // each vanished child — and of the children that child itself reaped just before it went
    // (a `timeout` wrapper and its node, gone together) — is subtracted; the rest was unseen.
    const vanished = new Map([...this.#procs].filter(([pid]) => !seen.has(pid)));
    const seenOf = new Map<number, number>();
    const total = (pid: number): number => {
      let t = seenOf.get(pid);
      if (t !== undefined) return t;
      const v = vanished.get(pid)!;
      t = v.own + v.children;
      for (const c of vanished.values()) if (c.ppid === pid) t += total(c.pid);
      seenOf.set(pid, t);
      return t;
    };
    const lostBy = new Map<number, { seen: number; category: string }>();
    for (const [pid, old] of vanished) {
      const l = lostBy.get(old.ppid) ?? { seen: 0, category: old.category };
      l.seen += total(pid);
      lostBy.set(old.ppid, l);
      this.#procs.delete(pid);
    }
    for (const p of seen.values()) {
      const old = this.#procs.get(p.pid);
      const category = old?.category ?? this.#categorize(p, seen);
      add(category, p.own - (old?.own ?? 0));
      const reaped = p.children - (old?.children ?? 0);
      const lost = lostBy.get(p.pid);
      if (old && reaped > (lost?.seen ?? 0)) add(lost?.category ?? `${category}: short-lived children`, reaped - (lost?.seen ?? 0));
      this.#procs.set(p.pid, { ...p, args: old?.args ?? '', category });
    }
    try {
      const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const idle = cpu[3]! + cpu[4]!;
      const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
      this.#machine = { busy: total - idle, total };
    } catch {
      /* no /proc/stat */
    }
  }

  #categorize(p: Omit<Proc, 'category' | 'args'>, seen: Map<number, Omit<Proc, 'category' | 'args'>>): string {
    const chain: Omit<Proc, 'category' | 'args'>[] = [];
    for (let cur: Omit<Proc, 'category' | 'args'> | undefined = p; cur && chain.length < 40; cur = seen.get(cur.ppid)) {
      chain.push(cur);
      if (cur.pid === this.root) break;
    }
    if (chain.at(-1)?.pid !== this.root) return this.fallback;
    for (const cur of chain) {
      const known = cur === p ? undefined : this.#procs.get(cur.pid);
      if (known) return known.category;
      const rule = this.#rules.find((r) => r.match({ pid: cur.pid, comm: cur.comm, args: readArgs(cur.pid) }));
      if (rule) return rule.category;
    }
    return this.fallback;
  }
}

/** Core-seconds per category between two {@link CpuLedger.totals} snapshots. */
export function cpuBetween(from: CpuTotals, to: CpuTotals): CpuTotals {
  const out: CpuTotals = {};
  for (const [k, v] of Object.entries(to)) if (v - (from[k] ?? 0) > 0) out[k] = v - (from[k] ?? 0);
  return out;
}
