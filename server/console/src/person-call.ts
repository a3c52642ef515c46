import { type Participant, type RemoteParticipant, type RemoteTrack, Room, RoomEvent, Track, createLocalAudioTrack, type LocalAudioTrack } from 'livekit-client';
import { CONVERSATION_ATTRIBUTE, PERSON_ROLE_ATTRIBUTE, type TakeResponse } from '@voice-widget/protocol';

/** Longest the person stays muted waiting for the agent's hand-off sentence, ms. */
export const HANDOVER_WAIT_MS = 10_000;

/** What the person's call tells the page. */
export interface PersonCallEvents {
  /** `introducing`: the agent is saying its hand-off sentence (the person is muted); `live`: talking with the caller; `ended` (with why). */
  state(state: 'joining' | 'introducing' | 'live' | 'ended', detail?: string): void;
}

/**
 * The person's side of a taken call: joins the caller's room with the token from *Take call*,
 * plays everyone's audio, publishes the microphone — muted until the agent has said its one
 * hand-off sentence and left the conversation (its `voice.conversation` attribute says `person`),
 * so the person never talks over it — and ends when the caller hangs up or the person does.
 */
export class PersonCall {
  readonly #room = new Room({ adaptiveStream: false, dynacast: false });
  #mic: LocalAudioTrack | null = null;
  #muted = false;
  #live = false;
  #ended = false;

  constructor(
    private readonly taken: TakeResponse,
    private readonly media: HTMLElement,
    private readonly events: PersonCallEvents,
  ) {}

  /** Joins the room and publishes the (muted) microphone. @throws when the room or the microphone cannot be reached. */
  async join(): Promise<void> {
    this.events.state('joining');
    const room = this.#room;
    room
      .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
        if (track.kind !== Track.Kind.Audio) return;
        const audio = track.attach();
        audio.setAttribute('data-testid', 'call-audio');
        this.media.append(audio);
      })
      .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => track.detach().forEach((e) => e.remove()))
      .on(RoomEvent.ParticipantAttributesChanged, (_changed: Record<string, string>, p: Participant) => this.#onAttributes(p))
      .on(RoomEvent.ParticipantDisconnected, (p: RemoteParticipant) => {
        if (!p.isAgent && p.identity !== this.taken.identity && !p.attributes[PERSON_ROLE_ATTRIBUTE]) this.end('The caller hung up.');
      })
      .on(RoomEvent.Disconnected, () => this.end('The call has ended.'));
    await room.connect(this.taken.url, this.taken.token);
    await room.startAudio().catch(() => {});
    this.#mic = await createLocalAudioTrack({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    await this.#mic.mute(); // before publishing: not a sound until the agent has handed over
    await room.localParticipant.publishTrack(this.#mic, { source: Track.Source.Microphone, dtx: false });
    this.events.state('introducing');
    for (const p of room.remoteParticipants.values()) this.#onAttributes(p);
    setTimeout(() => this.#goLive(), HANDOVER_WAIT_MS); // the agent did not say it handed over: talk anyway
  }

  /** Mutes or unmutes the person's microphone (once live); returns the muted state. */
  async toggleMute(): Promise<boolean> {
    this.#muted = !this.#muted;
    if (this.#live) await (this.#muted ? this.#mic?.mute() : this.#mic?.unmute());
    return this.#muted;
  }

  /** Leaves the room (the page asks the server to end the call for everyone first). */
  end(why = 'You left the call.'): void {
    if (this.#ended) return;
    this.#ended = true;
    void this.#room.disconnect();
    this.#mic?.stop();
    this.media.replaceChildren();
    this.events.state('ended', why);
  }

  get room(): string {
    return this.taken.room;
  }

  #onAttributes(p: Participant): void {
    if (p.isAgent && p.attributes[CONVERSATION_ATTRIBUTE] === 'person') this.#goLive();
  }

  #goLive(): void {
    if (this.#live || this.#ended) return;
    this.#live = true;
    if (!this.#muted) void this.#mic?.unmute();
    this.events.state('live');
  }
}
