import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { TurnTaking } from '@voice-widget/protocol';
import { z } from 'zod';

/**
 * Agent worker configuration from environment variables (validated at start-up).
 * `OPENAI_API_KEY` set → OpenAI Realtime; else `LOCAL_REALTIME_URL` + `LOCAL_REALTIME_API_KEY` →
 * the offline model, a service of its own (the stack starts it). The worker never starts a model.
 */
export const WorkerConfig = z.object({
  LIVEKIT_URL: z.string().url(),
  LIVEKIT_API_KEY: z.string().min(1),
  LIVEKIT_API_SECRET: z.string().min(32),
  /** Name the worker registers under; rooms dispatch it explicitly. */
  AGENT_NAME: z.string().min(1).default('voice-agent'),
  /** Company the assistant speaks for, used in the greeting's AI disclosure. */
  COMPANY_NAME: z.string().min(1).max(80).default('Acme'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  /** OpenAI Realtime model name. */
  OPENAI_REALTIME_MODEL: z.string().default('gpt-realtime'),
  OPENAI_VOICE: z.string().default('alloy'),
  /** The offline model service (`http://HOST:PORT/v1`), used when `OPENAI_API_KEY` is unset. */
  LOCAL_REALTIME_URL: z.string().url().optional(),
  /** Key of the offline model service (sent as the plugin's `apiKey`); required with `LOCAL_REALTIME_URL`. */
  LOCAL_REALTIME_API_KEY: z.string().min(8).optional(),
  /** Turn-taking profile of web calls when the agent's configuration has none (turn-taking.ts). */
  TURN_PROFILE: TurnTaking.default('fast'),
  /**
   * Calls this worker takes at once; the calls term of its load (load.ts) is active calls / this,
   * and at 1 it is full (LiveKit dispatches to another worker). Unset: derived from the measured
   * per-call cost of the agent side and this machine's cores and memory (`machineDefaultMaxCalls`,
   * BENCHMARKS.md "Concurrency"); e.g. 8 on 2 cores.
   */
  AGENT_MAX_CALLS: z.coerce.number().int().min(1).max(1_000).optional(),
  /**
   * Share of the available cores (0..1) the worker plans to use: the CPU term of its load is the
   * CPU it measures (10 s average) / this, capped at 0.9 so that LiveKit steers new calls to
   * workers with more room without refusing any (load.ts); the default AGENT_MAX_CALLS fills this
   * share at the measured per-call cost. Default 0.7, the production load threshold of agents-js'
   * CPU-based default load function.
   */
  AGENT_CPU_FULL: z.coerce.number().gt(0).max(1).default(0.7),
  /**
   * Whose CPU the load's CPU term reads: `worker` (this worker's process tree: main, job and
   * inference processes), `machine` (all of it, as agents-js' default does; right for a machine
   * that runs nothing else), or `off` (calls only).
   */
  AGENT_LOAD_CPU: z.enum(['worker', 'machine', 'off']).default('worker'),
  /**
   * Job processes kept started and idle, so a call does not wait for one to start (~1.4 s idle,
   * 5–9 s on a busy 2-core machine; they start one at a time). ~220 MiB each; 0 = the agents default.
   */
  AGENT_IDLE_PROCESSES: z.coerce.number().int().min(0).max(64).default(3),
  /**
   * `on`: the greeting's audio, as the model spoke it on an earlier call, is kept on disk and played
   * as the caller joins (session/greeting.ts); `off`: every greeting comes from the model.
   */
  GREETING_CACHE: z.enum(['on', 'off']).default('on'),
  /** Folder of cached greetings (shared by the worker's job processes); default `~/.cache/voice-widget/greetings`. */
  GREETING_CACHE_DIR: z.string().min(1).optional(),
  /**
   * This worker's name in a pool: set on the agent's participant (`voice.worker`) of every job it
   * takes and on its log lines. Default `<hostname>-<pid>`.
   */
  WORKER_NAME: z.string().trim().min(1).max(64).regex(/^[\w.-]+$/, 'WORKER_NAME: letters, digits, . _ -').default(`${hostname()}-${process.pid}`),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** `1` keeps personal data (the `pii` log field: transcripts, typed messages) in logs; default off. */
  LOG_PII: z.enum(['0', '1']).default('0'),
}).superRefine((c, ctx) => {
  if (!c.OPENAI_API_KEY && !c.LOCAL_REALTIME_URL) {
    ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'no model: set OPENAI_API_KEY, or LOCAL_REALTIME_URL and LOCAL_REALTIME_API_KEY of a running local model (the stack starts one)' });
  }
  if (!c.OPENAI_API_KEY && c.LOCAL_REALTIME_URL && !c.LOCAL_REALTIME_API_KEY) {
    ctx.addIssue({ code: 'custom', path: ['LOCAL_REALTIME_API_KEY'], message: 'LOCAL_REALTIME_URL needs LOCAL_REALTIME_API_KEY (the model refuses clients without its key)' });
  }
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

/** Where cached greetings live: `GREETING_CACHE_DIR`, else the user's cache folder (`XDG_CACHE_HOME`). */
export function greetingCacheDir(config: Pick<WorkerConfig, 'GREETING_CACHE_DIR'>, env: NodeJS.ProcessEnv = process.env): string {
  return config.GREETING_CACHE_DIR ?? join(env.VOICE_WIDGET_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'voice-widget'), 'greetings');
}

/**
 * Parses `env` into a {@link WorkerConfig}.
 * @throws Error listing every missing or invalid variable.
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = WorkerConfig.safeParse(env);
  if (!parsed.success) throw new Error(`invalid agent worker configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
