import type { ReadableStream } from 'node:stream/web';
import { TransformStream } from 'node:stream/web';
import type { AudioFrame } from '@livekit/rtc-node';
import { voice } from '@livekit/agents';

/**
 * Holds the agent's audio back while open questions are settled, without holding back its
 * generation: frames that arrive while held wait (the model's stream backs up behind them) and
 * go out in order on {@link release}. Used for a *provisional* `human` on an outbound call: the
 * opener is generated at once, and plays only once the detector confirms the pause
 * (`amd_confirmed`); if the far side speaks again first (a greeting's next phrase), the reply is
 * interrupted and none of it has played. The output's own pause (`AudioOutput.pause`) cannot do
 * this: agents-js resumes it whenever a new reply starts forwarding (false-interruption handling).
 */
export class PlayoutGate {
  #held = false;
  #waiters: (() => void)[] = [];

  /** Whether frames are held back now. */
  get held(): boolean {
    return this.#held;
  }

  /** Holds every frame from now on until {@link release}. */
  hold(): void {
    this.#held = true;
  }

  /** Lets held and future frames through (in order). Idempotent. */
  release(): void {
    this.#held = false;
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves at once when not held, else on the next {@link release}. */
  passage(): Promise<void> {
    return this.#held ? new Promise((r) => this.#waiters.push(r)) : Promise.resolve();
  }

  /** `frames`, each waiting for {@link passage} before it goes on. */
  through<T>(frames: ReadableStream<T>): ReadableStream<T> {
    return frames.pipeThrough(
      new TransformStream<T, T>({
        transform: async (frame, controller) => {
          await this.passage();
          controller.enqueue(frame);
        },
      }),
    );
  }
}

/**
 * A `voice.Agent` whose realtime model audio goes through `gate` (agents-js' realtime audio output
 * node: model audio, PCM16 mono 24 kHz frames, before the transcript sync and the room's track).
 */
export class GatedAudioAgent extends voice.Agent {
  readonly #gate: PlayoutGate;

  constructor(gate: PlayoutGate, options: ConstructorParameters<typeof voice.Agent>[0]) {
    super(options);
    this.#gate = gate;
  }

  override async realtimeAudioOutputNode(
    audio: Parameters<voice.Agent['realtimeAudioOutputNode']>[0],
    settings: Parameters<voice.Agent['realtimeAudioOutputNode']>[1],
  ): Promise<ReadableStream<AudioFrame> | null> {
    const upstream = await voice.Agent.default.realtimeAudioOutputNode(this, audio, settings);
    return upstream ? this.#gate.through(upstream) : null;
  }
}
