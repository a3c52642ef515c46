import { DTMF_NO, DTMF_YES } from './confirmation.ts';

/** One thing the caller said, typed or pressed. */
export interface CallerTurn {
  /** The words (transcript or typed text), or `dtmf:<digit>`. */
  text: string;
  /** When it reached the conversation, ms since epoch (agent clock). */
  atMs: number;
}

type Entry = ({ kind: 'caller' } & CallerTurn) | { kind: 'agent'; atMs: number } | { kind: 'agent_speaking'; atMs: number };

/** A point in the conversation: where a read-back was asked for. */
export interface LogMark {
  index: number;
}

/**
 * The conversation as the guard needs it: the caller's turns (user messages and keypad answers)
 * and the moments the agent finished saying something, in order. The guard checks the caller's
 * answer *after the agent said the read-back* — a caller transcript that reaches the conversation
 * late (a realtime model may call a tool before the transcript of the turn that asked for it
 * arrives) is never mistaken for the answer.
 */
export class ConversationLog {
  #entries: Entry[] = [];
  #waiters: (() => void)[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** A user message was added to the conversation, or the caller pressed a key that answers a read-back. */
  addCaller(text: string): CallerTurn {
    const turn = { text: text.trim().slice(0, 500), atMs: this.now() };
    this.#push({ kind: 'caller', ...turn });
    return turn;
  }

  /** An agent message was added (said in full, or cut short by the caller). */
  addAgent(): void {
    this.#push({ kind: 'agent', atMs: this.now() });
  }

  /**
   * The agent's audio began playing (its state went to `speaking`). A caller who answers before
   * the agent has finished — typing "yes" as the read-back's last words play, or saying it over
   * them — interrupts it, and the interrupted message is added only once its playout has stopped,
   * after the caller's: without this mark the answer would come *before* the agent's message.
   */
  agentSpeaking(): void {
    this.#push({ kind: 'agent_speaking', atMs: this.now() });
  }

  /** The current end of the log. */
  mark(): LogMark {
    return { index: this.#entries.length };
  }

  /**
   * The caller's answer to what the agent said after `mark`: the first caller turn after the first
   * agent message following the mark; a keypad answer (`dtmf:1`/`dtmf:2`) counts from the mark
   * itself (a key can be pressed while the read-back plays). A turn that came while the agent was
   * still speaking (after an {@link agentSpeaking} mark, before its message) counts only when
   * `whileSpeaking` accepts it — a clear yes or no — since a late transcript of the request that
   * asked for the change can also arrive then. Undefined if there is none yet.
   */
  answerAfter(mark: LogMark, whileSpeaking: (text: string) => boolean = () => false): CallerTurn | undefined {
    let agentSpoke = false;
    let speaking = false;
    for (let i = mark.index; i < this.#entries.length; i++) {
      const e = this.#entries[i]!;
      if (e.kind === 'agent') agentSpoke = true;
      else if (e.kind === 'agent_speaking') speaking = true;
      else if (agentSpoke || e.text === DTMF_YES || e.text === DTMF_NO || (speaking && whileSpeaking(e.text))) return { text: e.text, atMs: e.atMs };
    }
    return undefined;
  }

  /** {@link answerAfter}, waiting up to `timeoutMs` for it. */
  async waitAnswerAfter(mark: LogMark, timeoutMs: number, whileSpeaking?: (text: string) => boolean): Promise<CallerTurn | undefined> {
    const deadline = this.now() + timeoutMs;
    while (!this.answerAfter(mark, whileSpeaking)) {
      const left = deadline - this.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.answerAfter(mark, whileSpeaking);
  }

  #push(e: Entry): void {
    this.#entries.push(e);
    if (this.#entries.length > 2_000) this.#entries.splice(0, 1_000); // a very long call: old turns cannot be answers any more
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
