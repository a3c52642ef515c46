import { describe, expect, it } from 'vitest';
import { type CpuProfile, cpuByPart } from './cpu-profile.ts';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });

describe('cpuByPart', () => {
  it('charges each sample to the part its stack shows, idle left out', () => {
    const profile: CpuProfile = {
      nodes: [
        frame(1, '(root)', '', [2, 3, 5, 6, 7]),
        frame(2, 'runInference', 'file:///x/node_modules/@livekit/agents-plugin-silero/dist/vad.js', [4]),
        frame(3, '(idle)', ''),
        frame(4, '', 'file:///x/node_modules/onnxruntime-node/dist/backend.js'),
        frame(5, 'pushAudio', 'file:///x/node_modules/@livekit/agents-plugin-openai/dist/realtime/realtime_model.js'),
        frame(6, '(garbage collector)', ''),
        frame(7, 'tick', 'file:///x/agent-worker/src/agent.ts'),
      ],
      samples: [4, 4, 3, 5, 6, 7],
      timeDeltas: [0, 1_000_000, 1_000_000, 5_000_000, 2_000_000, 500_000, 250_000],
    };
    const { busyS, parts } = cpuByPart(profile);
    // Sample i lasts timeDeltas[i + 1]; the idle one (5 s) is left out.
    expect(busyS).toBeCloseTo(1 + 1 + 2 + 0.5 + 0.25, 6);
    expect(parts.get('Silero VAD (the agent’s fallback VAD)')).toBeCloseTo(2, 6);
    expect(parts.get('caller audio → model (session input streams, 100 ms chunks, base64, WebSocket)')).toBeCloseTo(2, 6);
    expect(parts.get('garbage collection')).toBeCloseTo(0.5, 6);
    expect(parts.get('other JS (web-stream continuations, session, timers, our code)')).toBeCloseTo(0.25, 6);
  });
});
