import type { OutboundEvent } from '@voice-widget/protocol';
import type { AmdDecisionEvent, AmdEvent, AmdVoicemailReadyEvent } from './amd/index.ts';
import type { OutboundScript } from './script.ts';

/** How the conductor speaks and listens; agent.ts backs it with the AgentSession, tests with a fake. */
export interface OutboundVoice {
  /**
   * Says `text` verbatim. `started` resolves with the moment its audio started playing (ms since
   * epoch; null if it never played), `done` once it has played out (or was interrupted).
   */
  say(text: string, opts: { interruptible: boolean }): { started: Promise<number | null>; done: Promise<void> };
  /** Lets the callee's audio reach the model (turn-taking, barge-in) — off until a person is decided. */
  listen(on: boolean): void;
  /** Stops what the agent is saying. */
  interrupt(): void;
  /**
   * Holds the agent's audio back (`true`: replies are still generated, nothing plays) or lets it
   * play (`false`: what was held plays now, in order).
   */
  hold(on: boolean): void;
  /** Ends the call (SIP BYE). */
  hangUp(reason: string): Promise<void>;
}

export type ConductorState = 'waiting' | 'conversing' | 'waiting_for_beep' | 'leaving_message' | 'done';

/**
 * Who answered → what the agent does, for one outbound call. Driven by the detector's events
 * (amd/), it never speaks before a decision and never over a greeting:
 * - `human`: the callee's audio goes to the model, the agent opens (AI disclosure, company, reason),
 *   then the call goes on as an inbound one (barge-in, tools, hand-off);
 * - `unknown`: the same with a neutral opener that fits a recording too;
 * - `machine_greeting` / `machine_beep`: the line stays muted to the model; once the detector says
 *   the message may start (the beep ended, or the greeting ended and the line stayed silent), the
 *   agent leaves the voicemail message (not interruptible) and hangs up — or hangs up at once with
 *   `onMachine: hang_up`;
 * - a beep soon after `human`/`unknown` (a short greeting that sounded like a person) revises the
 *   decision: the agent stops talking, mutes the line and leaves the message after that beep;
 * - a quick `human` (`short_answer_then_pause`, provisional) starts the opener at once but holds
 *   its audio until the detector confirms the pause (`amd_confirmed`); withdrawn (`speech_resumed`:
 *   speech or a tone again within the usual pause), the opener is interrupted before any of it
 *   played and the line muted; the next decision is acted on as the first would be.
 * Every step is reported (`report`) for the call's record: decisions with evidence, the opener,
 * the message's start relative to the beep's end, its end.
 */
export class OutboundConductor {
  #state: ConductorState = 'waiting';
  #beepEndSinceAnswerMs: number | null = null;
  /** The voice is held (a quick `human` awaiting confirmation). */
  #held = false;
  /** Which attempt at the voicemail message is current (0: none yet). */
  #messageAttempt: 0 | 1 | 2 = 0;

  constructor(
    private readonly script: OutboundScript,
    private readonly voice: OutboundVoice,
    private readonly report: (e: OutboundEvent) => void,
    private readonly opts: { answeredAtMs: number; onMachine: 'leave_message' | 'hang_up' },
  ) {}

  get state(): ConductorState {
    return this.#state;
  }

  /** Feeds one detector event. */
  handle(e: AmdEvent): void {
    if (e.type === 'amd_decision') this.#decision(e);
    else if (e.type === 'amd_voicemail_ready') this.#voicemailReady(e);
    else this.#release(); // amd_confirmed: the quick "person" stands, the opener may play
  }

  /** The callee hung up (or the call ended another way): nothing more to do. */
  end(): void {
    this.#state = 'done';
  }

  #decision(e: AmdDecisionEvent): void {
    this.report({ type: 'amd_decision', atMs: Math.round(e.atMs), decision: e.decision, reason: e.reason, revises: e.revises, timeToDecisionMs: e.timeToDecisionMs, evidence: e.evidence });
    if (this.#state === 'done') return;
    if (e.reason === 'speech_resumed') {
      // A quick "person" was withdrawn: the far side went on talking (a greeting's next phrase?).
      // Stop the opener — before it plays, when the model has not answered yet — mute, and wait.
      if (this.#state === 'conversing') {
        this.voice.interrupt();
        this.voice.listen(false);
        this.#state = 'waiting';
      }
      this.#release(); // after the interrupt: nothing held plays, later speech (the message) does
      return;
    }
    const machine = e.decision === 'machine_greeting' || e.decision === 'machine_beep';
    if (!machine) {
      if (this.#state !== 'waiting') return;
      this.#state = 'conversing';
      this.voice.listen(true);
      if (e.reason === 'short_answer_then_pause') {
        this.#held = true;
        this.voice.hold(true);
      }
      const opener = e.decision === 'human' ? 'human' : 'neutral';
      const { started } = this.voice.say(opener === 'human' ? this.script.humanOpener : this.script.neutralOpener, { interruptible: true });
      void started.then((at) => {
        if (at !== null) this.report({ type: 'opener_started', atMs: Math.round(at), sinceAnswerMs: Math.round(at - this.opts.answeredAtMs), opener });
      });
      return;
    }
    if (this.#state === 'conversing') {
      // A beep after a person-like answer: it was a recording. Stop talking over it.
      this.voice.interrupt();
      this.voice.listen(false);
    }
    this.#release();
    if (this.#state === 'waiting' || this.#state === 'conversing') this.#state = 'waiting_for_beep';
    if (this.opts.onMachine === 'hang_up') {
      this.#state = 'done';
      this.report({ type: 'machine_hangup', atMs: Date.now() });
      void this.voice.hangUp('answering machine');
    }
  }

  /** Lets held audio play (or, after an interrupt, later speech): once, whatever released it. */
  #release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.voice.hold(false);
  }

  #voicemailReady(e: AmdVoicemailReadyEvent): void {
    this.report({ type: 'voicemail_ready', atMs: Math.round(e.atMs), reason: e.reason, sinceAnswerMs: e.sinceAnswerMs, beep: e.beep });
    if (this.#state !== 'waiting_for_beep') return;
    this.#state = 'leaving_message';
    this.#beepEndSinceAnswerMs = e.beep?.endMs ?? null;
    this.#leaveMessage(1);
  }

  /**
   * Says the voicemail message (attempt 1), then hangs up. A message whose audio has not started
   * {@link VOICEMAIL_START_TIMEOUT_MS} after it was asked for is stopped and asked again, once
   * (attempt 2): seen once end to end, right after a reply in progress was interrupted at a late
   * beep — the agent's audio source refused the message's frames (rtc-node `InvalidState - failed
   * to capture frame`) and the voicemail got silence.
   */
  #leaveMessage(attempt: 1 | 2): void {
    this.#messageAttempt = attempt;
    const { started, done } = this.voice.say(this.script.voicemail, { interruptible: false });
    // Cleared once the audio starts or the message ends.
    const watchdog =
      attempt === 1
        ? setTimeout(() => {
            if (this.#state !== 'leaving_message') return;
            this.voice.interrupt();
            this.#leaveMessage(2);
          }, VOICEMAIL_START_TIMEOUT_MS)
        : undefined;
    void started.then((at) => {
      if (at === null || this.#messageAttempt !== attempt) return;
      clearTimeout(watchdog);
      const sinceAnswerMs = Math.round(at - this.opts.answeredAtMs);
      const afterBeepMs = this.#beepEndSinceAnswerMs === null ? null : sinceAnswerMs - Math.round(this.#beepEndSinceAnswerMs);
      this.report({ type: 'voicemail_started', atMs: Math.round(at), sinceAnswerMs, afterBeepMs });
    });
    void done.then(async () => {
      // A superseded attempt ends by our interrupt: the next one finishes the call.
      if (this.#state !== 'leaving_message' || this.#messageAttempt !== attempt) return;
      clearTimeout(watchdog);
      this.#state = 'done';
      const now = Date.now();
      this.report({ type: 'voicemail_finished', atMs: now, sinceAnswerMs: Math.round(now - this.opts.answeredAtMs) });
      await this.voice.hangUp('voicemail left');
    });
  }
}

/** A voicemail message whose audio has not started this long after it was asked for is asked again, once, ms. */
export const VOICEMAIL_START_TIMEOUT_MS = 4000;
