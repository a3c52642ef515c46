import type { voice } from '@livekit/agents';

/**
 * `session.interrupt()` that lets a reply made non-interruptible (the time-limit goodbye) play on:
 * agents-js throws synchronously for such a reply, which inside an event listener (keypad,
 * room events) would take the job process down. Returns whether it interrupted.
 */
export function interruptIfAllowed(session: Pick<voice.AgentSession, 'interrupt'>): boolean {
  try {
    void session.interrupt();
    return true;
  } catch {
    return false;
  }
}
