import type { ContextPackage, PackageAction, PackageLine } from '@voice-widget/protocol';

/**
 * The hand-off summary: two or three sentences a person reads in a few seconds before taking a
 * call, built deterministically from what the server stored — the caller's verification, the
 * audit trail and the transcript. No model writes it (none runs offline, and a summary must not
 * invent what did not happen):
 *
 * 1. who and why: "Ada Lovelace (verified by a phone code) is calling by phone and asked for a
 *    person: wants a refund." — an unverified caller is never named;
 * 2. what the agent did, from the audit trail: each job's last decision ("looked up order 1042
 *    (shipped, arrives Friday)", "changed the delivery address of order 1043 to …", "the caller
 *    declined …", "could not share account details: not verified"); or that it did nothing yet;
 * 3. the caller's last words, quoted (when there are any).
 */

/** Tools that handle the call rather than do a job for the caller. */
export const CONTROL_TOOLS: ReadonlySet<string> = new Set(['verify_caller', 'transfer_to_human', 'end_call']);

/** What the summary is built from (a subset of the package plus how the person was asked for). */
export interface SummaryInput {
  channel: ContextPackage['channel'];
  caller: ContextPackage['caller'];
  reason: string;
  via: 'conversation' | 'keypad';
  actions: readonly PackageAction[];
  /** The audit rows' arguments (JSON text), aligned with `actions`. */
  args: readonly string[];
  transcript: readonly PackageLine[];
}

const METHOD: Record<NonNullable<ContextPackage['caller']['method']>, string> = {
  signed_identity: 'signed in on the website',
  phone_code: 'verified by a phone code',
};

/** Longest quote of the caller's last words, characters. */
const QUOTE_CHARS = 160;

/** The 2–3 sentence summary of {@link SummaryInput}. Pure. */
export function handoffSummary(input: SummaryInput): string {
  return [whoAndWhy(input), whatWasDone(input), lastWords(input.transcript)].filter(Boolean).join(' ');
}

function whoAndWhy(i: SummaryInput): string {
  const c = i.caller;
  const channel = i.channel === 'phone' ? 'by phone' : 'on the website';
  const who = c.verified && c.name
    ? `${c.name} (${c.method ? METHOD[c.method] : 'verified'}) is calling ${channel}`
    : i.channel === 'phone'
      ? `An unverified caller${c.number ? ` on ${c.number}` : ''}${c.numberKnown ? ' (a customer’s number, not proof)' : ''} is calling by phone`
      : 'An unverified website visitor is calling';
  const reason = i.reason.trim().replace(/[.!?]+$/, '');
  const how = i.via === 'keypad' ? ' by pressing 0' : '';
  return `${who} and asked for a person${how}${reason && !/^asked for a person$/i.test(reason) ? `: ${reason}` : ''}.`;
}

/** One phrase per job (tool + main argument): its last decision. */
function whatWasDone(i: SummaryInput): string {
  const phrases = new Map<string, string>();
  let verification: string | null = null;
  i.actions.forEach((a, n) => {
    const args = parseArgs(i.args[n] ?? '{}');
    if (a.tool === 'verify_caller') {
      if (a.reason === 'verification_locked') verification = 'could not verify the caller (locked after three wrong codes)';
      else if (a.reason === 'wrong_code') verification ??= 'heard a wrong verification code';
      return;
    }
    if (CONTROL_TOOLS.has(a.tool)) return;
    const phrase = describe(a, args);
    if (phrase) phrases.set(`${a.tool}:${args.order_id ?? ''}`, phrase);
  });
  const all = [...(verification ? [verification] : []), ...phrases.values()];
  if (all.length === 0) return 'The agent has not done anything for them yet.';
  return `The agent ${joinList(all)}.`;
}

function describe(a: PackageAction, args: Record<string, string>): string | null {
  const order = args.order_id ? `order ${args.order_id}` : 'an order';
  const change: Record<string, string> = {
    update_shipping_address: `changing the delivery address of ${order}${args.address ? ` to ${args.address}` : ''}`,
    create_case: `opening a ${args.category ?? 'support'} case`,
  };
  const what = change[a.tool] ?? `running ${a.tool.replace(/_/g, ' ')}`;
  if (a.decision === 'allowed' || a.decision === 'replayed') {
    if (a.tool === 'get_order_status') return `looked up ${order}${a.said ? ` (${a.said.replace(/^Order [\d ]+ is /, '').replace(/\.$/, '')})` : ''}`;
    if (a.tool === 'update_shipping_address') return `changed the delivery address of ${order}${args.address ? ` to ${args.address}` : ''}`;
    if (a.tool === 'create_case') return `opened a ${args.category ?? 'support'} case`;
    if (a.tool === 'opening_hours') return 'gave the opening hours';
    return `ran ${a.tool.replace(/_/g, ' ')}`;
  }
  if (a.decision === 'confirmation_requested') return `read back ${what} and was waiting for a yes`;
  if (a.decision === 'failed') return `tried ${what}, which failed`;
  switch (a.reason) {
    case 'declined':
      return `did not go ahead with ${what}: the caller said no`;
    case 'not_confirmed':
      return `did not go ahead with ${what}: no clear yes`;
    case 'not_verified':
      return a.tool === 'get_order_status' ? `could not look up ${order}: the caller is not verified` : `could not go ahead with ${what}: the caller is not verified`;
    case 'out_of_scope':
      return `found that ${order} is not one of the caller’s orders`;
    default:
      return `could not go ahead with ${what}${a.reason ? ` (${a.reason.replace(/_/g, ' ')})` : ''}`;
  }
}

function lastWords(transcript: readonly PackageLine[]): string {
  const last = [...transcript].reverse().find((l) => l.speaker === 'caller' && l.text.trim() && !/^dtmf:/.test(l.text));
  if (!last) return '';
  const text = last.text.replace(/\s+/g, ' ').trim();
  const quote = text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS - 1).replace(/\s+\S*$/, '')}…` : text;
  return `Their last words: “${quote}”`;
}

/** `a`, `a and b`, `a, b and c`. */
function joinList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** String and number values of an audit row's JSON arguments; anything else is left out. */
export function parseArgs(json: string): Record<string, string> {
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => typeof x === 'string' || typeof x === 'number')
        .map(([k, x]) => [k, String(x).slice(0, 300)]),
    );
  } catch {
    return {};
  }
}
