import { type AudioFrame, AudioStream, type RemoteTrack } from '@livekit/rtc-node';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { WorkerConfig } from '../config.ts';

/** Sample rate of the realtime protocol's PCM16 input, Hz. */
export const TRANSCRIBE_RATE_HZ = 24_000;
/** Audio appended per message, ms (the LiveKit plugin sends 100 ms chunks too). */
const CHUNK_MS = 100;

/** Where and how to open a transcription session: the same realtime model the agent talks through. */
export interface TranscriptionEndpoint {
  /** `ws(s)://…/realtime?model=…` */
  url: string;
  apiKey: string;
  /** Transcription model asked for (OpenAI: `gpt-4o-mini-transcribe`; the local model takes any name). */
  model: string;
}

/** The endpoint for this worker: OpenAI when `OPENAI_API_KEY` is set, else the local offline model. Null when neither is known. */
export function transcriptionEndpoint(config: Pick<WorkerConfig, 'OPENAI_API_KEY' | 'OPENAI_REALTIME_MODEL' | 'LOCAL_REALTIME_URL' | 'LOCAL_REALTIME_API_KEY'>): TranscriptionEndpoint | null {
  if (config.OPENAI_API_KEY) {
    return { url: `wss://api.openai.com/v1/realtime?model=${encodeURIComponent(config.OPENAI_REALTIME_MODEL)}`, apiKey: config.OPENAI_API_KEY, model: 'gpt-4o-mini-transcribe' };
  }
  if (!config.LOCAL_REALTIME_URL || !config.LOCAL_REALTIME_API_KEY) return null;
  return { url: `${config.LOCAL_REALTIME_URL.replace(/^http/, 'ws').replace(/\/+$/, '')}/realtime?model=gpt-realtime`, apiKey: config.LOCAL_REALTIME_API_KEY, model: 'pocketsphinx' };
}

/**
 * Speech to text for one participant's audio track, through a realtime model session used only
 * for transcription (OpenAI Realtime protocol: server VAD with `create_response: false`, input
 * transcription on, text output — the model never answers). Audio is PCM16 mono 24 kHz, sent in
 * 100 ms chunks as it arrives. Each finished utterance goes to `onText` with the wall-clock time
 * it started (ms since epoch); each audio frame (10 ms) to `onFrame`. Errors are logged; the
 * call is never affected.
 */
export class RealtimeTranscriber {
  #ws: WebSocket | null = null;
  #closed = false;
  /** Wall clock of the first sample sent: the model's `audio_start_ms` counts from it. */
  #t0: number | null = null;
  readonly #starts = new Map<string, number>();

  constructor(
    private readonly endpoint: TranscriptionEndpoint,
    private readonly onText: (text: string, startedAtMs: number) => void,
    private readonly log: Logger,
    private readonly onFrame?: (frame: AudioFrame, atMs: number) => void,
  ) {}

  /** Opens the session and streams `track` into it until {@link close}. */
  async start(track: RemoteTrack): Promise<void> {
    const ws = new WebSocket(this.endpoint.url, { headers: { Authorization: `Bearer ${this.endpoint.apiKey}` } });
    this.#ws = ws;
    ws.on('error', (err) => this.log.warn({ err: err.message }, 'transcription session error'));
    ws.on('message', (data) => this.#onEvent(String(data)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(
      JSON.stringify({
        type: 'session.update',
        session: {
          type: 'realtime',
          output_modalities: ['text'],
          instructions: 'Transcribe only. Never answer.',
          audio: {
            input: {
              format: { type: 'audio/pcm', rate: TRANSCRIBE_RATE_HZ },
              transcription: { model: this.endpoint.model },
              turn_detection: { type: 'server_vad', create_response: false, interrupt_response: false, silence_duration_ms: 500 },
            },
          },
        },
      }),
    );
    const reader = new AudioStream(track, TRANSCRIBE_RATE_HZ, 1).getReader();
    const chunk: Int16Array[] = [];
    let samples = 0;
    try {
      while (!this.#closed) {
        const { value: frame, done } = await reader.read();
        if (done) break;
        const now = Date.now();
        this.#t0 ??= now - (frame.samplesPerChannel / TRANSCRIBE_RATE_HZ) * 1000;
        this.onFrame?.(frame, now);
        chunk.push(frame.data);
        samples += frame.data.length;
        if (samples >= (TRANSCRIBE_RATE_HZ * CHUNK_MS) / 1000 && ws.readyState === WebSocket.OPEN) {
          const pcm = Buffer.concat(chunk.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
          ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: pcm.toString('base64') }));
          chunk.length = 0;
          samples = 0;
        }
      }
    } finally {
      void reader.cancel().catch(() => {});
    }
  }

  close(): void {
    this.#closed = true;
    this.#ws?.close();
  }

  #onEvent(raw: string): void {
    let ev: { type?: string; item_id?: string; audio_start_ms?: number; transcript?: string; error?: { message?: string } };
    try {
      ev = JSON.parse(raw);
    } catch {
      return;
    }
    if (ev.type === 'input_audio_buffer.speech_started' && ev.item_id) {
      this.#starts.set(ev.item_id, (this.#t0 ?? Date.now()) + (ev.audio_start_ms ?? 0));
    } else if (ev.type === 'conversation.item.input_audio_transcription.completed' && ev.transcript?.trim()) {
      const at = (ev.item_id && this.#starts.get(ev.item_id)) || Date.now();
      if (ev.item_id) this.#starts.delete(ev.item_id);
      this.onText(ev.transcript.trim(), Math.round(at));
    } else if (ev.type === 'error') {
      this.log.warn({ err: ev.error?.message }, 'transcription session reported an error');
    }
  }
}
