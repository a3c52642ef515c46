import { randomUUID } from 'node:crypto';
import { llm, voice } from '@livekit/agents';
import { AudioFrame, type Room } from '@livekit/rtc-node';
import { GREETING_SAMPLE_RATE } from './greeting-cache.ts';

/** Samples per frame handed to the audio output: 20 ms at 24 kHz. */
const FRAME_SAMPLES = GREETING_SAMPLE_RATE / 50;

/** How a greeting played straight to the room ended. */
export interface GreetingPlayed {
  /** Cut short ({@link GreetingPlayback.stop}: barge-in, or the session started a reply). */
  interrupted: boolean;
  /** Audio the caller got, seconds. */
  playedS: number;
  /** The words said: the whole text, or its share by time when cut short (no alignment data). */
  text: string;
}

/**
 * A cached greeting played straight into the agent's pre-published audio output
 * (`ParticipantAudioOutput`, agent-audio.ts) the moment the caller subscribed to it — without
 * waiting for `AgentSession.start` (RoomIO, the model's WebSocket: 110–400 ms on the click path
 * here, `pnpm bench:greeting`), which runs after the first frame (agent.ts). What the framework would otherwise do for a
 * `session.say` is done here: the caption (one `lk.transcription` text stream, as RoomIO's
 * transcription output sends it), the cut on barge-in ({@link stop}) and, once played, the message
 * in the conversation ({@link addToConversation}).
 *
 * `pcm`: PCM16 mono 24 kHz. The first frame waits until the caller subscribed to the track.
 */
export class GreetingPlayback {
  readonly #output: voice.AudioOutput;
  #stopped = false;
  #onStop: () => void = () => {};
  readonly #stop = new Promise<void>((r) => (this.#onStop = r));
  #captured = false;
  /** Resolves once the greeting played out or was stopped; never rejects. */
  readonly done: Promise<GreetingPlayed>;

  constructor(output: voice.AudioOutput, pcm: Int16Array, private readonly text: string) {
    this.#output = output;
    this.done = this.#play(pcm).catch(() => ({ interrupted: true, playedS: 0, text: '' }));
  }

  /** True until the greeting has played out or was stopped. */
  get playing(): boolean {
    return !this.#stopped;
  }

  /** Stops the greeting now (what was queued is dropped); returns whether it was still playing. */
  stop(): boolean {
    if (this.#stopped) return false;
    this.#stopped = true;
    this.#onStop();
    this.#output.clearBuffer(); // also drops a frame still waiting for the caller's subscription
    return true;
  }

  async #play(pcm: Int16Array): Promise<GreetingPlayed> {
    const finished = new Promise<voice.PlaybackFinishedEvent>((resolve) => this.#output.once(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, resolve));
    const totalS = pcm.length / GREETING_SAMPLE_RATE;
    for (let at = 0; at < pcm.length && !this.#stopped; at += FRAME_SAMPLES) {
      const slice = pcm.slice(at, at + FRAME_SAMPLES);
      // Paced by the output's queue (200 ms); the first frame waits for the caller's subscription.
      const capture = this.#output.captureFrame(new AudioFrame(slice, GREETING_SAMPLE_RATE, 1, slice.length));
      if (await Promise.race([capture.then(() => true), this.#stop.then(() => false)])) this.#captured = true;
    }
    if (!this.#captured) return { interrupted: true, playedS: 0, text: '' };
    this.#output.flush();
    const ev = await finished;
    this.#stopped = true;
    const playedS = Math.min(ev.playbackPosition, totalS);
    return { interrupted: ev.interrupted, playedS, text: ev.interrupted ? wordsFor(this.text, playedS / totalS) : this.text };
  }

  /** Shows the greeting's caption in the caller's page (the widget reads `lk.transcription` streams). */
  async caption(room: Room): Promise<void> {
    const participant = room.localParticipant;
    if (!participant) return;
    const writer = await participant.streamText({
      topic: 'lk.transcription',
      attributes: { 'lk.segment_id': `greeting_${randomUUID()}`, 'lk.transcription_final': 'true' },
    });
    await writer.write(this.text);
    await writer.close();
  }
}

/**
 * Puts what the caller heard of the greeting into the started session's conversation, as the
 * framework does for a reply it spoke: the agent's context and the session's history (the call
 * record and the conversation log listen to `ConversationItemAdded`). Returns the message.
 */
export function addToConversation(session: voice.AgentSession, played: GreetingPlayed): llm.ChatMessage {
  const message = llm.ChatMessage.create({ role: 'assistant', content: played.text, interrupted: played.interrupted });
  session.currentAgent._chatCtx.insert(message);
  session._conversationItemAdded(message);
  return message;
}

/** The first `share` (0..1) of `text`'s words, at least one. */
export function wordsFor(text: string, share: number): string {
  const words = text.trim().split(/\s+/);
  const n = Math.max(1, Math.min(words.length, Math.floor(words.length * Math.max(0, share))));
  return words.slice(0, n).join(' ');
}
