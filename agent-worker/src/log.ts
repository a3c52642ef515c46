import { type Logger, pino } from 'pino';
import { logHashKey, safeLoggerOptions } from '@voice-widget/protocol/log-safety';
import type { WorkerConfig } from './config.ts';

/**
 * The agent worker's logger: JSON lines safe to hand to support (`@voice-widget/protocol/log-safety`:
 * credentials censored, what callers say only under `pii` and dropped unless `LOG_PII=1`, phone
 * numbers in room names and SIP identities pseudonymised). `base` is merged into every line.
 */
export function createAgentLogger(config: WorkerConfig, base: Record<string, unknown>): Logger {
  const secrets = [config.LIVEKIT_API_SECRET, config.LIVEKIT_API_KEY, config.OPENAI_API_KEY].filter((s): s is string => Boolean(s));
  return pino({
    level: config.LOG_LEVEL,
    base: { worker: config.WORKER_NAME, ...base },
    ...safeLoggerOptions({ logPii: config.LOG_PII === '1', secrets, hashKey: logHashKey(config.LIVEKIT_API_SECRET) }),
  });
}
