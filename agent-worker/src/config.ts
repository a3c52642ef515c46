import { TurnTaking } from '@voice-widget/protocol';
import { z } from 'zod';

/**
 * Agent worker configuration from environment variables (validated at start-up).
 * `OPENAI_API_KEY` set → OpenAI Realtime; unset → the local offline model on loopback.
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
  /** Use an already-running local model (`http://HOST:PORT/v1`) instead of starting one. */
  LOCAL_REALTIME_URL: z.string().url().optional(),
  /** Extra fixed time-to-first-audio of the local model, ms (benchmarks emulate a cloud model). */
  LOCAL_REALTIME_TTFA_MS: z.coerce.number().int().min(0).max(10_000).default(0),
  /** Most concurrent calls the local model serves (it refuses more with HTTP 503). */
  LOCAL_REALTIME_MAX_SESSIONS: z.coerce.number().int().min(1).max(1_000).default(32),
  /** Dialogue script (JSON file) of the local model; default its built-in front-desk script. */
  LOCAL_REALTIME_SCRIPT: z.string().min(1).optional(),
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
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** `1` keeps personal data (the `pii` log field: transcripts, typed messages) in logs; default off. */
  LOG_PII: z.enum(['0', '1']).default('0'),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

/**
 * Parses `env` into a {@link WorkerConfig}.
 * @throws Error listing every missing or invalid variable.
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = WorkerConfig.safeParse(env);
  if (!parsed.success) throw new Error(`invalid agent worker configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
