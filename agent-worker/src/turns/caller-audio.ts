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

  push(samples: Int16Array): void {
    for (const sample of samples) this.#ring[this.#written++ % this.size] = sample;
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
 * The caller's latest 1.2 s of audio, PCM16 mono 16 kHz, kept from a second subscription to their
 * microphone track (LiveKit resamples it for us). Feeds the end-of-turn model, and the agent's own
 * VAD when it ends turns ({@link onFrame}).
 */
export class CallerAudioWindow {
  readonly #ring = new SampleRing(EOT_WINDOW_SAMPLES);
  #closed = false;
  #listener: ((frame: AudioFrame) => void) | null = null;

  /** Also hands every frame (PCM16 mono 16 kHz, 10 ms) to `listener`; null stops it. */
  onFrame(listener: ((frame: AudioFrame) => void) | null): void {
    this.#listener = listener;
  }

  /** Follows the caller's audio track in `room` (not an agent's, nor a person's who took the call over). */
  constructor(room: Room) {
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, participant: RemoteParticipant) => {
      if (track.kind === TrackKind.KIND_AUDIO && participant.info.kind !== ParticipantKind.AGENT && !isPerson(participant)) void this.#read(track);
    });
  }

  /** The latest audio, oldest sample first (zeros before the caller spoke). */
  snapshot(): Int16Array {
    return this.#ring.snapshot();
  }

  close(): void {
    this.#closed = true;
  }

  async #read(track: RemoteTrack): Promise<void> {
    const reader = new AudioStream(track, EOT_SAMPLE_RATE, 1).getReader();
    while (!this.#closed) {
      const { value: frame, done } = await reader.read();
      if (done) break;
      this.#ring.push(frame.data);
      this.#listener?.(frame);
    }
    void reader.cancel();
  }
}
