import { AudioByteStream, initializeLogger } from '@livekit/agents';
import { describe, expect, it } from 'vitest';

initializeLogger({ pretty: false, level: 'warn' }); // the class takes a logger at construction

/**
 * patches/@livekit__agents@1.9.0.patch: AudioByteStream (the OpenAI plugin's 100 ms chunker of the
 * caller's audio) concatenates with `set()` instead of spreading every byte into an array. The
 * frames must come out exactly as before: same bytes, same order, the remainder kept for the next write.
 */
describe('AudioByteStream (patched concatenation)', () => {
  it('chunks 10 ms writes into 100 ms frames, in order, keeping the remainder', () => {
    const stream = new AudioByteStream(24_000, 1, 2_400); // PCM16 mono 24 kHz, 100 ms frames
    const written: number[] = [];
    const frames: number[][] = [];
    for (let w = 0; w < 25; w++) {
      const chunk = Int16Array.from({ length: 240 }, (_, i) => w * 240 + i - 3_000); // 10 ms, negative values too
      written.push(...chunk);
      for (const f of stream.write(chunk.buffer)) frames.push([...f.data]);
    }
    expect(frames).toHaveLength(2);
    expect(frames.flat()).toEqual(written.slice(0, 4_800));
    const rest = stream.flush();
    expect(rest).toHaveLength(1);
    expect([...rest[0]!.data]).toEqual(written.slice(4_800));
  });
});
