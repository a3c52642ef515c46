import type { Room, RpcInvocationData } from '@livekit/rtc-node';
import { RpcError } from '@livekit/rtc-node';
import type { voice } from '@livekit/agents';
import {
  ClockRequest,
  type ClockResponse,
  EndOfTurnRequest,
  type EndOfTurnResponse,
  SpeechResumedRequest,
  type SpeechResumedResponse,
  TurnSourceRequest,
  type TurnSourceResponse,
  InterruptRequest,
  type InterruptResponse,
  RPC_RATE_LIMITED,
  RpcMethod,
  parseRpcPayload,
} from '@voice-widget/protocol';
import type { Logger } from 'pino';
import type { CallerLimits } from '../guard/caller-limits.ts';
import { interruptIfAllowed } from './interrupt.ts';

/**
 * Registers the page → agent RPC methods on the agent's participant:
 * - `voice.clock`: replies with the agent's clock (ms since epoch) for the page's offset estimate.
 * - `voice.interrupt`: the page's VAD saw the caller talk over the agent: stop speaking now (the
 *   session's reply, or the cached greeting played outside it: `stopGreeting`).
 * - `voice.end_of_turn`: the page's VAD saw the caller stop (tentatively or finally); and
 * - `voice.speech_resumed`: the caller went on after a tentative hint — both go to `turns`
 *   (fast profile; other profiles ignore them);
 * - `voice.turn_source`: whether the page's VAD runs; if not, the agent's own VAD ends turns.
 * Bad payloads get an RPC error (APPLICATION_ERROR 1500) and change nothing; so does a call over
 * the caller's rate limit (`limits`, message `rate_limited: …`; logged by `reportRefusals`).
 */
export function registerRpcMethods(
  room: Room,
  session: voice.AgentSession,
  log: Logger,
  turns?: { onHint(speechEndMs: number, final: boolean): boolean; onSpeechResumed(): boolean },
  turnSource?: (source: TurnSourceRequest['source']) => boolean,
  limits?: CallerLimits,
  /** Stops a greeting played outside the session (greeting-playback.ts); whether it was playing. */
  stopGreeting?: () => boolean,
): void {
  const participant = room.localParticipant;
  if (!participant) throw new Error('registerRpcMethods: room is not connected');

  const guarded =
    <T>(name: (typeof RpcMethod)[keyof typeof RpcMethod], handle: (data: RpcInvocationData) => T) =>
    async (data: RpcInvocationData): Promise<string> => {
      if (limits && !limits.allow(data.callerIdentity, name)) {
        throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, `${RPC_RATE_LIMITED}: too many ${name} calls; slow down`);
      }
      try {
        return JSON.stringify(await handle(data));
      } catch (err) {
        log.warn({ method: name, caller: data.callerIdentity, err: (err as Error).message }, 'rpc rejected');
        throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, (err as Error).message);
      }
    };

  participant.registerRpcMethod(
    RpcMethod.clock,
    guarded(RpcMethod.clock, (data): ClockResponse => {
      const agentMs = Date.now();
      parseRpcPayload(ClockRequest, data.payload);
      return { agentMs };
    }),
  );

  participant.registerRpcMethod(
    RpcMethod.interrupt,
    guarded(RpcMethod.interrupt, (data): InterruptResponse => {
      parseRpcPayload(InterruptRequest, data.payload);
      const greeting = stopGreeting?.() ?? false;
      const speaking = greeting || session.agentState === 'speaking';
      const interrupted = greeting || (speaking && interruptIfAllowed(session));
      log.info({ speaking, interrupted, greeting }, 'barge-in from the page');
      return { interrupted };
    }),
  );

  participant.registerRpcMethod(
    RpcMethod.endOfTurn,
    guarded(RpcMethod.endOfTurn, (data): EndOfTurnResponse => {
      const { speechEndMs, final } = parseRpcPayload(EndOfTurnRequest, data.payload);
      return { accepted: turns?.onHint(speechEndMs, final) ?? false };
    }),
  );

  participant.registerRpcMethod(
    RpcMethod.turnSource,
    guarded(RpcMethod.turnSource, (data): TurnSourceResponse => {
      const { source } = parseRpcPayload(TurnSourceRequest, data.payload);
      return { agentVad: turnSource?.(source) ?? false };
    }),
  );

  participant.registerRpcMethod(
    RpcMethod.speechResumed,
    guarded(RpcMethod.speechResumed, (data): SpeechResumedResponse => {
      parseRpcPayload(SpeechResumedRequest, data.payload);
      return { cancelled: turns?.onSpeechResumed() ?? false };
    }),
  );
}
