import type { voice } from '@livekit/agents';
import { ParticipantKind, type RemoteParticipant, type Room, RoomEvent, RpcError, type RpcInvocationData } from '@livekit/rtc-node';
import { CONVERSATION_ATTRIBUTE, PersonHeardRequest, RPC_RATE_LIMITED, RpcMethod, type Speaker, parseRpcPayload } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import type { CallerLimits } from '../guard/caller-limits.ts';
import type { ServerClient } from '../server-api/client.ts';
import { interruptIfAllowed } from '../session/interrupt.ts';
import { NoteTaker } from './note-taker.ts';
import { isPerson } from './person.ts';
import type { TranscriptionEndpoint } from './transcriber.ts';

/** After the person left, how long the caller must still be there before the agent speaks again, ms. */
export const RESUME_AFTER_MS = 3_000;

/** What {@link Conversation} needs from the call. */
export interface ConversationDeps {
  room: Room;
  session: () => voice.AgentSession;
  server: Pick<ServerClient, 'handoffEvent'> | null;
  endpoint: TranscriptionEndpoint | null;
  /** The call's record (and live transcript). */
  recorder: { addLine(speaker: Speaker, text: string, atMs: number): void; markTransferred(): void };
  /** Says `text` word for word (resolves after playout). */
  say(text: string): Promise<void>;
  /** The caller left after the hand-over: the job ends. */
  shutdown(reason: string): void;
  /** The agent takes the conversation back (the person left): hand-offs may be asked for again. */
  onResumed?(): void;
  /** The caller's rate limits (session/caller-input.ts); `voice.person_heard` spends from them. */
  limits?: CallerLimits;
  log: Logger;
  now?: () => number;
}

/**
 * Who the caller talks to: the agent, or the person it handed over to. Handing over, the agent
 * leaves the conversation but stays in the room as a silent note-taker: it stops hearing the
 * caller (the model gets no audio, so it can neither answer nor be billed for it), ignores the
 * page's turn hints, keypad and typed messages for the model (typed text goes to the transcript),
 * marks itself `voice.conversation = person` for the widget and the console, and transcribes the
 * caller and the person (note-taker.ts) so the call record covers the whole call. The person's
 * first audio is reported — as the caller's page heard it (`voice.person_heard` RPC), else as the
 * room received it. If the person leaves while the caller stays, the agent takes the conversation
 * back and says so; if the caller leaves, the job ends.
 */
export class Conversation {
  #withAgent = true;
  #notes: NoteTaker | null = null;
  #handoffId: number | null = null;
  #person: RemoteParticipant | null = null;
  #resumeTimer: NodeJS.Timeout | undefined;
  readonly #now: () => number;

  constructor(private readonly deps: ConversationDeps) {
    this.#now = deps.now ?? Date.now;
  }

  /** True while the caller talks to the agent (its turns, keypad and typed messages go to the model). */
  get withAgent(): boolean {
    return this.#withAgent;
  }

  /**
   * The agent said its hand-off sentence to `person`: it leaves the conversation now. `restored`:
   * a resumed agent finds the caller already with the person (the hand-over happened before its
   * predecessor was lost), so it only takes notes again and reports no second `connected`.
   */
  async handOver(person: RemoteParticipant, handoffId: number, opts: { restored?: boolean } = {}): Promise<void> {
    const { room, log } = this.deps;
    this.#withAgent = false;
    this.#handoffId = handoffId;
    this.#person = person;
    this.deps.session().input.setAudioEnabled(false);
    this.deps.recorder.markTransferred();
    if (!opts.restored) this.#event({ type: 'connected', atMs: Math.round(this.#now()) });
    await room.localParticipant?.setAttributes({ [CONVERSATION_ATTRIBUTE]: 'person' }).catch((err: Error) => log.warn({ err: err.message }, 'attribute not set'));
    this.#notes = new NoteTaker({
      room,
      endpoint: this.deps.endpoint,
      addLine: (speaker, text, atMs) => this.deps.recorder.addLine(speaker, text, atMs),
      onPersonAudio: (atMs) => this.#event({ type: 'person_audio', atMs, source: 'room' }),
      log,
    });
    const caller = [...room.remoteParticipants.values()].find((p) => p.identity !== person.identity && !isPerson(p) && p.info.kind !== ParticipantKind.AGENT);
    if (caller) this.#notes.follow(caller, 'caller');
    this.#notes.follow(person, 'person');
    room.on(RoomEvent.ParticipantDisconnected, this.#onLeave);
    room.localParticipant?.registerRpcMethod(RpcMethod.personHeard, this.#onPersonHeard);
    log.info({ handoff: handoffId, caller: Boolean(caller) }, 'handed over: the agent takes notes');
  }

  /**
   * Typed text from the caller (`lk.chat`): to the model while the agent has the conversation,
   * else into the transcript only.
   */
  onTyped(typed: string): void {
    const text = typed.trim(); // capped by the caller's limits (session/chat-input.ts)
    if (!text) return;
    if (this.#withAgent) {
      const session = this.deps.session();
      interruptIfAllowed(session);
      session.generateReply({ userInput: text });
    } else {
      this.deps.recorder.addLine('caller', text, this.#now());
    }
  }

  close(): void {
    clearTimeout(this.#resumeTimer);
    this.#notes?.close();
    this.deps.room.off(RoomEvent.ParticipantDisconnected, this.#onLeave);
  }

  readonly #onLeave = (p: RemoteParticipant): void => {
    if (this.#withAgent) return;
    if (p.identity === this.#person?.identity) {
      this.#event({ type: 'person_left', atMs: Math.round(this.#now()) });
      clearTimeout(this.#resumeTimer);
      this.#resumeTimer = setTimeout(() => void this.#resume(), RESUME_AFTER_MS);
    } else if (!isPerson(p)) {
      this.deps.log.info('the caller left after the hand-off; ending');
      this.deps.shutdown('caller left');
    }
  };

  /** The person left and the caller is still here: the agent has the conversation again. */
  async #resume(): Promise<void> {
    const { room } = this.deps;
    const callerHere = [...room.remoteParticipants.values()].some((p) => !isPerson(p));
    if (this.#withAgent || !callerHere) return;
    this.#notes?.close();
    this.#notes = null;
    this.#withAgent = true;
    this.deps.session().input.setAudioEnabled(true);
    await room.localParticipant?.setAttributes({ [CONVERSATION_ATTRIBUTE]: 'agent' }).catch(() => {});
    this.deps.onResumed?.();
    const name = this.#person?.name?.trim() || 'My colleague';
    this.deps.log.info('the person left; the agent is back');
    await this.deps.say(`${name} has left the call. I'm the AI assistant again; is there anything else I can help with?`);
  }

  readonly #onPersonHeard = async (data: RpcInvocationData): Promise<string> => {
    // Each accepted report costs a server request: behind the caller's limits like every RPC.
    if (this.deps.limits && !this.deps.limits.allow(data.callerIdentity, RpcMethod.personHeard)) {
      throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, `${RPC_RATE_LIMITED}: too many ${RpcMethod.personHeard} calls; slow down`);
    }
    try {
      const { heardAtMs } = parseRpcPayload(PersonHeardRequest, data.payload);
      if (this.#handoffId !== null && !this.#withAgent) this.#event({ type: 'person_audio', atMs: Math.round(heardAtMs), source: 'caller_page' });
      return JSON.stringify({ recorded: !this.#withAgent });
    } catch (err) {
      throw new RpcError(RpcError.ErrorCode.APPLICATION_ERROR, (err as Error).message);
    }
  };

  #event(ev: Parameters<ServerClient['handoffEvent']>[1]): void {
    const id = this.#handoffId;
    if (id === null || !this.deps.server) return;
    void this.deps.server.handoffEvent(id, ev).then((r) => {
      if (!r.ok) this.deps.log.warn({ err: r.error, event: ev.type }, 'hand-off event not recorded');
    });
  }
}
