import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Why an upgrade request is refused: the HTTP status and the text sent with it. */
export interface Refusal {
  status: 401 | 403;
  message: string;
  /** For the log line (never the key). */
  reason: 'browser_origin' | 'bad_key';
}

const PROTOCOL_PREFIX = 'openai-insecure-api-key.';
const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Decides whether a WebSocket upgrade may reach the model; null = admitted.
 * - Any `Origin` header → 403: browsers always send one on a WebSocket upgrade, the server-side
 *   clients (the LiveKit plugin, `ws`, the `openai` package) none, so no web page gets in, even
 *   with a leaked key.
 * - The key must be presented as `Authorization: Bearer <key>` or as the
 *   `openai-insecure-api-key.<key>` subprotocol (OpenAI's convention), else 401. Compared in
 *   constant time (SHA-256 digests of equal length).
 */
export function refuseUpgrade(req: IncomingMessage, apiKey: string): Refusal | null {
  if (req.headers.origin !== undefined) return { status: 403, message: 'Forbidden: browser origins may not connect to the model', reason: 'browser_origin' };
  const want = digest(apiKey);
  const header = String(req.headers.authorization ?? '');
  const offered: string[] = header.startsWith('Bearer ') ? [header.slice(7)] : [];
  for (const p of String(req.headers['sec-websocket-protocol'] ?? '').split(',')) {
    const t = p.trim();
    if (t.startsWith(PROTOCOL_PREFIX)) offered.push(t.slice(PROTOCOL_PREFIX.length));
  }
  if (offered.some((key) => timingSafeEqual(digest(key), want))) return null;
  return { status: 401, message: 'Unauthorized: wrong or missing API key', reason: 'bad_key' };
}
