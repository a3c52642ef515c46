/**
 * `pnpm bench:concurrency [--calls 1,2,4,6,8] [--turns N] [--rounds R] [--ttfa-ms MS] [--out FILE] [--cpu-prof DIR]`
 *
 * Capacity of the agent side against a cloud stand-in model: M simultaneous calls from synthetic
 * callers (LiveKit rtc-node in this process, publishing recorded speech in real time and sending
 * the widget's end-of-turn hint) against one stack whose model is `local-realtime --no-asr` (its
 * own process, fixed TTFA, prepared replies, no recognition CPU — what production's cloud model
 * leaves on our machines: nothing). Per M: perceived P50/P95 at the callers, and CPU and memory
 * per call of each part (agent job processes, the worker's main process, LiveKit, the API server)
 * from a /proc ledger; the model, the callers and other processes on the machine are measured and
 * excluded. Levels run in rounds, the second in reverse order, so drift in the machine's load does
 * not read as a trend. Reports the knee (first M with P95 > 1.1 × one call's, or a missed turn) and
 * the agent side's calls per core up to it. `--cpu-prof DIR`: V8 CPU profiles of the agent's job and
 * inference processes, written to DIR as each exits (cpu-prof-hook.cjs), to see where a call's CPU goes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dispose as disposeRtc } from '@livekit/rtc-node';
import { z } from 'zod';
import { REPO_ROOT } from '@voice-widget/stack';
import { SyntheticCaller, loadUtterance } from '@voice-widget/testkit';
import { utteranceFiles } from './audio-set.ts';
import { startBenchStack } from './bench-stack.ts';
import { AGENT_SIDE, PART, concurrencyCpuRules } from './concurrency/parts.ts';
import { type IdleBaseline, type LevelSample, capacity, levelRows, markdown } from './concurrency/report.ts';
import { CpuLedger, type CpuTotals, cpuBetween } from './cpu-ledger.ts';
import { machineInfo } from './machine.ts';

const Args = z.object({
  calls: z.string().regex(/^\d+(,\d+)*$/).default('1,2,4,6,8'),
  turns: z.coerce.number().int().min(1).max(50).default(4),
  rounds: z.coerce.number().int().min(1).max(5).default(2),
  'ttfa-ms': z.coerce.number().int().min(0).max(5_000).default(300),
  out: z.string().default(join(REPO_ROOT, 'bench', 'results', 'concurrency.json')),
  'cpu-prof': z.string().optional(),
});
const { values } = parseArgs({
  options: { calls: { type: 'string' }, turns: { type: 'string' }, rounds: { type: 'string' }, 'ttfa-ms': { type: 'string' }, out: { type: 'string' }, 'cpu-prof': { type: 'string' } },
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  console.error(`bench:concurrency: ${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const args = parsed.data;
const levels = [...new Set(args.calls.split(',').map(Number))].sort((a, b) => a - b);
if (levels[0] !== 1 || levels.some((m) => m < 1 || m > 50)) {
  console.error('bench:concurrency: --calls must start at 1 (the knee is relative to one call) and stay within 1..50');
  process.exit(2);
}
const out = resolve(process.env.INIT_CWD ?? process.cwd(), args.out);
// Round 1 ascending, round 2 descending, … (ABBA): a drift in the machine's load hits both ends.
const schedule = Array.from({ length: args.rounds }, (_, i) => (i % 2 === 0 ? levels : [...levels].reverse())).flat();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const utterances = utteranceFiles().map(loadUtterance);
const machine = machineInfo();
const bench = await startBenchStack(join(REPO_ROOT, '.state', 'bench-concurrency'), args['ttfa-ms'], ['fast'], {
  cloudStandIn: true,
  agentEnv: args['cpu-prof'] ? { NODE_OPTIONS: `--require ${join(import.meta.dirname, 'cpu-prof-hook.cjs')}`, BENCH_CPU_PROF_DIR: resolve(process.env.INIT_CWD ?? process.cwd(), args['cpu-prof']) } : undefined,
});
const ledger = new CpuLedger(concurrencyCpuRules(bench.stack, bench.pgPid), process.pid, 500, PART.other);
const agentSlug = 'bench-fast';
const pageOrigin = new URL(bench.stack.demoUrl!).origin;
const samples: LevelSample[] = [];
const busy = new Map<number, { busyS: number; totalS: number }>();
let idle: IdleBaseline = { cpuPct: {}, rssBytes: {} };

/** CPU per part over `ms` of nothing happening, % of one core, and resident memory at its end. */
async function measureIdle(ms: number): Promise<IdleBaseline> {
  const c0 = ledger.totals();
  await sleep(ms);
  const cpu = cpuBetween(c0, ledger.totals());
  return { cpuPct: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, (v / (ms / 1000)) * 100])), rssBytes: ledger.rss() };
}

/**
 * Writes the result files from the samples so far (after every level, so a run cut short — CI's
 * time limit, Ctrl-C — still leaves what it measured, marked `partial`).
 */
function writeReport(partial = false) {
  const rows = levelRows(samples, idle, new Map([...busy].map(([m, b]) => [m, (b.busyS / b.totalS) * 100])));
  const cap = capacity(rows);
  const report = {
    kind: 'concurrency',
    date: new Date().toISOString(),
    partial,
    machine,
    params: { levels, turnsPerCall: args.turns, rounds: args.rounds, ttfaMs: args['ttfa-ms'], model: 'local-realtime --no-asr (cloud stand-in)' },
    idle,
    rows,
    capacity: cap,
    samples,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2));
  const md = `Machine: ${machine.cores} cores, ${machine.cpu}, ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.node}; run ${report.date}${partial ? ' (partial)' : ''}.\n\n${markdown(rows, cap)}`;
  writeFileSync(out.replace(/\.json$/, '.md'), md);
  return { rows, md };
}

try {
  // Let the idle job processes finish starting before the baseline.
  await sleep(8000);
  idle = await measureIdle(5000);
  const idleJobProcesses = ledger.processes()[PART.job] ?? 0;
  console.log(`  idle: agent side ${AGENT_SIDE.reduce((a, p) => a + (idle.cpuPct[p] ?? 0), 0).toFixed(1)} % of a core`);
  for (const m of schedule) {
    const callers = Array.from({ length: m }, () => new SyntheticCaller());
    const s0 = ledger.totals();
    // Callers arrive 150 ms apart (a burst); one whose agent never comes talks to no one, and its
    // turns count as missed.
    const joined = await Promise.all(
      callers.map(async (c, i) => {
        await sleep(i * 150);
        try {
          await c.join(bench.stack.serverUrl, agentSlug, pageOrigin);
        } catch (err) {
          console.warn(`  caller ${i}: ${(err as Error).message}`);
          return false;
        }
        await c.waitForQuiet(1200, 20_000);
        return true;
      }),
    );
    // The worker replaces the idle job processes the calls took; that start belongs to set-up.
    await sleep(4000);
    const c0: CpuTotals = ledger.totals();
    const m0 = ledger.machine();
    const t0 = Date.now();
    const peak: Record<string, number> = {};
    const sampleRss = () => {
      for (const [k, v] of Object.entries(ledger.rss())) peak[k] = Math.max(peak[k] ?? 0, v);
    };
    sampleRss();
    const sampler = setInterval(sampleRss, 1000);
    await Promise.all(
      callers.map(async (c, i) => {
        if (!joined[i]) return;
        for (let k = 0; k < args.turns; k++) {
          await c.say(utterances[(i * 3 + k) % utterances.length]!);
          await c.waitForQuiet(800, 15_000);
        }
      }),
    );
    clearInterval(sampler);
    const c1 = ledger.totals();
    const m1 = ledger.machine();
    const sample: LevelSample = {
      calls: m,
      perceivedMs: callers.flatMap((c) => c.turns.map((t) => t.perceivedMs)),
      missed: 0,
      seconds: (Date.now() - t0) / 1000,
      cpuS: cpuBetween(c0, c1),
      peakRssBytes: peak,
      setupCpuS: cpuBetween(s0, c0),
    };
    sample.missed = m * args.turns - sample.perceivedMs.length;
    samples.push(sample);
    const b = busy.get(m) ?? { busyS: 0, totalS: 0 };
    busy.set(m, { busyS: b.busyS + m1.busyS - m0.busyS, totalS: b.totalS + m1.totalS - m0.totalS });
    const agentPct = (AGENT_SIDE.reduce((a, p) => a + (sample.cpuS[p] ?? 0), 0) / sample.seconds) * 100;
    console.log(`  ${m} call(s): ${sample.perceivedMs.length} turns, missed ${sample.missed}, agent side ${agentPct.toFixed(0)} % of a core over ${sample.seconds.toFixed(0)} s`);
    if (samples.some((x) => x.calls === 1)) writeReport(true);
    await Promise.all(callers.map((c) => c.leave()));
    // The next level starts from idle: the jobs' processes gone (up to 30 s), else their memory
    // and their shutdown would be charged to it.
    const settled = Date.now() + 30_000;
    await sleep(3000);
    while ((ledger.processes()[PART.job] ?? 0) > idleJobProcesses && Date.now() < settled) await sleep(500);
    await sleep(2000);
  }
} finally {
  ledger.stop();
  await bench.stop();
  // rtc-node's FFI keeps the event loop alive until disposed.
  await disposeRtc();
}

const { rows, md } = writeReport();
console.log(`\n${md}\nwrote ${out} (+ .md)`);
if (rows.some((r) => r.perceived.count === 0)) {
  console.error('bench:concurrency: a level measured no turn');
  process.exit(1);
}
process.exit(0);
