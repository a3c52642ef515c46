import type { MicVAD } from '@ricky0123/vad-web';
import { PAGE_HINT_DEFAULTS } from '@voice-widget/protocol/hint-timing';
import { levelDbfs } from '@voice-widget/protocol';

/** One processed VAD frame: 32 ms of audio (Silero v5, 512 samples at 16 kHz). */
export interface VadFrame {
  /** End of the frame's audio, ms since epoch (page clock). */
  endMs: number;
  /** Speech probability 0..1. */
  probability: number;
  /** probability ≥ the positive threshold (latency.md's definition of a voiced frame). */
  voiced: boolean;
  /** RMS level of the frame, dBFS. */
  levelDbfs: number;
}

/** Tuning of the client VAD (vad-web option names; durations in ms). */
export interface ClientVadOptions {
  /** Where silero_vad_v5.onnx, vad.worklet.bundle.min.js and onnxruntime-web's WASM are served. */
  assetBase: string;
  positiveSpeechThreshold?: number;
  negativeSpeechThreshold?: number;
  /** Silence after the last voiced frame before the speech-end decision. Default 300. */
  redemptionMs?: number;
  /** Shorter speech is a misfire (no speech end). Default 128 (PAGE_HINT_DEFAULTS: one-word answers count). */
  minSpeechMs?: number;
}

export interface ClientVadCallbacks {
  onFrame(frame: VadFrame): void;
  /** The VAD decided speech ended (`redemptionMs` after the last voiced frame). */
  onSpeechEnd(): void;
  /** The VAD dropped a speech shorter than `minSpeechMs`. */
  onMisfire?(): void;
}

/** Duration of one Silero v5 frame, ms. */
export const VAD_FRAME_MS = 32;

/** A loaded VAD: `use(stream)` starts it on a stream or moves it to another (device change). */
export interface ClientVad {
  use(stream: MediaStream): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Loads the browser Silero VAD (vad-web, v5 model) in `ctx` without a stream yet, so the model and
 * WASM load while the call connects. Each frame is timestamped when its result arrives: within a
 * few ms of the end of its audio (latency.md measured the last voiced frame 12 ms before the true
 * end of speech). The VAD never stops the stream (the call owns the microphone).
 */
export async function loadClientVad(ctx: AudioContext, options: ClientVadOptions, callbacks: ClientVadCallbacks): Promise<ClientVad> {
  const { MicVAD } = await import('@ricky0123/vad-web');
  const positive = options.positiveSpeechThreshold ?? 0.5;
  let stream: MediaStream | null = null;
  const vad: MicVAD = await MicVAD.new({
    model: 'v5',
    audioContext: ctx,
    baseAssetPath: options.assetBase,
    onnxWASMBasePath: options.assetBase,
    getStream: async () => stream!,
    pauseStream: async () => {},
    resumeStream: async () => stream!,
    startOnLoad: false,
    positiveSpeechThreshold: positive,
    negativeSpeechThreshold: options.negativeSpeechThreshold ?? 0.35,
    redemptionMs: options.redemptionMs ?? 300,
    minSpeechMs: options.minSpeechMs ?? PAGE_HINT_DEFAULTS.minSpeechMs,
    preSpeechPadMs: 0,
    submitUserSpeechOnPause: false,
    ortConfig: (ort) => {
      ort.env.logLevel = 'error';
      ort.env.wasm.numThreads = 1; // no SharedArrayBuffer on host pages without cross-origin isolation
    },
    onFrameProcessed: (probs, frame) => {
      callbacks.onFrame({
        endMs: performance.timeOrigin + performance.now(),
        probability: probs.isSpeech,
        voiced: probs.isSpeech >= positive,
        levelDbfs: levelDbfs(frame, 0, frame.length, -100),
      });
    },
    onSpeechEnd: () => callbacks.onSpeechEnd(),
    onVADMisfire: () => callbacks.onMisfire?.(),
  });
  let started = false;
  return {
    async use(next) {
      stream = next;
      if (started) await vad.pause();
      started = true;
      await vad.start();
    },
    destroy: () => vad.destroy().catch(() => {}),
  };
}
