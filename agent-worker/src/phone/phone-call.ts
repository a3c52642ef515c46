import type { JobContext, llm, voice } from '@livekit/agents';
import { type RemoteParticipant, RoomEvent } from '@livekit/rtc-node';
import type { Contact, DispatchMetadata } from '@voice-widget/protocol';
import { SipClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { ServerClient } from '../server-api/client.ts';
import type { WorkerConfig } from '../config.ts';
import { interruptIfAllowed } from '../session/interrupt.ts';
import { endCallTool } from '../tools/end-call.ts';
import { TRANSFER_TOOL, transferTool } from '../tools/transfer.ts';
import { DTMF_PAUSE_MS, type DtmfAction, DtmfCollector, PERSON_BY_KEYPAD, digitsAsInput } from './dtmf.ts';
import { localScriptBlock, phoneLocalScript } from './local-script.ts';
import { phoneGreeting, phoneInstructions } from './prompt.ts';
import { type SipCaller, sipCaller, waitForSipCaller } from './sip-participant.ts';

/** How long the agent waits for the SIP caller to be in the room, ms. */
export const SIP_CALLER_WAIT_MS = 15_000;

/** A phone call's additions to the agent: its caller, instructions, greeting, tools and keypad. */
export interface PhoneCall {
  caller: SipCaller;
  contact: Contact | null;
  /** The agent's instructions for this caller (phone behaviour, caller context). */
  instructions(base: string): string;
  /** The greeting for this caller (AI disclosure kept, keypad option added). */
  greeting(base: string): string;
  /** `transfer_to_human` and `end_call`. */
  tools: (llm.FunctionTool<any> | llm.Toolset)[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Starts handling the caller's keypad (DTMF) once the session runs. */
  attach(session: voice.AgentSession): void;
}

/**
 * For a job dispatched by the SIP dispatch rule (`channel: 'phone'`): once `joined` (the job's
 * room connection) resolves, finds the SIP participant, records the call on the server and looks
 * the caller up — all before the first reply. Returns null when no SIP caller shows up (they hung
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
  let contact: Contact | null = null;
  if (server) {
    const started = await server.startPhoneCall({
      agent: meta.agent,
      callerIdentity: caller.identity,
      ...(caller.phoneNumber ? { callerNumber: caller.phoneNumber } : {}),
      ...(caller.trunkNumber ? { calledNumber: caller.trunkNumber } : {}),
    });
    if (!started.ok) log.warn({ err: started.error }, 'phone call not recorded on the server; general greeting');
    else contact = started.value.contact;
  }
  log.info({ caller: caller.identity, callId: caller.callId, known: Boolean(contact) }, 'phone caller');
  const sip = new SipClient(config.LIVEKIT_URL.replace(/^ws/, 'http'), config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET);
  const localModel = !config.OPENAI_API_KEY;
  return {
    caller,
    contact,
    instructions: (base) => phoneInstructions(base, contact) + (localModel ? localScriptBlock(phoneLocalScript()) : ''),
    greeting: (base) => phoneGreeting(base, contact),
    tools: [
      transferTool({ room, callerIdentity: caller.identity, transferTo: meta.transferTo, sip, log }),
      endCallTool(),
    ],
    attach: (session) => handleKeypad(ctx, session, caller.identity, log),
  };
}

/** DTMF from the caller → actions: 1/0 → the transfer tool (forced), digits → the caller's input. */
function handleKeypad(ctx: JobContext, session: voice.AgentSession, identity: string, log: Logger): void {
  const keys = new DtmfCollector();
  let pause: NodeJS.Timeout | undefined;
  const act = (action: DtmfAction | null) => {
    if (!action) return;
    log.info({ action: action.type }, 'keypad input');
    if (action.type === 'person') {
      interruptIfAllowed(session);
      session.generateReply({ userInput: PERSON_BY_KEYPAD, toolChoice: { type: 'function', function: { name: TRANSFER_TOOL } } });
    } else {
      session.generateReply({ userInput: digitsAsInput(action.digits) });
    }
  };
  ctx.room.on(RoomEvent.DtmfReceived, (_code: number, digit: string, participant: RemoteParticipant) => {
    if (participant?.identity !== identity) return;
    clearTimeout(pause);
    act(keys.press(digit));
    if (keys.pending) pause = setTimeout(() => act(keys.flush()), DTMF_PAUSE_MS);
  });
  ctx.addShutdownCallback(async () => clearTimeout(pause));
}
