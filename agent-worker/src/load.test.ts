import { describe, expect, it } from 'vitest';
import { CPU_TERM_CAP, CpuShare, availableCores, defaultMaxCalls, workerLoad } from './load.ts';

const GiB = 2 ** 30;

describe('defaultMaxCalls', () => {
  it('fits the calls in the CPU share at the measured per-call cost', () => {
    // 0.7 × 2 cores / 0.12 core per call = 11.7 → 11; memory (0.8 × 24 GiB / 230 MiB = 85) is not the limit.
    expect(defaultMaxCalls(2, 24 * GiB, 0.7, 0.8, { cpuCores: 0.12, memMiB: 230 })).toBe(11);
    expect(defaultMaxCalls(16, 64 * GiB, 0.7, 0.8, { cpuCores: 0.12, memMiB: 230 })).toBe(93);
  });

  it('is limited by memory on a machine with little of it, and never below 1', () => {
    // 0.8 × 2 GiB / 230 MiB = 7.1 → 7, below the 11 the CPU would allow.
    expect(defaultMaxCalls(2, 2 * GiB, 0.7, 0.8, { cpuCores: 0.12, memMiB: 230 })).toBe(7);
    expect(defaultMaxCalls(0.1, 0.1 * GiB, 0.7, 0.8, { cpuCores: 0.12, memMiB: 230 })).toBe(1);
  });
});

describe('workerLoad', () => {
  it('is the larger of the calls term and the CPU term', () => {
    expect(workerLoad(5, 10, null, 0.7)).toBe(0.5);
    expect(workerLoad(5, 10, 0.35, 0.7)).toBe(0.5);
    expect(workerLoad(1, 10, 0.56, 0.7)).toBeCloseTo(0.8);
  });

  it('is full at AGENT_MAX_CALLS, but the CPU alone only steers (never full: LiveKit does not retry a refused job)', () => {
    expect(workerLoad(10, 10, 0.1, 0.7)).toBe(1);
    expect(workerLoad(12, 10, 0.1, 0.7)).toBe(1);
    expect(workerLoad(0, 10, 0.95, 0.7)).toBe(CPU_TERM_CAP);
    expect(CPU_TERM_CAP).toBeLessThan(1);
  });
});

describe('availableCores', () => {
  it('takes NUM_CPUS first, as agents-js does', () => {
    expect(availableCores({ NUM_CPUS: '3.5' })).toBe(3.5);
    expect(availableCores({ NUM_CPUS: 'x' })).toBeGreaterThan(0);
  });
});

describe('CpuShare', () => {
  /** Burns `ms` of this process's CPU time (not wall time: a loaded machine only stretches it). */
  const spin = (ms: number) => {
    const start = process.cpuUsage();
    while (true) {
      const used = process.cpuUsage(start);
      if ((used.user + used.system) / 1000 >= ms) return;
    }
  };
  /** Runs `f`, returning this process's CPU share of `cores` over it (from Node, not /proc). */
  const expectedShare = (cores: number, f: () => void) => {
    const t0 = Date.now();
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / (Date.now() - t0) / cores;
  };

  it('reads what Node says this process used, as a share of the available cores; nothing first', () => {
    const share = new CpuShare('worker', 2, 4);
    expect(share.sample()).toBeNull();
    const expected = expectedShare(2, () => spin(400));
    const busy = share.sample()!;
    // Ticks are 10 ms: ±0.1 covers the rounding over 400 ms, and nothing else.
    expect(busy).toBeGreaterThan(expected - 0.1);
    expect(busy).toBeLessThan(expected + 0.1);
    expect(busy).toBeGreaterThan(0.1);
  });

  it('averages over its window, so one busy interval is diluted by idle ones', async () => {
    const share = new CpuShare('worker', 1, 2);
    share.sample();
    spin(300);
    const first = share.sample()!;
    await new Promise((r) => setTimeout(r, 300));
    const averaged = share.sample()!;
    // (first + ~0) / 2: well under the busy interval alone.
    expect(averaged).toBeLessThan(first * 0.75);
    expect(averaged).toBeGreaterThan(first * 0.3);
  });

  it('reads the machine within 0..1, and nothing when off', () => {
    const machine = new CpuShare('machine');
    machine.sample();
    spin(200);
    const v = machine.sample()!;
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThanOrEqual(1);
    const off = new CpuShare('off');
    off.sample();
    expect(off.sample()).toBeNull();
  });
});
