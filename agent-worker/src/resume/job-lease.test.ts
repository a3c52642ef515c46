import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { holdLease, leaseDir, processAlive, watchLeases } from './job-lease.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('job leases', () => {
  it('reports the lease of a process that died, once, and not the one of a live process', async () => {
    const workerPid = 900_000 + Math.floor(Math.random() * 50_000); // a folder of our own
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => child.once('spawn', r));
    holdLease({ room: 'web_dead', identity: 'agent-AJ_1' }, workerPid, child.pid!);
    holdLease({ room: 'web_alive', identity: 'agent-AJ_2' }, workerPid, process.pid);
    const lost: { room: string; identity: string; atMs: number }[] = [];
    const stop = watchLeases((lease, atMs) => lost.push({ ...lease, atMs }), { workerPid, intervalMs: 20 });
    try {
      await sleep(100);
      expect(lost).toEqual([]); // both alive
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await sleep(150);
      expect(lost.map((l) => l.room)).toEqual(['web_dead']);
      expect(lost[0]!.identity).toBe('agent-AJ_1');
      expect(lost[0]!.atMs).toBeGreaterThanOrEqual(killedAt);
      expect(readdirSync(leaseDir(workerPid))).toEqual([`${process.pid}.json`]);
    } finally {
      stop();
    }
    expect(existsSync(leaseDir(workerPid))).toBe(false);
  });

  it('a lease dropped on purpose is never reported', async () => {
    const workerPid = 950_001 + Math.floor(Math.random() * 40_000);
    const drop = holdLease({ room: 'web_x', identity: 'agent-AJ_3' }, workerPid, 999_999_999);
    drop();
    const lost: unknown[] = [];
    const stop = watchLeases((l) => lost.push(l), { workerPid, intervalMs: 10 });
    await sleep(60);
    stop();
    expect(lost).toEqual([]);
  });

  it('processAlive tells a live process from a gone one', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(999_999_999)).toBe(false);
  });
});
