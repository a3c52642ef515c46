/**
 * The people's console (`/dashboard/console`): the live queue of callers waiting for a person
 * (Server-Sent Events from `/api/console/queue/events`), the chosen caller's context package,
 * *Take call* (joins the caller's LiveKit room as this person) and the call in progress; recent
 * cold transfers under the caller's number. A chime and a live-region announcement for each new
 * caller. Keyboard: ↑/↓ or j/k choose, Enter or t take, m mute, h hang up.
 */
import type { QueueEntry, QueueSnapshot, TakeResponse } from '@voice-widget/protocol';
import { chime } from './chime.ts';
import { PersonCall } from './person-call.ts';
import { callerLine, el, mmss, packageView, queueItem } from './render.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const root = $('console');
const queueList = $('queue');
const detail = $('detail');
const announcer = $('announcer');
const media = el('div', { hidden: '' });
document.body.append(media);

let snapshot: QueueSnapshot | null = null;
/** Server clock − page clock, ms (the snapshot's `atMs` against arrival). */
let skewMs = 0;
let selected: number | null = null;
let call: PersonCall | null = null;
let audio: AudioContext | null = null;
const seen = new Set<number>();

const waitedS = (e: QueueEntry) => Math.max(0, (Date.now() + skewMs - Date.parse(e.package.requestedAt)) / 1000);

function render(): void {
  const waiting = snapshot?.waiting ?? [];
  if (selected !== null && !waiting.some((e) => e.id === selected)) selected = null;
  selected ??= waiting[0]?.id ?? null;
  queueList.replaceChildren(...waiting.map((e) => queueItem(e, e.id === selected, waitedS(e))));
  $('queue-empty').hidden = waiting.length > 0;
  $('queue-count').textContent = waiting.length ? `(${waiting.length})` : '';
  const entry = waiting.find((e) => e.id === selected);
  detail.replaceChildren(
    el('h2', { id: 'detail-title' }, entry ? callerLine(entry.package) : 'Caller'),
    ...(entry
      ? [
          el('p', {}, el('button', { type: 'button', class: 'take', 'data-testid': 'take', 'aria-keyshortcuts': 'Enter t', ...(call ? { disabled: '' } : {}) }, 'Take call'), ' ',
            el('span', { class: 'muted' }, el('span', { 'data-waited': String(entry.id) }, `waiting ${mmss(waitedS(entry))}`), ` (a callback after ${mmss(entry.waitLimitS)})`)),
          packageView(entry.package),
        ]
      : [el('p', { class: 'muted' }, 'Nobody is waiting.')]),
  );
  $('transfers').replaceChildren(
    ...(snapshot?.transfers ?? []).map((t) =>
      el('li', { 'data-testid': 'transfer' }, el('span', { class: 'number' }, t.package.caller.number ?? 'unknown number'), ` → ${t.transferTo ?? ''} · `,
        t.endpointDelivered === null ? 'package in this console' : t.endpointDelivered ? 'package delivered to the endpoint' : 'package NOT delivered to the endpoint',
        packageView(t.package)),
    ),
  );
}

function onSnapshot(next: QueueSnapshot): void {
  skewMs = next.atMs - Date.now();
  const fresh = next.waiting.filter((e) => !seen.has(e.id));
  for (const e of next.waiting) seen.add(e.id);
  if (snapshot && fresh.length) {
    if (audio) chime(audio);
    announcer.textContent = `New caller waiting: ${fresh.map((e) => `${callerLine(e.package)}, ${e.package.reason}`).join('; ')}`;
  }
  snapshot = next;
  $('online-state').textContent = `Online — ${next.online} ${next.online === 1 ? 'person' : 'people'} taking calls.`;
  render();
}

function goOnline(): void {
  audio ??= new AudioContext(); // created in the click: chimes may play
  void audio.resume();
  const source = new EventSource('/api/console/queue/events');
  source.addEventListener('queue', (ev) => onSnapshot(JSON.parse((ev as MessageEvent<string>).data) as QueueSnapshot));
  source.onerror = () => ($('online-state').textContent = 'Reconnecting…');
  $('go-online').hidden = true;
  setInterval(() => document.querySelectorAll<HTMLElement>('[data-waited]').forEach((n) => {
    const e = snapshot?.waiting.find((w) => String(w.id) === n.dataset.waited);
    if (e) n.textContent = `waiting ${mmss(waitedS(e))}`;
  }), 1_000);
}

async function take(): Promise<void> {
  const entry = snapshot?.waiting.find((e) => e.id === selected);
  if (!entry || call) return;
  const res = await fetch(`/api/console/handoffs/${entry.id}/take`, { method: 'POST' });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    announcer.textContent = body?.error?.message ?? `Could not take the call (${res.status}).`;
    return;
  }
  const taken = (await res.json()) as TakeResponse;
  const panel = $('in-call');
  panel.hidden = false;
  $('call-package').replaceChildren(packageView(taken.package, root.dataset.name));
  call = new PersonCall(taken, media, {
    state(state, why) {
      const text = {
        joining: 'Joining the call…',
        introducing: 'The assistant is introducing you (your microphone opens when it has).',
        live: `You're on the call with ${callerLine(taken.package)}.`,
        ended: why ?? 'The call has ended.',
      }[state];
      $('call-state').textContent = text;
      panel.dataset.state = state;
      if (state === 'ended') {
        call = null;
        render();
      }
    },
  });
  render();
  await call.join().catch((err: Error) => {
    $('call-state').textContent = `Could not join: ${err.message}`;
    call?.end(`Could not join: ${err.message}`);
  });
}

async function hangUp(): Promise<void> {
  const current = call;
  if (!current) return;
  await fetch(`/api/console/calls/${encodeURIComponent(current.room)}/hangup`, { method: 'POST' }).catch(() => {});
  current.end('You ended the call.');
}

async function toggleMute(): Promise<void> {
  if (!call) return;
  const muted = await call.toggleMute();
  $('mute').textContent = muted ? 'Unmute' : 'Mute';
  $('mute').setAttribute('aria-pressed', String(muted));
}

function move(by: number): void {
  const waiting = snapshot?.waiting ?? [];
  if (!waiting.length) return;
  const i = Math.max(0, waiting.findIndex((e) => e.id === selected));
  selected = waiting[(i + by + waiting.length) % waiting.length]!.id;
  render();
  queueList.querySelector<HTMLElement>(`[data-id="${selected}"]`)?.focus();
}

$('go-online').addEventListener('click', goOnline);
$('hangup').addEventListener('click', () => void hangUp());
$('mute').addEventListener('click', () => void toggleMute());
queueList.addEventListener('click', (ev) => {
  const id = (ev.target as HTMLElement).closest<HTMLElement>('[data-id]')?.dataset.id;
  if (id) {
    selected = Number(id);
    render();
  }
});
detail.addEventListener('click', (ev) => {
  if ((ev.target as HTMLElement).closest('[data-testid=take]')) void take();
});
document.addEventListener('keydown', (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || (ev.target as HTMLElement).closest('input, textarea, select')) return;
  const key = ev.key.toLowerCase();
  if (key === 'arrowdown' || key === 'j') move(1);
  else if (key === 'arrowup' || key === 'k') move(-1);
  else if ((key === 'enter' && (ev.target as HTMLElement).closest('#queue')) || key === 't') void take();
  else if (key === 'm') void toggleMute();
  else if (key === 'h') void hangUp();
  else return;
  ev.preventDefault();
});
