import { GREETING_MAX_SECONDS, GREETING_SAMPLE_RATE } from './greeting-cache.ts';

/** A raw OpenAI Realtime server event, as far as the capture reads it. */
export interface CaptureEvent {
  type: string;
  response?: { id?: string; status?: string };
  response_id?: string;
  /** Base64 PCM16 (audio delta) or text (transcript delta). */
  delta?: string;
}

/** Letters and digits only, lower case: "Hi, I'm …" and "hi i m …" say the same words. */
export const sameWords = (a: string, b: string): boolean => norm(a) === norm(b) && norm(a).length > 0;
const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * Records the greeting as the model speaks it, from the realtime wire events: the audio deltas
 * (`response.output_audio.delta`, beta `response.audio.delta`: base64 PCM16 mono 24 kHz) and the
 * transcript deltas of the first response after construction. `onDone` gets the audio only if that
 * response completed (`response.done` status `completed`: not cancelled by a barge-in, not cut) and
 * its transcript is the greeting's words — a model that paraphrased is never cached. Any other
 * outcome calls nothing. Framework-free for testing.
 */
export class GreetingCapture {
  #responseId: string | null = null;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #transcript = '';
  #finished = false;

  constructor(
    private readonly text: string,
    private readonly onDone: (pcm: Int16Array) => void,
  ) {}

  /** Feeds one server event. */
  onServerEvent(ev: CaptureEvent): void {
    if (this.#finished) return;
    const responseId = ev.response?.id ?? ev.response_id;
    if (ev.type === 'response.created') {
      this.#responseId ??= responseId ?? null;
      return;
    }
    if (this.#responseId === null || responseId !== this.#responseId) return;
    switch (ev.type) {
      case 'response.output_audio.delta':
      case 'response.audio.delta': {
        const chunk = Buffer.from(ev.delta ?? '', 'base64');
        this.#bytes += chunk.length;
        if (this.#bytes > GREETING_MAX_SECONDS * GREETING_SAMPLE_RATE * 2) return this.#finish();
        this.#chunks.push(chunk);
        return;
      }
      case 'response.output_audio_transcript.delta':
      case 'response.audio_transcript.delta':
        this.#transcript += ev.delta ?? '';
        return;
      case 'response.done': {
        const completed = ev.response?.status === 'completed';
        const pcm = completed && sameWords(this.#transcript, this.text) ? toPcm(Buffer.concat(this.#chunks)) : null;
        this.#finish();
        if (pcm && pcm.length > 0) this.onDone(pcm);
        return;
      }
    }
  }

  /** Stops recording (e.g. the greeting was interrupted at the agent's side). */
  cancel(): void {
    this.#finish();
  }

  #finish(): void {
    this.#finished = true;
    this.#chunks = [];
  }
}

function toPcm(bytes: Buffer): Int16Array {
  const pcm = new Int16Array(Math.floor(bytes.length / 2));
  Buffer.from(pcm.buffer).set(bytes.subarray(0, pcm.length * 2));
  return pcm;
}
