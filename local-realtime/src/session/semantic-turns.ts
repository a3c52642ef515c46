import { words } from '../responder/text.ts';
import type { TurnDetectionConfig } from './session-config.ts';

/**
 * How long a pause must last to end the caller's turn, ms.
 *
 * `server_vad`: `silence_duration_ms`, as configured.
 * `semantic_vad` (a local stand-in for the cloud's semantic model): a base pause by eagerness
 * (high 250 ms, medium/auto 400 ms, low 700 ms), lengthened by 1 000 ms (high), 1 200 ms
 * (medium/auto) or 2 000 ms (low) when the words recognized so far end like an unfinished sentence
 * ("…and", "…my", "…um"). The words come from the speculative transcript taken at the pause's first
 * silent frame, so this costs nothing when the sentence is complete.
 */
const SEMANTIC: Record<'low' | 'medium' | 'high' | 'auto', { base: number; extra: number }> = {
  high: { base: 250, extra: 1_000 },
  medium: { base: 400, extra: 1_200 },
  auto: { base: 400, extra: 1_200 },
  low: { base: 700, extra: 2_000 },
};

const UNFINISHED = new Set([
  'and', 'or', 'but', 'so', 'because', 'if', 'then', 'that', 'which', 'the', 'a', 'an', 'my', 'your', 'our',
  'to', 'of', 'for', 'with', 'in', 'on', 'at', 'about', 'from', 'is', 'are', 'was', 'um', 'uh', 'er', 'erm', 'like',
]);

/** True when `text` ends with a word that usually continues a sentence. */
export function soundsUnfinished(text: string): boolean {
  const last = words(text).at(-1);
  return last !== undefined && UNFINISHED.has(last);
}

/** Silence that ends a turn under `config`, given the words heard so far (null: not known yet), ms. */
export function silenceMsFor(config: TurnDetectionConfig | null, heardSoFar: string | null): number {
  if (config === null) return 500; // manual turns: only used to time speculative recognition
  if (config.type === 'server_vad') return config.silence_duration_ms;
  const { base, extra } = SEMANTIC[config.eagerness];
  return heardSoFar !== null && soundsUnfinished(heardSoFar) ? base + extra : base;
}

/** Longest pause between words that is not yet treated as a possible end of turn, ms. */
const WORD_GAP_MS = 150;
/** Time PocketSphinx needs to print its result once stdin closes, with margin, ms. */
const FINALIZE_MS = 100;

/**
 * After how much silence the recognizer is finalized speculatively, ms: 150 ms (longer than most
 * gaps between words, so a sentence is not re-decoded at every gap), but at least 100 ms before the
 * turn would end so the transcript is ready by then.
 */
export function pauseMsFor(silenceMs: number): number {
  return Math.max(0, Math.min(WORD_GAP_MS, silenceMs - FINALIZE_MS));
}
