import { LATENCY_STAGES, type Summary } from '@voice-widget/protocol';
import type { Bin } from '../stats.ts';
import { Html, fmtMs, html } from './html.ts';

export interface TimelineTurn {
  idx: number;
  perceivedMs: number;
  overlap: boolean;
  endpointingMs: number | null;
  modelMs: number | null;
  agentOutMs: number | null;
  networkPlayoutMs: number | null;
  clockUncertaintyMs: number | null;
}

/** Histogram of perceived latency with P50 and P95 marked; inline SVG, no script. */
export function histogramSvg(bins: readonly Bin[], summary: Summary): Html {
  if (bins.length === 0) return html`<p class="muted">No turns measured yet.</p>`;
  const W = 760;
  const H = 220;
  const left = 40;
  const bottom = 30;
  const top = 10;
  const maxCount = Math.max(...bins.map((b) => b.count));
  const maxMs = bins[bins.length - 1]!.toMs;
  const x = (ms: number) => left + ((W - left - 10) * ms) / maxMs;
  const y = (n: number) => top + (H - top - bottom) * (1 - n / maxCount);
  const bars = bins.map(
    (b) =>
      new Html(
        `<rect x="${x(b.fromMs).toFixed(1)}" y="${y(b.count).toFixed(1)}" width="${Math.max(1, x(b.toMs) - x(b.fromMs) - 1).toFixed(1)}" height="${(H - bottom - y(b.count)).toFixed(1)}" fill="#4c78a8"><title>${b.fromMs}–${b.toMs} ms: ${b.count} turns</title></rect>`,
      ),
  );
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(
    (f) => new Html(`<text x="${x(f * maxMs).toFixed(1)}" y="${H - 12}" text-anchor="middle">${fmtMs(f * maxMs)}</text>`),
  );
  const marker = (v: number | null, label: string, color: string) =>
    v === null
      ? ''
      : new Html(
          `<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${top}" y2="${H - bottom}" stroke="${color}" stroke-width="2" stroke-dasharray="4 3"/>` +
            // Labels near the right edge go to the left of their line.
            `<text x="${(x(v) + (x(v) > W - 110 ? -4 : 4)).toFixed(1)}" y="${top + (label === 'P95' ? 26 : 12)}" text-anchor="${x(v) > W - 110 ? 'end' : 'start'}" fill="${color}">${label} ${fmtMs(v)}</text>`,
        );
  return html`<svg data-testid="histogram" role="img" aria-label="Perceived latency histogram" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">
    <text x="4" y="${top + 10}">${maxCount}</text><text x="4" y="${H - bottom}">0</text>
    ${bars}${ticks}${marker(summary.p50, 'P50', '#b42318')}${marker(summary.p95, 'P95', '#7a1f9a')}
    <line x1="${left}" x2="${W - 10}" y1="${H - bottom}" y2="${H - bottom}" stroke="#999"/></svg>`;
}

/**
 * Turn-by-turn latency timeline of one call: one bar per turn, split into the stages when the
 * widget could compute them, else one grey bar of the perceived latency. Overlaps are listed in red.
 */
export function timelineSvg(turns: readonly TimelineTurn[]): Html {
  if (turns.length === 0) return html`<p class="muted">No latency measured for this call.</p>`;
  const W = 760;
  const rowH = 26;
  const left = 110;
  const H = turns.length * rowH + 30;
  const maxMs = Math.max(100, ...turns.map((t) => Math.max(t.perceivedMs, stageSum(t))));
  const scale = (ms: number) => ((W - left - 90) * Math.max(0, ms)) / maxMs;
  const rows = turns.map((t, i) => {
    const yTop = i * rowH + 4;
    const label = `<text x="4" y="${yTop + 15}">Turn ${t.idx + 1}</text>`;
    if (t.overlap) {
      return new Html(
        `<g data-turn="${t.idx}">${label}<text x="${left}" y="${yTop + 15}" fill="#b42318">overlap ${fmtMs(t.perceivedMs)} (agent talked over the caller; not in percentiles)</text></g>`,
      );
    }
    let xAt = left;
    const segs: string[] = [];
    const known = LATENCY_STAGES.filter((s) => t[s.key] !== null);
    if (known.length === 0) {
      segs.push(`<rect x="${left}" y="${yTop}" width="${scale(t.perceivedMs).toFixed(1)}" height="18" fill="#9aa3ad"><title>perceived ${fmtMs(t.perceivedMs)} (no stages)</title></rect>`);
    } else {
      for (const s of LATENCY_STAGES) {
        const v = t[s.key];
        if (v === null) continue;
        const w = scale(v);
        segs.push(`<rect x="${xAt.toFixed(1)}" y="${yTop}" width="${w.toFixed(1)}" height="18" fill="${s.color}" data-stage="${s.key}"><title>${s.label}: ${fmtMs(v)}</title></rect>`);
        xAt += w;
      }
    }
    const end = left + Math.max(scale(t.perceivedMs), xAt - left);
    const unc = t.clockUncertaintyMs === null ? '' : ` ±${Math.round(t.clockUncertaintyMs)}`;
    return new Html(
      `<g data-turn="${t.idx}">${label}${segs.join('')}<text x="${(end + 6).toFixed(1)}" y="${yTop + 14}">${fmtMs(t.perceivedMs)}${unc}</text></g>`,
    );
  });
  const legend = LATENCY_STAGES.map((s) => html`<span><svg class="swatch" width="12" height="12"><rect width="12" height="12" fill="${s.color}"/></svg>${s.label}</span>`);
  return html`<svg data-testid="timeline" role="img" aria-label="Turn-by-turn latency" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${rows}</svg>
    <p class="legend">${legend}</p>`;
}

const stageSum = (t: TimelineTurn) => LATENCY_STAGES.reduce((a, s) => a + Math.max(0, t[s.key] ?? 0), 0);
