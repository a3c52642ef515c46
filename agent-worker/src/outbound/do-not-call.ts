import { voice } from '@livekit/agents';
import type { Logger } from 'pino';
import type { ServerClient } from '../server-api/client.ts';
import type { OutboundVoice } from './conductor.ts';
import type { OutboundScript } from './script.ts';

/**
 * "Please don't call me again": the callee's own words, matched in code on their transcript — never
 * the model's judgement. A match puts the number on the do-not-call list (server) and ends the call.
 * Matched: "don't / do not / never call|phone|ring|contact me|us|this number|here" followed by
 * again/anymore or the end of a sentence, "stop calling me", "take/remove me|my number off/from your
 * list", "(put me on) your do not call list", "unsubscribe me". Not matched on purpose: "call me back",
 * "don't call me before five" (a time, not a refusal), "I don't mind if you call again".
 */
const PATTERNS: readonly RegExp[] = [
  /\b(?:do not|don't|dont|never) (?:ever )?(?:call|phone|ring|contact) (?:me|us|this number|here)(?: again| anymore| any more)?(?=$|[.!,;?])/,
  /\b(?:do not|don't|dont|never) (?:ever )?(?:call|phone|ring|contact) (?:me|us|this number|here) (?:again|anymore|any more)\b/,
  /\bstop (?:calling|phoning|ringing|contacting) (?:me|us|this number|here)\b/,
  /\b(?:remove|take|delete) (?:me|us|my number|this number|my details) (?:off|from|out of) (?:your|the|this) (?:list|lists|calling list|call list|database|records?|system)\b/,
  /\bdo not call list\b/,
  /\bunsubscribe (?:me|us|this number)\b/,
];

/** Lower case, curly apostrophes straightened, runs of spaces and hyphens as one space. */
function normalize(text: string): string {
  return text.toLowerCase().replace(/[’‘`]/g, "'").replace(/do-not-call/g, 'do not call').replace(/\s+/g, ' ').trim();
}

/** The phrase of `text` that asks not to be called again (at most 100 chars), or null. */
export function doNotCallPhrase(text: string): string | null {
  const t = normalize(text.slice(0, 2000));
  for (const p of PATTERNS) {
    const m = p.exec(t);
    if (m) return m[0].slice(0, 100);
  }
  return null;
}

/** What the watcher needs of the session: its conversation items. */
type ConversationSource = Pick<voice.AgentSession, 'on'>;

/**
 * Watches the callee's transcript for "please don't call me again" ({@link doNotCallPhrase}, in
 * code): on the first match the agent stops talking, the number goes on the server's list
 * (`POST /api/calls/:room/do-not-call`), the agent says so — only once the server confirmed it,
 * else it says how to ask again — and hangs up. The agent's own words never count.
 * Returns a promise that settles when a request was handled (for tests), never rejects.
 */
export function watchForDoNotCall(
  session: ConversationSource,
  server: Pick<ServerClient, 'doNotCall'> | null,
  script: Pick<OutboundScript, 'doNotCallConfirmed' | 'doNotCallFailed'>,
  out: Pick<OutboundVoice, 'interrupt' | 'say' | 'hangUp'>,
  log: Pick<Logger, 'info'>,
): Promise<void> {
  return new Promise((handled) => {
    let seen = false;
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, ({ item }) => {
      const m = item as { type?: string; role?: string; textContent?: string };
      if (seen || m.role !== 'user' || !m.textContent) return;
      const phrase = doNotCallPhrase(m.textContent);
      if (!phrase) return;
      seen = true;
      out.interrupt();
      void (async () => {
        const r = server ? await server.doNotCall({ phrase }) : { ok: false as const, error: 'no server' };
        log.info({ added: r.ok }, 'the callee asked not to be called again');
        const { done } = out.say(r.ok ? script.doNotCallConfirmed : script.doNotCallFailed, { interruptible: false });
        await done;
        await out.hangUp('do-not-call request');
      })().finally(handled);
    });
  });
}
