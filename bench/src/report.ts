import { LATENCY_STAGES, type Summary, type TurnLatency, summarize } from '@voice-widget/protocol';
import type { EndOfTurnLogStats } from './agent-log.ts';
import type { BargeInSample } from './greeting-bargein.ts';
import type { MachineInfo } from './machine.ts';
import type { ConfigStats } from './stats.ts';

/** Result file of `pnpm bench:latency`. */
export interface LatencyReport {
  kind: 'latency';
  date: string;
  machine: MachineInfo;
  params: { turnsPerConfig: number; ttfaMs: number; audio: string };
  configs: Record<string, { stats: ConfigStats; turns: TurnLatency[] }>;
  /** Click on Talk → first greeting audio heard, one sample per call, ms. */
  clickToGreetingMs: number[];
  /** Caller talks over the agent: when the page reacted, from the caller's speech onset. */
  bargeIns: BargeInSample[];
  /** The fast path's end-of-turn decisions, from the agent's log (all calls of the run). */
  endOfTurn: EndOfTurnLogStats;
}

const f = (v: number | null) => (v === null ? '–' : `${Math.round(v)}`);
const row = (label: string, s: Summary) => `| ${label} | ${s.count} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.max)} |`;

/** Markdown tables: per configuration, perceived latency and each stage (ms), and the ratio. */
export function renderMarkdown(r: LatencyReport): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`Run ${r.date} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.os}, Node ${m.node}, ${m.chromium}; load average at start ${m.loadAvg1}.`);
  lines.push(`${r.params.turnsPerConfig} turns per configuration, emulated model time-to-first-audio ${r.params.ttfaMs} ms, audio: ${r.params.audio}.`, '');
  for (const [name, { stats }] of Object.entries(r.configs)) {
    lines.push(`### ${name}`, '', '| ms | n | P50 | P95 | max |', '|---|---|---|---|---|');
    lines.push(row('**perceived latency**', stats.perceived));
    for (const s of LATENCY_STAGES) lines.push(row(`${s.label} (${s.span})`, stats.stages[s.key]));
    lines.push(row('agent out + network + playout', stats.pipeline));
    lines.push('', `Overlaps (agent talked over the caller, excluded): ${stats.overlaps}. Turns without stage split: ${stats.unsplit}. Clock offset uncertainty P95: ±${f(stats.clockUncertaintyP95)} ms.`, '');
  }
  const base = r.configs.stock?.stats.perceived;
  const ratio = (x: number | null, y: number | null | undefined) => (x !== null && y ? (x / y).toFixed(2) : '–');
  for (const name of Object.keys(r.configs).filter((n) => n !== 'stock')) {
    const p = r.configs[name]!.stats.perceived;
    lines.push(`**Ratio ${name} / stock**: P50 ${ratio(p.p50, base?.p50)}, P95 ${ratio(p.p95, base?.p95)}.`, '');
  }
  const e = r.endOfTurn;
  lines.push(
    `End-of-turn model (fast path, tentative hints): asked ${e.asked}, let the reply start ${e.speculated}, held ${e.asked - e.speculated} back; ` +
      `speculative replies withdrawn: ${e.withdrawn}; answer time P50 ${f(e.eotMs.p50)} ms, P95 ${f(e.eotMs.p95)} ms.`,
    '',
  );
  lines.push('| ms | n | P50 | P95 | max |', '|---|---|---|---|---|');
  lines.push(row('click → first greeting audio heard', summarize(r.clickToGreetingMs)));
  const barge = (k: keyof BargeInSample) => summarize(r.bargeIns.map((b) => b[k]).filter((v): v is number => v !== null));
  lines.push(row('barge-in: caller starts talking → agent ducked', barge('duckMs')));
  lines.push(row('barge-in: → agent stopped, interrupt sent', barge('stopMs')));
  lines.push(row('barge-in: → agent audio silent in the page', barge('silentMs')));
  return lines.join('\n');
}

/**
 * SVG chart: one row per configuration — each turn's perceived latency as a dot, P50 and P95 as
 * ticks, and a stacked bar of the median stages underneath.
 */
export function renderSvg(r: LatencyReport): string {
  const entries = Object.entries(r.configs);
  const all = entries.flatMap(([, c]) => c.turns.filter((t) => !t.overlap).map((t) => t.perceivedMs));
  const maxMs = Math.max(1000, Math.ceil((Math.max(0, ...all) + 100) / 250) * 250);
  const W = 760, left = 120, right = 20, rowH = 90, top = 40;
  const H = top + entries.length * rowH + 40;
  const x = (ms: number) => left + (Math.max(0, ms) / maxMs) * (W - left - right);
  const colors = ['#1b5cff', '#e9a23b', '#9aa3b2'];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="600">Perceived latency per turn (ms) — emulated model TTFA ${r.params.ttfaMs} ms</text>`,
  ];
  for (let t = 0; t <= maxMs; t += 250) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${top - 5}" y2="${H - 30}" stroke="#eee"/>`, `<text x="${x(t)}" y="${H - 15}" text-anchor="middle" fill="#666">${t}</text>`);
  }
  entries.forEach(([name, c], i) => {
    const y = top + i * rowH + 20;
    out.push(`<text x="10" y="${y + 4}" font-weight="600">${name}</text>`);
    for (const t of c.turns) {
      if (!t.overlap) out.push(`<circle cx="${x(t.perceivedMs).toFixed(1)}" cy="${y}" r="3.5" fill="${colors[i % colors.length]}" fill-opacity="0.6"/>`);
    }
    const { p50, p95 } = c.stats.perceived;
    for (const [label, v] of [['P50', p50], ['P95', p95]] as const) {
      if (v === null) continue;
      out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${y - 12}" y2="${y + 12}" stroke="#000" stroke-width="2"/>`, `<text x="${x(v)}" y="${y - 15}" text-anchor="middle">${label} ${Math.round(v)}</text>`);
    }
    let acc = 0;
    for (const s of LATENCY_STAGES) {
      const v = c.stats.stages[s.key].p50 ?? 0;
      out.push(`<rect x="${x(acc)}" y="${y + 22}" width="${Math.max(0, x(acc + v) - x(acc))}" height="14" fill="${s.color}"><title>${s.label} P50 ${Math.round(v)} ms</title></rect>`);
      acc += v;
    }
  });
  const legendY = H - 45;
  LATENCY_STAGES.forEach((s, k) => {
    out.push(`<rect x="${left + k * 150}" y="${legendY}" width="10" height="10" fill="${s.color}"/>`, `<text x="${left + k * 150 + 14}" y="${legendY + 9}">${s.label} (P50)</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
