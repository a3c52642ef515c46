import { WidgetError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

/**
 * Sends `POST /api/sessions` to our server (room + agent dispatch + the caller's token) and returns
 * the raw response; `readSession` (the call module) checks and parses it. Part of the pre-click
 * code on purpose: the request goes out at the hover or the click while livekit-client is still
 * loading (~150–200 ms), so LiveKit dispatches the agent that much sooner (bench:greeting).
 * Body: `{agent, language, demo, lead, identity}` (protocol `CreateSessionRequest`).
 * @throws WidgetError `connection_lost` when the server cannot be reached; the abort reason when `signal` aborts.
 */
export async function postSession(options: ResolvedOptions, lang: string | undefined, signal?: AbortSignal): Promise<Response> {
  const { server, agent, demo, lead, identity } = options;
  try {
    return await fetch(new URL('/api/sessions', server), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ agent, language: lang, demo, lead, identity }),
      signal,
    });
  } catch (err) {
    signal?.throwIfAborted();
    throw WidgetError.connectionLost(`session request failed: ${(err as Error).message}`);
  }
}
