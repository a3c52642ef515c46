import type { Participant, RemoteAudioTrack } from 'livekit-client';
import { CONVERSATION_ATTRIBUTE, PERSON_ROLE, PERSON_ROLE_ATTRIBUTE } from '@voice-widget/protocol/handoff-attributes';
import type { AudioEdge } from './audio-onset.ts';
import { AgentPlayback } from './playback.ts';

/** The person who took the call over: set by the server in their token (callers cannot set attributes). */
export const isPersonParticipant = (p: Pick<Participant, 'attributes'>): boolean => p.attributes[PERSON_ROLE_ATTRIBUTE] === PERSON_ROLE;

/** What the call learns from the person's side. */
export interface PersonCallbacks {
  /** Who the caller talks to changed. */
  talkingTo(to: { who: 'agent' | 'person'; name: string | null }): void;
  /** The person's audio as played in the page became audible / silent (never the agent's latency). */
  played(edge: AudioEdge): void;
  /** The person was heard for the first time (page clock, ms since epoch). */
  firstHeard(atMs: number): void;
}

/**
 * After a warm hand-off (README "Hand-off"): plays the person's microphone through its own
 * pipeline — its audio is reported as the person's, never fed to the agent's latency — and tracks
 * who the caller talks to from the agent's `voice.conversation` attribute (the agent leaves the
 * conversation once it has said its one sentence, and takes it back if the person leaves).
 */
export class PersonLink {
  readonly #playback: AgentPlayback;
  #name: string | null = null;
  #withPerson = false;
  #heard = false;

  constructor(ctx: AudioContext, container: Node, private readonly callbacks: PersonCallbacks) {
    this.#playback = new AgentPlayback(ctx, container, {
      arriving: () => {},
      played: (edge) => {
        if (edge.type === 'start' && !this.#heard) {
          this.#heard = true;
          callbacks.firstHeard(edge.atMs);
        }
        callbacks.played(edge);
      },
    });
  }

  /** True while the caller talks to the person (the page's turn hints and barge-in are off then). */
  get withPerson(): boolean {
    return this.#withPerson;
  }

  /** A person's participant appeared or changed: keep their name. */
  onPerson(p: Participant): void {
    this.#name = p.name?.trim() || this.#name;
    if (this.#withPerson) this.callbacks.talkingTo({ who: 'person', name: this.#name });
  }

  /** The agent's participant changed: its `voice.conversation` says who has the conversation. */
  onAgent(p: Participant): void {
    const withPerson = p.attributes[CONVERSATION_ATTRIBUTE] === 'person';
    if (withPerson === this.#withPerson) return;
    this.#withPerson = withPerson;
    this.callbacks.talkingTo(withPerson ? { who: 'person', name: this.#name } : { who: 'agent', name: null });
  }

  /** Plays the person's audio track. */
  attach(track: RemoteAudioTrack): Promise<void> {
    return this.#playback.attach(track);
  }

  /** Level of the person's audio as played, 0..1. */
  level(): number {
    return this.#playback.level();
  }

  dispose(): void {
    this.#playback.dispose();
  }
}
