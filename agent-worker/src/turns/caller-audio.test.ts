import { EventEmitter } from 'node:events';
import { AudioFrame, ParticipantKind, type Room, RoomEvent, TrackKind } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { CallerAudioWindow, EOT_SAMPLE_RATE, SampleRing } from './caller-audio.ts';

describe('SampleRing', () => {
  it('keeps the latest samples, oldest first, zeros before anything was written', () => {
    const ring = new SampleRing(4);
    expect([...ring.snapshot()]).toEqual([0, 0, 0, 0]);
    ring.push(Int16Array.from([1, 2, 3]));
    expect([...ring.snapshot()]).toEqual([0, 1, 2, 3]);
    ring.push(Int16Array.from([4, 5, 6]));
    expect([...ring.snapshot()]).toEqual([3, 4, 5, 6]);
  });
});

describe('SampleRing (block copies)', () => {
  it('wraps a write across the end of the ring, and a write longer than the ring keeps its tail', () => {
    const ring = new SampleRing(5);
    ring.push(Int16Array.from([1, 2, 3, 4]));
    ring.push(Int16Array.from([5, 6, 7])); // 5 at the end, 6 and 7 wrap to the start
    expect([...ring.snapshot()]).toEqual([3, 4, 5, 6, 7]);
    ring.push(Int16Array.from([10, 11, 12, 13, 14, 15, 16]));
    expect([...ring.snapshot()]).toEqual([12, 13, 14, 15, 16]);
    ring.push(Int16Array.from([17]));
    expect([...ring.snapshot()]).toEqual([13, 14, 15, 16, 17]);
  });

  it('clear() forgets what was written', () => {
    const ring = new SampleRing(3);
    ring.push(Int16Array.from([1, 2, 3, 4]));
    ring.clear();
    ring.push(Int16Array.from([9]));
    expect([...ring.snapshot()]).toEqual([0, 0, 9]);
  });
});

describe('CallerAudioWindow', () => {
  /** A room that emits track events, and readers that count how many subscriptions are open. */
  function harness() {
    const room = new EventEmitter();
    const open: { cancelled: boolean; push: (samples: number[]) => void }[] = [];
    const window = new CallerAudioWindow(room as unknown as Room, () => {
      const queue: AudioFrame[] = [];
      let wake: (() => void) | null = null;
      const sub = {
        cancelled: false,
        push: (samples: number[]) => {
          queue.push(new AudioFrame(Int16Array.from(samples), EOT_SAMPLE_RATE, 1, samples.length));
          wake?.();
        },
      };
      open.push(sub);
      return {
        read: async () => {
          while (!queue.length && !sub.cancelled) await new Promise<void>((r) => (wake = r));
          return sub.cancelled ? { done: true, value: undefined } : { done: false, value: queue.shift()! };
        },
        cancel: async () => {
          sub.cancelled = true;
          wake?.();
        },
      } as unknown as ReadableStreamDefaultReader<AudioFrame>;
    });
    const callerTrack = { kind: TrackKind.KIND_AUDIO };
    const subscribe = (kind = ParticipantKind.STANDARD) => room.emit(RoomEvent.TrackSubscribed, callerTrack, {}, { info: { kind }, attributes: {}, identity: 'caller' });
    return { room, window, open, callerTrack, subscribe };
  }
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('subscribes to the caller only while a consumer wants the audio', async () => {
    const { window, open, subscribe } = harness();
    subscribe();
    expect(window.reading).toBe(false); // nobody asked: no second subscription (a phone call, or past the first reply)
    window.want('end-of-turn model', true);
    expect(window.reading).toBe(true);
    open[0]!.push([1, 2, 3]);
    await flush();
    expect([...window.snapshot().slice(-3)]).toEqual([1, 2, 3]);
    window.want('end-of-turn model', false);
    expect(window.reading).toBe(false);
    expect(open[0]!.cancelled).toBe(true);
    // Reopened for the agent's VAD: a new subscription, starting empty, frames handed on.
    const frames: number[] = [];
    window.onFrame((f) => frames.push(f.samplesPerChannel));
    expect(open).toHaveLength(2);
    expect([...window.snapshot().slice(-3)]).toEqual([0, 0, 0]);
    open[1]!.push([7, 8]);
    await flush();
    expect(frames).toEqual([2]);
    window.onFrame(null);
    expect(open[1]!.cancelled).toBe(true);
  });

  it('ignores an agent’s audio, opens once the caller’s track arrives, and closes for good', () => {
    const { window, open, subscribe } = harness();
    window.want('end-of-turn model', true);
    expect(window.reading).toBe(false); // no caller track yet
    subscribe(ParticipantKind.AGENT);
    expect(open).toHaveLength(0);
    subscribe();
    expect(open).toHaveLength(1);
    window.close();
    expect(open[0]!.cancelled).toBe(true);
    window.want('other', true);
    expect(open).toHaveLength(1);
  });
});
