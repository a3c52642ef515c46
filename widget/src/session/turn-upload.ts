import type { TurnLatency } from '@voice-widget/protocol';

/** Where and how to store a call's turns: `POST {server}/api/sessions/{room}/turns` with the caller's token. */
export interface TurnUploadTarget {
  serverUrl: string;
  room: string;
  token: string;
}

/**
 * Returns a function that uploads one turn's latency record (protocol `TurnUpload`) so it is stored
 * with the call. Fire-and-forget (`keepalive`, survives the page closing); idempotent per turn
 * index on the server, so a turn is sent again when its stage split arrives later.
 * Failures are logged at debug level and never affect the call.
 */
export function turnUploader(target: TurnUploadTarget, fetchImpl: typeof fetch = fetch): (turn: TurnLatency) => Promise<boolean> {
  const url = new URL(`/api/sessions/${encodeURIComponent(target.room)}/turns`, target.serverUrl).href;
  return async (turn) => {
    try {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${target.token}` },
        body: JSON.stringify(turn),
        keepalive: true,
      });
      return res.ok;
    } catch (err) {
      console.debug('voice-widget: turn upload failed', err);
      return false;
    }
  };
}
