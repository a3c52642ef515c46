import type { ContextPackage, QueueEntry } from '@voice-widget/protocol';

/**
 * DOM for the console, built with `textContent` only (no HTML from data: transcripts and reasons
 * are what callers said).
 */

/** `el('p', { class: 'x' }, 'text', child)` */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string | null | false)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== false) node.append(c);
  return node;
}

/** `1:05` for 65 s. */
export const mmss = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/** Who is calling, as one line: a verified name, or an unverified caller by channel and number. */
export function callerLine(p: ContextPackage): string {
  if (p.caller.verified && p.caller.name) return `${p.caller.name} (verified)`;
  if (p.channel === 'phone') return `Unverified caller${p.caller.number ? ` ${p.caller.number}` : ''}`;
  return 'Unverified website visitor';
}

/** One queue entry as a button (the list is navigated with the arrow keys). */
export function queueItem(e: QueueEntry, selected: boolean, waitedS: number): HTMLElement {
  return el(
    'li',
    {},
    el(
      'button',
      { type: 'button', 'data-id': String(e.id), 'aria-selected': String(selected), 'data-testid': 'queue-entry' },
      el('b', {}, `${e.position}. ${callerLine(e.package)}`),
      el('br'),
      `${e.package.channel === 'phone' ? 'Phone' : 'Web'} · ${e.package.reason} · `,
      el('span', { 'data-waited': String(e.id) }, `waiting ${mmss(waitedS)}`),
    ),
  );
}

const labels: Record<string, string> = {
  signed_identity: 'signed identity (website sign-in)',
  phone_code: 'phone code',
};

/** The context package: summary, who, job and what was collected, actions, transcript. */
export function packageView(p: ContextPackage, personName?: string): HTMLElement {
  const who = p.caller.verified
    ? `${p.caller.name ?? 'Verified'} — verified by ${labels[p.caller.method ?? ''] ?? 'the system'}${p.caller.customerId ? ` (customer ${p.caller.customerId})` : ''}`
    : `Not verified${p.caller.number ? ` — calling from ${p.caller.number}${p.caller.numberKnown ? ' (a customer’s number; not proof)' : ''}` : ''}`;
  const dl = el('dl');
  const row = (k: string, v: string) => dl.append(el('dt', {}, k), el('dd', {}, v));
  row('Who', who);
  row('Channel', p.channel === 'phone' ? 'Phone' : 'Website');
  row('Reason', p.reason);
  row('Job', p.job ? p.job.replace(/_/g, ' ') : '—');
  for (const [k, v] of Object.entries(p.collected)) row(k.replace(/_/g, ' '), v);
  const actions = el(
    'ul',
    { 'data-testid': 'actions' },
    ...(p.actions.length
      ? p.actions.map((a) => el('li', {}, `${a.tool.replace(/_/g, ' ')}: ${a.decision}${a.reason ? ` (${a.reason.replace(/_/g, ' ')})` : ''}${a.said ? ` — “${a.said}”` : ''}`))
      : [el('li', { class: 'muted' }, 'none')]),
  );
  const transcript = el(
    'div',
    { class: 'transcript', 'data-testid': 'package-transcript' },
    ...p.transcript.map((l) =>
      el('p', { class: l.speaker }, el('b', {}, `${l.speaker === 'caller' ? 'Caller' : l.speaker === 'agent' ? 'AI agent' : (personName ?? 'Person')}: `), l.text),
    ),
  );
  return el(
    'div',
    { class: 'package' },
    el('p', { class: 'summary', 'data-testid': 'summary' }, p.summary),
    dl,
    el('h3', {}, 'Actions taken'),
    actions,
    el('h3', {}, 'Transcript so far'),
    transcript,
  );
}
