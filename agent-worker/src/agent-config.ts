import { AccessToken } from 'livekit-server-sdk';
import { AgentConfigResponse } from '@voice-widget/protocol';
import { z } from 'zod';

/**
 * The agent's link to our server: where it is, and how the worker proves it is the agent of a
 * room (a short JWT signed with the LiveKit API key/secret the worker already has, video grant
 * `{ room, agent: true }` — no extra secret).
 */
export interface ServerLink {
  /** Server base URL, e.g. `http://127.0.0.1:8787`. */
  serverUrl: string;
  apiKey: string;
  apiSecret: string;
  fetch?: typeof fetch;
}

const LinkEnv = z.object({
  SERVER_URL: z.string().url(),
  LIVEKIT_API_KEY: z.string().min(1),
  LIVEKIT_API_SECRET: z.string().min(32),
});

/** The link from `SERVER_URL` and the LiveKit credentials, or null when `SERVER_URL` is unset. */
export function serverLinkFromEnv(env: NodeJS.ProcessEnv = process.env): ServerLink | null {
  if (!env.SERVER_URL) return null;
  const e = LinkEnv.parse(env);
  return { serverUrl: e.SERVER_URL, apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET };
}

/** A 5-minute service token for `room` (what the server's agent API accepts). */
export async function mintServiceToken(link: ServerLink, room: string): Promise<string> {
  const at = new AccessToken(link.apiKey, link.apiSecret, { identity: 'agent-worker', ttl: 300 });
  at.addGrant({ room, agent: true, roomJoin: false });
  return at.toJwt();
}

/**
 * `GET /api/calls/:room/agent-config`: the configuration version the server pinned for this call.
 * Returns null (and the caller keeps its built-in defaults) when the server cannot be reached in
 * `timeoutMs` or answers with an error — a call must not fail because the dashboard is down.
 */
export async function fetchAgentConfig(
  link: ServerLink,
  room: string,
  timeoutMs = 3000,
): Promise<{ config: AgentConfigResponse } | { error: string }> {
  try {
    const res = await (link.fetch ?? fetch)(new URL(`/api/calls/${encodeURIComponent(room)}/agent-config`, link.serverUrl), {
      headers: { Authorization: `Bearer ${await mintServiceToken(link, room)}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return { error: `server answered ${res.status}` };
    const parsed = AgentConfigResponse.safeParse(await res.json());
    return parsed.success ? { config: parsed.data } : { error: `invalid agent config: ${parsed.error.message}` };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
