/**
 * Whether the caller's turn after a read-back is a yes. Deterministic and strict on purpose: a
 * state change happens only on a short, plain yes (or keypad 1); anything with a negation, a
 * "but", an instruction or more than a few words is not a yes, and the agent asks again.
 */

/** A caller's answer to a read-back. */
export type ConfirmationAnswer = 'yes' | 'no' | 'unclear';

/** What the keypad sends into the caller-turn log: `dtmf:1` (yes), `dtmf:2` (no). */
export const DTMF_YES = 'dtmf:1';
export const DTMF_NO = 'dtmf:2';

const YES = ['yes', 'yeah', 'yep', 'yup', 'yes please', 'correct', "that's correct", 'that is correct', 'right', "that's right", 'sure', 'ok', 'okay', 'confirm', 'confirmed', 'go ahead', 'do it', 'please do', 'absolutely', 'affirmative', 'exactly'];
const NO = ['no', 'nope', 'nah', "don't", 'do not', 'not', 'never', 'wrong', 'cancel', 'stop', 'wait', 'hold on', 'negative'];
/** Words that make a turn more than an answer (an added instruction or condition). */
const NOT_A_PLAIN_ANSWER = ['but', 'ignore', 'instead', 'also', 'and then', 'except', 'actually', 'every', 'all'];

/** Most words a plain answer has ("yes that's correct please go ahead" is 7). */
export const MAX_ANSWER_WORDS = 8;

const normalise = (text: string) =>
  ` ${text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^a-z0-9' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;
const has = (norm: string, phrases: readonly string[]) => phrases.some((p) => norm.includes(` ${p} `));

/**
 * Classifies the caller's turn after a read-back: `unclear` for anything long or with an extra
 * condition or instruction; else `no` for a negation; `yes` only for a short affirmative.
 */
export function classifyConfirmation(text: string): ConfirmationAnswer {
  if (text === DTMF_YES) return 'yes';
  if (text === DTMF_NO) return 'no';
  const norm = normalise(text);
  const words = norm.trim().split(' ').filter(Boolean).length;
  if (words === 0) return 'unclear';
  if (words > MAX_ANSWER_WORDS || has(norm, NOT_A_PLAIN_ANSWER)) return 'unclear';
  if (has(norm, NO)) return 'no';
  return has(norm, YES) ? 'yes' : 'unclear';
}
