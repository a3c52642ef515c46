import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './config.ts';

const LIVEKIT = { LIVEKIT_URL: 'ws://127.0.0.1:7880', LIVEKIT_API_KEY: 'APIabc', LIVEKIT_API_SECRET: 'x'.repeat(32) };

describe('loadWorkerConfig: the model', () => {
  it('refuses to start with neither OpenAI nor a local model service, saying what to set', () => {
    expect(() => loadWorkerConfig({ ...LIVEKIT })).toThrow(/no model: set OPENAI_API_KEY, or LOCAL_REALTIME_URL and LOCAL_REALTIME_API_KEY/);
  });

  it('needs the local model service key with its URL', () => {
    expect(() => loadWorkerConfig({ ...LIVEKIT, LOCAL_REALTIME_URL: 'http://127.0.0.1:8765/v1' })).toThrow(/LOCAL_REALTIME_URL needs LOCAL_REALTIME_API_KEY/);
  });

  it('accepts the local model service with its key, or OpenAI alone', () => {
    const local = loadWorkerConfig({ ...LIVEKIT, LOCAL_REALTIME_URL: 'http://127.0.0.1:8765/v1', LOCAL_REALTIME_API_KEY: 'k'.repeat(32) });
    expect(local.LOCAL_REALTIME_API_KEY).toBe('k'.repeat(32));
    expect(loadWorkerConfig({ ...LIVEKIT, OPENAI_API_KEY: 'sk-test' }).OPENAI_API_KEY).toBe('sk-test');
  });
});
