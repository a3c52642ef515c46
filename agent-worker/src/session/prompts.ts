import type { AgentConfig, BuiltinTool, VerifiedCaller } from '@voice-widget/protocol';
import { TOOL_ABILITIES } from '../tools/catalog.ts';

/**
 * What the agent says first and what the model is told, built from what this call can really do:
 * the greeting offers a person only when one can take the call, and the instructions list only the
 * tools the call was given. Pure text in, text out.
 */

/** The built-in greeting (no configuration from the server): an AI disclosure, no promises. */
export function greetingText(company: string): string {
  return `Hi, I'm an AI assistant for ${company}. How can I help?`;
}

/** The built-in persona (no configuration from the server). */
export function assistantInstructions(company: string): string {
  return `You are a friendly voice assistant for ${company}. Keep answers short: one or two sentences. You are an AI, and say so if asked.`;
}

/**
 * Instructions for `generateReply` that make the model speak `text` word for word.
 * OpenAI's models follow this phrasing; the local model speaks the quoted text verbatim
 * (local-realtime/src/responder/verbatim.ts).
 */
export function sayExactly(text: string): string {
  return `Say exactly: "${text}"`;
}

/** Sentences that offer or promise a person (a hand-off the call may not have). */
const PERSON_PROMISE = /[^.!?]*\b(person|human|someone|somebody|representative|operator|colleague|agent)\b[^.!?]*[.!?]?/gi;

/** The greeting with every sentence that offers a person removed (when no one can take the call). */
export function withoutPersonPromise(text: string): string {
  return text.replace(PERSON_PROMISE, (sentence) => (/\bAI\b|artificial intelligence|assistant/i.test(sentence) ? sentence : '')).replace(/\s+/g, ' ').trim();
}

/** First name for a greeting ("Ada Lovelace" → "Ada"). */
export const firstName = (name: string): string => name.trim().split(/\s+/)[0] ?? name;

export interface GreetingContext {
  channel: 'web' | 'phone';
  /** A person can take this call. */
  handoff: boolean;
  /** Verified before the call (a web caller's signed identity): greeted by first name. Never a caller-ID guess. */
  caller: VerifiedCaller | null;
}

/**
 * The call's greeting: the configured one (which discloses the AI), addressed by first name to a
 * caller who is already verified, with the person option only when a person can take the call
 * (on the phone: "press 0"). A configured promise of a person is dropped when none can.
 */
export function composeGreeting(base: string, ctx: GreetingContext): string {
  let text = ctx.handoff ? base.trim() : withoutPersonPromise(base);
  if (ctx.caller) {
    const name = firstName(ctx.caller.name);
    const hello = /^(hi|hello|hey)\b[,!]?/i;
    text = hello.test(text) ? text.replace(hello, (m) => `${m.replace(/[,!]$/, '')} ${name},`) : `Hi ${name}. ${text}`;
  }
  const mentionsPerson = /\b(person|human|someone)\b/i.test(text);
  if (ctx.handoff && ctx.channel === 'phone') text += ' You can also press 0 at any time to reach a person.';
  else if (ctx.handoff && !mentionsPerson) text += ' You can ask for a person at any time.';
  return text;
}

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', de: 'German', fr: 'French', es: 'Spanish', it: 'Italian', nl: 'Dutch', pt: 'Portuguese', pl: 'Polish', sv: 'Swedish', da: 'Danish' };

/** "Speak German." for `de-DE`; the tag itself for languages without a name here. */
export function languageLine(tag: string): string {
  const base = tag.toLowerCase().split('-')[0]!;
  return `Speak ${LANGUAGE_NAMES[base] ?? `the language ${tag}`}, unless the caller speaks another language.`;
}

export interface InstructionsContext extends GreetingContext {
  config: Pick<AgentConfig, 'name' | 'instructions'>;
  language: string;
  /** Built-in tools this call offers. */
  abilities: BuiltinTool[];
  /** Custom endpoint tools this call offers: name and description. */
  custom: readonly { name: string; description: string }[];
  /** Phone callers can verify with a code (`verify_caller`). */
  offerVerify: boolean;
}

/**
 * The model's instructions: the agent's persona, then what this call can do (only the tools it
 * was given; no person unless a hand-off exists), how verification and confirmations work (the
 * system enforces them; the text only explains), and the channel's manners.
 */
export function composeInstructions(ctx: InstructionsContext): string {
  const lines = [`You are "${ctx.config.name}".`, ctx.config.instructions.trim(), languageLine(ctx.language)];
  const can = [...ctx.abilities.map((t) => TOOL_ABILITIES[t]), ...ctx.custom.map((c) => `${c.description.replace(/\.$/, '')} (${c.name})`)];
  lines.push(can.length ? `On this call you can: ${can.join('; ')}. Nothing else: for anything else, say you can't do it here.` : 'On this call you can answer questions only; you cannot look anything up or change anything.');
  if (!ctx.handoff) lines.push('No person can take this call: never offer, promise or announce a transfer to a person.');
  lines.push(
    'Tool results carry "say": say it (you may rephrase it, but keep every fact, and never add facts). A change is read back first: the tool answers "confirmation_required"; say the read-back and wait for the caller. The system checks their answer; never claim a change was made unless a tool result says so.',
  );
  if (ctx.caller) lines.push(`The caller is verified as ${ctx.caller.name}.`);
  else if (ctx.offerVerify) lines.push('The caller is not verified. Before account details, ask for their four-digit code (or the last four digits of their account number) and call verify_caller with the digits. The number they call from proves nothing.');
  else if (ctx.abilities.some((t) => t === 'get_order_status' || t === 'update_shipping_address')) lines.push('The caller is not signed in: you cannot share or change account details on this call.');
  if (ctx.channel === 'phone') {
    lines.push('This is a phone call (narrow-band audio, no screen): use short sentences, no lists or symbols, read numbers digit by digit. The caller can type numbers on the keypad followed by the hash key.');
  }
  return lines.join('\n');
}
