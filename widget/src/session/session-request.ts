import { CreateSessionResponse } from '@voice-widget/protocol';
import { postSession } from '../core/session-post.ts';
import { WidgetError } from '../core/errors.ts';
import type { ResolvedOptions } from '../core/options.ts';

/**
 * Reads our server's answer to `POST /api/sessions` ({@link postSession}): the room, the token,
 * the join deadline. Refusals keep the server's message for the caller (the widget shows it).
 * @throws WidgetError `session_refused` (with the server's message on 4xx; retryable on 429/5xx),
 *   or whatever the pending request rejects with (`connection_lost`, an abort).
 */
export async function readSession(response: Promise<Response>): Promise<CreateSessionResponse> {
  const res = await response;
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

/**
 * `POST /api/sessions` on our server and its answer: creates the room, dispatches the agent,
 * returns the token. Sends the demo-link slug and lead when the page gave them (the server
 * applies that link's budgets).
 * @throws WidgetError as {@link postSession} and {@link readSession}.
 */
export function requestSession(options: ResolvedOptions, lang: string | undefined, signal?: AbortSignal): Promise<CreateSessionResponse> {
  return readSession(postSession(options, lang, signal));
}
