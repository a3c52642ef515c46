import type * as openai from '@livekit/agents-plugin-openai';
import type { TurnTaking } from '@voice-widget/protocol';

/**
 * How a session decides that the caller's turn is over.
 *
 * - `fast` (default for web callers): the page's VAD sees the caller stop (it knows the last voiced
 *   frame ~100–150 ms before the model could: no uplink, no 100 ms chunking) and sends the
 *   `voice.end_of_turn` RPC; the agent commits the model's audio buffer and asks for the reply at
 *   once. The model runs with manual turns (`turn_detection: null`) and the session in `manual`
 *   mode, whose `commitUserTurn()` we bypass: in @livekit/agents 1.9 it waits a hard-coded 500 ms
 *   for an STT final transcript a realtime model never sends (docs/latency.md, BENCHMARKS.md). If
 *   no hint arrives (the page's VAD failed), the session's own VAD ends the turn as a fallback.
 * - `model_vad`: the model's server VAD with a short silence, for callers without a page VAD (SIP).
 * - `stock`: what a stock LiveKit Agents starter does — the model's server VAD with 500 ms of
 *   silence and default session settings. Only for the side-by-side benchmark.
 */
export type TurnProfile = TurnTaking;

/** The model's `turn_detection` for a profile (null = manual turns). */
export function modelTurnDetection(profile: TurnProfile): openai.realtime.TurnDetectionType | null {
  switch (profile) {
    case 'fast':
      return null;
    case 'model_vad':
      return { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 300, create_response: true, interrupt_response: true };
    case 'stock':
      return { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true };
  }
}

/** True when the session's turn handling is driven by the agent (client hints), not the model. */
export const agentDrivesTurns = (profile: TurnProfile): boolean => profile === 'fast';

/** The profile of a call: phone callers have no page VAD, so they keep the model's VAD. */
export function turnProfileFor(channel: 'web' | 'phone', webProfile: TurnProfile): TurnProfile {
  return channel === 'phone' ? 'model_vad' : webProfile;
}
