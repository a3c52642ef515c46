/**
 * Phrases only an answering machine or a carrier's voicemail says, matched in the callee's
 * transcript. Multi-word phrases on purpose: a person may say "message" or "tone", rarely "leave a
 * message". Sources: the greetings of carrier voicemail systems and agents-js' AMD prompt examples
 * (`agents/src/voice/amd.ts`: "leave a message", "mailbox … hasn't been set up", "away from my desk").
 */
export const DEFAULT_MACHINE_CUES: readonly string[] = [
  'leave a message',
  'leave me a message',
  'leave your message',
  'leave a brief message',
  'leave your name',
  'after the tone',
  'after the beep',
  'at the tone',
  'at the beep',
  'record your message',
  'not available',
  'unavailable',
  "can't come to the phone",
  'cannot come to the phone',
  "can't take your call",
  'cannot take your call',
  'unable to take your call',
  'unable to answer',
  'voicemail',
  'voice mail',
  'mailbox',
  'you have reached',
  "you've reached",
  'get back to you',
  'return your call',
  'away from my desk',
  'automated voice messaging',
  'has been forwarded',
  'when you have finished recording',
];

/** Lower case, apostrophes kept, everything else that is not a letter or digit becomes one space. */
export function normalizeTranscript(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^a-z0-9']+/g, ' ')
    .trim()} `;
}

/**
 * Finds machine phrases in a growing transcript. Snippets are joined with spaces, so a phrase split
 * across two snippets still matches; each phrase is reported once.
 */
export class CueMatcher {
  readonly #cues: { cue: string; padded: string }[];
  readonly #found = new Set<string>();
  #text = ' ';

  /** @param cues phrases to look for (normalised like the transcript) */
  constructor(cues: readonly string[] = DEFAULT_MACHINE_CUES) {
    this.#cues = cues.map((cue) => ({ cue, padded: normalizeTranscript(cue) })).filter((c) => c.padded.trim() !== '');
  }

  /** Appends a snippet; returns the phrases it completed (empty when none). */
  push(snippet: string): string[] {
    const add = normalizeTranscript(snippet).trim();
    if (!add) return [];
    // Keep only the tail the longest phrase can still need, so a long call does not grow memory.
    const t = this.#text;
    this.#text = `${t.length > 400 ? t.slice(t.indexOf(' ', t.length - 400)) : t}${add} `;
    const hits: string[] = [];
    for (const { cue, padded } of this.#cues) {
      if (!this.#found.has(cue) && this.#text.includes(padded)) {
        this.#found.add(cue);
        hits.push(cue);
      }
    }
    return hits;
  }
}
