import type { HandoffMetrics } from '@voice-widget/protocol';
import type { HandoffRow } from '../repo/handoffs.ts';
import { type Html, fmtMs, fmtPct, fmtTime, html } from './html.ts';

/** Overview: hand-offs requested, taken, called back; time to a person P50/P95; package delivered before the person spoke. */
export function handoffMetricsSection(m: HandoffMetrics): Html {
  const t = m.timeToPersonMs;
  return html`<h2>Hand-offs to a person</h2><div class="cards" data-testid="handoff-metrics">
    <div class="card">Requested<b data-testid="handoffs-requested">${m.requested}</b></div>
    <div class="card">Taken by a person<b data-testid="handoffs-taken">${m.taken}</b></div>
    <div class="card">Timed out to a callback<b data-testid="handoffs-callbacks">${m.callbacks}</b></div>
    <div class="card">Cold transfers<b>${m.cold}</b></div>
    <div class="card">Left while waiting<b>${m.cancelled}</b></div>
    <div class="card">Time to a person P50<b data-testid="handoffs-p50">${fmtMs(t.p50)}</b></div>
    <div class="card">P95<b data-testid="handoffs-p95">${fmtMs(t.p95)}</b></div>
    <div class="card">Package before the person spoke<b data-testid="handoffs-package">${fmtPct(m.packageBeforeSpeech.share)}</b>
      <span class="muted">${m.packageBeforeSpeech.delivered} of ${m.packageBeforeSpeech.of}</span></div></div>
    <p class="muted">Time to a person: from the request to the person's first audio heard by the caller (web: played in the caller's page;
    phone: received in the room), ${t.count} hand-offs.</p>`;
}

/** Call page: one hand-off — when it was asked for, who took it and when, the wait, first audio, the package. */
export function handoffSection(h: HandoffRow, at: (ms: number) => string): Html {
  const heard = h.personAudioAtMs !== null ? h.personAudioAtMs - h.requestAtMs : null;
  return html`<h2>Hand-off (${h.kind})</h2><table data-testid="handoff" data-status="${h.status}">
    <tr><th>Requested</th><td>${at(h.requestAtMs)} · ${fmtTime(h.requestedAt)} · ${h.via === 'keypad' ? 'keypad 0' : 'asked in the conversation'}</td>
      <th>Status</th><td data-testid="handoff-status">${h.status}</td></tr>
    <tr><th>Reason</th><td colspan="3">${h.reason}</td></tr>
    ${h.kind === 'cold'
      ? html`<tr><th>Transferred to</th><td>${h.transferTo ?? ''}</td><th>Package to endpoint</th><td>${h.endpointDelivered === null ? 'no endpoint (console only)' : h.endpointDelivered ? `delivered ${fmtTime(h.packageDeliveredAt)}` : 'failed'}</td></tr>`
      : html`<tr><th>Taken by</th><td data-testid="handoff-person">${h.personName ?? '—'}</td><th>Taken at</th><td>${fmtTime(h.settledAt && h.takenByKeyId !== null ? h.settledAt : null)}</td></tr>
    <tr><th>Waited</th><td data-testid="handoff-wait">${h.settledAt ? `${((h.settledAt.getTime() - h.requestedAt.getTime()) / 1000).toFixed(1)} s` : 'still waiting'}</td>
      <th>Agent handed over</th><td>${h.connectedAtMs !== null ? at(h.connectedAtMs) : '—'}</td></tr>
    <tr><th>Person first heard</th><td data-testid="handoff-heard">${heard !== null ? html`${at(h.personAudioAtMs!)} (${fmtMs(heard)} after the request, ${h.personAudioSource === 'caller_page' ? 'in the caller’s page' : 'in the room'})` : '—'}</td>
      <th>Package given</th><td>${fmtTime(h.packageDeliveredAt)}</td></tr>
    ${h.caseId !== null ? html`<tr><th>Callback case</th><td colspan="3">#${h.caseId}</td></tr>` : ''}`}
    ${h.package ? html`<tr><th>Summary</th><td colspan="3">${h.package.summary}</td></tr>` : ''}</table>`;
}
