/**
 * The one WAV reader (RIFF/WAVE, PCM 16-bit mono): what SIP phones record, what the tests play
 * into Chromium's fake microphone, what the benchmark's audio generator writes. Works on bytes
 * (`Uint8Array`, so also Node's `Buffer`), no Node APIs: the browser can use it too.
 * Format: http://soundfile.sapp.org/doc/WaveFormat/ (WAVE_FORMAT_PCM = 1, EXTENSIBLE = 0xFFFE).
 */

/** A decoded PCM16 mono WAV. */
export interface WavPcm16 {
  samples: Int16Array;
  sampleRateHz: number;
}

/**
 * The samples of a PCM16 mono WAV file, from its bytes. A data chunk cut short (a recording
 * still being written) yields the samples present.
 * @throws Error when it is not RIFF/WAVE PCM 16-bit mono.
 */
export function parseWavPcm16(bytes: Uint8Array): WavPcm16 {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a WAV file');
  let sampleRateHz = 0;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      const format = view.getUint16(at + 8, true);
      const channels = view.getUint16(at + 10, true);
      sampleRateHz = view.getUint32(at + 12, true);
      const bits = view.getUint16(at + 22, true);
      if ((format !== 1 && format !== 0xfffe) || channels !== 1 || bits !== 16) {
        throw new Error(`WAV must be PCM 16-bit mono (format ${format}, ${channels} channels, ${bits} bits)`);
      }
    } else if (id === 'data') {
      if (!sampleRateHz) throw new Error('WAV data before fmt chunk');
      const len = Math.min(size, bytes.length - at - 8) & ~1;
      const samples = new Int16Array(len / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(at + 8 + 2 * i, true);
      return { samples, sampleRateHz };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error('WAV has no data chunk');
}

/** Duration of a decoded WAV, seconds. */
export const wavDurationS = (wav: WavPcm16): number => wav.samples.length / wav.sampleRateHz;

/** A PCM16 mono WAV file (44-byte header) of `samples` at `sampleRateHz`. */
export function encodeWavPcm16(samples: Int16Array, sampleRateHz: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const put = (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  put(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  put(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + 2 * i, samples[i]!, true);
  return bytes;
}
