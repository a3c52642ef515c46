import {
  type LocalAudioTrack,
  type Participant,
  type RemoteParticipant,
  type RemoteTrack,
  Room,
  RoomEvent,
  Track,
  createLocalAudioTrack,
} from 'livekit-client';
import {
  AgentTurnTimeline,
  ClockOffsetEstimator,
  ClockResponse,
  CreateSessionResponse,
  RpcMethod,
  TIMELINE_TOPIC,
} from '@voice-widget/protocol';
import { watchPlayedAudio } from './audio-onset.ts';
import { type Caption, Captions } from './captions.ts';
import { startClientVad } from './client-vad.ts';
import { type LatencyUpdate, LatencyMeter } from './latency-meter.ts';

/** What the widget shows; `listening/thinking/speaking` mirror the agent's `lk.agent.state`. */
export type SessionState =
  | 'idle'
  | 'connecting'
  | 'listening'
  | 'thinking'
  | 'speaking'
  | 'reconnecting'
  | 'ended'
  | 'error';

/** Options of a {@link VoiceSession}. */
export interface VoiceSessionOptions {
  /** Origin of our server, e.g. `https://voice.example.com`. */
  serverUrl: string;
  /** Agent slug to talk to. */
  agent: string;
  /** Base URL of the VAD model and worklet (`…/vad/`). */
  vadAssetBase: string;
  /** How long to wait for the agent to join, ms. Default 15000. */
  agentJoinTimeoutMs?: number;
}

/** Events of a {@link VoiceSession}; each listener gets one argument. */
export interface VoiceSessionEvents {
  state: SessionState;
  transcript: readonly Caption[];
  latency: LatencyUpdate;
  error: Error;
  ended: { reason: string };
  /** The agent's played audio became audible / silent (page clock, ms since epoch). */
  agentAudio: { audible: boolean; atMs: number };
}

type Listener<K extends keyof VoiceSessionEvents> = (value: VoiceSessionEvents[K]) => void;

const AGENT_STATES = new Set(['listening', 'thinking', 'speaking']);

/**
 * One call from the page: creates the session on our server, joins the LiveKit room, publishes
 * the microphone, plays the agent, and measures perceived latency per turn (latency.md).
 * No UI framework: the widget's components subscribe with `on()`.
 */
export class VoiceSession {
  state: SessionState = 'idle';
  readonly latency: LatencyMeter;
  readonly captions: Captions;
  #room: Room | null = null;
  #ctx: AudioContext | null = null;
  #mic: LocalAudioTrack | null = null;
  #cleanups: (() => void)[] = [];
  #listeners = new Map<keyof VoiceSessionEvents, Set<Listener<never>>>();
  #clock = new ClockOffsetEstimator();
  #agentIdentity: string | null = null;

  constructor(private readonly options: VoiceSessionOptions) {
    this.latency = new LatencyMeter((update) => this.#emit('latency', update));
    this.captions = new Captions((list) => this.#emit('transcript', list));
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof VoiceSessionEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /**
   * Starts the call. Call it from the click handler: the AudioContext is created inside the user
   * gesture so playback is unlocked (iOS Safari and Chrome autoplay rules).
   * @throws never; failures become the `error` state and event.
   */
  async start(): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'ended' && this.state !== 'error') return;
    this.#setState('connecting');
    this.#ctx = new AudioContext({ latencyHint: 'interactive' });
    void this.#ctx.resume();
    try {
      const [session, mic] = await Promise.all([this.#createSession(), this.#openMic()]);
      this.#mic = mic;
      const room = this.#createRoom();
      await room.connect(session.url, session.token);
      await room.localParticipant.publishTrack(mic, { source: Track.Source.Microphone, dtx: false });
      await this.#startVad(mic);
      await this.#waitForAgent(room);
    } catch (err) {
      this.#fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Ends the call normally (never shown as an error). */
  async end(): Promise<void> {
    await this.#teardown('ended by caller');
  }

  /** Mutes or unmutes the microphone. */
  async setMuted(muted: boolean): Promise<void> {
    if (!this.#mic) return;
    if (muted) await this.#mic.mute();
    else await this.#mic.unmute();
  }

  async #createSession(): Promise<CreateSessionResponse> {
    const res = await fetch(new URL('/api/sessions', this.options.serverUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ agent: this.options.agent }),
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const message = (body as { error?: { message?: string } } | null)?.error?.message;
      throw new Error(message ?? `session request failed (${res.status})`);
    }
    return CreateSessionResponse.parse(body);
  }

  #openMic(): Promise<LocalAudioTrack> {
    return createLocalAudioTrack({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
  }

  #createRoom(): Room {
    const room = new Room({ adaptiveStream: false, dynacast: false, disconnectOnPageLeave: true });
    this.#room = room;
    room.registerTextStreamHandler('lk.transcription', (reader, participant) => {
      const attrs = reader.info.attributes ?? {};
      const id = attrs['lk.segment_id'] ?? reader.info.id;
      const speaker = participant.identity === room.localParticipant.identity ? 'caller' : 'agent';
      const final = attrs['lk.transcription_final'] === 'true';
      void (async () => {
        if (speaker === 'caller') {
          this.captions.apply(id, speaker, await reader.readAll(), { replace: true, final });
          return;
        }
        for await (const chunk of reader) this.captions.apply(id, speaker, chunk, { replace: false, final: false });
        this.captions.finish(id);
      })().catch(() => {});
    });
    room
      .on(RoomEvent.TrackSubscribed, (track, _pub, participant) => void this.#onTrack(track, participant))
      .on(RoomEvent.ParticipantAttributesChanged, (_changed, participant) => this.#onAttributes(participant))
      .on(RoomEvent.DataReceived, (payload, _participant, _kind, topic) => this.#onData(payload, topic))
      .on(RoomEvent.Reconnecting, () => this.#setState('reconnecting'))
      .on(RoomEvent.Reconnected, () => this.#onAttributes(this.#agent(room)))
      .on(RoomEvent.ParticipantDisconnected, (p) => {
        if (p.identity === this.#agentIdentity) void this.#teardown('agent left');
      })
      .on(RoomEvent.Disconnected, () => void this.#teardown('disconnected'));
    return room;
  }

  async #onTrack(track: RemoteTrack, participant: RemoteParticipant): Promise<void> {
    if (track.kind !== Track.Kind.Audio || !participant.isAgent || !this.#ctx) return;
    this.#agentIdentity = participant.identity;
    const el = track.attach();
    el.style.display = 'none';
    document.body.appendChild(el);
    this.#cleanups.push(() => track.detach().forEach((e) => e.remove()));
    const stop = await watchPlayedAudio(this.#ctx, track.mediaStreamTrack, (edge) => {
      this.#emit('agentAudio', { audible: edge.type === 'start', atMs: edge.atMs });
      this.latency.push(
        edge.type === 'start'
          ? { type: 'agent_audio_start', atMs: edge.atMs }
          : { type: 'agent_audio_end', atMs: edge.atMs },
      );
    });
    this.#cleanups.push(stop);
  }

  #onAttributes(participant: Participant | undefined): void {
    if (!participant?.isAgent) return;
    this.#agentIdentity = participant.identity;
    const agentState = participant.attributes['lk.agent.state'];
    if (agentState && AGENT_STATES.has(agentState)) this.#setState(agentState as SessionState);
  }

  #onData(payload: Uint8Array, topic: string | undefined): void {
    if (topic !== TIMELINE_TOPIC || payload.byteLength > 4096) return;
    try {
      const parsed = AgentTurnTimeline.safeParse(JSON.parse(new TextDecoder().decode(payload)));
      if (parsed.success) this.latency.addTimeline(parsed.data);
    } catch {
      /* not JSON: ignore */
    }
  }

  async #startVad(mic: LocalAudioTrack): Promise<void> {
    let lastVoicedEndMs = 0;
    const vad = await startClientVad(
      this.#ctx!,
      new MediaStream([mic.mediaStreamTrack]),
      { assetBase: this.options.vadAssetBase, wasmBase: this.options.vadAssetBase },
      {
        onFrame: (f) => {
          if (f.voiced) lastVoicedEndMs = f.endMs;
          this.latency.push({ type: 'vad_frame', endMs: f.endMs, voiced: f.voiced });
        },
        onSpeechEnd: () => this.#sendEndOfTurn(lastVoicedEndMs),
      },
    );
    this.#cleanups.push(() => void vad.destroy());
  }

  /**
   * End-of-turn hint: the VAD decided the caller stopped (redemption after the last voiced
   * frame). The agent (fast profile) ends the turn at once; fire-and-forget.
   */
  #sendEndOfTurn(speechEndMs: number): void {
    const room = this.#room;
    if (!room || !this.#agentIdentity) return;
    room.localParticipant
      .performRpc({
        destinationIdentity: this.#agentIdentity,
        method: RpcMethod.endOfTurn,
        payload: JSON.stringify({ speechEndMs }),
        responseTimeout: 5000,
      })
      .catch(() => {});
  }

  #agent(room: Room): RemoteParticipant | undefined {
    return [...room.remoteParticipants.values()].find((p) => p.isAgent);
  }

  async #waitForAgent(room: Room): Promise<void> {
    const timeoutMs = this.options.agentJoinTimeoutMs ?? 15_000;
    const deadline = Date.now() + timeoutMs;
    while (!this.#agent(room)) {
      if (Date.now() > deadline) throw new Error('The assistant did not join in time. Please try again.');
      if (this.#room !== room) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    const agent = this.#agent(room)!;
    this.#agentIdentity = agent.identity;
    this.#onAttributes(agent);
    void this.#probeClock(room, agent.identity);
  }

  /** Five clock probes over RPC; the tightest round trip sets the offset (protocol/clock.ts). */
  async #probeClock(room: Room, agentIdentity: string): Promise<void> {
    for (let i = 0; i < 5 && this.#room === room; i++) {
      const sendMs = performance.timeOrigin + performance.now();
      try {
        const reply = await room.localParticipant.performRpc({
          destinationIdentity: agentIdentity,
          method: RpcMethod.clock,
          payload: JSON.stringify({ sendMs }),
          responseTimeout: 3000,
        });
        const receiveMs = performance.timeOrigin + performance.now();
        const { agentMs } = ClockResponse.parse(JSON.parse(reply));
        this.latency.setClock(this.#clock.add({ sendMs, agentMs, receiveMs }));
      } catch {
        /* agent without the method, or a timeout: stages stay unknown */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  #setState(state: SessionState): void {
    if (this.state === state) return;
    if ((this.state === 'ended' || this.state === 'error') && state !== 'connecting') return;
    this.state = state;
    this.#emit('state', state);
  }

  #fail(error: Error): void {
    this.#emit('error', error);
    void this.#teardown(error.message, true);
  }

  async #teardown(reason: string, isError = false): Promise<void> {
    if (this.state === 'ended' || this.state === 'error') return;
    this.#setState(isError ? 'error' : 'ended');
    this.latency.flush();
    for (const cleanup of this.#cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        /* best effort */
      }
    }
    const room = this.#room;
    this.#room = null;
    await room?.disconnect().catch(() => {});
    this.#mic?.stop();
    this.#mic = null;
    await this.#ctx?.close().catch(() => {});
    this.#ctx = null;
    if (!isError) this.#emit('ended', { reason });
  }

  #emit<K extends keyof VoiceSessionEvents>(event: K, value: VoiceSessionEvents[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as Listener<K>)(value);
  }
}
