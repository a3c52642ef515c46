import workletUrl from './level-meter.worklet.js?url';

/** Options of {@link watchPlayedAudio}. */
export interface AudioOnsetOptions {
  /** Level threshold, dBFS of the 10 ms RMS. Default −45 (latency.md). */
  thresholdDbfs?: number;
  /** Quiet time that ends an audible stretch, ms. Default 150. */
  holdMs?: number;
}

/** Audible start/end of the agent's audio as played, ms since epoch (page clock). */
export type AudioEdge = { type: 'start' | 'end'; atMs: number };

/**
 * Watches a remote audio track as it is played and reports when it becomes audible and silent.
 * Times are mapped from the AudioContext to the page clock with `getOutputTimestamp()`, so they
 * include the output latency (when the browser reports it) — the moment the sound leaves.
 * Returns a function that stops watching.
 */
export async function watchPlayedAudio(
  ctx: AudioContext,
  track: MediaStreamTrack,
  onEdge: (edge: AudioEdge) => void,
  options: AudioOnsetOptions = {},
): Promise<() => void> {
  await ensureWorklet(ctx);
  const source = new MediaStreamAudioSourceNode(ctx, { mediaStream: new MediaStream([track]) });
  const meter = new AudioWorkletNode(ctx, 'voice-level-meter', {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    processorOptions: { thresholdDbfs: options.thresholdDbfs ?? -45, holdMs: options.holdMs ?? 150 },
  });
  meter.port.onmessage = (e: MessageEvent<{ type: 'start' | 'end'; time: number }>) => {
    onEdge({ type: e.data.type, atMs: contextTimeToEpochMs(ctx, e.data.time) });
  };
  source.connect(meter);
  return () => {
    meter.port.onmessage = null;
    source.disconnect();
  };
}

const loaded = new WeakMap<AudioContext, Promise<void>>();
function ensureWorklet(ctx: AudioContext): Promise<void> {
  let p = loaded.get(ctx);
  if (!p) {
    p = ctx.audioWorklet.addModule(workletUrl);
    loaded.set(ctx, p);
  }
  return p;
}

/**
 * Maps an AudioContext time (s) to ms since epoch at which that sample is heard.
 * Uses the output timestamp pair when the browser provides one, else `currentTime` now plus the
 * reported base and output latencies.
 */
export function contextTimeToEpochMs(ctx: AudioContext, contextTimeS: number): number {
  const ts = ctx.getOutputTimestamp?.();
  if (ts && ts.performanceTime && ts.contextTime) {
    return performance.timeOrigin + ts.performanceTime + (contextTimeS - ts.contextTime) * 1000;
  }
  const latencyS = (ctx.baseLatency || 0) + (ctx.outputLatency || 0);
  return performance.timeOrigin + performance.now() + (contextTimeS - ctx.currentTime + latencyS) * 1000;
}
