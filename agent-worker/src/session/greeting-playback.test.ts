import { initializeLogger, voice } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { GreetingPlayback, wordsFor } from './greeting-playback.ts';

initializeLogger({ pretty: false, level: 'warn' }); // agents-js outputs log through it

const TEXT = "Hi, I'm an AI assistant. How can I help?";
const RATE = 24_000;

/**
 * An audio output that behaves like ParticipantAudioOutput where the playback relies on it:
 * frames wait for a subscriber (`subscribe()`) and are taken in turn, `flush()` ends the segment once played,
 * `clearBuffer()` ends it interrupted with what was pushed so far.
 */
class FakeOutput extends voice.AudioOutput {
  frames: AudioFrame[] = [];
  cleared = 0;
  #subscribed!: () => void;
  readonly #subscription = new Promise<void>((r) => (this.#subscribed = r));
  #generation = 0;
  constructor() {
    super(RATE);
  }
  subscribe(): void {
    this.#subscribed();
  }
  pushedS(): number {
    return this.frames.reduce((s, f) => s + f.samplesPerChannel / f.sampleRate, 0);
  }
  override async captureFrame(frame: AudioFrame): Promise<void> {
    const generation = this.#generation;
    await this.#subscription;
    await new Promise((r) => setTimeout(r, 0)); // a paced queue, as the real output's
    if (generation !== this.#generation) return; // dropped, as ParticipantAudioOutput does after clearBuffer
    await super.captureFrame(frame);
    if (this.frames.length === 0) this.onPlaybackStarted(Date.now());
    this.frames.push(frame);
  }
  override flush(): void {
    super.flush();
    if (this.frames.length) setTimeout(() => this.onPlaybackFinished({ playbackPosition: this.pushedS(), interrupted: false }), 1);
  }
  override clearBuffer(): void {
    this.#generation++;
    this.cleared++;
    if (this.frames.length) setTimeout(() => this.onPlaybackFinished({ playbackPosition: this.pushedS(), interrupted: true }), 1);
  }
}

/** `seconds` of PCM16 mono 24 kHz. */
const pcm = (seconds: number) => new Int16Array(Math.round(seconds * RATE)).fill(1000);

describe('GreetingPlayback', () => {
  it('plays every 20 ms frame once the caller subscribed, and reports the whole text heard', async () => {
    const out = new FakeOutput();
    const playback = new GreetingPlayback(out, pcm(1), TEXT);
    await new Promise((r) => setTimeout(r, 10));
    expect(out.frames).toHaveLength(0); // nothing before the caller's subscription
    out.subscribe();
    const played = await playback.done;
    expect(out.frames).toHaveLength(50);
    expect(out.frames[0]!.samplesPerChannel).toBe(480);
    expect(played).toEqual({ interrupted: false, playedS: 1, text: TEXT });
    expect(playback.playing).toBe(false);
    expect(playback.stop()).toBe(false); // nothing left to stop
  });

  it('stops on barge-in: no frame after the stop, the buffer dropped, the words heard so far', async () => {
    const out = new FakeOutput();
    const playback = new GreetingPlayback(out, pcm(2), TEXT);
    out.subscribe();
    while (out.frames.length < 50) await new Promise((r) => setImmediate(r));
    expect(playback.stop()).toBe(true);
    const played = await playback.done;
    const framesAtEnd = out.frames.length;
    expect(out.cleared).toBe(1);
    expect(played.interrupted).toBe(true);
    expect(played.playedS).toBeGreaterThanOrEqual(1);
    expect(played.playedS).toBeLessThan(2);
    expect(TEXT.startsWith(played.text)).toBe(true);
    expect(played.text.length).toBeLessThan(TEXT.length);
    await new Promise((r) => setTimeout(r, 10));
    expect(out.frames).toHaveLength(framesAtEnd);
  });

  it('a stop before the caller subscribed plays nothing, then or later', async () => {
    const out = new FakeOutput();
    const playback = new GreetingPlayback(out, pcm(1), TEXT);
    expect(playback.stop()).toBe(true);
    expect(await playback.done).toEqual({ interrupted: true, playedS: 0, text: '' });
    out.subscribe();
    await new Promise((r) => setTimeout(r, 10));
    expect(out.frames).toHaveLength(0);
  });
});

describe('wordsFor', () => {
  it('takes the share of the words by time, at least one and at most all', () => {
    expect(wordsFor(TEXT, 0.5)).toBe("Hi, I'm an AI");
    expect(wordsFor(TEXT, 0)).toBe('Hi,');
    expect(wordsFor(TEXT, 1.5)).toBe(TEXT);
  });
});
