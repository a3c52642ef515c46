import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_S = 100; // Linux USER_HZ
const PAGE_BYTES = 4096;

/** CPU time (s) and resident memory (bytes) of every process in the given process groups. */
export interface GroupUsage {
  cpuS: number;
  rssBytes: number;
  processes: number;
}

/** Reads /proc for the processes whose process group is in `pgids` (the stack's services). */
export function sampleGroups(pgids: Set<number>): GroupUsage {
  let ticks = 0;
  let pages = 0;
  let processes = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces): state ppid pgrp … utime(14)
      // stime(15) cutime(16) cstime(17). The c-fields hold reaped children (recognizer processes
      // used for one utterance, ended job processes), which are no longer in /proc themselves.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (!pgids.has(Number(rest[2]))) continue;
      ticks += Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
      pages += Number(readFileSync(`/proc/${entry}/statm`, 'utf8').split(' ')[1]);
      processes++;
    } catch {
      /* the process ended while we read it */
    }
  }
  return { cpuS: ticks / TICKS_PER_S, rssBytes: pages * PAGE_BYTES, processes };
}
