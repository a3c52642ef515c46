import { llm } from '@livekit/agents';
import type { LiveLine } from '@voice-widget/protocol';

/**
 * What a resumed agent knows of the call before it (protocol resume.ts): the live transcript the
 * server kept (`GET /api/calls/:room/live`, PII-redacted as stored), turned into the model's chat
 * context, and the one sentence the agent says when it is back — built by code from that state,
 * never by the model, so it cannot promise or reveal anything.
 */

/** Most earlier lines loaded into the model's context (the newest ones). */
export const MAX_CONTEXT_LINES = 60;

/** How many of the newest lines are searched for what the caller was asking about. */
const TOPIC_LINES = 6;

/**
 * The conversation so far as chat messages for the model: the caller's lines as `user`, the
 * agent's as `assistant`, a person's (after a hand-off) as `assistant` prefixed with "(Person)",
 * in `seq` order, at their original times (`atMs`, ms since epoch).
 */
export function resumeChatContext(lines: readonly LiveLine[], max = MAX_CONTEXT_LINES): llm.ChatContext {
  const ctx = llm.ChatContext.empty();
  for (const l of [...lines].sort((a, b) => a.seq - b.seq).slice(-max)) {
    ctx.addMessage({
      role: l.speaker === 'caller' ? 'user' : 'assistant',
      content: l.speaker === 'person' ? `(Person) ${l.text}` : l.text,
      createdAt: l.atMs,
      ...(l.interrupted ? { interrupted: true } : {}),
    });
  }
  return ctx;
}

/** The order number the newest lines talk about (digits, written `1042` or read out `1 0 4 2`), or null. */
export function recentOrder(lines: readonly LiveLine[]): string | null {
  const recent = [...lines].sort((a, b) => a.seq - b.seq).slice(-TOPIC_LINES).reverse();
  for (const l of recent) {
    const m = /\border(?:\s+(?:number|no\.?|#))?\s*#?\s*(\d(?:[ -]?\d){1,11})\b/i.exec(l.text);
    if (m) return m[1]!.replace(/[ -]/g, '');
  }
  return null;
}

/**
 * The sentence the resumed agent says first: an apology, then where the conversation stood —
 * the order being discussed; else, when the caller spoke last and got no answer, a request to
 * repeat it; else an offer to go on.
 */
export function resumeSentence(lines: readonly LiveLine[]): string {
  const sorry = 'Sorry, I lost you for a moment';
  const order = recentOrder(lines);
  if (order) return `${sorry} — you were asking about order ${order}.`;
  const last = [...lines].sort((a, b) => a.seq - b.seq).at(-1);
  if (last?.speaker === 'caller') return `${sorry} — could you say that last part again?`;
  return `${sorry} — I'm back. How can I help?`;
}
