/**
 * `pnpm bench:greeting [--calls N] [--hover-ms MS] [--ttfa-ms MS] [--out FILE]`
 *
 * Where click → first greeting audio goes. N calls from a fresh page each (hover, then click, as
 * a visitor's pointer would), through headless Chromium → LiveKit → agent worker → local model.
 * Each call's milestones on one clock (everything runs on this machine): the page's own times
 * (session request on hover, greeting heard) and the agent worker's JSON log (job received,
 * joined the room, model session open, greeting's first frame published). Writes FILE (JSON) and
 * FILE.md (P50/P95/max of each milestone, ms from the click).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type Summary, summarize } from '@voice-widget/protocol';
import { REPO_ROOT } from '@voice-widget/stack';
import { callerWav, instrument, launchBrowser } from '@voice-widget/testkit';
import { startBenchStack } from './bench-stack.ts';
import { greetOnce } from './greeting-bargein.ts';
import { machineInfo } from './machine.ts';

const Args = z.object({
  calls: z.coerce.number().int().min(1).max(200).default(12),
  'hover-ms': z.coerce.number().int().min(0).max(10_000).default(400),
  'ttfa-ms': z.coerce.number().int().min(0).max(5_000).default(300),
  out: z.string().default(join(REPO_ROOT, 'bench', 'results', 'greeting.json')),
});
const { values } = parseArgs({
  options: { calls: { type: 'string' }, 'hover-ms': { type: 'string' }, 'ttfa-ms': { type: 'string' }, out: { type: 'string' } },
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  console.error(`bench:greeting: ${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const args = parsed.data;
const out = resolve(process.env.INIT_CWD ?? process.cwd(), args.out);

/** Milestones of one call, ms from the click (negative: before it, i.e. during the hover). */
const MILESTONES = {
  sessionCreated: 'session created (POST /api/sessions answered, on hover)',
  jobReceived: 'agent job received (LiveKit dispatch)',
  agentJoined: 'agent joined the room',
  modelOpen: 'model session open (realtime WebSocket)',
  firstFrame: 'greeting: first audio frame published',
  heard: 'greeting heard in the page',
} as const;
type Milestone = keyof typeof MILESTONES;
/** agent-worker (and local-realtime) log message → milestone (first line of each within the call's window). */
const LOG_LINES: Record<string, Milestone> = {
  'received job request': 'jobReceived',
  'Connect callback received': 'agentJoined',
  'session opened': 'modelOpen',
};

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Milestones from the agent worker's and the model's log lines (ms since epoch) between `from` and `to`. */
function agentMilestones(logFiles: string[], from: number, to: number): Partial<Record<Milestone, number>> {
  const found: Partial<Record<Milestone, number>> = {};
  const lines = logFiles.flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n') : []));
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    let e: { time?: number; msg?: string; timeline?: { firstFramePublishedAt?: number | null } };
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof e.time !== 'number' || e.time < from || e.time > to) continue;
    const m = LOG_LINES[e.msg ?? ''];
    if (m) found[m] ??= e.time;
    // The greeting is the call's first reply: its timeline line (agent-worker/src/timeline/turn-timeline.ts).
    if (e.msg === 'turn timeline' && typeof e.timeline?.firstFramePublishedAt === 'number') found.firstFrame ??= e.timeline.firstFramePublishedAt;
  }
  return found;
}

console.log(`bench:greeting — ${args.calls} calls, hover ${args['hover-ms']} ms, emulated model TTFA ${args['ttfa-ms']} ms`);
const dir = join(REPO_ROOT, '.state', 'bench-greeting');
const bench = await startBenchStack(dir, args['ttfa-ms'], ['fast']);
// The model runs as its own service: its "session opened" line is in its own log.
const logFiles = [join(dir, 'logs', 'agent-worker.log'), join(dir, 'logs', 'local-realtime.log')];
const calls: Partial<Record<Milestone, number>>[] = [];
try {
  const browser = await launchBrowser({ micWav: callerWav('greeting-silence', [{ silenceS: 20 }]) });
  try {
    await instrument(browser.context);
    for (let i = 0; i < args.calls; i++) {
      const call = await greetOnce(browser.context, bench.pages.fast, args['hover-ms']);
      const { clickAt } = call;
      await wait(500); // the agent's log lines reach the file
      const at: Partial<Record<Milestone, number>> = {
        ...agentMilestones(logFiles, call.hoverAt, clickAt + 20_000),
        ...(call.sessionAt !== null ? { sessionCreated: call.sessionAt } : {}),
        ...(call.heardAt !== null ? { heard: call.heardAt } : {}),
      };
      const fromClick = Object.fromEntries(Object.entries(at).map(([k, t]) => [k, Math.round(t - clickAt)]));
      calls.push(fromClick);
      console.log(`  call ${i + 1}: ${Object.keys(MILESTONES).map((k) => `${k} ${fromClick[k] ?? '–'}`).join(', ')}`);
      await wait(1_500); // the agent leaves the room
    }
  } finally {
    await browser.close();
  }
} finally {
  await bench.stop();
}

const stats = Object.fromEntries(
  Object.keys(MILESTONES).map((k) => [k, summarize(calls.map((c) => c[k as Milestone]).filter((v): v is number => v !== undefined))]),
) as Record<Milestone, Summary>;
const cell = (v: number | null) => (v === null ? '–' : String(Math.round(v)));
const md = [
  `Click → greeting, ${calls.length} calls (hover ${args['hover-ms']} ms first; emulated model TTFA ${args['ttfa-ms']} ms). ms from the click; negative = during the hover.`,
  '',
  '| milestone | n | P50 | P95 | max |',
  '|---|---|---|---|---|',
  ...Object.entries(MILESTONES).map(([k, label]) => {
    const s = stats[k as Milestone];
    return `| ${label} | ${s.count} | ${cell(s.p50)} | ${cell(s.p95)} | ${cell(s.max)} |`;
  }),
].join('\n');
console.log(`\n${md}`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ kind: 'greeting', date: new Date().toISOString(), machine: machineInfo(), params: args, stats, calls }, null, 2)}\n`);
writeFileSync(out.replace(/\.json$/, '.md'), `${md}\n`);
console.log(`wrote ${out} (+ .md)`);
if (stats.heard.count === 0) {
  console.error('bench:greeting: no greeting was heard');
  process.exit(1);
}
process.exit(0);
