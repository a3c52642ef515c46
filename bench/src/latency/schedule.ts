import type { AudioClass, Utterance } from '../audio-set.ts';

/** One call to make: which configuration, behind which network, saying which utterances. */
export interface ScheduledCall {
  network: string;
  config: string;
  utterances: Utterance[];
  /** Block number: every (network, configuration) of a block says the same utterances. */
  block: number;
}

/**
 * Orders utterances so that consecutive ones come from different classes (round robin over the
 * classes, each class in manifest order): every block of a call then mixes the classes.
 */
export function interleaveClasses(set: readonly Utterance[]): Utterance[] {
  const byClass = new Map<AudioClass, Utterance[]>();
  for (const u of set) byClass.set(u.cls, [...(byClass.get(u.cls) ?? []), u]);
  const queues = [...byClass.values()];
  const out: Utterance[] = [];
  while (queues.some((q) => q.length)) for (const q of queues) if (q.length) out.push(q.shift()!);
  return out;
}

/**
 * The calls of a run, interleaved: the utterances go in blocks of `perCall`; for each block,
 * every (network, configuration) pair gets one call saying that block, and the order of the pairs
 * rotates from block to block — so no configuration always goes first after a quiet moment, and
 * every configuration meets the same audio under the same load. `turnsPerNetwork` caps how many
 * utterances a network gets (its first blocks).
 */
export function scheduleCalls(
  utterances: readonly Utterance[],
  configsByNetwork: Record<string, readonly string[]>,
  perCall: number,
  turnsPerNetwork: Record<string, number>,
): ScheduledCall[] {
  const calls: ScheduledCall[] = [];
  const blocks = Math.ceil(utterances.length / perCall);
  for (let b = 0; b < blocks; b++) {
    const block = utterances.slice(b * perCall, (b + 1) * perCall);
    const pairs = Object.entries(configsByNetwork)
      .filter(([network]) => b * perCall < (turnsPerNetwork[network] ?? Number.POSITIVE_INFINITY))
      .flatMap(([network, configs]) => configs.map((config) => ({ network, config })));
    if (pairs.length === 0) continue;
    const shift = b % pairs.length;
    for (const p of [...pairs.slice(shift), ...pairs.slice(0, shift)]) {
      const cap = (turnsPerNetwork[p.network] ?? Number.POSITIVE_INFINITY) - b * perCall;
      calls.push({ ...p, utterances: block.slice(0, cap), block: b });
    }
  }
  return calls;
}
