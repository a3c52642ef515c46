import { describe, expect, it } from 'vitest';
import { greetingCacheDir, loadWorkerConfig } from './config.ts';

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

describe('loadWorkerConfig: the greeting cache', () => {
  const base = { ...LIVEKIT, OPENAI_API_KEY: 'sk-test' };

  it('is on by default, in the user cache folder; GREETING_CACHE=off turns it off', () => {
    const c = loadWorkerConfig(base);
    expect(c.GREETING_CACHE).toBe('on');
    expect(greetingCacheDir(c, { XDG_CACHE_HOME: '/var/cache/u' })).toBe('/var/cache/u/voice-widget/greetings');
    expect(loadWorkerConfig({ ...base, GREETING_CACHE: 'off' }).GREETING_CACHE).toBe('off');
    expect(() => loadWorkerConfig({ ...base, GREETING_CACHE: 'maybe' })).toThrow(/GREETING_CACHE/);
  });

  it('uses GREETING_CACHE_DIR when set', () => {
    expect(greetingCacheDir(loadWorkerConfig({ ...base, GREETING_CACHE_DIR: '/srv/greetings' }))).toBe('/srv/greetings');
  });
});
