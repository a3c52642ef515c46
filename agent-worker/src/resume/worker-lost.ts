import type { Room } from '@livekit/rtc-node';
import type { Logger } from 'pino';
import type { ServerClient } from '../server-api/client.ts';
import { processAlive } from './job-lease.ts';
import { markLeaving } from './take-over.ts';

/**
 * Calls `onLost` once when this job process's worker (its parent) dies — `kill -9` of the worker,
 * a crash. The job process outlives it only briefly: @livekit/agents ends an orphaned job process
 * within 15 s, without leaving the room, and LiveKit notices the lost participant later still. So
 * the job hands its call over at once instead (agent.ts). The IPC channel closing (`disconnect`)
 * is the signal; the parent being gone confirms it (a planned worker stop ends its jobs first).
 * Returns the function that stops watching.
 */
export function onWorkerLost(onLost: () => void, workerPid = process.ppid): () => void {
  let timer: NodeJS.Timeout | undefined;
  // The channel closes while the dying worker releases its files, before the kernel reparents this
  // process and while the worker is still a zombie (signal 0 reaches it): so the confirmation is
  // polled for a moment instead of read once.
  const check = (triesLeft: number) => {
    if (!processAlive(workerPid) || process.ppid !== workerPid) onLost();
    else if (triesLeft > 0) timer = setTimeout(() => check(triesLeft - 1), WORKER_GONE_POLL_MS);
  };
  const onDisconnect = () => check(WORKER_GONE_POLLS);
  process.once('disconnect', onDisconnect);
  return () => {
    clearTimeout(timer);
    process.off('disconnect', onDisconnect);
  };
}

/** After the IPC channel closed: how often and how many times the worker's death is checked (2 s in all). */
const WORKER_GONE_POLL_MS = 100;
const WORKER_GONE_POLLS = 20;

/** What {@link handOverWhenWorkerDies} needs from the job. */
export interface HandOver {
  room: Room;
  /** This agent's participant identity. */
  identity: string;
  server: Pick<ServerClient, 'agentLost'>;
  /** Drops the job's lease and stops the final record upload (the call goes on elsewhere). */
  release(): void;
  shutdown(reason: string): void;
  log: Logger;
}

/**
 * Hands the call over to another agent: marks the leave, reports this agent lost (`cause`) — the
 * server removes this participant and dispatches a resuming agent to a live worker — and ends the
 * job itself only if the server did not take the call.
 */
export async function handOver(h: HandOver, cause: 'worker_exit' | 'model_lost'): Promise<void> {
  h.release();
  await markLeaving(h.room, cause);
  const r = await h.server.agentLost({ identity: h.identity, atMs: Date.now(), cause });
  h.log.info({ ok: r.ok, ...(r.ok ? r.value : { err: r.error }) }, 'handed the call over');
  if (!r.ok || !r.value.resumed) h.shutdown(cause);
}

/** When this job's worker dies, {@link handOver}s the call (`worker_exit`). Returns the function that stops watching. */
export function handOverWhenWorkerDies(h: HandOver): () => void {
  return onWorkerLost(() => {
    h.log.warn('the worker process is gone; handing the call over');
    void handOver(h, 'worker_exit');
  });
}
