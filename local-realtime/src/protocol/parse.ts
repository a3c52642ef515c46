import { RealtimeProtocolError } from '../errors.ts';
import { CLIENT_EVENT_TYPES, ClientEvent } from './client-events.ts';

export type ParseResult = { ok: true; event: ClientEvent } | { ok: false; error: RealtimeProtocolError };

/** Parses one client WebSocket text message; never throws. The error carries the event's `event_id` when it could be read. */
export function parseClientEvent(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: RealtimeProtocolError.invalidJson((e as Error).message) };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, error: RealtimeProtocolError.missingType() };
  }
  const record = json as Record<string, unknown>;
  const eventId = typeof record.event_id === 'string' ? record.event_id.slice(0, 512) : null;
  const fail = (error: RealtimeProtocolError): ParseResult => {
    error.eventId = eventId;
    return { ok: false, error };
  };
  if (typeof record.type !== 'string') return fail(RealtimeProtocolError.missingType());
  if (!CLIENT_EVENT_TYPES.has(record.type)) return fail(RealtimeProtocolError.unknownEventType(record.type));
  const parsed = ClientEvent.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue ? issue.path.map(String).join('.') : '';
    return fail(RealtimeProtocolError.invalidEvent(record.type, param, issue?.message ?? 'invalid'));
  }
  return { ok: true, event: parsed.data };
}
