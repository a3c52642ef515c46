/**
 * `pnpm bench:concurrency [--calls 1,5,10,20] [--turns N] [--ttfa-ms MS] [--out FILE]`
 *
 * M simultaneous calls from headless synthetic callers (LiveKit rtc-node publishing recorded
 * speech, sending the widget's end-of-turn hint) against one stack on this machine. Per M:
 * perceived latency P50/P95 measured at the callers, and the stack's CPU and memory per call.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dispose as disposeRtc } from '@livekit/rtc-node';
import { z } from 'zod';
import { type Summary, summarize } from '@voice-widget/protocol';
import { REPO_ROOT } from '@voice-widget/stack';
import { utteranceFiles } from './audio-set.ts';
import { startBenchStack } from './bench-stack.ts';
import { machineInfo } from './machine.ts';
import { sampleGroups } from './proc-usage.ts';
import { SyntheticCaller, loadUtterance } from '@voice-widget/testkit';

const Args = z.object({
  calls: z.string().regex(/^\d+(,\d+)*$/).default('1,5,10,20'),
  turns: z.coerce.number().int().min(1).max(50).default(4),
  'ttfa-ms': z.coerce.number().int().min(0).max(5_000).default(300),
  out: z.string().default(join(REPO_ROOT, 'bench', 'results', 'concurrency.json')),
});
const { values } = parseArgs({
  options: { calls: { type: 'string' }, turns: { type: 'string' }, 'ttfa-ms': { type: 'string' }, out: { type: 'string' } },
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  console.error(`bench:concurrency: ${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const args = parsed.data;
const levels = args.calls.split(',').map(Number);
const out = resolve(process.env.INIT_CWD ?? process.cwd(), args.out);

export interface ConcurrencyRow {
  calls: number;
  perceived: Summary;
  /** Turns that got no reply within the timeout. */
  missed: number;
  /** Stack CPU while talking, % of one core, per call (idle baseline subtracted). */
  cpuPctPerCall: number;
  /** Stack CPU while talking, % of all cores (saturation indicator). */
  cpuPctOfMachine: number;
  /** Extra resident memory while talking, MiB per call. */
  rssMiBPerCall: number;
}

const utterances = utteranceFiles().map(loadUtterance);
const bench = await startBenchStack(join(REPO_ROOT, '.state', 'bench-concurrency'), args['ttfa-ms'], ['fast']);
const pgids = new Set(bench.stack.services.map((s) => s.child.pid!).filter(Boolean));
const agentSlug = 'bench-fast';
const pageOrigin = new URL(bench.stack.demoUrl!).origin;
const rows: ConcurrencyRow[] = [];
const cores = machineInfo().cores;
try {
  await new Promise((r) => setTimeout(r, 3000));
  // One idle baseline before any call: measured between levels it would include the previous
  // level's agents shutting down and understate the next level's CPU.
  const idle0 = sampleGroups(pgids);
  await new Promise((r) => setTimeout(r, 2000));
  const idle1 = sampleGroups(pgids);
  const idleCpuPct = ((idle1.cpuS - idle0.cpuS) / 2) * 100;
  for (const m of levels) {
    const callers = Array.from({ length: m }, () => new SyntheticCaller());
    console.log(`  ${m} call(s): joining…`);
    // Callers arrive 150 ms apart (a burst); one whose agent never comes talks to no one, and
    // its turns count as missed.
    const joined = await Promise.all(
      callers.map(async (c, i) => {
        await new Promise((r) => setTimeout(r, i * 150));
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
    const t0 = Date.now();
    const u0 = sampleGroups(pgids);
    let peakRss = u0.rssBytes;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, sampleGroups(pgids).rssBytes)), 500);
    await Promise.all(
      callers.map(async (c, i) => {
        if (!joined[i]) return;
        for (let k = 0; k < args.turns; k++) {
          await c.say(utterances[(i + k) % utterances.length]!);
          await c.waitForQuiet(800, 15_000);
        }
      }),
    );
    clearInterval(sampler);
    const u1 = sampleGroups(pgids);
    const seconds = (Date.now() - t0) / 1000;
    const cpuPct = ((u1.cpuS - u0.cpuS) / seconds) * 100;
    const perceived = callers.flatMap((c) => c.turns.map((t) => t.perceivedMs));
    const row: ConcurrencyRow = {
      calls: m,
      perceived: summarize(perceived),
      missed: m * args.turns - perceived.length,
      cpuPctPerCall: Math.max(0, cpuPct - idleCpuPct) / m,
      cpuPctOfMachine: cpuPct / cores,
      rssMiBPerCall: Math.max(0, peakRss - idle1.rssBytes) / m / 2 ** 20,
    };
    rows.push(row);
    console.log(
      `  ${m} call(s): perceived P50 ${Math.round(row.perceived.p50 ?? NaN)} ms, P95 ${Math.round(row.perceived.p95 ?? NaN)} ms, ` +
        `missed ${row.missed}, CPU ${row.cpuPctPerCall.toFixed(0)}%/call (${row.cpuPctOfMachine.toFixed(0)}% of machine), ` +
        `+${row.rssMiBPerCall.toFixed(0)} MiB/call`,
    );
    await Promise.all(callers.map((c) => c.leave()));
    await new Promise((r) => setTimeout(r, 3000));
  }
} finally {
  await bench.stop();
  // rtc-node's FFI keeps the event loop alive until disposed.
  await disposeRtc();
}
const report = { kind: 'concurrency', date: new Date().toISOString(), machine: machineInfo(), params: { turnsPerCall: args.turns, ttfaMs: args['ttfa-ms'] }, rows };
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2));
const f = (v: number | null) => (v === null ? '–' : String(Math.round(v)));
const md = [
  '| calls | turns | perceived P50 (ms) | P95 (ms) | missed | CPU per call (% of a core) | CPU of machine | memory per call (MiB) |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.calls} | ${r.perceived.count} | ${f(r.perceived.p50)} | ${f(r.perceived.p95)} | ${r.missed} | ${r.cpuPctPerCall.toFixed(0)} | ${r.cpuPctOfMachine.toFixed(0)}% | ${r.rssMiBPerCall.toFixed(0)} |`),
].join('\n');
writeFileSync(out.replace(/\.json$/, '.md'), md);
console.log(`\n${md}\nwrote ${out} (+ .md)`);
if (rows.some((r) => r.perceived.count === 0)) {
  console.error('bench:concurrency: a level measured no turn');
  process.exit(1);
}
process.exit(0);
