import { voice } from '@livekit/agents';

/**
 * Calls `onFailed` with the error when the agent session closes because of an unrecoverable error
 * — in a realtime call, the model's connection lost and its retries spent (the session's
 * `connOptions`). A session closed that way leaves the agent in the room, mute (agent.ts hands
 * the call over). Returns the function that stops watching.
 */
export function onModelSessionFailed(session: Pick<voice.AgentSession, 'on' | 'off'>, onFailed: (error: unknown) => void): () => void {
  const onClose = (ev: voice.CloseEvent) => {
    if (ev.reason === voice.CloseReason.ERROR) onFailed(ev.error);
  };
  session.on(voice.AgentSessionEventTypes.Close, onClose);
  return () => session.off(voice.AgentSessionEventTypes.Close, onClose);
}
