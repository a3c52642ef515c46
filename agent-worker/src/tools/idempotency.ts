import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal arguments give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The idempotency key of a state change: SHA-256 hex of call (room) + tool + canonical arguments
 * (strings trimmed and case-folded, so "12 Main St" and "12 main st " are one change). The same
 * change asked for twice in a call — the model repeating itself, a timeout, a reconnect — has one
 * key, and the server applies a key once.
 */
export function idempotencyKey(room: string, tool: string, args: Record<string, unknown>): string {
  const fold = (v: unknown): unknown =>
    typeof v === 'string' ? v.trim().replace(/\s+/g, ' ').toLowerCase() : Array.isArray(v) ? v.map(fold) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fold(x)])) : v;
  return createHash('sha256').update(`${room}\n${tool}\n${canonicalJson(fold(args))}`).digest('hex');
}
