import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_WATCH_INTERVAL_MS } from '@voice-widget/protocol';
import { z } from 'zod';

/**
 * The worker's own supervision of its job processes (issue 15): a job process that is in a call
 * holds a lease — a small file named after its PID in a folder of its worker (its parent process)
 * naming the room and its participant identity — and drops it when it ends the job on purpose.
 * The worker checks every {@link JOB_WATCH_INTERVAL_MS} whether each lease's process is alive; a
 * lease whose process is gone means the job died mid-call (`kill -9`, out of memory, a native
 * crash), and the worker tells the server at once, long before LiveKit times the lost participant
 * out (~20 s). Files and not IPC because the job processes' IPC channel belongs to @livekit/agents.
 */

/** What a lease says. */
export const JobLease = z.object({ room: z.string().min(1).max(256), identity: z.string().min(1).max(256) });
export type JobLease = z.infer<typeof JobLease>;

/** The lease folder of the worker process `workerPid` (private to the user: 0700). */
export function leaseDir(workerPid: number): string {
  return join(tmpdir(), `voice-agent-jobs-${workerPid}`);
}

/**
 * Job side: takes the lease of this process (its worker is the parent process). Returns the
 * function that drops it (call it before leaving on purpose).
 */
export function holdLease(lease: JobLease, workerPid = process.ppid, pid = process.pid): () => void {
  const dir = leaseDir(workerPid);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${pid}.json`);
  writeFileSync(file, JSON.stringify(lease), { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

/** True while process `pid` exists (signal 0 checks without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Worker side: every `intervalMs`, finds leases whose process is gone, removes them and hands each
 * to `onLost` with when it was found (ms since epoch). A lease file that does not parse is removed.
 * Returns the function that stops watching.
 */
export function watchLeases(
  onLost: (lease: JobLease, atMs: number) => void,
  opts: { workerPid?: number; intervalMs?: number; alive?: (pid: number) => boolean } = {},
): () => void {
  const dir = leaseDir(opts.workerPid ?? process.pid);
  const alive = opts.alive ?? processAlive;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const check = () => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const pid = Number(/^(\d+)\.json$/.exec(name)?.[1]);
      if (!pid || alive(pid)) continue;
      const file = join(dir, name);
      let lease: JobLease | null = null;
      try {
        lease = JobLease.parse(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        /* half-written or foreign: dropped */
      }
      rmSync(file, { force: true });
      if (lease) onLost(lease, Date.now());
    }
  };
  const timer = setInterval(check, opts.intervalMs ?? JOB_WATCH_INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    rmSync(dir, { recursive: true, force: true });
  };
}
