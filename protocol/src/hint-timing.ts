/**
 * The page's default end-of-turn hint timing, ms (widget option `vadRedemptionMs`, EndOfTurnHints):
 * the tentative hint after `tentativeMs` of silence, the final one after `redemptionMs`. The agent
 * takes their difference as how soon a final hint follows a tentative one until a call shows it.
 * Its own module (no zod) so the widget's pre-click bundle can import it.
 */
export const PAGE_HINT_DEFAULTS = { tentativeMs: 96, redemptionMs: 300 } as const;
