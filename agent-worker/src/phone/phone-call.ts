import type { JobContext, voice } from '@livekit/agents';
import { type RemoteParticipant, RoomEvent } from '@livekit/rtc-node';
import type { AgentConfigResponse, DispatchMetadata, ToolArgs, ToolResult } from '@voice-widget/protocol';
import { SipClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { WorkerConfig } from '../config.ts';
import type { ServerClient } from '../server-api/client.ts';
import { interruptIfAllowed } from '../session/interrupt.ts';
import { sayExactly } from '../session/prompts.ts';
import { DTMF_NO, DTMF_YES } from '../tools/confirmation.ts';
import type { ConversationLog } from '../tools/conversation-log.ts';
import type { ToolGuard } from '../tools/guard.ts';
import { TRANSFER_TOOL, coldTransfer } from '../tools/transfer.ts';
import { DTMF_PAUSE_MS, type DtmfAction, DtmfCollector, type KeypadMode, PERSON_BY_KEYPAD, digitsAsInput } from './dtmf.ts';
import { type SipCaller, sipCaller, waitForSipCaller } from './sip-participant.ts';

/** How long the agent waits for the SIP caller to be in the room, ms. */
export const SIP_CALLER_WAIT_MS = 15_000;

/** A phone call's additions to the agent. */
export interface PhoneCall {
  caller: SipCaller;
  /** The configuration the server pinned, from the call start (null when the server was unreachable). */
  config: AgentConfigResponse | null;
  /** A cold transfer is configured (the dispatch rule's `transferTo`). */
  canTransfer: boolean;
  /** `transfer_to_human` on this call: say the summary, then SIP REFER. */
  transfer(args: z.infer<typeof ToolArgs.transfer_to_human>, session: voice.AgentSession): Promise<ToolResult>;
  /** Starts handling the caller's keypad (DTMF) once the session runs. */
  attach(session: voice.AgentSession, guard: ToolGuard, log: ConversationLog, hooks?: KeypadHooks): void;
}

/** How the keypad relates to the rest of the call. */
export interface KeypadHooks {
  /** False while the caller talks to a person (after a warm hand-off): keys are not for the agent then. */
  active?: () => boolean;
  /** The operator key was pressed (the hand-off request is recorded as made by keypad). */
  onOperatorKey?: () => void;
}

/**
 * For a job dispatched by the SIP dispatch rule (`channel: 'phone'`): once `joined` (the job's
 * room connection) resolves, finds the SIP participant and records the call on the server — which
 * keeps the caller's number and the customer it hints at, and tells the agent only whether the
 * number is known (caller ID is never proof). Returns null when no SIP caller shows up (they hung
 * up while it rang).
 */
export async function preparePhoneCall(
  ctx: JobContext,
  joined: Promise<void>,
  meta: DispatchMetadata,
  config: WorkerConfig,
  server: ServerClient | null,
  log: Logger,
): Promise<PhoneCall | null> {
  await joined;
  const participant = await waitForSipCaller(ctx.room, SIP_CALLER_WAIT_MS);
  if (!participant) {
    log.warn('phone job without a SIP caller; treating it as a web call');
    return null;
  }
  const caller = sipCaller(participant);
  const room = ctx.room.name ?? ctx.job.room?.name ?? '';
  let started: AgentConfigResponse | null = null;
  let known = false;
  if (server) {
    const res = await server.startPhoneCall({
      agent: meta.agent,
      callerIdentity: caller.identity,
      ...(caller.phoneNumber ? { callerNumber: caller.phoneNumber } : {}),
      ...(caller.trunkNumber ? { calledNumber: caller.trunkNumber } : {}),
    });
    if (!res.ok) log.warn({ err: res.error }, 'phone call not recorded on the server; defaults');
    else ({ config: started, callerKnown: known } = res.value);
  }
  log.info({ callId: caller.callId, known }, 'phone caller');
  const sip = new SipClient(config.LIVEKIT_URL.replace(/^ws/, 'http'), config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET);
  let via: 'conversation' | 'keypad' = 'conversation';
  const transfer = coldTransfer({ room, callerIdentity: caller.identity, transferTo: meta.transferTo, sip, server, log, via: () => via });
  return {
    caller,
    config: started,
    canTransfer: Boolean(meta.transferTo),
    transfer: async (args, session) => {
      try {
        return await transfer(args, session);
      } finally {
        via = 'conversation';
      }
    },
    attach: (session, guard, conversation, hooks = {}) =>
      handleKeypad(ctx, session, caller.identity, guard, conversation, log, {
        active: hooks.active,
        onOperatorKey: () => {
          via = 'keypad';
          hooks.onOperatorKey?.();
        },
      }),
  };
}

/**
 * DTMF from the caller → actions, in the mode the guard is in: a code the agent asked for goes to
 * the server's check (never through the model); 1/2 after a read-back is the caller's yes/no; else
 * 1/0 → a person (the transfer tool, forced) and digits → the caller's input.
 */
function handleKeypad(ctx: JobContext, session: voice.AgentSession, identity: string, guard: ToolGuard, conversation: ConversationLog, log: Logger, hooks: KeypadHooks): void {
  const keys = new DtmfCollector();
  let pause: NodeJS.Timeout | undefined;
  const mode = (): KeypadMode => (guard.awaitingConfirmation ? 'confirm' : guard.awaitingCode ? 'code' : 'menu');
  const act = async (action: DtmfAction | null) => {
    if (!action || hooks.active?.() === false) return;
    log.info({ action: action.type }, 'keypad input');
    switch (action.type) {
      case 'person':
        hooks.onOperatorKey?.();
        interruptIfAllowed(session);
        session.generateReply({ userInput: PERSON_BY_KEYPAD, toolChoice: { type: 'function', function: { name: TRANSFER_TOOL } } });
        break;
      case 'code': {
        const outcome = await guard.verify(action.digits, 'dtmf');
        session.generateReply({ instructions: sayExactly(outcome.say) });
        break;
      }
      case 'confirm':
        // The key is the caller's answer (the guard reads it from the log); the model then asks the
        // tool again, and the guard decides.
        interruptIfAllowed(session);
        conversation.addCaller(action.yes ? DTMF_YES : DTMF_NO);
        session.generateReply({ userInput: action.yes ? 'Yes.' : 'No.' });
        break;
      case 'digits':
        session.generateReply({ userInput: digitsAsInput(action.digits) });
        break;
    }
  };
  ctx.room.on(RoomEvent.DtmfReceived, (_code: number, digit: string, participant: RemoteParticipant) => {
    if (participant?.identity !== identity) return;
    clearTimeout(pause);
    void act(keys.press(digit, mode()));
    if (keys.pending) pause = setTimeout(() => void act(keys.flush()), DTMF_PAUSE_MS);
  });
  ctx.addShutdownCallback(async () => clearTimeout(pause));
}
