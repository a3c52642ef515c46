/**
 * `pnpm bench:latency [--turns N] [--audio DIR] [--ttfa-ms MS] [--out FILE] [--short]`
 *
 * Perceived latency at the caller's ear (docs/latency.md), this project's turn-taking (`fast`)
 * side by side with a stock LiveKit Agents setup (`stock`: model server VAD, 500 ms silence) in
 * one run: real recorded speech through headless Chromium → LiveKit → agent worker → the local
 * model with a fixed emulated time-to-first-audio. Also click → greeting and barge-in.
 * Writes FILE (JSON), FILE.md (tables) and FILE.svg (chart); prints the tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { TurnLatency, TurnTaking } from '@voice-widget/protocol';
import { REPO_ROOT } from '@voice-widget/stack';
import { endOfTurnLogStats } from './agent-log.ts';
import { buildMicPlan, utteranceFiles } from './audio-set.ts';
import { startBenchStack } from './bench-stack.ts';
import { runConversation } from './conversation.ts';
import { type BargeInSample, measureBargeIns, measureGreetings } from './greeting-bargein.ts';
import { machineInfo } from './machine.ts';
import { type LatencyReport, renderMarkdown, renderSvg } from './report.ts';
import { configStats } from './stats.ts';

const Args = z.object({
  turns: z.coerce.number().int().min(1).max(500).default(30),
  audio: z.string().optional(),
  'ttfa-ms': z.coerce.number().int().min(0).max(5_000).default(300),
  out: z.string().default(join(REPO_ROOT, 'bench', 'results', 'latency.json')),
  short: z.boolean().default(false),
});

const { values } = parseArgs({
  options: {
    turns: { type: 'string' },
    audio: { type: 'string' },
    'ttfa-ms': { type: 'string' },
    out: { type: 'string' },
    short: { type: 'boolean' },
  },
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  console.error(`bench:latency: ${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const args = parsed.data;
const turns = args.short ? Math.min(args.turns, 3) : args.turns;
const out = resolve(process.env.INIT_CWD ?? process.cwd(), args.out);
const work = join(REPO_ROOT, '.state', 'bench');
// Ours, the model's own VAD with a short silence (what the page's hint saves), and a stock setup.
const profiles: TurnTaking[] = ['fast', 'model_vad', 'stock'];

console.log(`bench:latency — ${turns} turns per configuration, emulated model TTFA ${args['ttfa-ms']} ms`);
const files = utteranceFiles(args.audio);
// Replies are one short sentence (~2 s); a 4.5 s gap lets each finish before the caller speaks again.
const plan = buildMicPlan(files, turns, 8, 4.5, join(work, 'audio'), `mic-${turns}`);
const bench = await startBenchStack(join(work, 'stack'), args['ttfa-ms'], profiles);
const results: Record<string, TurnLatency[]> = {};
const greetings: number[] = [];
let bargeIns: BargeInSample[] = [];
const repeats = args.short ? 2 : 10;
try {
  for (const profile of profiles) {
    console.log(`  ${profile}: one call, ${turns} turns (${Math.round(plan.totalS)} s of caller audio)…`);
    const r = await runConversation({
      pageUrl: bench.pages[profile],
      micWav: plan.wav,
      turns,
      timeoutMs: (plan.totalS + 20) * 1000,
      hoverFirstMs: 400,
    });
    if (r.errors.length) console.warn(`  ${profile}: widget errors: ${r.errors.join('; ')}`);
    results[profile] = r.turns;
    if (r.clickToGreetingMs !== null) greetings.push(r.clickToGreetingMs);
    console.log(`  ${profile}: ${r.turns.length} turns measured`);
  }
  console.log(`  click → greeting: ${repeats} calls…`);
  greetings.push(...(await measureGreetings(bench.pages.fast, repeats)));
  console.log(`  barge-in: ${repeats} times in one call…`);
  bargeIns = await measureBargeIns(bench.stack.serverUrl, 'bench-fast', repeats);
} finally {
  await bench.stop();
}
const endOfTurn = endOfTurnLogStats(join(work, 'stack', 'logs', 'agent-worker.log'));

const report: LatencyReport = {
  kind: 'latency',
  date: new Date().toISOString(),
  machine: machineInfo(),
  params: { turnsPerConfig: turns, ttfaMs: args['ttfa-ms'], audio: args.audio ?? 'pocketsphinx-testdata (13 recordings)' },
  configs: Object.fromEntries(profiles.map((p) => [p, { stats: configStats(results[p] ?? []), turns: results[p] ?? [] }])),
  clickToGreetingMs: greetings,
  bargeIns,
  endOfTurn,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2));
const md = renderMarkdown(report);
writeFileSync(out.replace(/\.json$/, '.md'), md);
writeFileSync(out.replace(/\.json$/, '.svg'), renderSvg(report));
console.log(`\n${md}\nwrote ${out} (+ .md, .svg)`);
// A run that measured nothing is a broken run, whatever the numbers would have been.
const empty = profiles.filter((p) => (results[p] ?? []).length === 0);
if (empty.length || greetings.length === 0 || bargeIns.length === 0) {
  console.error(`bench:latency measured nothing for: ${[...empty, ...(greetings.length ? [] : ['greeting']), ...(bargeIns.length ? [] : ['barge-in'])].join(', ')}`);
  process.exit(1);
}
