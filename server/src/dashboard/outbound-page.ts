import { type OutboundCallView, OutboundOutcome, type OutboundStats, maskedNumber } from '@voice-widget/protocol';
import { fmtMs, fmtTime, html, layout } from './html.ts';

/** Column headers of the outcomes, in {@link OutboundOutcome} order. */
const OUTCOME_LABELS: Record<OutboundOutcome, string> = {
  person: 'Answered by a person',
  machine_message: 'Machine, message left',
  machine_no_message: 'Machine, no message',
  answered_unknown: 'Answered, unknown',
  no_answer: 'No answer',
  busy: 'Busy',
  failed: 'Failed',
  cancelled: 'Cancelled',
  pending: 'In progress',
};


/**
 * `/dashboard/outbound`: outcomes per agent (answered by a person, machine with a message left, no
 * answer, busy, failed, …) with AMD time to decision (first decision, ms from the answer) P50/P95,
 * then the latest calls with their AMD decision, its reason, and where the message started relative
 * to the beep.
 */
export function outboundPage(stats: OutboundStats, calls: OutboundCallView[]): string {
  const outcomes = OutboundOutcome.options;
  return layout(
    'Outbound calls',
    html`<h2>Outcomes per agent</h2>${
      stats.byAgent.length === 0
        ? html`<p class="muted">No outbound calls yet.</p>`
        : html`<table data-testid="outbound-outcomes"><tr><th>Agent</th><th class="num">Calls</th>${outcomes.map((o) => html`<th class="num">${OUTCOME_LABELS[o]}</th>`)}
      <th class="num">AMD decisions</th><th class="num">AMD P50</th><th class="num">AMD P95</th></tr>
      ${stats.byAgent.map(
        (a) => html`<tr data-agent="${a.agent}"><td>${a.agent}</td><td class="num">${a.total}</td>${outcomes.map((o) => html`<td class="num" data-outcome="${o}">${a.outcomes[o] ?? 0}</td>`)}
        <td class="num">${a.amdDecisionMs.count}</td><td class="num" data-testid="amd-p50">${fmtMs(a.amdDecisionMs.p50)}</td><td class="num" data-testid="amd-p95">${fmtMs(a.amdDecisionMs.p95)}</td></tr>`,
      )}</table>`
    }
    <h2>Latest calls</h2>${
      calls.length === 0
        ? html`<p class="muted">None.</p>`
        : html`<table data-testid="outbound-calls"><tr><th>Queued</th><th>Agent</th><th>Number</th><th>Outcome</th><th>SIP</th><th>AMD</th><th class="num">Decided after</th><th class="num">Message after beep</th><th>Call</th></tr>
      ${calls.map(
        (c) => html`<tr><td>${fmtTime(new Date(c.createdAt))}</td><td>${c.agent}</td><td>${maskedNumber(c.number)}</td>
        <td>${OUTCOME_LABELS[c.outcome]}${c.failureReason ? html` <span class="muted">(${c.failureReason})</span>` : ''}</td>
        <td>${c.sipStatusCode === null ? '' : `${c.sipStatusCode} ${c.sipStatus ?? ''}`}</td>
        <td>${c.amd ? html`${c.amd.decision} <span class="muted">(${c.amd.reason}${c.amd.firstDecision ? `, revised from ${c.amd.firstDecision}` : ''})</span>` : ''}</td>
        <td class="num">${c.amd ? fmtMs(c.amd.timeToDecisionMs) : ''}</td><td class="num">${c.voicemail?.afterBeepMs == null ? '' : fmtMs(c.voicemail.afterBeepMs)}</td>
        <td>${c.room && c.answeredAt ? html`<a href="/dashboard/calls/${c.room}">transcript</a>` : ''}</td></tr>`,
      )}</table>`
    }
    <p class="muted">Place calls with <code>pnpm --filter @voice-widget/server outbound call AGENT +1… --reason …</code> or <code>POST /api/admin/calls/outbound</code>.</p>`,
    { nav: true },
  );
}
