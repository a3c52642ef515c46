import { homedir } from 'node:os';
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
   * Calls this worker takes at once; its load reported to LiveKit is active calls / this, and at 1
   * it is full (LiveKit dispatches to another worker). Size it with `pnpm bench:concurrency`.
   */
  AGENT_MAX_CALLS: z.coerce.number().int().min(1).max(1_000).default(25),
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
