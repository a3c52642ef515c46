import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

/** Sample rate of cached greeting audio, Hz (the realtime models' PCM16 mono output rate). */
export const GREETING_SAMPLE_RATE = 24_000;
/** Longest greeting kept, s (longer audio is not cached: a greeting is one or two sentences). */
export const GREETING_MAX_SECONDS = 30;
/** Entries kept in the folder; the least recently used beyond this are removed. */
export const GREETING_CACHE_MAX_ENTRIES = 64;

/** Bump when the file layout or what a key means changes: every older entry is then a miss. */
const FORMAT = 1;
const MAGIC = Buffer.from('VWGREET1', 'latin1');

/**
 * What a greeting's audio depends on. Any field changing is another entry: a new agent version,
 * model, voice, endpoint or text never plays an old recording.
 */
export interface GreetingKey {
  /** Agent slug (`''` for the worker's built-in configuration). */
  agent: string;
  /** Agent configuration version; null for the built-in configuration. */
  version: number | null;
  /** Realtime model name as sent to the endpoint. */
  model: string;
  voice: string;
  /** Which service speaks: `openai` or the local model's URL. */
  endpoint: string;
  /** The exact greeting text. */
  text: string;
}

/** File name of `key`'s entry: SHA-256 of the format and the key. */
export function greetingFileName(key: GreetingKey): string {
  return `${createHash('sha256').update(JSON.stringify([FORMAT, key])).digest('hex').slice(0, 40)}.greeting`;
}

interface Header {
  format: number;
  key: GreetingKey;
  sampleRate: number;
  samples: number;
  /** SHA-256 of the PCM bytes, hex. */
  sha256: string;
}

/**
 * Greeting audio on disk, one file per {@link GreetingKey}, shared by the worker's job processes
 * (separate processes: the folder is the only thing they share). A file is `MAGIC`, a 4-byte
 * header length, a JSON header (the full key, rate, sample count, SHA-256 of the audio), then the
 * audio: PCM16 little-endian mono {@link GREETING_SAMPLE_RATE} Hz. Written to a temporary name and
 * renamed, so a reader never sees half a file; a file that fails any check (short, wrong key,
 * wrong checksum) is a miss and is removed, so the next greeting from the model re-makes it.
 * Never throws: a cache that cannot read or write is a miss.
 */
export class GreetingCache {
  constructor(
    readonly dir: string,
    private readonly opts: { maxEntries?: number; onProblem?: (what: string, err?: unknown) => void } = {},
  ) {}

  /**
   * The cached audio for `key` (PCM16 mono 24 kHz), or null: none, or a corrupted file (removed).
   * Read synchronously (~150 KB, called before the caller joins): on a busy job process an async
   * read waited behind the thread pool for up to 400 ms, on the greeting's path (`bench:greeting`).
   */
  async load(key: GreetingKey): Promise<Int16Array | null> {
    const file = join(this.dir, greetingFileName(key));
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch {
      return null;
    }
    const pcm = decode(buf, key);
    if (!pcm) {
      this.opts.onProblem?.('corrupted greeting cache entry removed');
      await rm(file, { force: true }).catch(() => {});
      return null;
    }
    return pcm;
  }

  /** Stores `pcm` (PCM16 mono 24 kHz) for `key`; skips empty or over-long audio. Prunes old entries. */
  async store(key: GreetingKey, pcm: Int16Array): Promise<boolean> {
    if (pcm.length === 0 || pcm.length > GREETING_MAX_SECONDS * GREETING_SAMPLE_RATE) return false;
    const file = join(this.dir, greetingFileName(key));
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(tmp, encode(key, pcm), { mode: 0o600 });
      await rename(tmp, file);
      await this.prune();
      return true;
    } catch (err) {
      this.opts.onProblem?.('greeting not cached', err);
      await rm(tmp, { force: true }).catch(() => {});
      return false;
    }
  }

  /** Keeps the newest `maxEntries` entries (by modification time), removes the rest and stale temporaries. */
  private async prune(): Promise<void> {
    const names = await readdir(this.dir);
    const entries = await Promise.all(
      names.map(async (name) => ({ name, mtimeMs: await stat(join(this.dir, name)).then((s) => s.mtimeMs, () => 0) })),
    );
    const stale = entries.filter((e) => e.name.endsWith('.tmp') && Date.now() - e.mtimeMs > 60_000);
    const kept = entries.filter((e) => e.name.endsWith('.greeting')).sort((a, b) => b.mtimeMs - a.mtimeMs);
    const extra = kept.slice(this.opts.maxEntries ?? GREETING_CACHE_MAX_ENTRIES);
    await Promise.all([...stale, ...extra].map((e) => rm(join(this.dir, e.name), { force: true }).catch(() => {})));
  }
}

function encode(key: GreetingKey, pcm: Int16Array): Buffer {
  const audio = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const header: Header = { format: FORMAT, key, sampleRate: GREETING_SAMPLE_RATE, samples: pcm.length, sha256: sha256(audio) };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  return Buffer.concat([MAGIC, len, json, audio]);
}

/** The audio of a well-formed entry for exactly `key`, else null. */
function decode(buf: Buffer, key: GreetingKey): Int16Array | null {
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const len = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4 + len;
  if (len > 64 * 1024 || start > buf.length) return null;
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(MAGIC.length + 4, start).toString('utf8')) as Header;
  } catch {
    return null;
  }
  const audio = buf.subarray(start);
  if (
    header.format !== FORMAT ||
    header.sampleRate !== GREETING_SAMPLE_RATE ||
    !isDeepStrictEqual(header.key, key) ||
    audio.length !== header.samples * 2 ||
    sha256(audio) !== header.sha256
  ) {
    return null;
  }
  // Copy into an aligned buffer (the file's audio may start at an odd offset).
  const pcm = new Int16Array(header.samples);
  Buffer.from(pcm.buffer).set(audio);
  return pcm;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
