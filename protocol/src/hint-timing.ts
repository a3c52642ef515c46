/**
 * The page's default end-of-turn hint timing, ms (widget option `vadRedemptionMs`, EndOfTurnHints):
 * the tentative hint after `tentativeMs` of silence, the final one after `redemptionMs`, for speech
 * of at least `minSpeechMs` voiced. The agent
 * takes their difference as how soon a final hint follows a tentative one until a call shows it.
 * Its own module (no zod) so the widget's pre-click bundle can import it.
 */
export const PAGE_HINT_DEFAULTS = {
  tentativeMs: 96,
  redemptionMs: 300,
  /**
   * Voiced time a speech needs before it can end a turn, ms: four 32 ms frames. A one-word answer
   * ("yes", "no" — what a read-back asks for) has only ~150–250 ms of voiced frames, so the 250 ms
   * of vad-web's default left it unanswered; four frames still keep clicks and blips out. Barge-in
   * over the agent keeps its own 250 ms rule (core/barge-in.ts).
   */
  minSpeechMs: 128,
} as const;
