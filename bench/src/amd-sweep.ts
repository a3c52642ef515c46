/**
 * `pnpm --filter @voice-widget/bench exec tsx src/amd-sweep.ts [--split tune|heldout|added|all] [--grid JSON]`
 *
 * Sweeps detector settings over the AMD set with Silero's probabilities computed once per case
 * (the detector itself is deterministic given them), for choosing thresholds on the *tune* half.
 * `--grid`: a JSON list of config overrides (config.ts fields). Prints one line per setting:
 * first-decision and final accuracy, humans → machine, machines first taken for humans, human
 * decision P50/P95 (from answer), and for machines first taken for humans how long the withdrawal took.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { AMD_WINDOW_SAMPLES, type AmdConfigInput, AmdDetector, type AmdDecisionEvent } from '@voice-widget/agent-worker/amd';
import { SileroModel } from '@voice-widget/local-realtime';
import { summarize } from '@voice-widget/protocol';
import { REPO_ROOT } from '@voice-widget/stack';
import { correct, truthRow } from './amd-report.ts';
import { buildCase, loadManifest } from './amd-set.ts';
import { sileroProbabilities } from './amd-runners.ts';

const { values } = parseArgs({ options: { split: { type: 'string', default: 'tune' }, grid: { type: 'string', default: '[{}]' } } });
const grid = JSON.parse(values.grid!) as AmdConfigInput[];
const manifest = loadManifest();
const cases = manifest.cases.filter((c) => values.split === 'all' || c.split === values.split);
const silero = await SileroModel.load();
const built = [];
for (const spec of cases) {
  const b = buildCase(spec, manifest, join(REPO_ROOT, '.state', 'amd-set'));
  built.push({ b, probs: await sileroProbabilities(silero, b.samples), row: truthRow(b.truth) });
}
await silero.release();

const p = (xs: number[], q: 0.5 | 0.95) => {
  const s = summarize(xs);
  return Math.round((q === 0.5 ? s.p50 : s.p95) ?? NaN);
};
const splits = values.split === 'all' ? ['tune', 'heldout', 'added', 'all'] : [values.split!];
for (const override of grid) for (const split of splits) {
  const subset = built.filter(({ b }) => split === 'all' || b.spec.split === split);
  let ok1 = 0;
  let okN = 0;
  let hm = 0;
  let mh = 0;
  const humanMs: number[] = [];
  const shortMs: number[] = [];
  const withdrawMs: number[] = [];
  const notes: string[] = [];
  for (const { b, probs, row } of subset) {
    const ds: AmdDecisionEvent[] = [];
    const amd = new AmdDetector({ answeredAtMs: 0, clock: () => 0, config: { ...override, vad: { kind: 'probability' } }, onEvent: (e) => e.type === 'amd_decision' && ds.push(e) });
    for (let k = 0; k < probs.length && !amd.finished; k++) {
      amd.handleFrame({ samples: b.samples.subarray(k * AMD_WINDOW_SAMPLES, (k + 1) * AMD_WINDOW_SAMPLES), startMs: k * 32, speechProbability: probs[k]! });
    }
    const first = ds[0]?.decision ?? 'unknown';
    const last = ds.at(-1)?.decision ?? 'unknown';
    if (correct(row, first)) ok1++;
    else notes.push(`${b.spec.id}:${first}@${ds[0]?.timeToDecisionMs}`);
    if (correct(row, last)) okN++;
    if (row === 'human') {
      // The decision that stood: after a withdrawal, the next one.
      const w = ds.findIndex((d) => d.reason === 'speech_resumed');
      const stoodMs = (w === -1 ? ds[0] : ds[w + 1])?.timeToDecisionMs ?? 99_999;
      humanMs.push(stoodMs);
      if (b.truth.speech[0]!.endMs - b.truth.speech[0]!.startMs <= 1000) shortMs.push(stoodMs);
      if (ds.some((d) => d.decision.startsWith('machine'))) hm++;
      if (ds.some((d) => d.reason === 'speech_resumed')) notes.push(`${b.spec.id}:withdrawn`);
    } else if (row !== 'silent' && first === 'human') {
      mh++;
      const w = ds.find((d) => d.reason === 'speech_resumed' || d.decision.startsWith('machine'));
      if (w) withdrawMs.push(w.timeToDecisionMs - ds[0]!.timeToDecisionMs);
    }
  }
  const n = subset.length;
  console.log(
    `${JSON.stringify(override)} ${split} n ${n} | first ${((100 * ok1) / n).toFixed(1)} % final ${((100 * okN) / n).toFixed(1)} % | humans→machine ${hm} | machines first→human ${mh} (withdrawn/revised after ${withdrawMs.join(',')} ms) | humans P50/P95 ${p(humanMs, 0.5)}/${p(humanMs, 0.95)} | ≤1 s answers P50/P95 ${p(shortMs, 0.5)}/${p(shortMs, 0.95)} | ${notes.join(' ')}`,
  );
}
