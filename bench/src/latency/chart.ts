import { LATENCY_STAGES, summarize } from '@voice-widget/protocol';
import type { LatencyRun } from './report.ts';

/**
 * SVG chart of a run: one row per (network, configuration) — each turn's perceived latency as a
 * dot (hollow for classes nobody tuned for), P50 and P95 as ticks, and a stacked bar of the
 * median stages underneath.
 */
export function renderSvg(r: LatencyRun): string {
  const rows = r.params.networks.flatMap((n) => (r.params.configsByNetwork[n] ?? []).map((c) => ({ network: n, config: c })));
  const turnsOf = (n: string, c: string) =>
    r.calls.filter((x) => !x.warmup && x.plan.network === n && x.plan.config === c).flatMap((x) => x.turns.filter((t) => t.turn && !t.turn.overlap));
  const all = rows.flatMap((row) => turnsOf(row.network, row.config).map((t) => t.turn!.perceivedMs));
  const maxMs = Math.max(1000, Math.ceil((summarize(all).p95 ?? 1000) * 1.3 / 250) * 250);
  const W = 820, left = 170, right = 20, rowH = 70, top = 40;
  const H = top + rows.length * rowH + 50;
  const x = (ms: number) => left + (Math.min(Math.max(0, ms), maxMs) / maxMs) * (W - left - right);
  const colors: Record<string, string> = { fast: '#1b5cff', model_vad: '#e9a23b', stock: '#6b7280' };
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="600">Perceived latency per turn (ms; hollow = unseen speech) — emulated model TTFA ${r.params.ttfaMs} ms</text>`,
  ];
  for (let t = 0; t <= maxMs; t += 250) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${top - 5}" y2="${H - 40}" stroke="#eee"/>`, `<text x="${x(t)}" y="${H - 25}" text-anchor="middle" fill="#666">${t}</text>`);
  }
  rows.forEach(({ network, config }, i) => {
    const y = top + i * rowH + 18;
    const color = colors[config] ?? '#333';
    out.push(`<text x="10" y="${y + 4}" font-weight="600">${network} / ${config}</text>`);
    const turns = turnsOf(network, config);
    for (const t of turns) {
      const fill = t.cls === 'clean' ? color : 'none';
      out.push(`<circle cx="${x(t.turn!.perceivedMs).toFixed(1)}" cy="${y}" r="3.5" fill="${fill}" stroke="${color}" fill-opacity="0.6"/>`);
    }
    const s = summarize(turns.map((t) => t.turn!.perceivedMs));
    for (const [label, v] of [['P50', s.p50], ['P95', s.p95]] as const) {
      if (v === null) continue;
      out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${y - 11}" y2="${y + 11}" stroke="#000" stroke-width="2"/>`, `<text x="${x(v) + (label === 'P50' ? -3 : 3)}" y="${y - 14}" text-anchor="${label === 'P50' ? 'end' : 'start'}">${label} ${Math.round(v)}</text>`);
    }
    let acc = 0;
    for (const st of LATENCY_STAGES) {
      const v = summarize(turns.map((t) => t.turn!.stages?.[st.key]).filter((n): n is number => typeof n === 'number')).p50 ?? 0;
      out.push(`<rect x="${x(acc)}" y="${y + 18}" width="${Math.max(0, x(acc + v) - x(acc))}" height="12" fill="${st.color}"><title>${st.label} P50 ${Math.round(v)} ms</title></rect>`);
      acc += Math.max(0, v);
    }
  });
  LATENCY_STAGES.forEach((s, k) => {
    out.push(`<rect x="${left + k * 160}" y="${H - 14}" width="10" height="10" fill="${s.color}"/>`, `<text x="${left + k * 160 + 14}" y="${H - 5}">${s.label} (P50)</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
