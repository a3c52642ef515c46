import { AudioStream, type Participant, type RemoteParticipant, type RemoteTrack, type Room, RoomEvent, TrackKind } from '@livekit/rtc-node';
import { CALLEE_IDENTITY, levelDbfs } from '@voice-widget/protocol';

/** Sample rate of the callee's audio as the detector reads it (LiveKit resamples the 8 kHz line). */
export const CALLEE_SAMPLE_RATE_HZ = 16_000;

/** What happens on the line, in order. Times are ms since epoch (this process's clock). */
export interface CalleeHandlers {
  /** livekit-sip got a 18x from the callee (`sip.callStatus` = ringing). */
  onRinging(atMs: number): void;
  /** The callee answered (200 OK); `atMs` is the answer as {@link AnswerAligner} places it. */
  onAnswered(atMs: number): void;
  /** PCM16 mono 16 kHz after the answer, `startMs` = the first sample's time, contiguous unless audio was lost. */
  onFrame(samples: Int16Array, startMs: number): void;
  /** The callee hung up or the SIP participant left. */
  onGone(why: 'hangup' | 'left'): void;
}

/** Level above which a frame holds sound (the line before the answer carries silence at most), dBFS. */
const AUDIBLE_DBFS = -50;
/** Audio kept while the answer is not yet known, ms. */
const PRE_ANSWER_KEEP_MS = 2000;

/**
 * Times the callee's audio on one clock and finds the answer in it. livekit-sip sets
 * `sip.callStatus` to `active` on the 200 OK and sends no audio before it (early media is dropped:
 * livekit/sip pkg/sip/outbound.go `IgnorePreanswerData`), but the attribute and the first RTP
 * travel different paths: if the first audible frame arrives before the attribute is seen, the answer
 * is that frame, so a callee's immediate "hello?" is not cut. Frames are stamped by a running sample
 * count from the first one, re-anchored to arrival when the stream stalled (a gap counts as lost
 * audio, never as time going back). Pure: no room needed.
 */
export class AnswerAligner {
  #nextMs: number | null = null;
  #pending: { samples: Int16Array; startMs: number }[] = [];
  #answeredAtMs: number | null = null;

  /** When the answer was placed, or null before. */
  get answeredAtMs(): number | null {
    return this.#answeredAtMs;
  }

  /**
   * One frame that arrived at `arrivalMs` (its last sample then). Before the answer it is kept;
   * after, it is returned stamped. An audible frame before the attribute counts as the answer
   * (`answered` is then true in the result).
   */
  push(samples: Int16Array, arrivalMs: number): { frames: { samples: Int16Array; startMs: number }[]; answered: number | null } {
    const durMs = (samples.length / CALLEE_SAMPLE_RATE_HZ) * 1000;
    const arrivedStart = arrivalMs - durMs;
    if (this.#nextMs === null || arrivedStart > this.#nextMs + 200) this.#nextMs = arrivedStart;
    const frame = { samples, startMs: this.#nextMs };
    this.#nextMs += durMs;
    if (this.#answeredAtMs !== null) return { frames: [frame], answered: null };
    this.#pending.push(frame);
    while (this.#pending.length && this.#pending[0]!.startMs < frame.startMs - PRE_ANSWER_KEEP_MS) this.#pending.shift();
    if (levelDbfs(samples) >= AUDIBLE_DBFS) return this.answer(frame.startMs);
    return { frames: [], answered: null };
  }

  /**
   * The answer at `atMs` (the attribute, or the first audible frame): returns the kept frames from
   * then on. Later calls change nothing.
   */
  answer(atMs: number): { frames: { samples: Int16Array; startMs: number }[]; answered: number | null } {
    if (this.#answeredAtMs !== null) return { frames: [], answered: null };
    this.#answeredAtMs = atMs;
    const frames = this.#pending.filter((f) => f.startMs >= atMs);
    this.#pending = [];
    return { frames, answered: atMs };
  }
}

/**
 * The callee of an outbound call in its room: the SIP participant livekit-sip creates when it
 * dials ({@link CALLEE_IDENTITY}), its `sip.callStatus` (dialing → ringing → active → hangup) and its
 * audio, read at 16 kHz from a subscription of its own (the AgentSession reads the same track).
 */
export class CalleeLine {
  readonly #aligner = new AnswerAligner();
  #closed = false;
  #rang = false;
  #gone = false;

  constructor(
    private readonly room: Room,
    private readonly handlers: CalleeHandlers,
    private readonly identity: string = CALLEE_IDENTITY,
  ) {
    room.on(RoomEvent.ParticipantConnected, this.#onConnected);
    room.on(RoomEvent.ParticipantAttributesChanged, this.#onAttributes);
    room.on(RoomEvent.ParticipantDisconnected, this.#onDisconnected);
    room.on(RoomEvent.TrackSubscribed, this.#onTrack);
    for (const p of room.remoteParticipants.values()) this.#onConnected(p);
  }

  /** When the callee answered (ms since epoch), or null. */
  get answeredAtMs(): number | null {
    return this.#aligner.answeredAtMs;
  }

  close(): void {
    this.#closed = true;
    this.room.off(RoomEvent.ParticipantConnected, this.#onConnected);
    this.room.off(RoomEvent.ParticipantAttributesChanged, this.#onAttributes);
    this.room.off(RoomEvent.ParticipantDisconnected, this.#onDisconnected);
    this.room.off(RoomEvent.TrackSubscribed, this.#onTrack);
  }

  #onConnected = (p: RemoteParticipant): void => {
    if (p.identity !== this.identity) return;
    this.#status(p.attributes['sip.callStatus']);
    for (const pub of p.trackPublications.values()) if (pub.track && pub.kind === TrackKind.KIND_AUDIO) void this.#read(pub.track as RemoteTrack);
  };

  #onAttributes = (changed: Record<string, string>, p: Participant): void => {
    if (p.identity === this.identity && 'sip.callStatus' in changed) this.#status(changed['sip.callStatus']);
  };

  #onDisconnected = (p: RemoteParticipant): void => {
    if (p.identity === this.identity) this.#goneOnce('left');
  };

  #onTrack = (track: RemoteTrack, _pub: unknown, p: RemoteParticipant): void => {
    if (p.identity === this.identity && track.kind === TrackKind.KIND_AUDIO) void this.#read(track);
  };

  #status(status: string | undefined): void {
    const now = Date.now();
    if (status === 'ringing' && !this.#rang) {
      this.#rang = true;
      this.handlers.onRinging(now);
    } else if (status === 'active' || status === 'automation') {
      this.#deliver(this.#aligner.answer(now));
    } else if (status === 'hangup') {
      this.#goneOnce('hangup');
    }
  }

  #deliver(r: { frames: { samples: Int16Array; startMs: number }[]; answered: number | null }): void {
    if (r.answered !== null) this.handlers.onAnswered(r.answered);
    for (const f of r.frames) this.handlers.onFrame(f.samples, f.startMs);
  }

  #goneOnce(why: 'hangup' | 'left'): void {
    if (this.#gone) return;
    this.#gone = true;
    this.handlers.onGone(why);
  }

  #reading = false;
  async #read(track: RemoteTrack): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    const reader = new AudioStream(track, CALLEE_SAMPLE_RATE_HZ, 1).getReader();
    try {
      while (!this.#closed) {
        const { value: frame, done } = await reader.read();
        if (done) break;
        this.#deliver(this.#aligner.push(frame.data, Date.now()));
      }
    } finally {
      void reader.cancel();
      this.#reading = false;
    }
  }
}
