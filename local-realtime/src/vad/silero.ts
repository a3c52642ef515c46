import { createRequire } from 'node:module';
import path from 'node:path';
import type { InferenceSession as OrtSession } from 'onnxruntime-node';

/**
 * Silero VAD v5 (the `silero_vad.onnx` shipped in `@livekit/agents-plugin-silero`) run directly
 * with onnxruntime-node, one 512-sample (32 ms at 16 kHz) window per call.
 *
 * Why not the plugin's `VAD.stream()`: its thresholds are fixed per loaded VAD (ours change per
 * session with `session.update`), its events are timestamped on its own clock rather than the
 * session's audio timeline that `audio_start_ms`/`audio_end_ms` need, it smooths and buffers in an
 * async pipeline we would then have to undo to finalize recognition speculatively at the first
 * silent frame, and it needs `initializeLogger()` from `@livekit/agents`, which a library must not
 * call inside the host agent process. The model, its input contract and the state handling below
 * are the plugin's own (`onnx_model.ts`).
 */

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');

/** Samples per inference window at 16 kHz. */
export const VAD_WINDOW_SAMPLES = 512;
/** Duration of one window, ms. */
export const VAD_WINDOW_MS = 32;
const CONTEXT_SAMPLES = 64;

/** Path of the ONNX model bundled with the LiveKit Silero plugin. */
export function sileroModelPath(): string {
  return path.join(path.dirname(require.resolve('@livekit/agents-plugin-silero')), 'silero_vad.onnx');
}

/** The loaded model, shared by every session (inference is re-entrant; state lives in each stream). */
export class SileroModel {
  readonly #session: OrtSession;

  private constructor(session: OrtSession) {
    this.#session = session;
  }

  /** Loads the model (~80 ms) on one CPU thread. */
  static async load(modelPath: string = sileroModelPath()): Promise<SileroModel> {
    const session = await ort.InferenceSession.create(modelPath, {
      interOpNumThreads: 1,
      intraOpNumThreads: 1,
      executionMode: 'sequential',
      executionProviders: ['cpu'],
    });
    return new SileroModel(session);
  }

  /** A new stream with its own recurrent state. */
  stream(): SileroStream {
    return new SileroStream(this.#session);
  }

  async release(): Promise<void> {
    await this.#session.release();
  }
}

export class SileroStream {
  readonly #session: OrtSession;
  #state = new Float32Array(2 * 1 * 128);
  #context = new Float32Array(CONTEXT_SAMPLES);
  readonly #sr = new ort.Tensor('int64', BigInt64Array.from([16_000n]));

  constructor(session: OrtSession) {
    this.#session = session;
  }

  /** Speech probability (0–1) of one window of `VAD_WINDOW_SAMPLES` float samples at 16 kHz. */
  async probability(window: Float32Array): Promise<number> {
    if (window.length !== VAD_WINDOW_SAMPLES) throw new RangeError(`VAD window must be ${VAD_WINDOW_SAMPLES} samples`);
    const input = new Float32Array(CONTEXT_SAMPLES + VAD_WINDOW_SAMPLES);
    input.set(this.#context, 0);
    input.set(window, CONTEXT_SAMPLES);
    const result = await this.#session.run({
      input: new ort.Tensor('float32', input, [1, input.length]),
      state: new ort.Tensor('float32', this.#state, [2, 1, 128]),
      sr: this.#sr,
    });
    this.#state = new Float32Array(result.stateN!.data as Float32Array);
    this.#context = input.slice(-CONTEXT_SAMPLES);
    return (result.output!.data as Float32Array)[0]!;
  }

  /** Clears the recurrent state (new, unrelated audio). */
  reset(): void {
    this.#state.fill(0);
    this.#context.fill(0);
  }
}
