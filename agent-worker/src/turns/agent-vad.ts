import type { VAD, VADStream } from '@livekit/agents';
import { VADEventType } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import type { Logger } from 'pino';

/** Silence after the caller's last speech that ends their turn, ms (the page's VAD uses 300). */
export const AGENT_VAD_SILENCE_MS = 300;

/** Speech that interrupts the agent while it talks, ms (the page's barge-in rule uses 250). */
export const AGENT_VAD_BARGE_IN_MS = 250;

/** What the fallback does when the caller starts and stops. */
export interface AgentVadHandlers {
  /** The caller's turn ended; `speechEndMs` = end of their speech, agent clock, ms since epoch. */
  onEndOfSpeech(speechEndMs: number): void;
  /** The caller has spoken for {@link AGENT_VAD_BARGE_IN_MS} (barge-in while the agent talks). */
  onSpeech(): void;
}

/** A source of the caller's audio, PCM16 mono 16 kHz (caller-audio.ts). */
export interface CallerAudioSource {
  onFrame(listener: ((frame: AudioFrame) => void) | null): void;
}

/**
 * The agent's own turn detection, for web calls whose page VAD is not running (it failed to load:
 * blocked WASM, no model): LiveKit's Silero VAD (`@livekit/agents-plugin-silero`) on the caller's
 * audio ends turns after {@link AGENT_VAD_SILENCE_MS} of silence. Off by default — the page's VAD
 * knows the end of speech earlier (no uplink) — and switched on by the page's `voice.turn_source`
 * RPC or when the page never says its VAD runs.
 */
export class AgentVadTurns {
  #vad: Promise<VAD> | null = null;
  #stream: VADStream | null = null;
  #on = false;

  constructor(
    private readonly audio: CallerAudioSource,
    private readonly handlers: AgentVadHandlers,
    private readonly log: Logger,
    private readonly loadVad: () => Promise<VAD> = async () => {
      const silero = await import('@livekit/agents-plugin-silero');
      return silero.VAD.load({ minSilenceDuration: AGENT_VAD_SILENCE_MS, minSpeechDuration: 100 }); // ms
    },
  ) {}

  /** Whether the agent's VAD ends turns now. */
  get active(): boolean {
    return this.#on;
  }

  /** Starts ending turns with the agent's VAD (idempotent). */
  async enable(): Promise<void> {
    if (this.#on) return;
    this.#on = true;
    try {
      this.#vad ??= this.loadVad();
      const stream = (await this.#vad).stream();
      if (!this.#on) return void stream.close();
      this.#stream = stream;
      this.audio.onFrame((frame) => {
        try {
          stream.pushFrame(frame);
        } catch {
          /* closed while a frame was in flight */
        }
      });
      void this.#consume(stream);
      this.log.info('turns now end on the agent’s VAD (the page’s VAD is not running)');
    } catch (err) {
      this.#on = false;
      this.log.error({ err: (err as Error).message }, 'agent VAD failed to start');
    }
  }

  /** Hands turn-taking back to the page's VAD. */
  disable(): void {
    if (!this.#on) return;
    this.#on = false;
    this.audio.onFrame(null);
    this.#stream?.close();
    this.#stream = null;
    this.log.info('turns end on the page’s VAD again');
  }

  async #consume(stream: VADStream): Promise<void> {
    let interrupted = false;
    for await (const ev of stream) {
      if (!this.#on) break;
      if (ev.type === VADEventType.START_OF_SPEECH) interrupted = false;
      else if (ev.type === VADEventType.INFERENCE_DONE && ev.speaking && !interrupted && ev.speechDuration >= AGENT_VAD_BARGE_IN_MS) {
        interrupted = true;
        this.handlers.onSpeech();
      } else if (ev.type === VADEventType.END_OF_SPEECH) {
        this.handlers.onEndOfSpeech(ev.timestamp - ev.silenceDuration);
      }
    }
  }
}
