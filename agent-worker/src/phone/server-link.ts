import { PhoneCallStartResponse, type PhoneCallStart } from '@voice-widget/protocol';
import { type ServerLink, mintServiceToken } from '../agent-config.ts';

/**
 * `POST /api/calls/:room/phone`: tells the server a SIP caller is in the room (it records the
 * phone call) and gets the caller's contact. Returns an error instead of throwing: the call goes
 * on with the general greeting when the server is down.
 */
export async function startPhoneCallOnServer(
  link: ServerLink,
  room: string,
  body: PhoneCallStart,
  timeoutMs = 3000,
): Promise<PhoneCallStartResponse | { error: string }> {
  try {
    const res = await (link.fetch ?? fetch)(new URL(`/api/calls/${encodeURIComponent(room)}/phone`, link.serverUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await mintServiceToken(link, room)}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return { error: `server answered ${res.status}` };
    const parsed = PhoneCallStartResponse.safeParse(await res.json());
    return parsed.success ? parsed.data : { error: `invalid reply: ${parsed.error.message}` };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
