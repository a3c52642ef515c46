import type { llm, voice } from '@livekit/agents';
import type { Logger } from 'pino';
import type { TurnTimelineRecorder } from './turn-timeline.ts';

/** Hints closer together than this (page clock) are one turn, ms. */
export const MIN_HINT_GAP_MS = 150;

/**
 * Ends the caller's turn when the page says so (`voice.end_of_turn` RPC, fast profile): commits
 * the model's input audio buffer and asks for the reply in the same tick — no 500 ms wait as in
 * `AgentSession.commitUserTurn()` (see turn-taking.ts). If the agent is still speaking, it is
 * interrupted first (the caller talked over it).
 */
export class EndOfTurnController {
  #lastSpeechEndMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly session: voice.AgentSession,
    private readonly realtime: () => llm.RealtimeSession | undefined,
    private readonly timeline: TurnTimelineRecorder,
    private readonly log: Logger,
  ) {}

  /**
   * Handles a hint whose caller speech ended at `speechEndMs` (page clock).
   * Returns false when ignored: a duplicate of the previous hint, or no model session yet.
   */
  onHint(speechEndMs: number): boolean {
    const rt = this.realtime();
    if (!rt || speechEndMs < this.#lastSpeechEndMs + MIN_HINT_GAP_MS) return false;
    this.#lastSpeechEndMs = speechEndMs;
    if (this.session.agentState === 'speaking') void this.session.interrupt();
    this.timeline.markEndOfTurn('client_hint');
    void rt.commitAudio();
    this.session.generateReply();
    this.log.debug('turn ended by the page hint');
    return true;
  }
}
