import type { OutboundCallContext } from '@voice-widget/protocol';
import { firstName } from '../session/prompts.ts';

/**
 * What the agent says on an outbound call, worded by code from the call's context (who is called
 * and why, the company, the callback number): every opener and message discloses the AI (California
 * SB 1001, EU AI Act art. 50), names the company and the reason, and promises nothing the system
 * cannot keep. Spoken verbatim (`sayExactly`), never improvised by the model.
 */
export interface OutboundScript {
  /** To a person (AMD `human`): disclosure, company, the person it is for, the reason, a question. */
  humanOpener: string;
  /** To whoever answered (AMD `unknown`): fits a person and a recording alike. */
  neutralOpener: string;
  /** After the beep (or the end of the greeting): disclosure, company, reason, callback number. */
  voicemail: string;
  /** Said when the callee asks not to be called again, once the number is on the list. */
  doNotCallConfirmed: string;
  /** …when the list could not be updated (the server was unreachable): no promise, a way to ask again. */
  doNotCallFailed: string;
  /** Added to the model's instructions for the rest of the call. */
  instructions: string;
}

/**
 * A phone number read digit by digit, grouped the way it is written: `+15550100` → "1, 5 5 5, 0 1 0 0"
 * (NANP 1-3-3-4 … here 1-3-4 for the short test numbers), other numbers in groups of three.
 */
export function spokenNumber(e164: string): string {
  const d = e164.replace(/\D/g, '');
  const groups = d.startsWith('1') && d.length === 11 ? [d.slice(0, 1), d.slice(1, 4), d.slice(4, 7), d.slice(7)] : d.startsWith('1') && d.length <= 10 ? [d.slice(0, 1), d.slice(1, 4), d.slice(4)] : d.match(/.{1,3}/g) ?? [];
  return groups.map((g) => g.split('').join(' ')).join(', ');
}

/** The script of one call. `transferable`: a person can take the call (phone: keypad 0). */
export function outboundScript(ctx: Pick<OutboundCallContext, 'callee' | 'reason' | 'company' | 'callbackNumber'>, transferable: boolean): OutboundScript {
  const who = ctx.callee.name ? ` for ${firstName(ctx.callee.name)}` : '';
  const from = `this is an AI assistant calling from ${ctx.company}`;
  const callback = ctx.callbackNumber ? ` Please call us back at ${spokenNumber(ctx.callbackNumber)}. Again, that's ${spokenNumber(ctx.callbackNumber)}.` : '';
  const person = transferable ? ' You can press 0 at any time to reach a person.' : '';
  return {
    humanOpener: `Hi, ${from}${who}, about ${ctx.reason}. Is now a good time?${person}`,
    neutralOpener: `Hello, ${from}.`,
    voicemail: `Hello, ${from}${who}, about ${ctx.reason}.${callback} Thank you, goodbye.`,
    doNotCallConfirmed: "Understood. I've taken this number off our calling list, so we won't call you again. Goodbye.",
    doNotCallFailed: ctx.callbackNumber
      ? `I'm sorry, I couldn't update our list just now. Please call ${spokenNumber(ctx.callbackNumber)} and ask to be removed. Goodbye.`
      : "I'm sorry, I couldn't update our list just now. Please reply to us and ask to be removed. Goodbye.",
    instructions: [
      `This is an outbound call: you called ${ctx.callee.name ? firstName(ctx.callee.name) : 'this person'} on behalf of ${ctx.company} about ${ctx.reason}. You already introduced yourself as an AI assistant.`,
      'Be brief and respect their time. If it is not a good time, thank them and end the call. Never promise a call back.',
    ].join(' '),
  };
}

/**
 * The script when the server could not say whom the call is for or why (unreachable): the
 * disclosure and the company only — nothing made up.
 */
export function fallbackOutboundScript(company: string): OutboundScript {
  const s = outboundScript({ callee: { name: null }, reason: '', company, callbackNumber: null }, false);
  const hello = `Hello, this is an AI assistant calling from ${company}.`;
  return { ...s, humanOpener: hello, voicemail: `${hello} Thank you, goodbye.`, instructions: `This is an outbound call on behalf of ${company}; you do not know why it was placed. Be brief and end the call politely.` };
}
