import { describe, expect, it } from 'vitest';
import { encodeWavPcm16, parseWavPcm16, wavDurationS } from './wav.ts';

describe('parseWavPcm16', () => {
  it('reads the samples of a PCM16 mono WAV and refuses other formats', () => {
    const wav = (channels: number, samples: number[]) => {
      const b = new DataView(new ArrayBuffer(44 + samples.length * 2));
      const put = (at: number, s: string) => [...s].forEach((c, i) => b.setUint8(at + i, c.charCodeAt(0)));
      put(0, 'RIFF'); b.setUint32(4, 36 + samples.length * 2, true); put(8, 'WAVE');
      put(12, 'fmt '); b.setUint32(16, 16, true); b.setUint16(20, 1, true); b.setUint16(22, channels, true);
      b.setUint32(24, 8000, true); b.setUint32(28, 16000, true); b.setUint16(32, 2, true); b.setUint16(34, 16, true);
      put(36, 'data'); b.setUint32(40, samples.length * 2, true);
      samples.forEach((s, i) => b.setInt16(44 + 2 * i, s, true));
      return new Uint8Array(b.buffer);
    };
    const one = parseWavPcm16(wav(1, [1, -2, 32767]));
    expect(one).toEqual({ samples: new Int16Array([1, -2, 32767]), sampleRateHz: 8000 });
    expect(wavDurationS(one)).toBeCloseTo(3 / 8000);
    expect(() => parseWavPcm16(wav(2, [0, 0]))).toThrow(/mono/);
    expect(() => parseWavPcm16(new Uint8Array(8))).toThrow(/not a WAV/);
  });

  it('reads back what encodeWavPcm16 writes', () => {
    const samples = new Int16Array([0, 1, -1, 32767, -32768]);
    expect(parseWavPcm16(encodeWavPcm16(samples, 48_000))).toEqual({ samples, sampleRateHz: 48_000 });
  });
});
