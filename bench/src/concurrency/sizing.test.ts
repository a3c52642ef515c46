import { describe, expect, it } from 'vitest';
import { type PartCost, sizePart, sizingTable } from './sizing.ts';

const agent: PartCost = { part: 'agent workers', cpuCoresPerCall: 0.2, memMiBPerCall: 250, idleCores: 0.1, idleMiB: 1000, instance: { cores: 8, memGiB: 16 }, cpuCeiling: 0.7 };

describe('sizePart', () => {
  it('fits calls under the CPU ceiling after the idle cost, plus one spare instance', () => {
    // (0.7·8 − 0.1) / 0.2 = 27.5 → 27 by CPU; (0.8·16384 − 1000) / 250 = 48.4 by memory.
    const s = sizePart(agent, 1_000);
    expect(s.perInstance).toBe(27);
    expect(s.instances).toBe(Math.ceil(1_000 / 27) + 1);
    expect(s.cores).toBe(s.instances * 8);
  });

  it('is limited by memory when calls are heavy in memory, and keeps two instances at least', () => {
    const s = sizePart({ ...agent, memMiBPerCall: 1_000 }, 10);
    expect(s.perInstance).toBe(12); // (13107 − 1000) / 1000
    expect(s.instances).toBe(2);
  });

  it('refuses an instance that cannot carry one call', () => {
    expect(() => sizePart({ ...agent, cpuCoresPerCall: 6 }, 10)).toThrow(/cannot carry one call/);
  });

  it('grows a scale-up part (a database primary) instead of adding instances', () => {
    const pg: PartCost = { part: 'PostgreSQL', cpuCoresPerCall: 0.002, memMiBPerCall: 1, idleCores: 0.05, idleMiB: 100, instance: { cores: 4, memGiB: 16 }, cpuCeiling: 0.6, scale: 'up' };
    expect(sizePart(pg, 100)).toMatchObject({ instances: 2, cores: 8, memGiB: 32 }); // 0.25 / 0.6 cores: the smallest, 4
    // (0.05 + 10,000 · 0.002) / 0.6 = 33.4 cores → 48-core primary and replica.
    expect(sizePart(pg, 10_000)).toMatchObject({ instances: 2, cores: 96, memGiB: 384 });
    expect(() => sizePart(pg, 100_000)).toThrow(/more than a 96-core primary/);
  });

  it('writes one row per part with every fleet size', () => {
    const md = sizingTable([agent], [100, 1_000]);
    expect(md).toContain('| agent workers (8 cores, 16 GiB) | 20.0 % of a core, 250 MiB | 27 | 5 / 40 / 80 | 39 / 312 / 624 |');
  });
});
