import { readFileSync } from 'node:fs';

/**
 * The PID of the agent job process serving `room`, from the agent worker's JSON log: each job logs
 * `job started` with its room and pid (agent-worker/src/agent.ts). The newest such line wins (a
 * resumed call has several). Job processes are children of the worker process.
 * @throws Error when no job for `room` was logged.
 */
export function jobPidForRoom(agentLogFile: string, room: string): number {
  const lines = readFileSync(agentLogFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"job started"') && l.includes(room));
  const pid = lines.length ? (JSON.parse(lines.at(-1)!) as { pid?: unknown }).pid : undefined;
  if (typeof pid !== 'number') throw new Error(`no job process logged for room ${room}`);
  return pid;
}

/** The parent PID of process `pid` (`/proc/PID/stat`, field 4): a job process's worker. */
export function parentPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
