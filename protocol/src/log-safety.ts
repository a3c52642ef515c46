import { createHmac } from 'node:crypto';

/**
 * What may reach a log file (server, agent worker, and every process the stack runs): logs are
 * handed to support, so credentials never appear and personal data only under `pii`, dropped
 * unless `LOG_PII=1`. Three layers, each cheap and linear in the line length:
 *
 * 1. pino `redact` censors credential fields by name ({@link REDACT_PATHS}).
 * 2. `formatters.log` drops the `pii` field (transcripts, names, e-mail, numbers) unless enabled.
 * 3. A line filter ({@link createLineRedactor}) on the written JSON replaces known secrets, JWTs,
 *    our key formats, and hashes phone numbers (room names, SIP identities, URLs) — the same filter
 *    the stack applies to third-party logs (livekit-server, livekit-sip) as a log shipper would.
 *
 * Node only (HMAC): import it as `@voice-widget/protocol/log-safety`, never from browser code.
 */

/** Text that replaces a censored value. */
export const REDACTED = '[redacted]';

const SECRET_FIELDS = ['authorization', 'Authorization', 'cookie', 'Cookie', 'token', 'accessToken', 'apiKey', 'apiSecret', 'api_secret', 'secret', 'password', 'authPassword', 'key', 'adminKey'];

/**
 * pino `redact` paths: credential fields at the top level and one level down, and the request and
 * response headers pino-http would log (`set-cookie` included).
 */
export const REDACT_PATHS: string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/** Options of {@link createLineRedactor}. */
export interface LineRedactorOptions {
  /** Exact strings that must never appear (API secrets, keys); shorter than 8 chars are ignored. */
  secrets?: readonly string[];
  /** Key of the HMAC that turns phone numbers into stable pseudonyms (`tel#1a2b3c4d`). */
  hashKey: string;
  /**
   * Remove the `pii` field from JSON lines (a log shipper's filter for processes whose logger
   * keeps it, e.g. the local model's). Our own loggers drop it before writing (safeLoggerOptions).
   */
  dropPii?: boolean;
}

// Each pattern is linear: one fixed prefix, then runs of one character class (no nested or
// overlapping quantifiers), so a hostile line cannot make it backtrack.
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** Our credential formats: admin keys (`vwk_`), dashboard sign-in tokens (`vws_`). */
const OUR_KEYS = /\bvw[ks]_[A-Za-z0-9_-]{20,}/g;
/**
 * `+` (or `%2B` in a URL) and 7–15 digits (E.164), or 7–15 digits right after `sip:`, `sip_`,
 * `tel:` (a SIP From user without `+`).
 */
const PHONE = /(?<![A-Za-z0-9#])(?:\+|%2[Bb])[1-9]\d{6,14}(?!\d)|(?<=\b(?:sip[:_]|tel:))\d{7,15}(?!\d)/g;

/** Stable pseudonym of a phone number: `tel#` + 8 hex chars of HMAC-SHA-256(key, digits). */
export function hashPhone(number: string, hashKey: string): string {
  const digits = number.replace(/^%2b/i, '').replace(/\D/g, '');
  return `tel#${createHmac('sha256', hashKey).update(digits).digest('hex').slice(0, 8)}`;
}

/**
 * A filter for log lines: known secrets → `[redacted]`, JWTs → `[jwt]`, our key formats →
 * `[redacted]`, phone numbers → {@link hashPhone} pseudonyms (so one caller's lines still group).
 */
export function createLineRedactor(opts: LineRedactorOptions): (line: string) => string {
  const secrets = [...new Set((opts.secrets ?? []).filter((s) => s.length >= 8))].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = opts.dropPii ? withoutPii(line) : line;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out
      .replace(JWT, '[jwt]')
      .replace(OUR_KEYS, REDACTED)
      .replace(PHONE, (m) => hashPhone(m, opts.hashKey));
  };
}

/** `line` without its top-level `pii` field when it is a JSON object that has one; else `line`. */
function withoutPii(line: string): string {
  if (!line.startsWith('{') || !line.includes('"pii"')) return line;
  try {
    const obj = JSON.parse(line) as Record<string, unknown>;
    if (!('pii' in obj)) return line;
    delete obj.pii;
    return JSON.stringify(obj);
  } catch {
    return line;
  }
}

/** The phone-number pseudonym key every process derives from the LiveKit API secret it already has. */
export const logHashKey = (apiSecret: string): string => createHmac('sha256', apiSecret).update('log-phone-hash').digest('hex');

/** Options of {@link safeLoggerOptions}. */
export interface SafeLoggerOptions extends LineRedactorOptions {
  /** Keep the `pii` field (`LOG_PII=1`, for debugging on a machine you own). */
  logPii: boolean;
}

/**
 * The pino options every logger of ours is built with (spread into `pino({...})`):
 * `redact` ({@link REDACT_PATHS}), `pii` dropped unless `logPii`, and {@link createLineRedactor}
 * on every written line.
 */
export function safeLoggerOptions(opts: SafeLoggerOptions) {
  const filter = createLineRedactor(opts);
  return {
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: {
      log(object: Record<string, unknown>): Record<string, unknown> {
        if (opts.logPii || !('pii' in object)) return object;
        const { pii: _dropped, ...rest } = object;
        return rest;
      },
    },
    hooks: { streamWrite: filter },
  };
}

/** `LOG_PII` from the environment: only `1` keeps personal data in logs. */
export const logPiiFromEnv = (env: NodeJS.ProcessEnv = process.env): boolean => env.LOG_PII === '1';
