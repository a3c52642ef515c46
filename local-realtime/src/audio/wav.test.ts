import { describe, expect, it } from 'vitest';
import { WavStreamParser } from './wav.ts';

function wavHeader(sampleRate: number, extraChunk = false): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(sampleRate, 12);
  fmt.writeUInt32LE(sampleRate * 2, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const list = Buffer.from('LIST\x04\x00\x00\x00abcd', 'latin1');
  const data = Buffer.from('data\xf0\xff\xff\x7f', 'latin1'); // streaming placeholder size
  const riff = Buffer.from('RIFF\x24\xf0\xff\x7fWAVE', 'latin1');
  return Buffer.concat([riff, fmt, ...(extraChunk ? [list] : []), data]);
}

describe('WavStreamParser', () => {
  it('reads the format and streams samples split at any byte boundary', () => {
    const samples = Int16Array.from([1, -2, 300, -32768, 32767]);
    const bytes = Buffer.concat([wavHeader(22_050, true), Buffer.from(samples.buffer)]);
    const parser = new WavStreamParser();
    const got: number[] = [];
    for (let i = 0; i < bytes.length; i += 3) got.push(...parser.push(bytes.subarray(i, i + 3)));
    expect(parser.format).toEqual({ sampleRate: 22_050, channels: 1, bitsPerSample: 16 });
    expect(got).toEqual(Array.from(samples));
  });

  it('rejects a stream that is not RIFF/WAVE', () => {
    expect(() => new WavStreamParser().push(Buffer.from('hello world, not a wav'))).toThrow(/RIFF/);
  });
});
