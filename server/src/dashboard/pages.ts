import { type AuditView, type CallFilter, type CallGap, CallOutcome, type HandoffMetrics, type Summary, summarize } from '@voice-widget/protocol';
import type { CallListItem } from '../repo/calls.ts';
import type { TurnRow } from '../repo/turns.ts';
import type { callDetail } from '../repo/calls.ts';
import type { DemoLinkRow } from '../repo/demo-links.ts';
import { linkStatus } from '../repo/demo-links.ts';
import type { JobMetrics } from '../job-metrics.ts';
import type { LatencyReport } from '../stats.ts';
import { histogramSvg, timelineSvg } from './charts.ts';
import { handoffMetricsSection, handoffSection } from './handoff-sections.ts';
import { type Html, fmtMs, fmtPct, fmtTime, html, layout } from './html.ts';


const summaryCells = (s: Summary) =>
  html`<td class="num">${s.count}</td><td class="num">${fmtMs(s.p50)}</td><td class="num">${fmtMs(s.p95)}</td><td class="num">${fmtMs(s.max)}</td>`;

const summaryTable = (title: string, rows: { key: string; summary: Summary }[]) =>
  html`<h2>${title}</h2>${
    rows.length === 0
      ? html`<p class="muted">No turns.</p>`
      : html`<table><tr><th></th><th class="num">Turns</th><th class="num">P50</th><th class="num">P95</th><th class="num">Max</th></tr>
    ${rows.map((r) => html`<tr><td>${r.key}</td>${summaryCells(r.summary)}</tr>`)}</table>`
  }`;

/** The headline numbers and the histogram of a report. */
function reportBody(r: LatencyReport): Html {
  return html`<div class="cards">
      <div class="card">Turns<b data-testid="turn-count">${r.overall.count}</b></div>
      <div class="card">P50<b data-testid="p50">${fmtMs(r.overall.p50)}</b></div>
      <div class="card">P95<b data-testid="p95">${fmtMs(r.overall.p95)}</b></div>
      <div class="card">Max<b>${fmtMs(r.overall.max)}</b></div>
      <div class="card">Overlaps<b>${r.overlaps}</b></div>
      <div class="card">Containment<b data-testid="containment">${fmtPct(r.containmentRate)}</b></div>
      <div class="card">Transfers<b data-testid="transfers">${fmtPct(r.transferRate)}</b></div>
    </div>
    <h2>Perceived latency (end of caller's speech → first agent audio heard)</h2>
    ${histogramSvg(r.histogram, r.overall)}`;
}

const option = (value: string, current: string | undefined, label = value) =>
  html`<option value="${value}" ${value === (current ?? '') ? html`selected` : ''}>${label}</option>`;

function filterForm(f: Partial<CallFilter>, agents: string[], action: string, withOutcome: boolean): Html {
  return html`<form class="filters" method="get" action="${action}">
    <label>Agent<select name="agent">${option('', f.agent, 'all')}${agents.map((a) => option(a, f.agent))}</select></label>
    <label>Channel<select name="channel">${option('', f.channel, 'all')}${option('web', f.channel)}${option('phone', f.channel)}</select></label>
    ${withOutcome ? html`<label>Outcome<select name="outcome">${option('', f.outcome, 'all')}${[...CallOutcome.options, 'open'].map((o) => option(o, f.outcome))}</select></label>` : ''}
    <label>From<input type="date" name="from" value="${f.from ?? ''}"></label>
    <label>To<input type="date" name="to" value="${f.to ?? ''}"></label>
    <button>Apply</button></form>`;
}

/** `/dashboard`: latency histogram, P50/P95 by agent, channel and day, containment and transfers. */
export function overviewPage(r: LatencyReport, f: Partial<CallFilter>, agents: string[], jobs: JobMetrics[] = [], handoffs?: HandoffMetrics): string {
  return layout(
    'Latency',
    html`${filterForm(f, agents, '/dashboard', false)}${reportBody(r)}
    ${summaryTable('By agent', r.byAgent)}${summaryTable('By channel', r.byChannel)}${summaryTable('By day (UTC)', r.byDay)}
    <h2>Outcomes of ended calls</h2><table><tr>${CallOutcome.options.map((o) => html`<th class="num">${o}</th>`)}</tr>
    <tr>${CallOutcome.options.map((o) => html`<td class="num">${r.outcomes[o]}</td>`)}</tr></table>
    ${jobsTable(jobs)}${handoffs ? handoffMetricsSection(handoffs) : ''}`,
    { nav: true },
  );
}

/** Containment by job (job-metrics.ts): what callers came for, and who finished it. */
function jobsTable(jobs: JobMetrics[]): Html {
  return html`<h2>Jobs: containment by what callers came for</h2>${
    jobs.length === 0
      ? html`<p class="muted">No tool calls yet.</p>`
      : html`<table data-testid="jobs"><tr><th>Job</th><th class="num">Started</th><th class="num">Completed by the agent</th><th class="num">Escalated to a person</th><th class="num">Abandoned</th><th class="num">Containment</th></tr>
    ${jobs.map((j) => html`<tr><td>${j.job}</td><td class="num">${j.started}</td><td class="num">${j.completed}</td><td class="num">${j.escalated}</td><td class="num">${j.abandoned}</td><td class="num">${fmtPct(j.containment)}</td></tr>`)}</table>`
  }`;
}

const duration = (c: CallListItem) =>
  c.endedAt ? `${Math.round((c.endedAt.getTime() - c.createdAt.getTime()) / 1000)} s` : 'open';

/** `/dashboard/calls`: filterable list. */
export function callsPage(list: CallListItem[], turns: Map<number, TurnRow[]>, f: Partial<CallFilter>, agents: string[]): string {
  const rows = list.map((c) => {
    const s = summarize((turns.get(c.id) ?? []).filter((t) => !t.overlap).map((t) => t.perceivedMs));
    return html`<tr data-room="${c.room}"><td><a href="/dashboard/calls/${c.room}">${fmtTime(c.createdAt)}</a></td>
      <td>${c.agent} <span class="muted">v${c.agentVersion}</span></td><td>${c.channel}</td><td>${c.outcome ?? 'open'}</td>
      <td class="num">${duration(c)}</td><td class="num">${s.count}</td><td class="num">${fmtMs(s.p50)}</td><td class="num">${fmtMs(s.p95)}</td>
      <td>${c.demoLabel ?? (c.demoSlug ? 'demo' : '')}</td></tr>`;
  });
  return layout(
    'Calls',
    html`${filterForm(f, agents, '/dashboard/calls', true)}
    <table data-testid="calls"><tr><th>Started</th><th>Agent</th><th>Channel</th><th>Outcome</th><th class="num">Length</th>
    <th class="num">Turns</th><th class="num">P50</th><th class="num">P95</th><th>Demo link</th></tr>${rows}</table>
    ${list.length === 0 ? html`<p class="muted">No calls match.</p>` : ''}`,
    { nav: true },
  );
}

/** `/dashboard/calls/:room`: transcript, turn-by-turn latency timeline, tool calls, barge-ins. */
export function callPage(d: NonNullable<Awaited<ReturnType<typeof callDetail>>>): string {
  const c = d.call;
  const verified = d.turns.filter((t) => t.verification === 'verified');
  const s = summarize(verified.filter((t) => !t.overlap).map((t) => t.perceivedMs));
  const t0 = d.transcript[0]?.atMs ?? c.createdAt.getTime();
  const at = (ms: number) => `+${((ms - t0) / 1000).toFixed(1)} s`;
  const person = d.handoffs.find((h) => h.personName)?.personName ?? null;
  return layout(
    `Call ${c.room}`,
    html`<table><tr><th>Agent</th><td>${c.agent} (version ${c.agentVersion})</td><th>Channel</th><td>${c.channel}</td></tr>
      <tr><th>Started</th><td>${fmtTime(c.createdAt)}</td><th>Ended</th><td>${fmtTime(c.endedAt)} ${c.endReason ? html`<span class="muted">(${c.endReason})</span>` : ''}</td></tr>
      <tr><th>Outcome</th><td data-testid="outcome">${c.outcome ?? 'open'}</td><th>Barge-ins</th><td>${c.bargeIns.length}</td></tr>
      <tr><th>Perceived latency</th><td colspan="3">${s.count} verified turns · P50 ${fmtMs(s.p50)} · P95 ${fmtMs(s.p95)} · max ${fmtMs(s.max)}${
        d.turns.length > verified.length ? html` <span class="muted">(${d.turns.length - verified.length} not verified, left out)</span>` : ''
      }</td></tr></table>
    <h2>Turn-by-turn latency</h2>${timelineSvg(d.turns)}${turnChecks(d.turns)}
    <h2>Transcript</h2><div class="transcript" data-testid="transcript">${
      d.transcript.length === 0
        ? html`<p class="muted">No transcript reported.</p>`
        : d.transcript.map(
            (t) => html`<p class="${t.speaker}"><time>${at(t.atMs)}</time><b>${speakerName(t.speaker, person)}:</b> ${t.text}${t.interrupted ? html` <span class="muted">(interrupted)</span>` : ''}</p>`,
          )
    }</div>
    ${c.resumes.length ? gapsTable(c.resumes, at) : ''}
    ${d.handoffs.map((h) => handoffSection(h, at))}
    ${d.toolCalls.length ? auditTable(d.toolCalls, at) : ''}`,
    { nav: true },
  );
}

/**
 * The agent outages the call survived (protocol resume.ts): when the agent was lost, when the
 * resumed agent was heard, the gap between, and how the loss was noticed.
 */
const LOST_CAUSE: Record<CallGap['cause'], string> = {
  job_exit: 'the worker: its job process exited',
  worker_exit: 'the job: its worker process exited',
  participant_left: 'LiveKit: the agent left the room',
};

function gapsTable(gaps: CallGap[], at: (ms: number) => string): Html {
  return html`<h2>Agent lost and resumed</h2><table data-testid="gaps"><tr><th>Lost</th><th>Resumed</th><th class="num">Gap</th><th>Noticed by</th></tr>${gaps.map(
    (g) => html`<tr><td>${at(g.lostAtMs)}</td><td>${g.resumedAtMs === null ? html`<b class="flag">not resumed</b>` : at(g.resumedAtMs)}</td>
      <td class="num" data-testid="gap-ms">${g.resumedAtMs === null ? '' : fmtMs(g.resumedAtMs - g.lostAtMs)}</td>
      <td>${LOST_CAUSE[g.cause]}</td></tr>`,
  )}</table>`;
}

const speakerName = (speaker: 'caller' | 'agent' | 'person', person: string | null) =>
  speaker === 'caller' ? 'Caller' : speaker === 'agent' ? 'Agent (AI)' : `Person${person ? ` (${person})` : ''}`;

/**
 * Each turn's check against the agent's timeline (turn-check.ts); only verified turns count in
 * P50/P95 here, on the overview and in public reports. Shown only when some turn is not verified.
 */
function turnChecks(turns: TurnRow[]): Html | '' {
  if (turns.every((t) => t.verification === 'verified')) return '';
  return html`<table data-testid="turn-checks"><tr><th class="num">Turn</th><th class="num">Perceived</th><th>Check</th><th>Why</th></tr>${turns.map(
    (t) => html`<tr data-verification="${t.verification}"><td class="num">${t.idx}</td><td class="num">${fmtMs(t.perceivedMs)}</td>
      <td>${t.verification === 'verified' ? 'verified' : html`<b class="flag">${t.verification}</b>`}</td><td class="muted">${t.verificationNote ?? ''}</td></tr>`,
  )}</table>`;
}

/**
 * The call's audit trail: every tool the model proposed and what the guard and the server decided —
 * arguments and results redacted, the caller's confirming turn, the idempotency key, attempts.
 */
function auditTable(rows: AuditView[], at: (ms: number) => string): Html {
  return html`<h2>Tool calls (audit trail)</h2><table data-testid="audit"><tr><th>When</th><th>Tool</th><th>Arguments</th><th>Decision</th><th>Confirmation</th><th>Result</th><th class="num">ms</th><th>Key</th></tr>${rows.map(
    (t) => html`<tr class="decision-${t.decision}"><td>${at(t.atMs)}</td><td>${t.tool}</td><td><code>${t.args}</code></td>
      <td>${t.decision}${t.reason ? html` <span class="muted">(${t.reason})</span>` : ''}${t.attempts > 1 ? html` <span class="muted">· ${t.attempts} attempts</span>` : ''}</td>
      <td>${t.confirmation ? html`“${t.confirmation.text}” <span class="muted">${at(t.confirmation.atMs)}</span>` : ''}</td>
      <td><code>${t.result ?? ''}</code></td><td class="num">${t.durationMs === undefined ? '' : Math.round(t.durationMs)}</td>
      <td><code title="${t.idempotencyKey ?? ''}">${t.idempotencyKey ? t.idempotencyKey.slice(0, 10) : ''}</code></td></tr>`,
  )}</table>`;
}

/** `/dashboard/demo-links`: every link with its budget use and its public and report URLs. */
export function demoLinksPage(links: (DemoLinkRow & { agent: string })[], demoBaseUrl: string | undefined): string {
  const base = demoBaseUrl?.replace(/\/$/, '');
  return layout(
    'Demo links',
    html`<table><tr><th>Label</th><th>Agent</th><th>Status</th><th class="num">Used</th><th>Limits</th><th>Expires</th><th>Links</th></tr>
    ${links.map(
      (l) => html`<tr><td>${l.label || html`<span class="muted">(no label)</span>`}</td><td>${l.agent}</td><td>${linkStatus(l)}</td>
      <td class="num">${(l.usedSeconds / 60).toFixed(1)} / ${(l.budgetSeconds / 60).toFixed(0)} min</td>
      <td>${l.maxCallSeconds} s a call · ${l.maxConcurrentCalls} at once · ${l.perIpPerHour}/h per IP${l.leadCapture ? ' · lead capture' : ''}${l.callback ? ' · call-back' : ''}</td>
      <td>${fmtTime(l.expiresAt)}</td>
      <td>${base ? html`<a href="${base}/d/${l.slug}">demo page</a> · ` : ''}<a href="/reports/${l.reportSlug}">latency report</a> ·
      <a href="/dashboard/calls?demo=${l.slug}">calls</a></td></tr>`,
    )}</table>
    <p class="muted">Create links with the CLI (<code>tsx src/cli.ts demo-link create …</code>) or <code>POST /api/admin/demo-links</code>.</p>`,
    { nav: true },
  );
}

/** `/reports/:reportSlug`: read-only latency report of one demo link; no sign-in, no call contents. */
export function reportPage(agentName: string, label: string, r: LatencyReport): string {
  return layout(
    `Latency report: ${agentName}${label ? ` — ${label}` : ''}`,
    html`<p class="muted">Perceived latency measured in each visitor's browser: from the end of their speech to the first
      agent audio they heard. P50/P95 by Hyndman–Fan type 7; overlaps are counted apart.</p>
    ${reportBody(r)}${summaryTable('By day (UTC)', r.byDay)}`,
  );
}

/** `/dashboard/login`. */
export function loginPage(next: string, error?: string): string {
  return layout(
    'Sign in',
    html`<form class="login" method="post" action="/dashboard/login">
      <label for="key">Admin key</label><input id="key" name="key" type="password" autocomplete="off" required>
      <input type="hidden" name="next" value="${next}">
      ${error ? html`<p class="error">${error}</p>` : ''}<button>Sign in</button></form>
      <p class="muted"><code>npm run demo</code> prints a one-time sign-in link; or create a key with <code>pnpm --filter @voice-widget/server exec tsx src/cli.ts admin-key create</code>.</p>`,
  );
}

/** `/dashboard/signin?token=…`: one button that spends the one-time sign-in link. */
export function signinPage(token: string, error?: string): string {
  return layout(
    'Sign in',
    html`<form class="login" method="post" action="/dashboard/signin">
      <input type="hidden" name="token" value="${token}">
      ${error ? html`<p class="error">${error}</p>` : html`<p>This one-time link signs you in to the dashboard.</p><button data-testid="signin">Open the dashboard</button>`}</form>
      <p class="muted">Ask for a new link with <code>tsx src/cli.ts signin-link</code> (or sign in with an <a href="/dashboard/login">admin key</a>).</p>`,
  );
}
