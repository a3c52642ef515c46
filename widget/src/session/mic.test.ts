import { describe, expect, it } from 'vitest';
import { micNeedsRestart } from './mic.ts';

const dev = (deviceId: string, label: string) => ({ kind: 'audioinput' as const, deviceId, label });

describe('microphone device changes', () => {
  it('restarts when the track ended (unplugged)', () => {
    expect(micNeedsRestart({ readyState: 'ended', deviceId: 'abc', label: 'USB' }, [dev('abc', 'USB')])).toBe(true);
  });

  it('restarts when the track’s device is no longer listed', () => {
    expect(micNeedsRestart({ readyState: 'live', deviceId: 'usb1', label: 'USB' }, [dev('default', 'Default - Built-in'), dev('int', 'Built-in')])).toBe(true);
  });

  it('restarts a track that follows the default when the default now names another device', () => {
    const mic = { readyState: 'live' as const, deviceId: 'default', label: 'Default - Built-in Microphone' };
    expect(micNeedsRestart(mic, [dev('default', 'Default - Built-in Microphone')])).toBe(false);
    expect(micNeedsRestart(mic, [dev('default', 'Default - AirPods'), dev('int', 'Built-in Microphone')])).toBe(true);
  });

  it('leaves a working device alone, and does nothing when devices cannot be listed', () => {
    expect(micNeedsRestart({ readyState: 'live', deviceId: 'int', label: 'Built-in' }, [dev('int', 'Built-in'), dev('usb', 'USB')])).toBe(false);
    expect(micNeedsRestart({ readyState: 'live', deviceId: 'int', label: 'Built-in' }, [])).toBe(false);
  });
});
