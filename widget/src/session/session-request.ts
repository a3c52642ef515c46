import { CreateSessionResponse } from '@voice-widget/protocol';
import { WidgetError } from '../core/errors.ts';
import type { ResolvedOptions } from '../core/options.ts';

/**
 * `POST /api/sessions` on our server: creates the room, dispatches the agent, returns the token.
 * Sends the demo-link slug and lead when the page gave them (the server applies that link's budgets).
 * @throws WidgetError `session_refused` (with the server's message for the caller, on 4xx; retryable on 429/5xx) or
 *   `connection_lost` when the server cannot be reached.
 */
export async function requestSession(
  options: ResolvedOptions,
  lang: string | undefined,
  signal?: AbortSignal,
): Promise<CreateSessionResponse> {
  const { server, agent, demo, lead, identity } = options;
  let res: Response;
  try {
    res = await fetch(new URL('/api/sessions', server), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ agent, language: lang, demo, lead, identity }),
      signal,
    });
  } catch (err) {
    signal?.throwIfAborted();
    throw WidgetError.connectionLost(`session request failed: ${(err as Error).message}`);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const server = (body as { error?: { message?: unknown } } | null)?.error?.message;
    const shown = typeof server === 'string' && res.status < 500 ? server.slice(0, 300) : undefined;
    throw WidgetError.sessionRefused(shown ?? `HTTP ${res.status}`, res.status === 429 || res.status >= 500, shown);
  }
  const parsed = CreateSessionResponse.safeParse(body);
  if (!parsed.success) throw WidgetError.sessionRefused('unexpected session reply', true);
  return parsed.data;
}
