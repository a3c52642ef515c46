import { processAlive } from './job-lease.ts';

/**
 * Calls `onLost` once when this job process's worker (its parent) dies — `kill -9` of the worker,
 * a crash. The job process outlives it only briefly: @livekit/agents ends an orphaned job process
 * within 15 s, without leaving the room, and LiveKit notices the lost participant later still. So
 * the job hands its call over at once instead (agent.ts). The IPC channel closing (`disconnect`)
 * is the signal; the parent being gone confirms it (a planned worker stop ends its jobs first).
 * Returns the function that stops watching.
 */
export function onWorkerLost(onLost: () => void, workerPid = process.ppid): () => void {
  const check = () => {
    if (!processAlive(workerPid) || process.ppid !== workerPid) onLost();
  };
  process.once('disconnect', check);
  return () => process.off('disconnect', check);
}
