/**
 * `pnpm bench:resume [--trials N] [--short] [--out FILE]`
 *
 * The gap a caller hears when the agent's job process dies mid-call (issue 15; target ≤ 3 s P95).
 * Single-node stack (LiveKit, server, one agent worker, the offline model as its own service); a
 * headless caller (rtc-node) per trial asks about an order (typed), then the job process serving
 * the call gets SIGKILL at one of two moments, interleaved: `idle` (the agent has finished its
 * answer) or `speaking` (300 ms into the agent's answer). Gap = the caller's first agent audio
 * after the kill − max(kill, last agent audio heard before it), on the caller's clock. Also from
 * the call record: detection (server's `lostAtMs` − kill) and lost → resumed agent's first audio.
 * `--short` (CI): 2 trials. Writes FILE (JSON) and FILE.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type CallGap, type Summary, summarize } from '@voice-widget/protocol';
import { REPO_ROOT, startStack } from '@voice-widget/stack';
import { SyntheticCaller, jobPidForRoom } from '@voice-widget/testkit';
import { machineInfo } from './machine.ts';

const Args = z.object({
  trials: z.coerce.number().int().min(1).max(100).default(8),
  short: z.boolean().default(false),
  out: z.string().default(join(REPO_ROOT, 'bench', 'results', 'resume.json')),
});
const { values } = parseArgs({ options: { trials: { type: 'string' }, short: { type: 'boolean' }, out: { type: 'string' } } });
const parsed = Args.safeParse(values);
if (!parsed.success) {
  console.error(`bench:resume: ${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const args = parsed.data;
const trials = args.short ? 2 : args.trials;
const out = resolve(process.env.INIT_CWD ?? process.cwd(), args.out);
const KINDS = ['idle', 'speaking'] as const;
type Kind = (typeof KINDS)[number];

interface Trial {
  kind: Kind;
  /** Caller-heard gap, ms (null: the agent was not heard again within 30 s). */
  gapMs: number | null;
  /** Server learnt of the loss, ms after the kill. */
  detectMs: number | null;
  /** Server's gap: lost → resumed agent's first audio (agent clock), ms. */
  serverGapMs: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) return null;
    await sleep(50);
  }
}

const stack = await startStack({ ephemeral: true, dir: join(REPO_ROOT, '.state', 'bench-resume'), demoSite: false, widget: false });
const admin = async (path: string) => (await fetch(new URL(path, stack.serverUrl), { headers: { Authorization: `Bearer ${stack.adminKey}` } })).json();
const agentLog = stack.services.find((s) => s.name === 'agent-worker')!.logFile;
const results: Trial[] = [];
try {
  for (let i = 0; i < trials; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const caller = new SyntheticCaller();
    try {
      await caller.join(stack.serverUrl, 'acme', 'https://bench.example', 60_000);
      const room = caller.session!.room;
      await caller.waitForQuiet(800, 20_000); // the greeting
      const before = caller.onsets.length;
      await caller.sendText('What are your opening hours?');
      await until(() => caller.onsets.length > before, 20_000);
      if (kind === 'idle') await caller.waitForQuiet(800, 20_000);
      else await sleep(300);
      const pid = jobPidForRoom(agentLog, room);
      const lastHeard = caller.lastAgentAudioAt;
      const killedAt = Date.now();
      execFileSync('kill', ['-9', String(pid)]);
      const heard = await until(() => caller.onsets.find((t) => t > killedAt), 30_000);
      await caller.leave();
      const gap = (await until(async () => ((await admin(`/api/admin/calls/${room}`)).call?.resumes as CallGap[] | undefined)?.[0], 10_000)) ?? null;
      const t: Trial = {
        kind,
        gapMs: heard === null ? null : heard - Math.max(killedAt, lastHeard),
        detectMs: gap ? gap.lostAtMs - killedAt : null,
        serverGapMs: gap?.resumedAtMs ? gap.resumedAtMs - gap.lostAtMs : null,
      };
      results.push(t);
      console.log(`trial ${i + 1}/${trials} (${kind}): gap heard ${t.gapMs ?? 'never'} ms; detected after ${t.detectMs ?? '?'} ms; lost → resumed audio ${t.serverGapMs ?? '?'} ms`);
    } catch (err) {
      console.error(`trial ${i + 1} failed: ${(err as Error).message}`);
      results.push({ kind, gapMs: null, detectMs: null, serverGapMs: null });
      await caller.leave().catch(() => {});
    }
    await sleep(1_000);
  }
} finally {
  await stack.stop();
}

const stat = (f: (t: Trial) => number | null, kind?: Kind): Summary => summarize(results.filter((t) => !kind || t.kind === kind).map(f).filter((v): v is number => v !== null));
const fmt = (s: Summary) => (s.count ? `${Math.round(s.p50!)} | ${Math.round(s.p95!)} | ${Math.round(s.max!)} | ${s.count}` : '– | – | – | 0');
const stats = {
  gap: stat((t) => t.gapMs),
  gapIdle: stat((t) => t.gapMs, 'idle'),
  gapSpeaking: stat((t) => t.gapMs, 'speaking'),
  detect: stat((t) => t.detectMs),
  serverGap: stat((t) => t.serverGapMs),
  notResumed: results.filter((t) => t.gapMs === null).length,
};
const m = machineInfo();
const md = [
  `# bench:resume — the gap a caller hears when the agent's job process is killed mid-call`,
  '',
  `${new Date().toISOString()} · ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB · ${m.os} · Node ${m.node} · load ${m.loadAvg1}`,
  `${results.length} trials (kill -9 of the job process, alternating idle / speaking), single-node stack, offline model. Target: gap heard ≤ 3 s P95.`,
  '',
  '| ms | P50 | P95 | max | n |',
  '|---|---:|---:|---:|---:|',
  `| gap heard by the caller (last agent audio or the kill → first resumed audio) | ${fmt(stats.gap)} |`,
  `| … killed while idle | ${fmt(stats.gapIdle)} |`,
  `| … killed while the agent spoke | ${fmt(stats.gapSpeaking)} |`,
  `| kill → server knows (worker's supervision) | ${fmt(stats.detect)} |`,
  `| server: lost → resumed agent's first audio | ${fmt(stats.serverGap)} |`,
  '',
  `Not resumed within 30 s: ${stats.notResumed} of ${results.length}.`,
].join('\n');
console.log(`\n${md}`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ kind: 'resume', date: new Date().toISOString(), machine: m, params: { trials }, stats, trials: results }, null, 2)}\n`);
writeFileSync(out.replace(/\.json$/, '.md'), `${md}\n`);
console.log(`wrote ${out} (+ .md)`);
process.exit(stats.notResumed > 0 ? 1 : 0);
