import {
  ConnectionState,
  DisconnectReason,
  type LocalAudioTrack,
  type Participant,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteAudioTrack,
  Room,
  RoomEvent,
  Track,
} from 'livekit-client';
import {
  AGENT_LEAVING_ATTRIBUTE,
  AgentTurnTimeline,
  ClockOffsetEstimator,
  ClockResponse,
  CreateSessionResponse,
  RpcMethod,
  TIMELINE_TOPIC,
  NOTICE_TOPIC,
  AgentNotice,
  type TurnLatency,
} from '@voice-widget/protocol';
import { BargeInDetector } from '../core/barge-in.ts';
import type { Call, CallDeps, CallEvents } from '../core/call.ts';
import { Emitter } from '../core/emitter.ts';
import { EndOfTurnHints, type HintAction } from '../core/end-of-turn.ts';
import { requestSession } from './session-request.ts';
import { WidgetError } from '../core/errors.ts';
import type { AgentState } from '../core/state-machine.ts';
import { analyserLevel } from './audio-onset.ts';
import { Captions } from './captions.ts';
import { type ClientVad, type VadFrame, loadClientVad } from './client-vad.ts';
import { LatencyMeter } from './latency-meter.ts';
import { followMicDevice, openMic } from './mic.ts';
import { PersonLink, isPersonParticipant } from './person.ts';
import { AgentPlayback } from './playback.ts';
import { turnUploader } from './turn-upload.ts';

const AGENT_STATES: ReadonlySet<string> = new Set(['initializing', 'idle', 'listening', 'thinking', 'speaking']);
/** Disconnect reasons that are a normal end of the call, never an error. */
const NORMAL_END = new Set<DisconnectReason | undefined>([
  DisconnectReason.CLIENT_INITIATED,
  DisconnectReason.ROOM_DELETED,
  DisconnectReason.ROOM_CLOSED,
  DisconnectReason.PARTICIPANT_REMOVED,
]);

/**
 * One call from the page: creates the session on our server, joins the LiveKit room, publishes the
 * microphone, plays the agent through {@link AgentPlayback}, runs the client VAD for barge-in,
 * end-of-turn hints and perceived latency (latency.md), and uploads each turn with the call.
 * The microphone, the session request and the VAD model load in parallel after the click.
 */
/** A session prefetched on hover is used if the caller can still join it for this long, ms. */
const PREFETCH_MARGIN_MS = 10_000;

/** The VAD starts at the latest this long after the agent joined, even without its audio, ms. */
const VAD_START_LATEST_MS = 4_000;

/**
 * How long the page waits for a resumed agent after its agent left without marking the leave
 * (`voice.leaving`: a crash; the server dispatches it again, issue 15), ms. Then the call ends.
 */
export const AGENT_RESUME_WAIT_MS = 15_000;

export class VoiceSession implements Call {
  readonly #events = new Emitter<CallEvents>();
  readonly #ctx: AudioContext;
  readonly #captions = new Captions((lines) => this.#events.emit('transcript', lines));
  readonly #latency: LatencyMeter;
  readonly #bargeIn: BargeInDetector;
  readonly #hints = new EndOfTurnHints();
  readonly #playback: AgentPlayback;
  /** The person who takes the call over after a hand-off (their own playback, not the agent's latency). */
  readonly #person: PersonLink;
  readonly #clock = new ClockOffsetEstimator();
  readonly #cleanups: (() => void)[] = [];
  #onAgentHeard: () => void = () => {};
  /** Resolves once the agent's first audio (the greeting) is audible in the page. */
  readonly #agentHeard = new Promise<void>((resolve) => (this.#onAgentHeard = resolve));
  #room: Room | null = null;
  #mic: LocalAudioTrack | null = null;
  #micAnalyser: AnalyserNode | null = null;
  #micSource: MediaStreamAudioSourceNode | null = null;
  #micBuf = new Float32Array(512);
  #vad: ClientVad | null = null;
  #agent: RemoteParticipant | null = null;
  /** Set while the agent is lost and the page waits for a resumed one. */
  #agentLostTimer: ReturnType<typeof setTimeout> | undefined;
  #agentState: AgentState = 'initializing';
  #closed = false;
  #ending = false;
  #upload: ((turn: TurnLatency) => Promise<boolean>) | null = null;
  #textSeq = 0;

  constructor(private readonly deps: CallDeps) {
    this.#ctx = deps.audioContext;
    const b = deps.options.bargeIn;
    this.#bargeIn = new BargeInDetector({ minSpeechMs: b.minSpeechMs, minLevelDbfs: b.minLevelDbfs });
    this.#latency = new LatencyMeter((update) => {
      this.#events.emit('latency', update);
      void this.#upload?.(update.turn);
    });
    this.#playback = new AgentPlayback(this.#ctx, deps.mediaContainer, {
      arriving: () => {},
      played: (edge) => {
        if (edge.type === 'start') this.#onAgentHeard();
        this.#events.emit('audio', { audible: edge.type === 'start', atMs: edge.atMs, source: 'agent' });
        this.#latency.push(edge.type === 'start' ? { type: 'agent_audio_start', atMs: edge.atMs } : { type: 'agent_audio_end', atMs: edge.atMs });
      },
    });
    this.#person = new PersonLink(this.#ctx, deps.mediaContainer, {
      talkingTo: (to) => this.#events.emit('talkingTo', to),
      played: (edge) => this.#events.emit('audio', { audible: edge.type === 'start', atMs: edge.atMs, source: 'person' }),
      // When the caller first heard the person, on the agent's clock (the hand-off's time to a person).
      firstHeard: (atMs) => this.#rpc(RpcMethod.personHeard, { heardAtMs: Math.round(atMs + (this.#clock.current?.offsetMs ?? 0)) }),
    });
  }

  on<K extends keyof CallEvents>(type: K, listener: (value: CallEvents[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Connects: session request, microphone and VAD model in parallel; then the room, the mic
   * publication, and the agent (within `agentJoinTimeoutMs`).
   * @throws WidgetError; an AbortError when `deps.signal` aborts.
   */
  async connect(): Promise<void> {
    try {
      await this.#connect();
    } catch (err) {
      const aborted = this.deps.signal.aborted;
      await this.#close(aborted ? { normal: true, reason: 'caller' } : { normal: false, error: WidgetError.from(err) });
      throw aborted ? err : WidgetError.from(err);
    }
  }

  async #connect(): Promise<void> {
    const { signal, options } = this.deps;
    this.#watchPage();
    const micOpening = openMic().catch((err: WidgetError) => err);
    const session = await this.#createSession(signal);
    this.#upload = turnUploader({ serverUrl: options.server, room: session.room, token: session.token });
    const room = this.#createRoom();
    signal.throwIfAborted();
    await room.connect(session.url, session.token);
    signal.throwIfAborted();

    const mic = await micOpening;
    if (mic instanceof WidgetError) {
      this.#events.emit('mic', { status: mic.code === 'mic_denied' ? 'denied' : mic.code === 'mic_missing' ? 'missing' : 'failed', error: mic });
    } else {
      this.#mic = mic;
      this.#cleanups.push(() => mic.stop());
      await room.localParticipant.publishTrack(mic, { source: Track.Source.Microphone, dtx: false });
      this.#useMicTrack(mic.mediaStreamTrack);
      this.#cleanups.push(followMicDevice(mic, (t) => this.#useMicTrack(t)));
      this.#events.emit('mic', { status: 'ok' });
    }
    signal.throwIfAborted();
    await this.#waitForAgent(room, signal);
    void this.#probeClock(room);
    void this.#startVad();
  }

  /**
   * Compiling the VAD (ONNX model + 14 MB of WASM) keeps the page's main thread busy for about a
   * second and takes CPU from everything setting up the call; started with the call, or when the
   * agent's track arrived, it delayed the greeting by as much. It starts once the greeting is
   * heard (or a few seconds after the agent joined): the caller listens to it meanwhile.
   */
  async #startVad(): Promise<void> {
    await Promise.race([this.#agentHeard, new Promise((r) => setTimeout(r, VAD_START_LATEST_MS))]);
    if (this.#closed) return;
    const vad = await loadClientVad(
      this.#ctx,
      { assetBase: this.deps.vadAssetBase, redemptionMs: this.deps.options.vadRedemptionMs },
      {
        onFrame: (f) => this.#onVadFrame(f),
        onSpeechEnd: () => this.#onSpeechEnd(),
        onMisfire: () => this.#sendHint(this.#hints.misfire()),
      },
    ).catch((err) => {
      console.warn('voice-widget: VAD unavailable (no barge-in, no latency)', err);
      return null;
    });
    // Tell the agent who ends the caller's turns: without the page's VAD it uses its own.
    if (!vad) {
      this.#events.emit('vad', { status: 'unavailable' });
      return void this.#rpc(RpcMethod.turnSource, { source: 'agent_vad' });
    }
    if (this.#closed) return void vad.destroy();
    this.#vad = vad;
    this.#cleanups.push(() => void vad.destroy());
    if (this.#mic) {
      const started = await vad.use(new MediaStream([this.#mic.mediaStreamTrack])).then(
        () => true,
        () => false,
      );
      this.#rpc(RpcMethod.turnSource, { source: started ? 'page_vad' : 'agent_vad' });
      this.#events.emit('vad', { status: started ? 'running' : 'unavailable' });
    } else {
      this.#events.emit('vad', { status: 'unavailable' });
    }
  }

  async end(): Promise<void> {
    this.#ending = true;
    await this.#close({ normal: true, reason: 'caller' });
  }

  setMuted(muted: boolean): void {
    if (!this.#mic) return;
    void (muted ? this.#mic.mute() : this.#mic.unmute());
    if (muted) this.#applyBargeIn(this.#bargeIn.reset());
    this.#events.emit('mic', { status: muted ? 'muted' : 'ok' });
  }

  async sendText(text: string): Promise<void> {
    const room = this.#room;
    const trimmed = text.trim();
    if (!room || !trimmed) return;
    await room.localParticipant.sendText(trimmed, { topic: 'lk.chat' });
    this.#captions.apply(`chat-${++this.#textSeq}`, 'caller', trimmed, { replace: true, final: true });
  }

  levels(): { mic: number; agent: number } {
    return {
      mic: this.#micAnalyser ? analyserLevel(this.#micAnalyser, this.#micBuf) : 0,
      agent: Math.max(this.#playback.level(), this.#person.level()),
    };
  }

  /** The click's own session; else the one prefetched on hover if the caller can still join it, else a new one. */
  async #createSession(signal: AbortSignal): Promise<CreateSessionResponse> {
    if (this.deps.session) return this.deps.session;
    const prefetched = await this.deps.prefetchedSession?.catch(() => null);
    if (prefetched && prefetched.joinBy - Date.now() > PREFETCH_MARGIN_MS) return prefetched;
    return requestSession(this.deps.options, this.deps.lang, signal);
  }

  #createRoom(): Room {
    const room = new Room({ adaptiveStream: false, dynacast: false, disconnectOnPageLeave: true });
    this.#room = room;
    room.registerTextStreamHandler('lk.transcription', (reader, participant) => {
      const attrs = reader.info.attributes ?? {};
      const id = attrs['lk.segment_id'] ?? reader.info.id;
      const remote = room.remoteParticipants.get(participant.identity);
      const speaker = participant.identity === room.localParticipant.identity ? 'caller' : remote && isPersonParticipant(remote) ? 'person' : 'agent';
      const final = attrs['lk.transcription_final'] === 'true';
      void (async () => {
        if (speaker === 'caller') {
          this.#captions.apply(id, speaker, await reader.readAll(), { replace: true, final });
          return;
        }
        for await (const chunk of reader) this.#captions.apply(id, speaker, chunk, { replace: false, final: false });
        this.#captions.finish(id);
      })().catch(() => {});
    });
    room
      .on(RoomEvent.TrackSubscribed, (track, _pub, participant) => void this.#onTrack(track, participant))
      .on(RoomEvent.ParticipantConnected, (p) => this.#onParticipant(p))
      .on(RoomEvent.ParticipantAttributesChanged, (_changed, p) => this.#onParticipant(p))
      .on(RoomEvent.DataReceived, (payload, _p, _kind, topic) => this.#onData(payload, topic))
      .on(RoomEvent.Reconnecting, () => this.#events.emit('reconnecting', null))
      .on(RoomEvent.SignalReconnecting, () => this.#events.emit('reconnecting', null))
      .on(RoomEvent.Reconnected, () => this.#events.emit('reconnected', this.#agentState))
      .on(RoomEvent.ParticipantDisconnected, (p) => {
        if (p.identity !== this.#agent?.identity) return;
        if (p.attributes[AGENT_LEAVING_ATTRIBUTE]) return void this.#close({ normal: true, reason: 'agent' });
        // Lost, not gone (a crash): the server dispatches the agent again to resume the call.
        this.#agent = null;
        this.#events.emit('reconnecting', null);
        clearTimeout(this.#agentLostTimer);
        this.#agentLostTimer = setTimeout(
          () => void this.#close({ normal: false, error: WidgetError.connectionLost('the agent did not come back') }),
          AGENT_RESUME_WAIT_MS,
        );
      })
      .on(RoomEvent.Disconnected, (reason) => {
        if (this.#ending || NORMAL_END.has(reason)) void this.#close({ normal: true, reason: this.#ending ? 'caller' : 'server' });
        else void this.#close({ normal: false, error: WidgetError.connectionLost(`disconnected (${DisconnectReason[reason ?? 0]})`) });
      });
    return room;
  }

  async #onTrack(track: RemoteTrack, participant: RemoteParticipant): Promise<void> {
    if (track.kind === Track.Kind.Audio && isPersonParticipant(participant)) {
      this.#person.onPerson(participant);
      return this.#person.attach(track as RemoteAudioTrack);
    }
    if (track.kind !== Track.Kind.Audio || !participant.isAgent) return;
    this.#onParticipant(participant);
    await this.#playback.attach(track as RemoteAudioTrack);
  }

  #onParticipant(p: Participant): void {
    if (isPersonParticipant(p)) return this.#person.onPerson(p);
    if (!p.isAgent || p === this.#room?.localParticipant) return;
    this.#agent = p as RemoteParticipant;
    if (this.#agentLostTimer !== undefined) {
      clearTimeout(this.#agentLostTimer); // a resumed agent joined
      this.#agentLostTimer = undefined;
      this.#events.emit('reconnected', this.#agentState);
    }
    this.#person.onAgent(p);
    const state = p.attributes['lk.agent.state'];
    if (state && AGENT_STATES.has(state) && state !== this.#agentState) {
      this.#agentState = state as AgentState;
      this.#playback.setAgentSpeaking(state === 'speaking');
      this.#events.emit('agentState', this.#agentState);
    }
  }

  #onData(payload: Uint8Array, topic: string | undefined): void {
    if ((topic !== TIMELINE_TOPIC && topic !== NOTICE_TOPIC) || payload.byteLength > 4096) return;
    try {
      const json: unknown = JSON.parse(new TextDecoder().decode(payload));
      if (topic === NOTICE_TOPIC) {
        const notice = AgentNotice.safeParse(json);
        if (notice.success) this.#events.emit('notice', WidgetError.messageRefused(notice.data.message));
        return;
      }
      const parsed = AgentTurnTimeline.safeParse(json);
      if (parsed.success) this.#latency.addTimeline(parsed.data);
    } catch {
      /* not JSON: ignore */
    }
  }

  /** True while the agent speaks: its audio arrives, or it says so (its audio may be a moment away). */
  #agentSpeaking(): boolean {
    return this.#playback.arriving || this.#agentState === 'speaking';
  }

  #onVadFrame(f: VadFrame): void {
    // Muted, or talking to a person: no turns for the agent, no barge-in, no agent latency.
    if (this.#mic?.isMuted || this.#person.withPerson) return;
    const speaking = this.#agentSpeaking();
    this.#latency.push({ type: 'vad_frame', endMs: f.endMs, voiced: f.voiced });
    this.#sendHint(this.#hints.frame(f.endMs, f.voiced, speaking));
    this.#applyBargeIn(this.#bargeIn.frame(f, speaking));
  }

  #applyBargeIn(action: ReturnType<BargeInDetector['frame']>): void {
    if (!action) return;
    const { duckGain } = this.deps.options.bargeIn;
    if (action.phase === 'duck') this.#playback.duck(duckGain);
    else if (action.phase === 'resume') this.#playback.restore();
    else {
      this.#playback.stop();
      this.#captions.cutAgent();
      this.#hints.bargeIn();
      this.#rpc(RpcMethod.interrupt, { atMs: action.atMs });
    }
    this.#events.emit('bargein', action);
  }

  #onSpeechEnd(): void {
    if (this.#person.withPerson) return;
    const hint = this.#hints.speechEnd();
    if (hint) this.#rpc(RpcMethod.endOfTurn, hint);
  }

  /** Tentative end of turn (the agent may start its reply) or resumed speech (withdraw it). */
  #sendHint(action: HintAction | null): void {
    if (action?.type === 'tentative') this.#rpc(RpcMethod.endOfTurn, { speechEndMs: action.speechEndMs, final: false });
    else if (action?.type === 'resumed') this.#rpc(RpcMethod.speechResumed, { atMs: action.atMs });
    if (action) this.#events.emit('callerSpeaking', action.type === 'resumed');
  }

  /** Fire-and-forget RPC to the agent (an agent without the method answers with an error: ignored). */
  #rpc(method: string, payload: object): void {
    const room = this.#room;
    const agent = this.#agent;
    if (!room || !agent) return;
    room.localParticipant
      .performRpc({ destinationIdentity: agent.identity, method, payload: JSON.stringify(payload), responseTimeout: 3_000 })
      .catch(() => {});
  }

  #useMicTrack(track: MediaStreamTrack): void {
    this.#micSource?.disconnect();
    const stream = new MediaStream([track]);
    this.#micSource = new MediaStreamAudioSourceNode(this.#ctx, { mediaStream: stream });
    this.#micAnalyser ??= new AnalyserNode(this.#ctx, { fftSize: 512 });
    this.#micSource.connect(this.#micAnalyser);
    if (this.#vad) void this.#vad.use(new MediaStream([track]));
  }

  /** Waits for the agent participant (events, not polling: hidden tabs throttle timers). */
  #waitForAgent(room: Room, signal: AbortSignal): Promise<void> {
    const timeoutMs = this.deps.options.agentJoinTimeoutMs;
    const present = () => [...room.remoteParticipants.values()].find((p) => p.isAgent);
    const found = present();
    if (found) {
      this.#onParticipant(found);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const done = (err?: unknown) => {
        clearTimeout(timer);
        room.off(RoomEvent.ParticipantConnected, onJoin);
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const onJoin = (p: RemoteParticipant) => {
        if (p.isAgent) done();
      };
      const onAbort = () => done(signal.reason);
      const timer = setTimeout(() => done(WidgetError.agentTimeout(timeoutMs)), timeoutMs);
      room.on(RoomEvent.ParticipantConnected, onJoin);
      signal.addEventListener('abort', onAbort);
    });
  }

  /** Five clock probes over RPC; the tightest round trip sets the offset (protocol/clock.ts). */
  async #probeClock(room: Room): Promise<void> {
    for (let i = 0; i < 5 && this.#room === room && this.#agent; i++) {
      const sendMs = performance.timeOrigin + performance.now();
      try {
        const reply = await room.localParticipant.performRpc({
          destinationIdentity: this.#agent.identity,
          method: RpcMethod.clock,
          payload: JSON.stringify({ sendMs }),
          responseTimeout: 3000,
        });
        const receiveMs = performance.timeOrigin + performance.now();
        const { agentMs } = ClockResponse.parse(JSON.parse(reply));
        this.#latency.setClock(this.#clock.add({ sendMs, agentMs, receiveMs }));
      } catch {
        /* agent without the method, or a timeout: stages stay unknown */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * Hidden tab: the call goes on; back in view, resume audio a browser may have suspended (iOS).
   * The browser going offline shows `reconnecting` at once (LiveKit itself notices a dead
   * connection only after its ping timeout, ~15 s); back online, LiveKit reconnects (or already has).
   */
  #watchPage(): void {
    const offline = () => this.#events.emit('reconnecting', null);
    const online = () => {
      if (this.#room?.state === ConnectionState.Connected) this.#events.emit('reconnected', this.#agentState);
    };
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    this.#cleanups.push(() => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
    });
    const wake = () => {
      if (document.visibilityState !== 'visible' || this.#closed) return;
      if (this.#ctx.state !== 'running') void this.#ctx.resume().catch(() => {});
      void this.#room?.startAudio().catch(() => {});
    };
    document.addEventListener('visibilitychange', wake);
    this.#ctx.addEventListener('statechange', wake);
    this.#cleanups.push(() => {
      document.removeEventListener('visibilitychange', wake);
      this.#ctx.removeEventListener('statechange', wake);
    });
  }

  async #close(how: CallEvents['closed']): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#agentLostTimer);
    this.#latency.flush();
    for (const cleanup of this.#cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        /* best effort */
      }
    }
    this.#playback.dispose();
    this.#person.dispose();
    this.#micSource?.disconnect();
    const room = this.#room;
    this.#room = null;
    await room?.disconnect().catch(() => {});
    await this.#ctx.close().catch(() => {});
    this.#events.emit('closed', how);
  }
}

