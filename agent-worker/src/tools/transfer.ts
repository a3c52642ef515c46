import { llm, voice } from '@livekit/agents';
import type { SipClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { z } from 'zod';
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
  log: Logger;
}

/** What the tool returns to the model: the sentence to say (the local script speaks `say`). */
export interface TransferOutput {
  transferred: boolean;
  say: string;
  instruction: string;
}

/**
 * `transfer_to_human`: a cold transfer. The model's one-sentence summary is said to the caller,
 * and once that reply has played out livekit-sip sends the caller an in-dialog SIP REFER to
 * `transferTo` (`SipClient.transferSipParticipant`), waits for the caller's NOTIFY 200 and hangs
 * up its own leg. Without a configured target it tells the model to keep helping instead.
 */
export function transferTool(deps: TransferDeps): llm.FunctionTool<{ summary: string }, unknown, TransferOutput> {
  return llm.tool({
    name: TRANSFER_TOOL,
    description:
      'Transfer the caller to a person (ends your part of the call). Use when the caller asks for a human, a person or an agent, or presses 1.',
    parameters: z.object({
      summary: z
        .string()
        .describe('One sentence to the caller saying what the person will help with, e.g. "You want to change the address of order 1042."'),
    }),
    execute: async ({ summary }, { ctx }): Promise<TransferOutput> => {
      if (!deps.transferTo) {
        const say = "I'm sorry, I can't transfer calls right now, but I'm happy to keep helping.";
        return { transferred: false, say, instruction: `Say exactly: "${say}"` };
      }
      const say = transferAnnouncement(summary);
      const transferTo = deps.transferTo;
      runAfterNextReply(ctx.session, ANNOUNCEMENT_TIMEOUT_MS, async (spokeMs) => {
        deps.log.info({ to: transferTo, announcementMs: spokeMs }, 'transferring the caller (SIP REFER)');
        try {
          await deps.sip.transferSipParticipant(deps.room, deps.callerIdentity, transferTo, { playDialtone: false });
          deps.log.info('transfer accepted by the caller side (NOTIFY 200)');
        } catch (err) {
          deps.log.error({ err: (err as Error).message }, 'transfer failed');
          ctx.session.generateReply({ instructions: 'Say exactly: "Sorry, the transfer did not go through. How else can I help?"' });
        }
      });
      // An object: the framework serialises it once (a JSON string would arrive double-encoded).
      return { transferred: true, say, instruction: `Say exactly: "${say}"` };
    },
  });
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
