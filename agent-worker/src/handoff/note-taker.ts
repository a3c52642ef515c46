import { type AudioFrame, type RemoteParticipant, type RemoteTrack, type Room, RoomEvent, TrackKind } from '@livekit/rtc-node';
import type { Speaker } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import { RealtimeTranscriber, type TranscriptionEndpoint } from './transcriber.ts';

/** A frame this loud or louder counts as the person's first audio, dBFS (the phone tests' threshold). */
export const VOICE_LEVEL_DBFS = -45;

/** What the note-taker needs from the call. */
export interface NoteTakerDeps {
  room: Room;
  /** The realtime model used as speech-to-text; null → no transcript after the hand-off (logged). */
  endpoint: TranscriptionEndpoint | null;
  /** Where lines go (the call record and the live transcript). */
  addLine(speaker: Speaker, text: string, atMs: number): void;
  /** The person's first audio frame at or above {@link VOICE_LEVEL_DBFS}, as received in the room (ms since epoch). */
  onPersonAudio(atMs: number): void;
  log: Logger;
}

/** Level of a PCM16 frame, dBFS (−∞ for silence). */
export function frameDbfs(samples: Int16Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (const s of samples) sum += s * s;
  return 20 * Math.log10(Math.sqrt(sum / samples.length) / 32768);
}

/**
 * The agent after a hand-off: silent in the room, it keeps the record of the whole call. It
 * transcribes the caller and the person (one transcription session each, transcriber.ts) into the
 * call's transcript — the person's part as speaker `person` — shows both as captions in the
 * caller's widget (`lk.transcription` text streams sent on their behalf, like the agent's own
 * captions of the caller), and notes when the person's audio first reached the room.
 */
export class NoteTaker {
  readonly #transcribers: RealtimeTranscriber[] = [];
  readonly #following = new Map<string, Speaker>();
  #personHeard = false;
  #segment = 0;
  #closed = false;

  constructor(private readonly deps: NoteTakerDeps) {
    deps.room.on(RoomEvent.TrackSubscribed, this.#onTrack);
  }

  /** Transcribes `participant` as `speaker` from now on (their current and future microphone tracks). */
  follow(participant: RemoteParticipant, speaker: Speaker): void {
    this.#following.set(participant.identity, speaker);
    for (const pub of participant.trackPublications.values()) {
      if (pub.kind === TrackKind.KIND_AUDIO && pub.track) this.#transcribe(pub.track as RemoteTrack, participant.identity, speaker);
    }
  }

  close(): void {
    this.#closed = true;
    this.deps.room.off(RoomEvent.TrackSubscribed, this.#onTrack);
    for (const t of this.#transcribers.splice(0)) t.close();
  }

  readonly #onTrack = (track: RemoteTrack, _pub: unknown, participant: RemoteParticipant): void => {
    const speaker = this.#following.get(participant.identity);
    if (speaker && track.kind === TrackKind.KIND_AUDIO) this.#transcribe(track, participant.identity, speaker);
  };

  #transcribe(track: RemoteTrack, identity: string, speaker: Speaker): void {
    if (this.#closed) return;
    if (!this.deps.endpoint) {
      this.deps.log.warn('no model to transcribe with: the rest of the call is not transcribed');
      return;
    }
    const onFrame = speaker === 'person' ? (frame: AudioFrame, atMs: number) => this.#onPersonFrame(frame, atMs) : undefined;
    const t = new RealtimeTranscriber(this.deps.endpoint, (text, atMs) => this.#onText(identity, speaker, track.sid ?? '', text, atMs), this.deps.log, onFrame);
    this.#transcribers.push(t);
    void t.start(track).catch((err) => this.deps.log.warn({ err: (err as Error).message, speaker }, 'transcription stopped'));
  }

  #onPersonFrame(frame: AudioFrame, atMs: number): void {
    if (this.#personHeard || frameDbfs(frame.data) < VOICE_LEVEL_DBFS) return;
    this.#personHeard = true;
    // The frame's start: it arrived once complete.
    this.deps.onPersonAudio(Math.round(atMs - (frame.samplesPerChannel / frame.sampleRate) * 1000));
  }

  #onText(identity: string, speaker: Speaker, trackSid: string, text: string, atMs: number): void {
    this.deps.addLine(speaker, text, atMs);
    void this.#caption(identity, trackSid, text).catch((err) => this.deps.log.debug({ err: (err as Error).message }, 'caption not sent'));
  }

  /** One final caption line, sent as `identity` (livekit-client reports the stream's sender as the participant). */
  async #caption(identity: string, trackSid: string, text: string): Promise<void> {
    const local = this.deps.room.localParticipant;
    if (!local || this.#closed) return;
    const writer = await local.streamText({
      topic: 'lk.transcription',
      senderIdentity: identity,
      attributes: { 'lk.transcription_final': 'true', 'lk.segment_id': `notes_${++this.#segment}`, 'lk.transcribed_track_id': trackSid },
    });
    await writer.write(text);
    await writer.close();
  }
}
