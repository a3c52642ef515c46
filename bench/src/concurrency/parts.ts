import type { Stack } from '@voice-widget/stack';
import type { CategoryRule } from '../cpu-ledger.ts';

/**
 * The parts of the system `bench:concurrency` reports apart, as CPU-ledger categories. The agent
 * side is what production runs on the agent machines (it is what `AGENT_MAX_CALLS` is sized from);
 * LiveKit and the API server run on their own machines in production and are reported separately;
 * the model stand-in, the synthetic callers and the rest of the machine are measured and excluded.
 */
export const PART = {
  job: 'agent job processes',
  inference: 'agent inference process (end-of-turn model)',
  workerMain: 'agent worker main process',
  livekit: 'livekit-server',
  server: 'API server',
  postgres: 'PostgreSQL',
  model: 'model stand-in (local-realtime --no-asr)',
  callers: 'synthetic callers (this benchmark, rtc-node)',
  demoSite: 'demo site (Vite)',
  other: 'other processes on the machine',
} as const;

/** Parts that make up "the agent side" (one agent machine in production). */
export const AGENT_SIDE: readonly string[] = [PART.job, PART.inference, PART.workerMain];
/** Parts reported one by one, in table order (the agent side first). */
export const REPORTED: readonly string[] = [...AGENT_SIDE, PART.livekit, PART.server, PART.postgres];
/** Parts measured but not charged to the system under test. */
export const EXCLUDED: readonly string[] = [PART.model, PART.callers, PART.demoSite, PART.other];

/**
 * Ledger rules for a running stack (first match wins; a process no rule matches takes its nearest
 * ancestor's category). Services are matched by name prefix, so a stack that runs several
 * (`agent-worker-2`, …) is counted too. `pgPid`: PostgreSQL's process when it runs apart.
 */
export function concurrencyCpuRules(stack: Stack, pgPid: number | undefined): CategoryRule[] {
  const pids = (name: string) =>
    new Set(stack.services.filter((s) => s.name === name || s.name.startsWith(`${name}-`)).map((s) => s.child.pid).filter((p) => p !== undefined));
  const service = (name: string, category: string): CategoryRule => {
    const set = pids(name);
    return { category, match: (p) => set.has(p.pid) };
  };
  return [
    // agents-js starts job and inference processes from the worker main process (fork of a lazy main).
    { category: PART.job, match: (p) => p.args.includes('job_proc_lazy_main') },
    { category: PART.inference, match: (p) => p.args.includes('inference_proc_lazy_main') },
    service('local-realtime', PART.model),
    service('agent-worker', PART.workerMain),
    service('livekit-server', PART.livekit),
    service('server', PART.server),
    service('demo-site', PART.demoSite),
    { category: PART.postgres, match: (p) => pgPid !== undefined && p.pid === pgPid },
    { category: PART.callers, match: (p) => p.pid === process.pid },
  ];
}
