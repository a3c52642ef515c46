/**
 * Incremental parser for a RIFF/WAVE PCM16 stream as eSpeak NG writes it to a pipe
 * (header first, data size left as a placeholder, samples streamed as they are synthesized).
 */

export interface WavFormat {
  /** Samples per second, Hz. */
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}

export class WavStreamParser {
  #header: Buffer = Buffer.alloc(0);
  #format: WavFormat | null = null;
  #inData = false;
  /** A trailing odd byte carried to the next chunk so samples never split. */
  #carry: Buffer = Buffer.alloc(0);

  /** The format, once the `fmt ` chunk has been read. */
  get format(): WavFormat | null {
    return this.#format;
  }

  /** Feeds bytes; returns the PCM16 samples they complete (interleaved if multi-channel). Throws on a non-PCM16 stream. */
  push(bytes: Buffer): Int16Array {
    if (!this.#inData) {
      this.#header = Buffer.concat([this.#header, bytes]);
      const start = this.#parseHeader();
      if (start === null) return new Int16Array(0);
      this.#inData = true;
      const rest = this.#header.subarray(start);
      this.#header = Buffer.alloc(0);
      return this.#samples(rest);
    }
    return this.#samples(bytes);
  }

  #samples(bytes: Buffer): Int16Array {
    const all = this.#carry.length ? Buffer.concat([this.#carry, bytes]) : bytes;
    const even = all.length - (all.length % 2);
    this.#carry = Buffer.from(all.subarray(even));
    const out = new Int16Array(even / 2);
    for (let i = 0; i < out.length; i++) out[i] = all.readInt16LE(i * 2);
    return out;
  }

  /** Returns the byte offset of the sample data, or null if more header bytes are needed. */
  #parseHeader(): number | null {
    const h = this.#header;
    if (h.length < 12) return null;
    if (h.toString('ascii', 0, 4) !== 'RIFF' || h.toString('ascii', 8, 12) !== 'WAVE') {
      throw new Error('not a RIFF/WAVE stream');
    }
    let offset = 12;
    while (offset + 8 <= h.length) {
      const id = h.toString('ascii', offset, offset + 4);
      const size = h.readUInt32LE(offset + 4);
      if (id === 'data') {
        if (!this.#format) throw new Error('WAVE data chunk before fmt chunk');
        return offset + 8;
      }
      if (offset + 8 + size > h.length) return null;
      if (id === 'fmt ') {
        const audioFormat = h.readUInt16LE(offset + 8);
        const format: WavFormat = {
          channels: h.readUInt16LE(offset + 10),
          sampleRate: h.readUInt32LE(offset + 12),
          bitsPerSample: h.readUInt16LE(offset + 22),
        };
        if (audioFormat !== 1 || format.bitsPerSample !== 16) {
          throw new Error(`unsupported WAVE format ${audioFormat}/${format.bitsPerSample} bits (need PCM16)`);
        }
        this.#format = format;
      }
      offset += 8 + size + (size % 2);
    }
    return null;
  }
}
