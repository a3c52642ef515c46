import { readFileSync } from 'node:fs';

/**
 * The PID of the agent job process serving `room`, from the agent workers' JSON logs: each job
 * logs `job started` with its room and pid (agent-worker/src/agent.ts). The newest such line of
 * all `agentLogFiles` wins (a resumed call has several). Job processes are children of their worker.
 * @throws Error when no job for `room` was logged.
 */
export function jobPidForRoom(agentLogFiles: string | string[], room: string): number {
  let newest: { time: number; pid: number } | null = null;
  for (const file of [agentLogFiles].flat()) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.includes('"job started"') || !line.includes(room)) continue;
      const e = JSON.parse(line) as { time?: unknown; pid?: unknown };
      if (typeof e.pid === 'number' && typeof e.time === 'number' && (!newest || e.time >= newest.time)) newest = { time: e.time, pid: e.pid };
    }
  }
  if (!newest) throw new Error(`no job process logged for room ${room}`);
  return newest.pid;
}

/** The parent PID of process `pid` (`/proc/PID/stat`, field 4): a job process's worker. */
export function parentPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
