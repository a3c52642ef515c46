/**
 * The CPU ledger against real processes: a busy child that lives through several samples, and
 * many short-lived grandchildren that live between samples (like eSpeak runs behind a wrapper),
 * are both counted in their category, and nothing is counted twice.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CpuLedger } from '../src/cpu-ledger.ts';

const run = (script: string) =>
  new Promise<number>((resolve) => {
    const child = spawn('sh', ['-c', script], { stdio: 'ignore' });
    child.once('exit', () => resolve(child.pid!));
  });

describe('CpuLedger', () => {
  it('counts a busy child and short-lived grandchildren in their categories, once', async () => {
    const ledger = new CpuLedger(
      [
        { category: 'busy', match: (p) => p.args.includes('BUSY_MARK') },
        { category: 'wrapper', match: (p) => p.args.includes('WRAP_MARK') },
        { category: 'me', match: (p) => p.pid === process.pid },
      ],
      process.pid,
      100,
    );
    const m0 = ledger.machine();
    // A busy loop of some 0.5 s, then 40 short busy processes behind `sh` wrappers (each ~20 ms).
    await run('i=0; while [ $i -lt 600000 ]; do i=$((i+1)); done # BUSY_MARK');
    await run('i=0; while [ $i -lt 40 ]; do sh -c "j=0; while [ \\$j -lt 20000 ]; do j=\\$((j+1)); done"; i=$((i+1)); done # WRAP_MARK');
    const totals = ledger.totals();
    const m1 = ledger.machine();
    ledger.stop();
    expect(totals.busy).toBeGreaterThan(0.2);
    expect((totals.wrapper ?? 0) + (totals['wrapper: short-lived children'] ?? 0)).toBeGreaterThan(0.2);
    const counted = Object.values(totals).reduce((a, b) => a + b, 0);
    // Everything counted happened on this machine in this time: never more than it was busy.
    expect(counted).toBeLessThanOrEqual(m1.busyS - m0.busyS + 0.05);
  });
});
