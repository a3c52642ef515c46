/**
 * The end-of-turn hint: when the client VAD decides the caller stopped (its speech-end decision,
 * `redemptionMs` of silence after the last voiced frame, default 300 ms), the widget tells the
 * agent `voice.end_of_turn {speechEndMs}` with the end of the **last voiced frame** (the same
 * speechEnd the latency meter uses), so the agent can answer without waiting for its own silence
 * timer. Fire-and-forget: the agent may ignore it.
 *
 * No hint is sent for speech the agent talked through without being interrupted (a backchannel
 * like "mm-hm" or a cough during the agent's reply is not a turn), and never twice for one speech end.
 */
export class EndOfTurnHints {
  #lastVoicedEndMs: number | null = null;
  #overlappedAgent = false;
  #bargedIn = false;
  #lastSentMs: number | null = null;

  /** Feeds one VAD frame (`voiced` = probability ≥ the positive threshold). */
  frame(endMs: number, voiced: boolean, agentSpeaking: boolean): void {
    if (!voiced) return;
    this.#lastVoicedEndMs = endMs;
    if (agentSpeaking) this.#overlappedAgent = true;
  }

  /** The barge-in rule stopped the agent during this speech. */
  bargeIn(): void {
    this.#bargedIn = true;
  }

  /** The VAD decided the speech ended; returns the hint to send, or null. Starts a new segment. */
  speechEnd(): { speechEndMs: number } | null {
    const end = this.#lastVoicedEndMs;
    const talkedThrough = this.#overlappedAgent && !this.#bargedIn;
    this.#overlappedAgent = false;
    this.#bargedIn = false;
    if (end === null || talkedThrough || end === this.#lastSentMs) return null;
    this.#lastSentMs = end;
    return { speechEndMs: end };
  }
}
