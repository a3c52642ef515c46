import { type RemoteParticipant, type Room, RoomEvent } from '@livekit/rtc-node';
import { type HandoffState, PERSON_HANDOFF_ATTRIBUTE, type ToolResult } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import type { ServerClient } from '../server-api/client.ts';
import { isPerson } from './person.ts';
import { HANDOFF_UNAVAILABLE, PERSON_JOINING, callbackSay, handOverSentence, queuedSay } from './sentences.ts';

/** What {@link WarmHandoff} needs from the call. */
export interface WarmHandoffDeps {
  room: Room;
  channel: 'web' | 'phone';
  server: Pick<ServerClient, 'requestHandoff' | 'expireHandoff' | 'releaseHandoff'>;
  /**
   * Says `text` word for word and resolves once it has played out; `interrupt` first stops what
   * the agent is saying. Never rejects.
   */
  say(text: string, opts?: { interrupt?: boolean }): Promise<void>;
  /** The person is in the room and heard the hand-off sentence: the agent leaves the conversation. */
  handOver(person: RemoteParticipant, handoffId: number): Promise<void>;
  log: Logger;
  now?: () => number;
}

/** How long a person who took the call has to join the room before it goes back to the queue, ms. */
export const PERSON_JOIN_TIMEOUT_MS = 45_000;

/** The result of `transfer_to_human` on a warm line (what the model says is `say`). */
export type WarmResult = ToolResult & { queued: boolean; transferred: false };

/**
 * A warm hand-off in the room (README "Hand-off"): `transfer_to_human` asks the server for a
 * person (`request`); the tool's result is the sentence to say — where the caller is in the
 * queue, or the callback the server opened when nobody is online. While the caller waits the
 * agent keeps helping; when the wait limit passes it asks the server to expire the request (a
 * person may have taken it that very moment: the server decides) and says the callback. When the
 * person whose token names this hand-off joins the room, the agent stops whatever it says, says
 * one sentence naming them, and hands over.
 */
export class WarmHandoff {
  #id: number | null = null;
  #timer: NodeJS.Timeout | undefined;
  #watching = false;
  #settled = false;
  #via: 'conversation' | 'keypad' = 'conversation';
  readonly #now: () => number;

  constructor(private readonly deps: WarmHandoffDeps) {
    this.#now = deps.now ?? Date.now;
  }

  /** The next request comes from the keypad's operator key (recorded with it). */
  viaKeypad(): void {
    this.#via = 'keypad';
  }

  /** `transfer_to_human` (after the guard): asks for a person; never throws. */
  async request(args: { reason: string; summary: string }): Promise<WarmResult> {
    if (this.#settled) return { queued: false, transferred: false, say: 'A person is already with us.' };
    const via = this.#via;
    this.#via = 'conversation';
    const res = await this.deps.server.requestHandoff({ kind: 'warm', reason: args.reason, summary: args.summary, via, atMs: Math.round(this.#now()) });
    if (!res.ok) {
      this.deps.log.warn({ err: res.error }, 'hand-off request failed');
      return { queued: false, transferred: false, say: HANDOFF_UNAVAILABLE };
    }
    const s = res.value;
    const again = this.#id === s.id;
    this.#id = s.id;
    this.deps.log.info({ handoff: s.id, status: s.status, position: s.position, online: s.online, again }, 'hand-off requested');
    switch (s.status) {
      case 'waiting':
        this.#watch();
        if (!again) this.#armTimer(s);
        return { queued: true, transferred: false, position: s.position, say: queuedSay(s, again) };
      case 'taken':
        this.#watch();
        this.#awaitJoin(s.id);
        return { queued: true, transferred: false, say: PERSON_JOINING };
      case 'callback':
        return { queued: false, transferred: false, callback: s.callback, say: callbackSay(s, { nobodyOnline: true, channel: this.deps.channel }) };
      default:
        return { queued: false, transferred: false, say: HANDOFF_UNAVAILABLE };
    }
  }

  /**
   * A resumed agent (resume/) takes over the hand-off its lost predecessor had open: `waiting` →
   * watches for the person and keeps the wait limit where the server counts it; `taken` → gives
   * the person {@link PERSON_JOIN_TIMEOUT_MS} to join. Any other status: nothing to take over.
   * Returns whether it took the hand-off over.
   */
  restore(s: HandoffState): boolean {
    if (this.#settled || (s.status !== 'waiting' && s.status !== 'taken')) return false;
    this.#id = s.id;
    this.#watch();
    if (s.status === 'waiting') this.#armTimer(s);
    else this.#awaitJoin(s.id);
    this.deps.log.info({ handoff: s.id, status: s.status }, 'hand-off taken over from the lost agent');
    return true;
  }

  /** The agent has the conversation again (the person left): the caller may ask for a person again. */
  reopen(): void {
    this.close();
    this.#settled = false;
    this.#id = null;
  }

  /** Stops waiting (the call ends). */
  close(): void {
    clearTimeout(this.#timer);
    this.deps.room.off(RoomEvent.ParticipantConnected, this.#onJoin);
    this.#watching = false;
  }

  #armTimer(s: HandoffState): void {
    clearTimeout(this.#timer);
    const leftMs = Math.max(0, (s.waitLimitS - s.waitedS) * 1000);
    this.#timer = setTimeout(() => void this.#expire(s.id), leftMs);
  }

  /** The wait limit passed: the server turns the request into a callback unless a person took it just now. */
  async #expire(id: number): Promise<void> {
    if (this.#settled || this.#id !== id) return;
    const res = await this.deps.server.expireHandoff(id);
    if (!res.ok) {
      this.deps.log.warn({ err: res.error }, 'expiring the hand-off failed; trying again in 10 s');
      this.#timer = setTimeout(() => void this.#expire(id), 10_000);
      return;
    }
    if (res.value.status === 'taken') return this.#awaitJoin(id); // taken meanwhile: the person is on the way
    if (res.value.status !== 'callback') return;
    this.#settled = true;
    this.close();
    this.deps.log.info({ handoff: id, case: res.value.callback?.caseId }, 'wait limit passed: callback');
    await this.deps.say(callbackSay(res.value, { nobodyOnline: false, channel: this.deps.channel }));
  }

  /** A person took it: they must join within {@link PERSON_JOIN_TIMEOUT_MS}, or it goes back to the queue. */
  #awaitJoin(id: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#release(id), PERSON_JOIN_TIMEOUT_MS);
  }

  async #release(id: number): Promise<void> {
    if (this.#settled || this.#id !== id) return;
    const res = await this.deps.server.releaseHandoff(id);
    if (!res.ok) return this.#awaitJoin(id); // try again later
    this.deps.log.warn({ handoff: id, status: res.value.status }, 'the person never joined; the caller is back in the queue');
    if (res.value.status === 'waiting') this.#armTimer(res.value);
  }

  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    this.deps.room.on(RoomEvent.ParticipantConnected, this.#onJoin);
    for (const p of this.deps.room.remoteParticipants.values()) this.#onJoin(p);
  }

  readonly #onJoin = (p: RemoteParticipant): void => {
    if (this.#settled || this.#id === null || !isPerson(p) || p.attributes[PERSON_HANDOFF_ATTRIBUTE] !== String(this.#id)) return;
    this.#settled = true;
    this.close();
    const id = this.#id;
    void (async () => {
      this.deps.log.info({ handoff: id }, 'the person joined; handing over');
      await this.deps.say(handOverSentence(p.name ?? ''), { interrupt: true });
      await this.deps.handOver(p, id);
    })().catch((err) => this.deps.log.error({ err: (err as Error).message }, 'hand-over failed'));
  };
}
