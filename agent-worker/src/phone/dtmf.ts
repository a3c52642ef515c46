/**
 * Keypad input of phone callers (DTMF, RFC 4733 events that livekit-sip turns into
 * `RoomEvent.DtmfReceived`). The menu the greeting announces:
 *
 *   1 or 0      → a person (transfer_to_human), at once
 *   digits + #  → the digits as the caller's input (e.g. an order number)
 *   *           → clears digits typed so far
 *
 * Digits without `#` are taken as input after a pause ({@link DTMF_PAUSE_MS}).
 */

/** What the agent does with keypad input. */
export type DtmfAction = { type: 'person' } | { type: 'digits'; digits: string };

/** Pause after the last digit that ends an entry without `#`, ms. */
export const DTMF_PAUSE_MS = 2500;

/** Collects keypad digits into actions. Pure: the caller runs the pause timer and calls {@link flush}. */
export class DtmfCollector {
  #digits = '';

  /** Feeds one key (`0-9`, `*`, `#`; others ignored). Returns the action it completes, if any. */
  press(key: string): DtmfAction | null {
    if (key === '*') {
      this.#digits = '';
      return null;
    }
    if (key === '#') return this.flush();
    if (!/^[0-9]$/.test(key)) return null;
    if (this.#digits === '' && (key === '1' || key === '0')) return { type: 'person' };
    this.#digits = (this.#digits + key).slice(-32);
    return null;
  }

  /** Ends the entry (pause or `#`): the digits typed so far, or null when none. */
  flush(): DtmfAction | null {
    const digits = this.#digits;
    this.#digits = '';
    return digits ? { type: 'digits', digits } : null;
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
export const PERSON_BY_KEYPAD = 'I pressed 1 on the keypad: I want to talk to a person.';
