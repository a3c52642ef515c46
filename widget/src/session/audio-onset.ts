import { rmsLevel } from '@voice-widget/protocol';
import workletUrl from './level-meter.worklet.js?url';

/** Options of {@link watchLevel}. */
export interface LevelWatchOptions {
  /** Level threshold, dBFS of the 10 ms RMS. Default −45 (latency.md). */
  thresholdDbfs?: number;
  /** Quiet time that ends an audible stretch, ms. Default 150. */
  holdMs?: number;
}

/** Audible start/end of an audio signal, ms since epoch (page clock), as heard. */
export type AudioEdge = { type: 'start' | 'end'; atMs: number };

/**
 * Reports when the signal out of `node` becomes audible and silent (AudioWorklet RMS meter).
 * Times are mapped from the AudioContext to the page clock with `getOutputTimestamp()`, so they
 * include the output latency when the browser reports it — the moment the sound leaves.
 * Returns a function that stops watching.
 */
export async function watchLevel(
  ctx: AudioContext,
  node: AudioNode,
  onEdge: (edge: AudioEdge) => void,
  options: LevelWatchOptions = {},
): Promise<() => void> {
  await ensureWorklet(ctx);
  const meter = new AudioWorkletNode(ctx, 'voice-level-meter', {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    processorOptions: { thresholdDbfs: options.thresholdDbfs ?? -45, holdMs: options.holdMs ?? 150 },
  });
  meter.port.onmessage = (e: MessageEvent<{ type: 'start' | 'end'; time: number }>) => {
    onEdge({ type: e.data.type, atMs: contextTimeToEpochMs(ctx, e.data.time) });
  };
  node.connect(meter);
  return () => {
    meter.port.onmessage = null;
    try {
      node.disconnect(meter);
    } catch {
      /* already disconnected */
    }
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

/** RMS level of an analyser's current window, 0..1 (for the visualizer). */
export function analyserLevel(analyser: AnalyserNode, buf: Float32Array<ArrayBuffer>): number {
  analyser.getFloatTimeDomainData(buf);
  return Math.min(1, rmsLevel(buf) * 4);
}
