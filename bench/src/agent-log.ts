import { readFileSync } from 'node:fs';
import { type Summary, summarize } from '@voice-widget/protocol';

/** What the agent's own log says about the fast path's end-of-turn decisions in a run. */
export interface EndOfTurnLogStats {
  /** Tentative hints the end-of-turn model was asked about. */
  asked: number;
  /** Tentative hints it was not asked about: the final hint comes before any reply could be heard. */
  notAsked: number;
  /** … of which it let the reply start speculatively. */
  speculated: number;
  /** Speculative replies withdrawn because the caller went on. */
  withdrawn: number;
  /** End-of-turn model: request → answer, IPC to the inference process included, ms. */
  eotMs: Summary;
}

/**
 * Reads the agent worker's JSON log (pino, LOG_LEVEL=debug) of a benchmark stack: the lines
 * `end-of-turn model on a tentative hint`, `… not asked` and `speculative reply withdrawn` (agent-worker/src/turns/end-of-turn.ts).
 */
export function endOfTurnLogStats(logFile: string): EndOfTurnLogStats {
  let asked = 0;
  let notAsked = 0;
  let speculated = 0;
  let withdrawn = 0;
  const eotMs: number[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: string; speculate?: boolean; eot?: { totalMs?: number } | null };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.msg === 'end-of-turn model on a tentative hint') {
      asked++;
      if (entry.speculate) speculated++;
      if (typeof entry.eot?.totalMs === 'number') eotMs.push(entry.eot.totalMs);
    } else if (entry.msg === 'end-of-turn model not asked: the final hint comes first') {
      notAsked++;
    } else if (entry.msg === 'speculative reply withdrawn: the caller went on') {
      withdrawn++;
    }
  }
  return { asked, notAsked, speculated, withdrawn, eotMs: summarize(eotMs) };
}
