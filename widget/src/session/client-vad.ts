import type { MicVAD } from '@ricky0123/vad-web';

/** One processed VAD frame: 32 ms of audio (Silero v5, 512 samples at 16 kHz). */
export interface VadFrame {
  /** End of the frame's audio, ms since epoch (page clock). */
  endMs: number;
  /** Speech probability 0..1. */
  probability: number;
  /** probability ≥ the positive threshold. */
  voiced: boolean;
}

/** Tuning of the client VAD (vad-web option names; durations in ms). */
export interface ClientVadOptions {
  /** Where silero_vad_v5.onnx and vad.worklet.bundle.min.js are served. */
  assetBase: string;
  /** Where onnxruntime-web's ort-wasm-simd-threaded.{wasm,mjs} are served. */
  wasmBase: string;
  positiveSpeechThreshold?: number;
  negativeSpeechThreshold?: number;
  /** Silence after the last voiced frame before onSpeechEnd fires. */
  redemptionMs?: number;
  minSpeechMs?: number;
}

export interface ClientVadCallbacks {
  onFrame(frame: VadFrame): void;
  /** The VAD decided speech began (after minSpeechMs of voiced frames). */
  onSpeechStart?(): void;
  /** The VAD decided speech ended (redemptionMs after the last voiced frame). */
  onSpeechEnd?(): void;
}

/** Duration of one Silero v5 frame, ms. */
export const VAD_FRAME_MS = 32;

/**
 * Runs the browser Silero VAD (vad-web, v5 model) on `stream` inside `ctx`.
 * Each frame is timestamped when its result arrives: that is within a few ms of the end of its
 * audio (inference takes ~1 ms; latency.md measured the last voiced frame 12 ms before the true
 * end of speech), so `endMs` is the callback time.
 * The stream is never stopped by the VAD (the call owns the microphone).
 */
export async function startClientVad(
  ctx: AudioContext,
  stream: MediaStream,
  options: ClientVadOptions,
  callbacks: ClientVadCallbacks,
): Promise<MicVAD> {
  const { MicVAD } = await import('@ricky0123/vad-web');
  const positive = options.positiveSpeechThreshold ?? 0.5;
  return MicVAD.new({
    model: 'v5',
    audioContext: ctx,
    baseAssetPath: options.assetBase,
    onnxWASMBasePath: options.wasmBase,
    getStream: async () => stream,
    pauseStream: async () => {},
    resumeStream: async (s) => s,
    startOnLoad: true,
    positiveSpeechThreshold: positive,
    negativeSpeechThreshold: options.negativeSpeechThreshold ?? 0.35,
    redemptionMs: options.redemptionMs ?? 300,
    minSpeechMs: options.minSpeechMs ?? 250,
    preSpeechPadMs: 0,
    onFrameProcessed: (probs) => {
      callbacks.onFrame({
        endMs: performance.timeOrigin + performance.now(),
        probability: probs.isSpeech,
        voiced: probs.isSpeech >= positive,
      });
    },
    onSpeechStart: () => callbacks.onSpeechStart?.(),
    onSpeechEnd: () => callbacks.onSpeechEnd?.(),
  });
}
