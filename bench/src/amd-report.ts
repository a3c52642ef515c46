import { type Summary, summarize } from '@voice-widget/protocol';
import type { AmdDecision } from '@voice-widget/agent-worker/amd';
import type { Outcome } from './amd-runners.ts';
import type { AmdCase, CaseTruth } from './amd-set.ts';
import type { MachineInfo } from './machine.ts';

/** Truth rows of the confusion matrix: machines are split by whether a beep follows the greeting. */
export const TRUTH_ROWS = ['human', 'machine+beep', 'machine', 'silent'] as const;
export type TruthRow = (typeof TRUTH_ROWS)[number];
export const DECISIONS: readonly AmdDecision[] = ['human', 'machine_greeting', 'machine_beep', 'unknown'];

/** One case as one detector saw it. */
export interface CaseResult {
  id: string;
  split: AmdCase['split'];
  row: TruthRow;
  truth: CaseTruth;
  outcome: Outcome;
  audioMs: number;
}

/** The scores of one detector configuration on a set of cases. */
export interface ConfigScore {
  cases: number;
  /** confusion[truthRow][first decision] = count. */
  confusion: Record<TruthRow, Record<AmdDecision, number>>;
  /** First decisions that were right: human → human, machine → machine_greeting or machine_beep, silent → unknown. */
  accuracy: number;
  /** The same for the last decision (after a late beep revised human/unknown to machine_beep). */
  accuracyAfterRevision: number;
  /** Decisions revised. */
  revisions: number;
  humans: number;
  /** Humans decided as a machine, first or after a revision, share of humans. */
  humanAsMachineRate: number;
  machines: number;
  /** Machines first decided as human (the agent greets the machine), share of machines. */
  machineAsHumanRate: number;
  /**
   * Quick `human` decisions withdrawn because speech resumed: on people (the opener is stopped and
   * waits for the usual rules), on machines (the agent must stop before it talks over the
   * greeting's next phrase), and how long after the quick decision the withdrawal came, ms.
   */
  withdrawn: { humans: number; machines: number; afterMs: Summary };
  /** ms from answer to decision: every case, humans, humans whose first words last ≤ 1 s ("hello?"), machines. */
  decisionMs: { all: Summary; humans: Summary; shortHumans: Summary; machines: Summary };
  /** Humans: ms from the end of their first utterance to the decision. */
  humanAfterSpeechMs: Summary;
  beep: {
    /** Machine cases with a beep. */
    cases: number;
    /** …where the message would start on the beep (voicemail ready, reason beep). */
    reached: number;
    /** …where it would start before the beep ended (over the greeting or the beep). */
    spokeBeforeBeep: number;
    /** |voicemail-ready moment − true beep end|, ms. */
    timingErrorMs: Summary;
    /** Detected beep frequency − true frequency, |Hz|. */
    frequencyErrorHz: Summary;
  };
  /** Machines without a beep: ms from the end of the greeting to the voicemail-ready moment. */
  greetingEnd: { cases: number; spokeDuringGreeting: number; afterGreetingMs: Summary };
  /** Detector CPU per second of audio, ms/s. */
  cpuMsPerAudioS: number;
}

export function truthRow(truth: CaseTruth): TruthRow {
  if (truth.truth === 'machine') return truth.beep ? 'machine+beep' : 'machine';
  return truth.truth;
}

/** A person's first words at most this long count as a "hello?"-like answer, ms. */
const SHORT_ANSWER_MS = 1000;

const isMachine = (d: AmdDecision) => d === 'machine_greeting' || d === 'machine_beep';

/** Is this decision right for this truth? */
export function correct(row: TruthRow, d: AmdDecision): boolean {
  if (row === 'human') return d === 'human';
  if (row === 'silent') return d === 'unknown';
  return isMachine(d);
}

/** Scores one configuration's results. */
export function score(results: readonly CaseResult[]): ConfigScore {
  const confusion = Object.fromEntries(TRUTH_ROWS.map((r) => [r, Object.fromEntries(DECISIONS.map((d) => [d, 0]))])) as ConfigScore['confusion'];
  for (const r of results) confusion[r.row][r.outcome.firstDecision]++;
  const humans = results.filter((r) => r.row === 'human');
  const machines = results.filter((r) => r.row === 'machine' || r.row === 'machine+beep');
  const withBeep = results.filter((r) => r.row === 'machine+beep');
  const noBeep = results.filter((r) => r.row === 'machine');
  const onBeep = withBeep.filter((r) => r.outcome.ready?.reason === 'beep');
  const rate = (n: number, of: number) => (of ? n / of : 0);
  return {
    cases: results.length,
    confusion,
    accuracy: rate(results.filter((r) => correct(r.row, r.outcome.firstDecision)).length, results.length),
    accuracyAfterRevision: rate(results.filter((r) => correct(r.row, r.outcome.decision)).length, results.length),
    revisions: results.filter((r) => r.outcome.revisedAtMs !== null).length,
    humans: humans.length,
    humanAsMachineRate: rate(humans.filter((r) => isMachine(r.outcome.decision) || isMachine(r.outcome.firstDecision)).length, humans.length),
    machines: machines.length,
    machineAsHumanRate: rate(machines.filter((r) => r.outcome.firstDecision === 'human').length, machines.length),
    withdrawn: {
      humans: humans.filter((r) => r.outcome.withdrawnAfterMs !== null).length,
      machines: machines.filter((r) => r.outcome.withdrawnAfterMs !== null).length,
      afterMs: summarize(results.flatMap((r) => (r.outcome.withdrawnAfterMs === null ? [] : [r.outcome.withdrawnAfterMs]))),
    },
    decisionMs: {
      all: summarize(results.map((r) => r.outcome.timeToDecisionMs)),
      humans: summarize(humans.map((r) => r.outcome.timeToDecisionMs)),
      shortHumans: summarize(humans.filter((r) => r.truth.speech[0]!.endMs - r.truth.speech[0]!.startMs <= SHORT_ANSWER_MS).map((r) => r.outcome.timeToDecisionMs)),
      machines: summarize(machines.map((r) => r.outcome.timeToDecisionMs)),
    },
    humanAfterSpeechMs: summarize(humans.filter((r) => r.outcome.firstDecision === 'human' && r.outcome.withdrawnAfterMs === null).map((r) => r.outcome.timeToDecisionMs - r.truth.speech[0]!.endMs)),
    beep: {
      cases: withBeep.length,
      reached: onBeep.length,
      spokeBeforeBeep: withBeep.filter((r) => r.outcome.ready && r.outcome.ready.sinceAnswerMs < r.truth.beep!.endMs - 50).length,
      timingErrorMs: summarize(onBeep.map((r) => Math.abs(r.outcome.ready!.sinceAnswerMs - r.truth.beep!.endMs))),
      frequencyErrorHz: summarize(onBeep.map((r) => Math.abs(r.outcome.ready!.beepHz! - r.truth.beep!.frequencyHz))),
    },
    greetingEnd: {
      cases: noBeep.length,
      spokeDuringGreeting: noBeep.filter((r) => r.outcome.ready && r.outcome.ready.sinceAnswerMs < r.truth.speech.at(-1)!.endMs).length,
      afterGreetingMs: summarize(noBeep.filter((r) => r.outcome.ready).map((r) => r.outcome.ready!.sinceAnswerMs - r.truth.speech.at(-1)!.endMs)),
    },
    cpuMsPerAudioS: rate(results.reduce((s, r) => s + r.outcome.cpuMs, 0), results.reduce((s, r) => s + r.audioMs, 0) / 1000),
  };
}

/** Result file of `pnpm bench:amd`. */
export interface AmdReport {
  kind: 'amd';
  date: string;
  machine: MachineInfo;
  params: { short: boolean; split: string; cases: number; asrLagMs: number; configs: Record<string, string> };
  /** Scores per configuration and split ("tune", "heldout", "added", "all"). */
  scores: Record<string, Record<string, ConfigScore>>;
  /** What each case really holds (ms from answer; speech as [start, end] per piece). */
  cases: { id: string; split: string; row: TruthRow; audioMs: number; beep: CaseTruth['beep']; speech: [number, number][] }[];
  /** Each configuration's outcome per case: first and last decision, ms to the first, revision, voicemail-ready, the beep and cues found. */
  outcomes: Record<string, { id: string; first: AmdDecision; decision: AmdDecision; reason: string; ms: number; revisedMs: number | null; ready: Outcome['ready']; beep: unknown; cues: string[]; cpuMs: number }[]>;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const f = (v: number | null) => (v === null ? '–' : `${Math.round(v)}`);
const ms = (s: Summary) => `${f(s.p50)} / ${f(s.p95)}`;

/** Markdown: the machine, a table of the headline numbers per configuration and split, the confusion matrices. */
export function renderMarkdown(r: AmdReport): string {
  const m = r.machine;
  const lines: string[] = [
    `Run ${r.date} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.os}, Node ${m.node}; load average at start ${m.loadAvg1}.`,
    `${r.params.cases} cases${r.params.short ? ' (short CI mode)' : ''}, split ${r.params.split}. Configurations:`,
    ...Object.entries(r.params.configs).map(([k, v]) => `- \`${k}\`: ${v}`),
    '',
    '| configuration | split | n | accuracy (first decision) | after revisions | humans → machine | machines → human | quick human withdrawn: people / machines, after P50 / max ms | decision P50 / P95 ms (all) | humans P50 / P95 ms | humans with ≤ 1 s answers P50 / P95 ms | humans: after their speech P50 / P95 ms | beep reached | beep timing error P50 / P95 ms | beep frequency error max Hz | spoke before beep | no beep: ready after greeting P50 / P95 ms | CPU ms per audio s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, splits] of Object.entries(r.scores)) {
    for (const [split, s] of Object.entries(splits)) {
      const hm = Math.round(s.humanAsMachineRate * s.humans);
      const mh = Math.round(s.machineAsHumanRate * s.machines);
      lines.push(
        `| ${name} | ${split} | ${s.cases} | ${pct(s.accuracy)} | ${pct(s.accuracyAfterRevision)} (${s.revisions} revised) | ${hm}/${s.humans} (${pct(s.humanAsMachineRate)}) | ${mh}/${s.machines} (${pct(s.machineAsHumanRate)}) | ${s.withdrawn.humans} / ${s.withdrawn.machines}, ${f(s.withdrawn.afterMs.p50)} / ${f(s.withdrawn.afterMs.max)} | ${ms(s.decisionMs.all)} | ${ms(s.decisionMs.humans)} | ${ms(s.decisionMs.shortHumans)} (n ${s.decisionMs.shortHumans.count}) | ${ms(s.humanAfterSpeechMs)} | ${s.beep.reached}/${s.beep.cases} | ${ms(s.beep.timingErrorMs)} | ${f(s.beep.frequencyErrorHz.max)} | ${s.beep.spokeBeforeBeep} | ${ms(s.greetingEnd.afterGreetingMs)} | ${s.cpuMsPerAudioS.toFixed(2)} |`,
      );
    }
  }
  // The floor of any silence rule: a person's first words must end before a pause can follow them.
  const floor = (split: string) => summarize(r.cases.filter((c) => c.row === 'human' && (split === 'all' || c.split === split)).map((c) => c.speech[0]![1]));
  const floors = ['tune', 'heldout', 'added', 'all'].map((sp) => [sp, floor(sp)] as const).filter(([, x]) => x.count > 0);
  if (floors.length) lines.push('', `People's first words end (ms from answer, P50 / P95) — no rule that waits for a pause after them can decide earlier: ${floors.map(([sp, x]) => `${sp} ${ms(x)} (n ${x.count})`).join(', ')}.`);
  for (const [name, splits] of Object.entries(r.scores)) {
    const s = splits.all ?? Object.values(splits)[0]!;
    lines.push('', `Confusion matrix, \`${name}\`, all cases (rows: truth, columns: first decision):`, '', `| truth \\ decision | ${DECISIONS.join(' | ')} |`, `|---|${DECISIONS.map(() => '---').join('|')}|`);
    for (const row of TRUTH_ROWS) lines.push(`| ${row} | ${DECISIONS.map((d) => s.confusion[row][d]).join(' | ')} |`);
  }
  return lines.join('\n');
}
