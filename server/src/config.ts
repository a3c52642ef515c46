import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** `<repo>/.state` (or `VOICE_WIDGET_STATE`): this checkout's state. */
const STATE_DIR = process.env.VOICE_WIDGET_STATE ?? join(dirname(fileURLToPath(import.meta.url)), '../../.state');

/** `<repo>/.state/pglite`: the embedded database of this checkout. */
export const DEFAULT_PGLITE_DIR = join(STATE_DIR, 'pglite');

/** `<repo>/.state/admin-key`: the operator key `npm run demo`'s server writes and the CLI reads. */
export const DEFAULT_ADMIN_KEY_FILE = join(STATE_DIR, 'admin-key');

/**
 * Server configuration from environment variables, validated once at start-up.
 * Secrets stay here and in the LiveKit SDK clients; nothing in this object is sent to a browser
 * except `livekitPublicUrl`.
 */
export const ServerConfig = z.object({
  /** HTTP port; 0 picks a free one. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  /** LiveKit API URL the server calls (http(s):// or ws(s)://). */
  LIVEKIT_URL: z.string().url(),
  /** LiveKit URL handed to browsers; defaults to LIVEKIT_URL. */
  LIVEKIT_PUBLIC_URL: z.string().url().optional(),
  LIVEKIT_API_KEY: z.string().min(1),
  LIVEKIT_API_SECRET: z.string().min(32, 'LIVEKIT_API_SECRET must be at least 32 characters'),
  /** Agent name the worker registers under; sessions dispatch it explicitly. */
  AGENT_NAME: z.string().min(1).default('voice-agent'),
  /** Comma-separated origins allowed to create sessions (CORS); `*` allows any. */
  ALLOWED_ORIGINS: z.string().default('*'),
  /** Folder with the built widget (voice-widget.js and its chunks). */
  WIDGET_DIST: z.string().optional(),
  /** Token lifetime, seconds (≤ 600: a leaked token is useless after 10 minutes). */
  TOKEN_TTL_S: z.coerce.number().int().min(30).max(600).default(600),
  /** PostgreSQL connection string; unset → embedded PGlite in PGLITE_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres://').optional(),
  /** PGlite data folder (used when DATABASE_URL is unset). */
  PGLITE_DIR: z.string().default(DEFAULT_PGLITE_DIR),
  /**
   * Redis (`redis://host:port`) holding the request rate limits, so several server instances count
   * a client once; unset → in this process's memory (one instance). Budgets are in the database.
   */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://').optional(),
  /** On SIGTERM, in-flight requests get this long to finish before their connections are closed, ms. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Public URL of the demo site; demo links are `<DEMO_BASE_URL>/d/<slug>` and its origin may start demo calls. */
  DEMO_BASE_URL: z.string().url().optional(),
  /** Call records and leads older than this are deleted; 0 keeps them forever. */
  RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  /** `POST /api/sessions` per client IP per minute. */
  SESSIONS_RATE_PER_MIN: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Open calls without a time limit are closed after this long (webhooks lost), seconds. */
  STALE_CALL_S: z.coerce.number().int().min(60).default(3600),
  /** How often limits, stale calls and retention are checked, seconds. */
  SWEEP_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(5),
  /** Creates this agent with a default configuration at start-up if it does not exist (demo stack). */
  BOOTSTRAP_AGENT: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
  /**
   * Demo stack: a file holding a console key (role `agent`, named `BOOTSTRAP_PERSON_NAME`) for a
   * person who takes calls; created (mode 0600) with a new key when missing or no longer valid.
   */
  BOOTSTRAP_CONSOLE_KEY_FILE: z.string().min(1).optional(),
  BOOTSTRAP_PERSON_NAME: z.string().trim().min(1).max(60).default('Sam'),
  /** Mark the dashboard cookie Secure and send HSTS (set behind https). */
  SECURE_COOKIES: z.enum(['0', '1']).default('0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `1` keeps personal data (the `pii` log field: transcripts, names, numbers) in logs; default off. */
  LOG_PII: z.enum(['0', '1']).default('0'),
  /**
   * Proxies whose `X-Forwarded-For` is believed for the client IP (rate limits, per-IP budgets):
   * comma-separated addresses/CIDRs or `loopback`, `linklocal`, `uniquelocal`. Unset → none: the
   * socket's address is the client.
   */
  TRUST_PROXY: z.string().optional(),
  /**
   * Operator key file (`npm run demo`: `.state/admin-key`): at start-up its key is registered, or a
   * new key is created and written there (mode 0600), so the CLI and the demo's sign-in link work
   * while the server holds the database.
   */
  BOOTSTRAP_ADMIN_KEY_FILE: z.string().optional(),
});
export type ServerConfig = z.infer<typeof ServerConfig>;

/**
 * Parses `env` into a {@link ServerConfig}.
 * @throws Error listing every missing or invalid variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = ServerConfig.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid server configuration:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
