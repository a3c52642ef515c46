/**
 * Keypad input of phone callers (DTMF, RFC 4733 events that livekit-sip turns into
 * `RoomEvent.DtmfReceived`). What a key means depends on what the agent is waiting for:
 *
 *   any mode        0 as the first key → a person, at once (the operator key)
 *   menu (default)  digits + # → the caller's input (an order number: 1042#); a lone 1 → a person
 *   code            digits + # → a verification code
 *   confirm         1 → yes, 2 → no (to a change the agent just read back)
 *   *               clears digits typed so far
 *
 * Digits without `#` end after a pause ({@link DTMF_PAUSE_MS}). A lone 1 waits for that pause (or
 * #) so that numbers starting with 1 can be typed.
 */

/** What the agent is waiting for, which decides what a key means. */
export type KeypadMode = 'menu' | 'code' | 'confirm';

/** What the agent does with keypad input. */
export type DtmfAction =
  | { type: 'person' }
  | { type: 'digits'; digits: string }
  | { type: 'code'; digits: string }
  | { type: 'confirm'; yes: boolean };

/** Pause after the last digit that ends an entry without `#`, ms. */
export const DTMF_PAUSE_MS = 2500;

/** Collects keypad digits into actions. Pure: the caller runs the pause timer and calls {@link flush}. */
export class DtmfCollector {
  #digits = '';
  #mode: KeypadMode = 'menu';

  /** Feeds one key (`0-9`, `*`, `#`; others ignored) in `mode`. Returns the action it completes, if any. */
  press(key: string, mode: KeypadMode = 'menu'): DtmfAction | null {
    this.#mode = mode;
    if (key === '*') {
      this.#digits = '';
      return null;
    }
    if (key === '#') return this.flush();
    if (!/^[0-9]$/.test(key)) return null;
    if (this.#digits === '' && key === '0') return { type: 'person' };
    if (mode === 'confirm' && this.#digits === '' && (key === '1' || key === '2')) return { type: 'confirm', yes: key === '1' };
    this.#digits = (this.#digits + key).slice(-32);
    return null;
  }

  /** Ends the entry (pause or `#`): the digits typed so far, or null when none. */
  flush(): DtmfAction | null {
    const digits = this.#digits;
    this.#digits = '';
    if (!digits) return null;
    if (digits === '1' && this.#mode !== 'confirm') return { type: 'person' };
    return this.#mode === 'code' ? { type: 'code', digits } : { type: 'digits', digits };
  }

  /** True while digits are waiting for `#` or the pause. */
  get pending(): boolean {
    return this.#digits !== '';
  }
}

/** The caller's input the agent's model gets for an entry of digits. */
export function digitsAsInput(digits: string): string {
  return `I typed ${digits.split('').join(' ')} on the keypad.`;
}

/** The caller's input for "a person, please" by keypad (the model is made to transfer). */
export const PERSON_BY_KEYPAD = 'I pressed 0 on the keypad: I want to talk to a person.';
