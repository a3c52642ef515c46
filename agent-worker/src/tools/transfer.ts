import { voice } from '@livekit/agents';
import type { ToolResult } from '@voice-widget/protocol';
import type { SipClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { ServerClient } from '../server-api/client.ts';
import { TRANSFER_TOOL as RECORDED_TRANSFER_TOOL } from '../call/call-record.ts';
import { transferAnnouncement } from '../phone/prompt.ts';

/** Name of the tool (the call record marks the call `transferred` when it runs). */
export const TRANSFER_TOOL = RECORDED_TRANSFER_TOOL;

/** Longest wait for the announcement to be generated and played before transferring anyway, ms. */
export const ANNOUNCEMENT_TIMEOUT_MS = 15_000;

export interface TransferDeps {
  /** LiveKit room of the call. */
  room: string;
  /** The SIP caller's participant identity. */
  callerIdentity: string;
  /** REFER target (`tel:+1…` or `sip:…`); undefined → transfers are not offered. */
  transferTo: string | undefined;
  sip: Pick<SipClient, 'transferSipParticipant'>;
  /** Our server: it delivers the call's package (console, signed POST) before the REFER; null → none. */
  server: Pick<ServerClient, 'requestHandoff'> | null;
  /** How the caller asked (the operator key or the conversation). */
  via?: () => 'conversation' | 'keypad';
  log: Logger;
}

/**
 * A cold transfer by SIP REFER (phone callers, a configured outside number). First the call's
 * context package is delivered: the server lists it in the console under the caller's number and
 * POSTs it, signed, to the agent's `packageEndpoint` (protocol `HandoffRequest`, kind `cold`) —
 * the tool waits for that reply, so the receiving team has the package when the phone rings. Then
 * the announcement — the model's one-sentence summary, then what happens — is the tool's `say`;
 * once that reply has played out livekit-sip sends the caller an in-dialog REFER to `transferTo`
 * (`SipClient.transferSipParticipant`), waits for the caller's NOTIFY 200 and hangs up its own leg.
 * The transfer goes ahead when the package could not be delivered (the caller asked; the record
 * says so). Runs behind the guard (toolset.ts). Returns `transferred: false` without a target.
 */
export function coldTransfer(deps: TransferDeps) {
  return async (args: { reason: string; summary: string }, session: voice.AgentSession): Promise<ToolResult & { transferred: boolean; packageDelivered?: boolean }> => {
    if (!deps.transferTo) {
      return { transferred: false, say: "I'm sorry, I can't transfer calls right now, but I'm happy to keep helping." };
    }
    const transferTo = deps.transferTo;
    const delivered = deps.server
      ? await deps.server.requestHandoff({ kind: 'cold', reason: args.reason, summary: args.summary, transferTo, via: deps.via?.() ?? 'conversation', atMs: Date.now() })
      : null;
    if (delivered && !delivered.ok) deps.log.warn({ err: delivered.error }, 'cold-transfer package not delivered (transferring anyway)');
    const say = transferAnnouncement(args.summary);
    runAfterNextReply(session, ANNOUNCEMENT_TIMEOUT_MS, async (spokeMs) => {
      deps.log.info({ announcementMs: spokeMs }, 'transferring the caller (SIP REFER)');
      try {
        await deps.sip.transferSipParticipant(deps.room, deps.callerIdentity, transferTo, { playDialtone: false });
        deps.log.info('transfer accepted by the caller side (NOTIFY 200)');
      } catch (err) {
        deps.log.error({ err: (err as Error).message }, 'transfer failed');
        session.generateReply({ instructions: 'Say exactly: "Sorry, the transfer did not go through. How else can I help?"' });
      }
    });
    return { transferred: true, packageDelivered: delivered?.ok === true && delivered.value.packageDelivered, say };
  };
}

/**
 * Runs `fn` once the agent has said its next reply (the tool's answer): after the agent state goes
 * to `speaking` and leaves it again (the state follows playout), or after `timeoutMs` if no reply
 * comes. Call from inside a tool: the reply is created after the tool returns.
 */
export function runAfterNextReply(session: voice.AgentSession, timeoutMs: number, fn: (spokeMs: number | null) => Promise<void>): void {
  const E = voice.AgentSessionEventTypes;
  let spoke = false;
  let spokeAt = 0;
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    session.off(E.AgentStateChanged, onState);
    void fn(spoke ? Date.now() - spokeAt : null);
  };
  const onState = (ev: { newState: string }) => {
    if (ev.newState === 'speaking' && !spoke) {
      spoke = true;
      spokeAt = Date.now();
    } else if (spoke && ev.newState !== 'speaking') run();
  };
  const timer = setTimeout(run, timeoutMs);
  session.on(E.AgentStateChanged, onState);
}
