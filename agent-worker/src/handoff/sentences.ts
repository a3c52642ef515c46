import type { HandoffState } from '@voice-widget/protocol';

/**
 * What the agent says about a hand-off, worded by code from the server's answer (the tool's
 * result is what the agent says): only what the system will really do — a place in a queue that
 * exists, a callback only when there is a way to reach the caller, a person's name only once they
 * are in the room.
 */

/** Digits read one by one ("12" → "1 2"), as callers expect reference numbers. */
const spell = (n: number) => String(n).split('').join(' ');

const ordinal = (n: number) => (n === 1 ? 'next' : `number ${n}`);

/** Queued (warm): where the caller is, that the agent stays, that it can keep helping. */
export function queuedSay(s: Pick<HandoffState, 'position'>, again: boolean): string {
  const place = s.position ? `You're ${ordinal(s.position)} in the queue` : "You're in the queue";
  if (again) return `${place}; a person will join us as soon as one is free. I'm still here if I can help meanwhile.`;
  return `I've asked for a person to join us, and they'll see our conversation. ${place}. I'll stay with you until someone joins; is there anything I can help with meanwhile?`;
}

/**
 * The hand-off became a callback case: nobody is online (`nobodyOnline`) or the wait limit passed.
 * A callback is promised only when the case has a way to reach the caller.
 */
export function callbackSay(s: Pick<HandoffState, 'callback'>, opts: { nobodyOnline: boolean; channel: 'web' | 'phone' }): string {
  const why = opts.nobodyOnline ? 'Nobody from our team is available right now' : 'Nobody from our team has become free';
  const cb = s.callback;
  if (!cb || cb.contact === 'none') {
    const ref = cb ? `, and I've noted your request as number ${spell(cb.caseId)}` : '';
    return `${why}${ref}, but I have no way to reach you back. Please try again later${opts.channel === 'web' ? ', or sign in on our website first' : ''}. Is there anything I can help with meanwhile?`;
  }
  const how = cb.contact === 'phone' ? (opts.channel === 'phone' ? "at the number you're calling from" : 'by phone') : 'by e-mail';
  return `${why}, so I've opened callback request number ${spell(cb.caseId)}: a person will get back to you ${how}, with our conversation in front of them. Is there anything else I can help with meanwhile?`;
}

/** The person joined the room: the one sentence before the agent leaves the conversation. */
export function handOverSentence(personName: string): string {
  const name = personName.replace(/[^\p{L}\p{N} .'-]/gu, '').trim().slice(0, 40) || 'a colleague';
  return `I'm connecting you with ${name} now, who has our conversation.`;
}

/** The request could not be made (server unreachable): no promise. */
export const HANDOFF_UNAVAILABLE = "I'm sorry, I can't reach our team right now. I'm happy to keep helping, or you can try again later.";

/** Taken while the caller heard the queue message: the person is on the way. */
export const PERSON_JOINING = 'A person is joining us now.';
