import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TurnTaking } from '@voice-widget/protocol';
import { type RunningPostgres, type Stack, pkgDir, startPostgres, startStack } from '@voice-widget/stack';

/** The local model's script for benchmark agents: one short sentence per reply, whatever was heard. */
export const BENCH_SCRIPT = {
  greeting: "Hi, I'm an AI assistant. How can I help?",
  fallback: 'Got it, you said {heard}.',
  noSpeech: 'Sorry?',
  intents: [],
};

export const BENCH_GREETING = "Hi, I'm an AI assistant. How can I help?";

export interface BenchStack {
  stack: Stack;
  /** Page URL (a public demo link on the demo site) per turn-taking profile. */
  pages: Record<TurnTaking, string>;
  /** PostgreSQL's process (for the CPU ledger). */
  pgPid: number | undefined;
  stop(): Promise<void>;
}

/**
 * The whole stack on PostgreSQL, with one benchmark agent per turn-taking profile and a public
 * demo link for each (the page sales would share). The local model (its own service,
 * `local-realtime`) gets `ttfaMs` of time to first audio, like a cloud model; `cloudStandIn` runs
 * it without speech recognition (`--no-asr`: prepared replies, no recognition CPU), for capacity
 * figures that leave the model out as production's cloud model would be. `turn`: also LiveKit's
 * TURN server (emulated networks). `agentEnv`: more environment for the agent worker and the
 * processes it forks (e.g. a profiler preload).
 */
export async function startBenchStack(dir: string, ttfaMs: number, profiles: TurnTaking[], opts: { cloudStandIn?: boolean; turn?: boolean; agentEnv?: NodeJS.ProcessEnv } = {}): Promise<BenchStack> {
  const pg: RunningPostgres = await startPostgres();
  let stack: Stack | undefined;
  try {
    stack = await startStack({
      ephemeral: true,
      dir,
      turn: opts.turn,
      serverEnv: { DATABASE_URL: pg.url, SESSIONS_RATE_PER_MIN: '10000' },
      // Benchmarks find the limits themselves: the worker's own capacity (AGENT_MAX_CALLS, its CPU
      // term) must not turn callers away first.
      agentEnv: { LOG_LEVEL: 'debug', AGENT_MAX_CALLS: '100', AGENT_LOAD_CPU: 'off', ...opts.agentEnv },
      model: { ttfaMs, noAsr: opts.cloudStandIn },
    });
    const instructions = `Answer briefly.\n\`\`\`local-realtime-script\n${JSON.stringify(BENCH_SCRIPT)}\n\`\`\``;
    const cli = (args: string[]) =>
      execFileSync(join(pkgDir('stack'), 'node_modules/.bin/tsx'), ['src/cli.ts', ...args], {
        cwd: pkgDir('server'),
        env: { ...process.env, DATABASE_URL: pg.url, DEMO_BASE_URL: new URL(stack!.demoUrl!).origin },
        encoding: 'utf8',
      });
    const pages = {} as Record<TurnTaking, string>;
    for (const profile of profiles) {
      const slug = `bench-${profile.replace('_', '-')}`;
      // Benchmarks run many calls from one address: lift the agent's default budgets (README "Security").
      const limits = ['--max-call', '600', '--concurrent', '100', '--minutes-per-day', '100000', '--per-ip', '100000'];
      cli(['agent', 'create', slug, '--greeting', BENCH_GREETING, '--instructions', instructions, '--turn-taking', profile, ...limits]);
      const out = cli(['demo-link', 'create', slug, '--hours', '24', '--minutes', '100000', '--max-call', '600', '--concurrent', '100', '--per-ip', '1000']);
      const url = out.match(/https?:\/\/\S+\/d\/\S+/)?.[0];
      if (!url) throw new Error(`no demo link URL in: ${out}`);
      pages[profile] = url;
    }
    writeFileSync(join(dir, 'pages.json'), JSON.stringify(pages, null, 2));
    const running = stack;
    const stopAll = async () => {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      await running.stop();
      await pg.stop();
    };
    // Interrupted (Ctrl-C, CI's time limit): stop the services too, or they outlive the run.
    const onSignal = () => void stopAll().finally(() => process.exit(130));
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    return { stack: running, pages, pgPid: pg.service.child.pid, stop: stopAll };
  } catch (err) {
    await stack?.stop();
    await pg.stop();
    throw err;
  }
}
