import type { llm, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { PAGE_HINT_DEFAULTS } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import { EOT_UNLIKELY_THRESHOLD, type EotResult } from './eot.ts';
import type { ModelResponses } from '../model/model-responses.ts';
import type { TurnTimelineRecorder } from '../timeline/turn-timeline.ts';
import { interruptIfAllowed } from '../session/interrupt.ts';

/** Hints whose speech ends are closer than this (page clock) are about the same turn, ms. */
export const SAME_TURN_MS = 150;

/**
 * 100 ms of silence at the plugin's input format (PCM16 mono 24 kHz). The plugin sends the model
 * audio in 100 ms chunks and its commit does not flush a partial one: pushing this first sends the
 * caller's last words now instead of dropping them or waiting for more audio.
 */
const FLUSH = new AudioFrame(new Int16Array(2_400), 24_000, 1, 2_400);

/** How long a new reply waits for a cancelled one to end at the model, ms. */
export const CANCEL_WAIT_MS = 1_000;

/** What {@link EndOfTurnController} may use besides the session. */
export interface EndOfTurnOptions {
  /** LiveKit's end-of-turn model; without it a tentative hint's reply is withdrawn only when the caller goes on. */
  model?: EndOfTurnModel;
  /**
   * The fastest model reply (`response.created` → first audio delta, ms) the agent's earlier calls
   * showed (the server's `AgentConfigResponse.modelFirstAudioMs`); null or absent = unknown, and
   * the first turn asks the end-of-turn model until this call's own replies show their speed.
   */
  earlierModelFirstAudioMs?: number | null;
  /** Clock of the hint gaps, ms (performance.now by default). */
  now?: () => number;
}

/** The part of a SpeechHandle this controller uses. */
interface Reply {
  interrupt(): unknown;
}

/** A turn the agent ended; `reply` is set once the model is free to answer it. */
interface EndedTurn {
  speechEndMs: number;
  withdrawn: boolean;
  reply?: Reply;
}

/** Asks LiveKit's end-of-turn model about the caller's latest audio (eot.ts); null = no opinion. */
export type EndOfTurnModel = () => Promise<EotResult | null>;

/**
 * Ends the caller's turn when the page says so (fast profile), and starts the reply at once:
 * commits the model's input audio buffer and calls `generateReply()` in the same tick — not
 * `AgentSession.commitUserTurn()`, which waits ~1 s in @livekit/agents 1.9 (`pnpm bench:commit`).
 *
 * Speculative turns: the page sends a tentative hint after a short pause (`final: false`) and
 * the final one after its full redemption time. The reply starts on the tentative hint, so the
 * model's time to first audio overlaps the rest of the redemption; if the caller goes on talking
 * (`voice.speech_resumed`) the speculative reply is withdrawn before it is heard. The committed
 * words stay in the conversation; the rest of the sentence follows as the next user message.
 *
 * With an end-of-turn model, the speculative reply starts at once and the model is asked in
 * parallel (~50 ms here); if the caller's audio sounds unfinished (probability below LiveKit's
 * "unlikely" threshold) the reply is withdrawn before it is heard, and answered only on the final
 * hint. Asking first would put the model's answer time on every turn's path.
 *
 * The model is asked only when its answer can change what the caller hears: when the reply's
 * first audio could come before the final hint. Once a session has shown that the final hint
 * follows the tentative one sooner (page redemption − tentative wait, ~200 ms by default) than the
 * model's fastest first audio (≥ its TTFA, ~300 ms and more for cloud models), an "unfinished"
 * verdict could only withdraw a reply nobody would have heard yet — and delay it to the final
 * hint — so the model is not asked (and its inference not paid for). Until a call shows its gap,
 * the page's default timing stands for it (PAGE_HINT_DEFAULTS). The model's speed is the least
 * this call's replies or the agent's earlier calls (from the server) showed; with neither — the
 * agent's first call, or a cached greeting before any reply — the model is asked.
 *
 * A reply is only requested once the model has no response in progress (a cancelled one ends at
 * its `response.done`), or the model would refuse it.
 */
export class EndOfTurnController {
  #lastSpeechEndMs = Number.NEGATIVE_INFINITY;
  #speculative: EndedTurn | null = null;
  /** When the pending speculative turn's tentative hint arrived (`now()` clock, ms). */
  #tentativeAt: number | null = null;
  /** Longest tentative → final hint gap seen in this session, ms; null before one was seen (the page's default applies). */
  #finalGapMs: number | null = null;
  /** A turn whose speculative reply the end-of-turn model withdrew: the final hint answers it. */
  #held: EndedTurn | null = null;

  private readonly eot: EndOfTurnModel | undefined;
  private readonly earlierModelMs: number | null;
  private readonly now: () => number;

  constructor(
    private readonly session: voice.AgentSession,
    private readonly realtime: () => llm.RealtimeSession | undefined,
    private readonly timeline: TurnTimelineRecorder,
    private readonly responses: ModelResponses,
    private readonly log: Logger,
    options: EndOfTurnOptions = {},
  ) {
    this.eot = options.model;
    this.earlierModelMs = options.earlierModelFirstAudioMs ?? null;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Handles a hint whose caller speech ended at `speechEndMs` (page clock).
   * Returns false when ignored: a repeat of the last hint, or no model session yet.
   */
  onHint(speechEndMs: number, final = true): boolean {
    const spec = this.#speculative;
    if (spec && Math.abs(speechEndMs - spec.speechEndMs) < SAME_TURN_MS) {
      if (final) {
        this.#speculative = null; // confirmed: the reply already started
        this.#noteFinalHint();
      }
      return true;
    }
    const held = this.#held;
    if (held && final && Math.abs(speechEndMs - held.speechEndMs) < SAME_TURN_MS) {
      // The words were committed at the tentative hint; the redemption time confirms the turn, and
      // the reply's timeline counts its end from now (the withdrawn reply took the tentative mark).
      this.#held = null;
      this.#noteFinalHint();
      this.timeline.markEndOfTurn('client_hint');
      void this.#reply({ speechEndMs, withdrawn: false });
      return true;
    }
    if (!this.realtime() || speechEndMs < this.#lastSpeechEndMs + SAME_TURN_MS) return false;
    const turn = this.#endTurn(speechEndMs, final);
    if (!final && turn && this.eot) {
      if (this.#eotCanChangeDecision()) void this.#askModel(turn, this.eot);
      else this.log.debug({ finalGapMs: this.#finalGapMs, fastestModelMs: this.#fastestModelMs() }, 'end-of-turn model not asked: the final hint comes first');
    }
    return true;
  }

  /**
   * Whether a coming tentative hint would ask the end-of-turn model (it has one, and its answer can
   * still change what the caller hears). Changes as the session learns its hint gap and the model's
   * fastest first audio; false for good once the final hint is known to come first.
   */
  get mayAskModel(): boolean {
    return this.eot !== undefined && this.#eotCanChangeDecision();
  }

  /** The final hint of the turn whose tentative hint started a reply arrived: how long after. */
  #noteFinalHint(): void {
    if (this.#tentativeAt !== null) this.#finalGapMs = Math.max(this.#finalGapMs ?? 0, this.now() - this.#tentativeAt);
    this.#tentativeAt = null;
  }

  /** The fastest model reply known: this session's or the agent's earlier calls', whichever is less; null = none yet. */
  #fastestModelMs(): number | null {
    const own = this.timeline.fastestModelMs;
    const earlier = this.earlierModelMs;
    return own === null ? earlier : earlier === null ? own : Math.min(own, earlier);
  }

  /** Whether a speculative reply could be heard before the final hint (see the class comment). */
  #eotCanChangeDecision(): boolean {
    const fastest = this.#fastestModelMs();
    const gap = this.#finalGapMs ?? PAGE_HINT_DEFAULTS.redemptionMs - PAGE_HINT_DEFAULTS.tentativeMs;
    return fastest === null || gap >= fastest;
  }

  /** The caller went on talking after a tentative hint; returns true if a reply was withdrawn. */
  onSpeechResumed(): boolean {
    this.#held = null;
    const spec = this.#speculative;
    if (!spec) return false;
    this.#withdraw(spec);
    this.log.debug('speculative reply withdrawn: the caller went on');
    return true;
  }

  #withdraw(turn: EndedTurn): void {
    if (this.#speculative === turn) this.#speculative = null;
    turn.withdrawn = true;
    turn.reply?.interrupt();
    // An interrupted SpeechHandle does not cancel a response the model already started: do it,
    // so the model is free for the caller's whole sentence.
    if (this.responses.active) void this.realtime()?.interrupt();
  }

  async #askModel(turn: EndedTurn, eot: EndOfTurnModel): Promise<void> {
    const result = await eot();
    const unfinished = result !== null && result.probability < EOT_UNLIKELY_THRESHOLD;
    const pending = this.#speculative === turn; // not yet confirmed by the final hint nor withdrawn
    this.log.debug({ eot: result, speculate: !(unfinished && pending) }, 'end-of-turn model on a tentative hint');
    if (!unfinished || !pending) return;
    this.#withdraw(turn);
    this.#held = turn;
  }

  #endTurn(speechEndMs: number, final: boolean): EndedTurn | null {
    const rt = this.realtime();
    if (!rt) return null;
    this.#lastSpeechEndMs = speechEndMs;
    if (this.session.agentState === 'speaking') interruptIfAllowed(this.session);
    this.timeline.markEndOfTurn('client_hint');
    rt.pushAudio(FLUSH);
    void rt.commitAudio();
    const turn: EndedTurn = { speechEndMs, withdrawn: false };
    this.#speculative = final ? null : turn;
    this.#tentativeAt = final ? null : this.now();
    void this.#reply(turn);
    this.log.debug({ final }, 'turn ended by the page hint');
    return turn;
  }

  async #reply(turn: EndedTurn): Promise<void> {
    if (this.responses.active) await this.responses.idle(CANCEL_WAIT_MS);
    if (!turn.withdrawn) turn.reply = this.session.generateReply();
  }
}
