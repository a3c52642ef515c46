import { STAGE_KEYS, type StageKey } from '@voice-widget/protocol';
import type { StringKey, TurnLatencyInfo, TurnStagesInfo } from '../../api.ts';
import { useController, useSnapshot } from '../context.ts';
import { ms } from './format.ts';

/** The UI string of each stage (protocol/stages.ts lists the stages, their order and colours). */
const STAGE_LABEL: Record<StageKey, StringKey> = {
  endpointingMs: 'stageEndpointing',
  modelMs: 'stageModel',
  agentOutMs: 'stageAgentOut',
  networkPlayoutMs: 'stageNetwork',
};

/** Perceived latency per turn (docs/latency.md): last turn, session P50/P95, count, sparkline, stage split. */
export function LatencyPanel() {
  const c = useController();
  const { turns, summary } = useSnapshot();
  const t = c.strings;
  const last = turns.at(-1);
  return (
    <section class="vw-latency" aria-label={t.latency} data-testid="latency">
      <dl>
        <div>
          <dt>{t.lastTurn}</dt>
          <dd data-testid="latency-last">{last ? ms(last.perceivedMs) : '–'}</dd>
        </div>
        <div>
          <dt>{t.p50}</dt>
          <dd data-testid="latency-p50">{ms(summary.p50)}</dd>
        </div>
        <div>
          <dt>{t.p95}</dt>
          <dd data-testid="latency-p95">{ms(summary.p95)}</dd>
        </div>
        <div>
          <dt>{t.turns}</dt>
          <dd data-testid="latency-count">{summary.count}</dd>
        </div>
      </dl>
      {turns.length > 1 && <Sparkline turns={turns} />}
      {last?.stages && <StageBar stages={last.stages} />}
    </section>
  );
}

/** Perceived latency of each turn, oldest left; overlaps (negative) are left out. */
function Sparkline({ turns }: { turns: TurnLatencyInfo[] }) {
  const values = turns.filter((x) => x && !x.overlap).map((x) => x.perceivedMs);
  if (values.length < 2) return null;
  const max = Math.max(...values, 1);
  const w = 100;
  const h = 24;
  const pts = values.map((v, i) => `${((i / (values.length - 1)) * w).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`);
  return (
    <svg class="vw-spark" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" data-testid="sparkline" aria-label={values.map((v) => ms(v)).join(', ')}>
      <polyline points={pts.join(' ')} fill="none" stroke="currentColor" stroke-width="1.5" vector-effect="non-scaling-stroke" />
    </svg>
  );
}

/** The last turn split into its stages (where the agent reported them). */
function StageBar({ stages }: { stages: TurnStagesInfo }) {
  const t = useController().strings;
  const known = STAGE_KEYS.filter((k) => stages[k] !== null && stages[k]! > 0);
  const total = known.reduce((sum, k) => sum + stages[k]!, 0);
  if (!total) return null;
  return (
    <figure class="vw-stages" data-testid="latency-stages">
      <figcaption>{t.stages}</figcaption>
      <div class="vw-bar">
        {known.map((k) => (
          <span key={k} class={`vw-s-${k}`} style={{ flexGrow: stages[k]! }} title={`${t[STAGE_LABEL[k]]} ${ms(stages[k])}`} />
        ))}
      </div>
      <ul>
        {STAGE_KEYS.map((k) => (
          <li key={k} class={`vw-s-${k}`} data-stage={k}>
            {t[STAGE_LABEL[k]]} {ms(stages[k])}
          </li>
        ))}
      </ul>
    </figure>
  );
}
