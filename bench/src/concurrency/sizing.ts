/**
 * From measured per-call figures to a fleet: instances, cores and memory per part for N concurrent
 * calls (docs/deploy.md's table). `tsx src/concurrency/sizing.ts [results.json]` prints it from a
 * `bench:concurrency` result.
 *
 * Per part: calls one instance carries = ⌊min((u·cores − idleCores) / cpuPerCall,
 * (0.8·memMiB − idleMiB) / memPerCall)⌋, `u` the part's CPU ceiling (0.7 for agent workers: the
 * production load threshold of agents-js and our AGENT_CPU_FULL; 0.7 for LiveKit nodes: the
 * `sysload_limit` of livekit-server's sample config, above which it places no new room on a node;
 * 0.6 for the API server and PostgreSQL); instances = ⌈N / perInstance⌉ + 1 (one instance may fail
 * or be draining in a rolling restart), at least 2. PostgreSQL scales up instead: a primary and a
 * replica, each the smallest size with (idleCores + N·cpuPerCall) / 0.6 cores.
 */
import { readFileSync } from 'node:fs';
import { AGENT_SIDE, PART } from './parts.ts';

/** Cost of one concurrent call in one part: cores and MiB, plus what an idle instance uses. */
export interface PartCost {
  part: string;
  cpuCoresPerCall: number;
  memMiBPerCall: number;
  idleCores: number;
  idleMiB: number;
  /** Instance shape the fleet is built from. */
  instance: { cores: number; memGiB: number };
  /** Share of the instance's cores it may use before it counts as full (0..1). */
  cpuCeiling: number;
  /**
   * `out`: more instances of `instance` (the default). `up`: one primary and one replica, each as
   * large as the load needs (a database primary does not scale out): `instance` is the smallest.
   */
  scale?: 'out' | 'up';
}

export interface PartSizing {
  part: string;
  perInstance: number;
  instances: number;
  cores: number;
  memGiB: number;
}

const MEM_CEILING = 0.8;

/** Instance sizes (cores) a scale-up part may grow to; memory grows with them (4 GiB per core). */
const SCALE_UP_CORES = [2, 4, 8, 16, 32, 48, 64, 96];

/**
 * Instances of one part for `calls` concurrent calls.
 * @throws RangeError when one instance cannot carry a single call, or a scale-up part needs more than the largest instance.
 */
export function sizePart(cost: PartCost, calls: number): PartSizing {
  if (cost.scale === 'up') {
    const needCores = (cost.idleCores + calls * cost.cpuCoresPerCall) / cost.cpuCeiling;
    const needGiB = (cost.idleMiB + calls * cost.memMiBPerCall) / 1024 / MEM_CEILING;
    const cores = SCALE_UP_CORES.find((c) => c >= cost.instance.cores && c >= needCores && Math.max(cost.instance.memGiB, c * 4) >= needGiB);
    if (cores === undefined) throw new RangeError(`${cost.part}: ${calls} calls need more than a ${SCALE_UP_CORES.at(-1)}-core primary`);
    const memGiB = Math.max(cost.instance.memGiB, cores * 4);
    return { part: cost.part, perInstance: Math.floor((cost.cpuCeiling * cores - cost.idleCores) / Math.max(cost.cpuCoresPerCall, 1e-6)), instances: 2, cores: 2 * cores, memGiB: 2 * memGiB };
  }
  const byCpu = (cost.cpuCeiling * cost.instance.cores - cost.idleCores) / Math.max(cost.cpuCoresPerCall, 1e-6);
  const byMem = (MEM_CEILING * cost.instance.memGiB * 1024 - cost.idleMiB) / Math.max(cost.memMiBPerCall, 1e-6);
  const perInstance = Math.floor(Math.min(byCpu, byMem));
  if (perInstance < 1) throw new RangeError(`${cost.part}: a ${cost.instance.cores}-core ${cost.instance.memGiB} GiB instance cannot carry one call`);
  const instances = Math.max(2, Math.ceil(calls / perInstance) + 1);
  return { part: cost.part, perInstance, instances, cores: instances * cost.instance.cores, memGiB: instances * cost.instance.memGiB };
}

/** The measured costs of a `bench:concurrency` result (worst healthy level per part, idle as measured). */
export function costsFromResult(result: {
  idle: { cpuPct: Record<string, number>; rssBytes: Record<string, number> };
  rows: { calls: number; cpuPctPerCall: Record<string, number>; memMiBPerCall: Record<string, number> }[];
  capacity: { healthy: number[] };
}): PartCost[] {
  const healthy = result.rows.filter((r) => result.capacity.healthy.includes(r.calls));
  const rows = healthy.length ? healthy : result.rows;
  const worst = (parts: readonly string[], f: (r: (typeof rows)[number], p: string) => number) => Math.max(...rows.map((r) => parts.reduce((a, p) => a + f(r, p), 0)));
  const idleCores = (parts: readonly string[]) => parts.reduce((a, p) => a + (result.idle.cpuPct[p] ?? 0), 0) / 100;
  const idleMiB = (parts: readonly string[]) => parts.reduce((a, p) => a + (result.idle.rssBytes[p] ?? 0), 0) / 2 ** 20;
  const part = (name: string, parts: readonly string[], instance: PartCost['instance'], cpuCeiling: number): PartCost => ({
    part: name,
    cpuCoresPerCall: worst(parts, (r, p) => r.cpuPctPerCall[p] ?? 0) / 100,
    memMiBPerCall: worst(parts, (r, p) => r.memMiBPerCall[p] ?? 0),
    idleCores: idleCores(parts),
    idleMiB: idleMiB(parts),
    instance,
    cpuCeiling,
  });
  return [
    part('agent workers', AGENT_SIDE, { cores: 8, memGiB: 16 }, 0.7),
    part('LiveKit nodes', [PART.livekit], { cores: 8, memGiB: 16 }, 0.7),
    part('API servers', [PART.server], { cores: 2, memGiB: 4 }, 0.6),
    // PostgreSQL's memory follows its connections (a pool per API server) and its shared buffers,
    // not calls: the RSS its backends gain while talking is shared-buffer pages touched.
    { ...part('PostgreSQL (primary + replica)', [PART.postgres], { cores: 4, memGiB: 16 }, 0.6), memMiBPerCall: 0, scale: 'up' },
  ];
}

/** Markdown table: one row per part, one column group per fleet size. */
export function sizingTable(costs: readonly PartCost[], fleet: readonly number[] = [100, 1_000, 10_000]): string {
  const head = `| part (instance) | per call | calls per instance | ${fleet.map((n) => `${n.toLocaleString('en')} calls: instances / cores / GiB`).join(' | ')} |`;
  const rows = costs.map((c) => {
    const s = fleet.map((n) => {
      try {
        return sizePart(c, n);
      } catch (err) {
        return (err as Error).message;
      }
    });
    const cell = (x: PartSizing | string) => (typeof x === 'string' ? x : `${x.instances} / ${x.cores} / ${x.memGiB}`);
    const first = s.find((x): x is PartSizing => typeof x !== 'string');
    const shape = c.scale === 'up' ? `from ${c.instance.cores} cores, ${c.instance.memGiB} GiB, grown as needed` : `${c.instance.cores} cores, ${c.instance.memGiB} GiB`;
    const per = !first ? '–' : c.scale === 'up' ? `${first.perInstance} on ${c.instance.cores} cores` : String(first.perInstance);
    const mem = c.scale === 'up' ? '4 GiB per core' : `${c.memMiBPerCall.toFixed(0)} MiB`;
    return `| ${c.part} (${shape}) | ${(c.cpuCoresPerCall * 100).toFixed(1)} % of a core, ${mem} | ${per} | ${s.map(cell).join(' | ')} |`;
  });
  return [head, `|---|---|---|${fleet.map(() => '---').join('|')}|`, ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? new URL('../../results/concurrency.json', import.meta.url).pathname;
  console.log(sizingTable(costsFromResult(JSON.parse(readFileSync(file, 'utf8')))));
}
