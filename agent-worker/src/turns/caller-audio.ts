import { type AudioFrame, AudioStream, ParticipantKind, type RemoteParticipant, type RemoteTrack, type Room, RoomEvent, TrackKind } from '@livekit/rtc-node';
import { isPerson } from '../handoff/person.ts';

/** Sample rate the end-of-turn model takes, Hz. */
export const EOT_SAMPLE_RATE = 16_000;
/** How much of the caller's latest audio the model looks at: 1.2 s (it pads or truncates to this). */
export const EOT_WINDOW_SAMPLES = 19_200;

/** The last `size` samples written, PCM16. */
export class SampleRing {
  readonly #ring: Int16Array;
  #written = 0;

  constructor(readonly size: number) {
    this.#ring = new Int16Array(size);
  }

  /** Appends `samples` (two block copies, not a loop over samples: this runs on every 10 ms frame). */
  push(samples: Int16Array): void {
    const src = samples.length > this.size ? samples.subarray(samples.length - this.size) : samples;
    const start = this.#written % this.size;
    const first = Math.min(src.length, this.size - start);
    this.#ring.set(src.subarray(0, first), start);
    this.#ring.set(src.subarray(first), 0);
    this.#written += src.length;
  }

  /** Forgets everything written (zeros again). */
  clear(): void {
    this.#ring.fill(0);
    this.#written = 0;
  }

  /** The latest `size` samples, oldest first (zeros before anything was written). */
  snapshot(): Int16Array {
    const out = new Int16Array(this.size);
    const start = this.#written % this.size;
    out.set(this.#ring.subarray(start), 0);
    out.set(this.#ring.subarray(0, start), this.size - start);
    return out;
  }
}

/**
 * The caller's latest 1.2 s of audio, PCM16 mono 16 kHz, from a second subscription to their
 * microphone track (LiveKit resamples it for us). Feeds the end-of-turn model, and the agent's own
 * VAD when it ends turns ({@link onFrame}).
 *
 * That second subscription costs the job process a stream of its own (a resampled copy of every
 * 10 ms frame, decoded from the FFI and queued through a web stream), so it is open only while a
 * consumer wants it ({@link want}): a call whose end-of-turn model can no longer change a decision
 * and whose turns the page's VAD ends (most web calls after their first reply), and every call
 * without agent-driven turns (phone), do not pay for it. Reopened, it starts empty (zeros).
 */
export class CallerAudioWindow {
  readonly #ring = new SampleRing(EOT_WINDOW_SAMPLES);
  readonly #wants = new Set<string>();
  #track: RemoteTrack | null = null;
  #reader: ReadableStreamDefaultReader<AudioFrame> | null = null;
  #closed = false;
  #listener: ((frame: AudioFrame) => void) | null = null;

  /**
   * Follows the caller's audio track in `room` (not an agent's, nor a person's who took the call
   * over); `open` subscribes to a track (PCM16 mono 16 kHz frames).
   */
  constructor(
    room: Pick<Room, 'on'>,
    private readonly open: (track: RemoteTrack) => ReadableStreamDefaultReader<AudioFrame> = (track) => new AudioStream(track, EOT_SAMPLE_RATE, 1).getReader(),
  ) {
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, participant: RemoteParticipant) => {
      if (track.kind !== TrackKind.KIND_AUDIO || participant.info.kind === ParticipantKind.AGENT || isPerson(participant)) return;
      this.#stop(); // a new track replaces the old one
      this.#track = track;
      this.#sync();
    });
    room.on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => {
      if (track !== this.#track) return;
      this.#track = null;
      this.#stop();
    });
  }

  /** Whether `consumer` needs the caller's audio now; the subscription is open while any does. */
  want(consumer: string, on: boolean): void {
    if (on) this.#wants.add(consumer);
    else this.#wants.delete(consumer);
    this.#sync();
  }

  /** Whether the second subscription is open (a consumer wants it and the caller's track is there). */
  get reading(): boolean {
    return this.#reader !== null;
  }

  /** Also hands every frame (PCM16 mono 16 kHz, 10 ms) to `listener` (and wants the audio); null stops it. */
  onFrame(listener: ((frame: AudioFrame) => void) | null): void {
    this.#listener = listener;
    this.want('frames', listener !== null);
  }

  /** The latest audio, oldest sample first (zeros before the caller spoke, or since it was reopened). */
  snapshot(): Int16Array {
    return this.#ring.snapshot();
  }

  close(): void {
    this.#closed = true;
    this.#stop();
  }

  #sync(): void {
    const open = !this.#closed && this.#track !== null && this.#wants.size > 0;
    if (open && !this.#reader) this.#start(this.#track!);
    else if (!open) this.#stop();
  }

  #start(track: RemoteTrack): void {
    this.#ring.clear();
    const reader = this.open(track);
    this.#reader = reader;
    void this.#pump(reader);
  }

  #stop(): void {
    const reader = this.#reader;
    this.#reader = null;
    void reader?.cancel().catch(() => {});
  }

  async #pump(reader: ReadableStreamDefaultReader<AudioFrame>): Promise<void> {
    for (;;) {
      const { value: frame, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done || this.#reader !== reader) return;
      this.#ring.push(frame.data);
      this.#listener?.(frame);
    }
  }
}
