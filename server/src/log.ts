import { type DestinationStream, type Logger, pino } from 'pino';
import { logHashKey, safeLoggerOptions } from '@voice-widget/protocol/log-safety';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: string;
  /** The LiveKit API secret: never logged, and the key phone-number pseudonyms are derived from. */
  apiSecret: string;
  /** Other strings that must never appear in a line (API key, database URL). */
  secrets?: (string | undefined)[];
  /** Keep the `pii` field (`LOG_PII=1`). */
  logPii: boolean;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
}

/**
 * The server's logger: JSON lines safe to hand to support (`@voice-widget/protocol/log-safety`:
 * credentials censored, `pii` dropped unless `LOG_PII=1`, phone numbers pseudonymised).
 */
export function createLogger(opts: LoggerOptions): Logger {
  const secrets = [opts.apiSecret, ...(opts.secrets ?? [])].filter((s): s is string => Boolean(s));
  const options = {
    level: opts.level,
    base: { svc: 'server' },
    ...safeLoggerOptions({ logPii: opts.logPii, secrets, hashKey: logHashKey(opts.apiSecret) }),
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** The password of a `postgres://user:password@host/db` URL, if any (so it is never logged). */
export function urlPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
