import { execFileSync } from 'node:child_process';
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  type RemoteTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import {
  AUDIBLE_DBFS,
  AgentNotice,
  AgentTurnTimeline,
  CreateSessionResponse,
  NOTICE_TOPIC,
  RpcMethod,
  TIMELINE_TOPIC,
  levelDbfs,
} from '@voice-widget/protocol';

/** Caller audio: 48 kHz mono PCM16, sent in 10 ms frames. */
export const SAMPLE_RATE = 48_000;
const FRAME = SAMPLE_RATE / 100;
/** Silence after the caller's last voiced 10 ms before the end-of-turn hint, like the widget's VAD redemption. */
export const HINT_AFTER_MS = 300;

/** An utterance loaded for sending, with where its speech really ends (energy envelope). */
export interface Utterance {
  pcm: Int16Array;
  /** End of the last 10 ms window above the level threshold, ms from the start. */
  speechEndMs: number;
}

/** Loads a recording (any sox-readable file; `.raw` = 16 kHz S16LE) as 48 kHz mono PCM16. */
export function loadUtterance(file: string): Utterance {
  const input = file.endsWith('.raw') ? ['-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', file] : [file];
  const buf = execFileSync('sox', [...input, '-t', 'raw', '-r', String(SAMPLE_RATE), '-e', 'signed', '-b', '16', '-c', '1', '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const pcm = new Int16Array(buf.buffer, buf.byteOffset, buf.byteLength / 2);
  let last = 0;
  for (let i = 0; i + FRAME <= pcm.length; i += FRAME) if (levelDbfs(pcm, i, i + FRAME) >= AUDIBLE_DBFS) last = i + FRAME;
  return { pcm: pcm.slice(), speechEndMs: (last / SAMPLE_RATE) * 1000 };
}

/** One turn as a phone-style caller measures it: from its own speech end to the first agent audio heard. */
export interface CallerTurn {
  perceivedMs: number;
}

/**
 * A headless caller (LiveKit rtc-node, no browser): creates a session through the server like
 * the widget, publishes a microphone track fed with recordings in real time, listens to the
 * agent, and measures each turn on its own clock from the audio it sent and received (the
 * phone-caller method of latency.md). It sends the same end-of-turn hint the widget sends.
 * For abuse probes it also calls RPCs and sends text directly, and keeps what the agent sent
 * on the data topics (reply timelines, notices) and when the room's metadata changed.
 */
export class SyntheticCaller {
  readonly turns: CallerTurn[] = [];
  /** The session the server created (room, caller token), once joined. */
  session: CreateSessionResponse | null = null;
  /** The agent's reply timelines received on `voice.timeline`. */
  readonly timelines: AgentTurnTimeline[] = [];
  /** Notices received on `voice.notice`. */
  readonly notices: AgentNotice[] = [];
  /** Room metadata changes (the server's call-ending notice), with when they arrived (ms since epoch). */
  readonly metadataChanges: { at: number; metadata: string }[] = [];
  /** When the room disconnected this caller, ms since epoch (null while connected). */
  disconnectedAt: number | null = null;
  #room = new Room();
  #source = new AudioSource(SAMPLE_RATE, 1, 100);
  #agentIdentity: string | null = null;
  /** The agent told that this caller's VAD ends its turns (`voice.turn_source`), as the widget does. */
  #vadReportedTo: string | null = null;
  #lastLoudAt = 0;
  #audibleSince: number | null = null;
  #onsets: number[] = [];
  #closed = false;

  /**
   * Creates the session and joins; resolves once the agent's audio track is subscribed.
   * @throws Error when the session is refused or no agent audio arrives within `agentTimeoutMs`.
   */
  async join(serverUrl: string, agent: string, pageOrigin: string, agentTimeoutMs = 30_000, extra: { demo?: string; identity?: string } = {}): Promise<void> {
    const res = await fetch(new URL('/api/sessions', serverUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: pageOrigin },
      body: JSON.stringify({ agent, ...extra }),
    });
    if (!res.ok) throw new Error(`session: ${res.status} ${await res.text()}`);
    const session = (this.session = CreateSessionResponse.parse(await res.json()));
    const subscribed = new Promise<void>((resolve) => {
      this.#room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, participant) => {
        if (track.kind !== TrackKind.KIND_AUDIO) return;
        this.#agentIdentity = participant.identity;
        void this.#listen(track);
        resolve();
      });
    });
    // The agent streams captions and session events to every participant; drain them unread.
    this.#room.registerTextStreamHandler('lk.transcription', (reader) => void reader.readAll().catch(() => {}));
    this.#room.registerByteStreamHandler('lk.agent.session', (reader) => void reader.readAll().catch(() => {}));
    this.#room
      .on(RoomEvent.DataReceived, (payload, _p, _kind, topic) => this.#onData(payload, topic))
      .on(RoomEvent.RoomMetadataChanged, (metadata) => this.metadataChanges.push({ at: Date.now(), metadata }))
      .on(RoomEvent.Disconnected, () => (this.disconnectedAt ??= Date.now()));
    await this.#room.connect(session.url, session.token, { autoSubscribe: true, dynacast: false });
    const track = LocalAudioTrack.createAudioTrack('mic', this.#source);
    await this.#room.localParticipant!.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));
    void this.#pump();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no agent audio within ${agentTimeoutMs} ms`)), agentTimeoutMs);
    });
    try {
      await Promise.race([subscribed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until the agent has been silent for `quietMs` (e.g. the greeting is over). */
  async waitForQuiet(quietMs: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#audibleSince === null && Date.now() - this.#lastLoudAt >= quietMs && this.#lastLoudAt > 0) return;
      await sleep(50);
    }
  }

  /** Says one utterance, sends the end-of-turn hint, and measures the agent's first audio. */
  async say(utt: Utterance, replyTimeoutMs = 10_000): Promise<void> {
    // Like the widget once its VAD runs: this caller ends its own turns (the agent's VAD stays off).
    if (this.#agentIdentity && this.#vadReportedTo !== this.#agentIdentity) {
      this.#vadReportedTo = this.#agentIdentity;
      await this.rpc(RpcMethod.turnSource, { source: 'page_vad' }).catch(() => {});
    }
    const frames: Int16Array[] = [];
    for (let i = 0; i < utt.pcm.length; i += FRAME) {
      const chunk = new Int16Array(FRAME);
      chunk.set(utt.pcm.subarray(i, i + FRAME));
      frames.push(chunk);
    }
    const sent = new Promise<void>((resolve) => this.#outbox.push({ frames, sent: resolve }));
    await sent;
    // The source plays its queue out in real time: the utterance's last sample leaves at
    // now + queued; its speech ended (utterance length − speechEndMs) before that.
    const uttMs = (frames.length * FRAME * 1000) / SAMPLE_RATE;
    const speechEnd = Date.now() + this.#source.queuedDuration - (uttMs - utt.speechEndMs);
    const onsetsBefore = this.#onsets.filter((t) => t <= speechEnd).length;
    setTimeout(() => void this.#hint(speechEnd), Math.max(0, speechEnd + HINT_AFTER_MS - Date.now()));
    const deadline = Date.now() + replyTimeoutMs;
    while (this.#onsets.length === onsetsBefore && Date.now() < deadline) await sleep(20);
    const onset = this.#onsets[onsetsBefore];
    if (onset !== undefined) this.turns.push({ perceivedMs: onset - speechEnd });
  }

  /** When agent audio was last heard, ms since epoch (0 before any). */
  get lastAgentAudioAt(): number {
    return this.#lastLoudAt;
  }

  /** The agent participant whose audio this caller hears now (a resumed agent replaces a lost one). */
  get agentIdentity(): string | null {
    return this.#agentIdentity;
  }

  /** Agent audio onsets heard so far (ms since epoch): the greeting, each reply. */
  get onsets(): readonly number[] {
    return this.#onsets;
  }

  /** Calls an RPC method of the agent; resolves with its reply, rejects with the agent's RpcError. */
  rpc(method: string, payload: unknown): Promise<string> {
    if (!this.#agentIdentity) return Promise.reject(new Error('no agent in the room'));
    return this.#room.localParticipant!.performRpc({ destinationIdentity: this.#agentIdentity, method, payload: JSON.stringify(payload) });
  }

  /** Types a message to the agent (`lk.chat`, like the widget's text input). */
  async sendText(text: string): Promise<void> {
    await this.#room.localParticipant!.sendText(text, { topic: 'lk.chat' });
  }

  /** Whether the agent's participant is still in the room. */
  get agentPresent(): boolean {
    return this.#agentIdentity !== null && this.#room.remoteParticipants.has(this.#agentIdentity);
  }

  #onData(payload: Uint8Array, topic: string | undefined): void {
    try {
      const json: unknown = JSON.parse(new TextDecoder().decode(payload));
      if (topic === TIMELINE_TOPIC) {
        const t = AgentTurnTimeline.safeParse(json);
        if (t.success) this.timelines.push(t.data);
      } else if (topic === NOTICE_TOPIC) {
        const n = AgentNotice.safeParse(json);
        if (n.success) this.notices.push(n.data);
      }
    } catch {
      /* not ours */
    }
  }

  async leave(): Promise<void> {
    this.#closed = true;
    await this.#room.disconnect();
  }

  #outbox: { frames: Int16Array[]; sent: () => void }[] = [];

  /** The one sender: utterance frames when there are some, silence otherwise (a live mic never stops). */
  async #pump(): Promise<void> {
    const silence = new Int16Array(FRAME);
    while (!this.#closed) {
      const next = this.#outbox.shift();
      for (const frame of next?.frames ?? [silence]) {
        await this.#source.captureFrame(new AudioFrame(frame, SAMPLE_RATE, 1, FRAME));
      }
      next?.sent();
    }
  }

  async #hint(speechEndMs: number): Promise<void> {
    if (!this.#agentIdentity || this.#closed) return;
    await this.#room
      .localParticipant!.performRpc({
        destinationIdentity: this.#agentIdentity,
        method: RpcMethod.endOfTurn,
        payload: JSON.stringify({ speechEndMs }),
      })
      .catch(() => {});
  }

  async #listen(track: RemoteTrack): Promise<void> {
    const reader = new AudioStream(track, SAMPLE_RATE, 1).getReader();
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done) break;
      const now = Date.now();
      const loud = levelDbfs(frame.data) >= AUDIBLE_DBFS;
      if (loud) {
        if (this.#audibleSince === null) {
          this.#audibleSince = now;
          if (now - this.#lastLoudAt > 150) this.#onsets.push(now);
        }
        this.#lastLoudAt = now;
      } else if (this.#audibleSince !== null && now - this.#lastLoudAt > 150) {
        this.#audibleSince = null;
      }
      if (this.#closed) break;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
