import { z } from 'zod';
import { EpochMs } from './time.ts';

/**
 * RPC between the page and the agent (LiveKit `performRpc`, payload = JSON string, ≤ 15 KiB by
 * LiveKit's limit; ours are a few bytes). Method names are namespaced to avoid clashing with
 * LiveKit's own `lk.*` methods.
 */
export const RpcMethod = {
  /** Clock probe: page → agent, reply carries the agent's clock. */
  clock: 'voice.clock',
  /** Barge-in: page saw the caller start talking over the agent; agent interrupts now. */
  interrupt: 'voice.interrupt',
  /**
   * End-of-turn hint: page's VAD saw the caller stop. `final: false` is a tentative hint after a
   * short pause (the agent may start the reply speculatively); `final: true` after the VAD's full
   * redemption time.
   */
  endOfTurn: 'voice.end_of_turn',
  /** The caller went on talking after a tentative end-of-turn hint: cancel the speculative reply. */
  speechResumed: 'voice.speech_resumed',
  /**
   * Which VAD ends the caller's turns: the page's (`page_vad`, it loaded and runs) or the agent's
   * own (`agent_vad`, the page's failed to load: blocked WASM, no model).
   */
  turnSource: 'voice.turn_source',
  /**
   * After a hand-off: the caller's page played the person's first audio (handoff.ts); the agent
   * records it as the time the caller first heard the person.
   */
  personHeard: 'voice.person_heard',
} as const;

/**
 * Prefix of the RPC error message when a participant calls faster than the agent allows
 * (APPLICATION_ERROR 1500, message `rate_limited: …`); the call goes on.
 */
export const RPC_RATE_LIMITED = 'rate_limited';

/** Maximum RPC payload we accept, bytes. */
export const MAX_RPC_PAYLOAD_BYTES = 1024;

export const ClockRequest = z.object({ sendMs: EpochMs }).strict();
/** Agent's clock when it handled the probe, ms since epoch. */
export const ClockResponse = z.object({ agentMs: z.number() });

export const InterruptRequest = z
  .object({
    /** When the page saw the caller start talking, page clock, ms since epoch. */
    atMs: EpochMs,
  })
  .strict();
export const InterruptResponse = z.object({ interrupted: z.boolean() });

export const EndOfTurnRequest = z
  .object({
    /** End of the caller's last voiced frame, page clock, ms since epoch. */
    speechEndMs: EpochMs,
    /** False for a tentative hint (short pause), true once the VAD's redemption time passed. */
    final: z.boolean().default(true),
  })
  .strict();
export const EndOfTurnResponse = z.object({ accepted: z.boolean() });

export const SpeechResumedRequest = z
  .object({
    /** When the caller's voice came back, page clock, ms since epoch. */
    atMs: EpochMs,
  })
  .strict();
/** `cancelled`: a speculative reply was withdrawn. */
export const SpeechResumedResponse = z.object({ cancelled: z.boolean() });

export const TurnSourceRequest = z.object({ source: z.enum(['page_vad', 'agent_vad']) }).strict();
/** `active`: the agent's own VAD now ends turns. */
export const TurnSourceResponse = z.object({ agentVad: z.boolean() });
export type TurnSourceRequest = z.infer<typeof TurnSourceRequest>;

export const PersonHeardRequest = z
  .object({
    /** When the person's first audio played in the page, on the agent's clock (page clock + the page's offset estimate), ms since epoch. */
    heardAtMs: z.number().min(0).max(8.64e15),
  })
  .strict();
export type PersonHeardRequest = z.infer<typeof PersonHeardRequest>;
export const PersonHeardResponse = z.object({ recorded: z.boolean() });
export type TurnSourceResponse = z.infer<typeof TurnSourceResponse>;

export type ClockRequest = z.infer<typeof ClockRequest>;
export type ClockResponse = z.infer<typeof ClockResponse>;
export type InterruptRequest = z.infer<typeof InterruptRequest>;
export type InterruptResponse = z.infer<typeof InterruptResponse>;
export type EndOfTurnRequest = z.infer<typeof EndOfTurnRequest>;
export type EndOfTurnResponse = z.infer<typeof EndOfTurnResponse>;
export type SpeechResumedRequest = z.infer<typeof SpeechResumedRequest>;
export type SpeechResumedResponse = z.infer<typeof SpeechResumedResponse>;

/**
 * Parses an RPC payload (JSON string) against a schema.
 * @throws Error with a message naming the problem when the payload is too large, not JSON, or invalid.
 */
export function parseRpcPayload<T>(schema: z.ZodType<T>, payload: string): T {
  if (payload.length > MAX_RPC_PAYLOAD_BYTES) throw new Error(`rpc payload over ${MAX_RPC_PAYLOAD_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    throw new Error('rpc payload is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`rpc payload invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
