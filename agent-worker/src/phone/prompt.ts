import type { Contact, ContactItem } from '@voice-widget/protocol';

/**
 * What phone callers hear and what the model is told about the caller. Pure text in, text out.
 * Contact details are business data about the caller, given to the model so it can help before
 * the caller explains who they are; the model is told to confirm identity before sharing them.
 */

const items = (label: string, list: readonly ContactItem[]) =>
  list.length ? `${label}: ${list.map((i) => `${i.id} (${i.status}${i.summary ? `; ${i.summary}` : ''})`).join(', ')}.` : `${label}: none.`;

/** The caller-specific block of the instructions; unknown numbers get the general one. */
export function callerContext(contact: Contact | null): string {
  if (!contact) return 'The caller’s number is not in our records: treat them as a new caller and ask for what you need.';
  return [
    `The caller’s number belongs to ${contact.name}${contact.account ? `, account ${contact.account}` : ''}.`,
    items('Open orders', contact.openOrders),
    items('Open cases', contact.openCases),
    contact.notes ? `Notes: ${contact.notes}` : '',
    'Greet them by first name. Before sharing order or account details, confirm they are that person.',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Instructions of a phone call: the agent's own, then how to behave on the phone, then the caller. */
export function phoneInstructions(base: string, contact: Contact | null): string {
  return [
    base,
    'This is a phone call (narrow-band audio, no screen): use short sentences, no lists or symbols, read numbers digit by digit.',
    'The caller can press 1 for a person, or type numbers on the keypad followed by the hash key.',
    'When the caller asks for a person, call transfer_to_human with a one-sentence summary of what they need, addressed to the caller.',
    'When the caller is done, call end_call.',
    callerContext(contact),
  ].join('\n');
}

/** First name for a greeting ("Ada Lovelace" → "Ada"). */
const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;

/**
 * The phone greeting: the agent's greeting (which discloses that the caller talks to an AI),
 * addressed to a known caller by first name, and the keypad option for a person.
 */
export function phoneGreeting(base: string, contact: Contact | null): string {
  let text = base.trim();
  if (contact) {
    const name = firstName(contact.name);
    text = /^(hi|hello|hey)\b[,!]?/i.test(text) ? text.replace(/^(hi|hello|hey)\b[,!]?/i, (m) => `${m.replace(/[,!]$/, '')} ${name},`) : `Hi ${name}. ${text}`;
  }
  return `${text} You can also press 1 at any time to reach a person.`;
}

/** The one sentence said before a cold transfer: the model's summary, then what happens. */
export function transferAnnouncement(summary: string | undefined): string {
  const s = (summary ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  const sentence = s ? (/[.!?]$/.test(s) ? s : `${s}.`) : '';
  return `${sentence ? `${sentence} ` : ''}I'm transferring you to a person now; please stay on the line.`;
}
