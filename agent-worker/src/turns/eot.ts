import type { ipc } from '@livekit/agents';

/**
 * LiveKit's audio end-of-turn model (`@livekit/local-inference`, "turn-detector-v1-mini"), run in
 * the worker's shared inference process (one ~140 MB model per host, not per call), reached
 * through the job's inference executor. Input: PCM16 mono 16 kHz, the last 1.2 s.
 */
export const EOT_INFERENCE_METHOD = 'lk_eot_audio'; // @livekit/agents inference/eot/runner.ts

/**
 * Below this probability the caller is unlikely to be done: LiveKit's calibrated threshold for
 * English (`inference.eot.LOCAL_LANGUAGES.en`).
 */
export const EOT_UNLIKELY_THRESHOLD = 0.36;

export interface EotResult {
  probability: number;
  /** Inference time inside the model, ms. */
  inferenceMs: number;
  /** Request to answer, IPC included, ms. */
  totalMs: number;
}

/** Asks the end-of-turn model whether the audio sounds like a finished turn. Never throws (null on failure). */
export async function predictEndOfTurn(executor: ipc.InferenceExecutor, pcm: Int16Array): Promise<EotResult | null> {
  const t0 = performance.now();
  try {
    const out = (await executor.doInference(EOT_INFERENCE_METHOD, {
      pcm: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64'),
    })) as { probability: number; inferenceDurationMs: number };
    return { probability: out.probability, inferenceMs: out.inferenceDurationMs, totalMs: performance.now() - t0 };
  } catch {
    return null;
  }
}
