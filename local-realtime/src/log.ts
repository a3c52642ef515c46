import { type Level, type Logger, pino } from 'pino';

/**
 * JSON logs on stdout. Convention: the message text never contains what a caller said or what the
 * model replied; such content goes under a `pii` field (`{ pii: { transcript } }`) so it can be
 * dropped or redacted in one place.
 */
export function createLogger(level: Level | 'silent' = 'info'): Logger {
  return pino({ level, base: { component: 'local-realtime' } });
}
