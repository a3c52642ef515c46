import { z } from 'zod';

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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
