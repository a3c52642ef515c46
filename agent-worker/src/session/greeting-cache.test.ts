import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GREETING_MAX_SECONDS, GREETING_SAMPLE_RATE, GreetingCache, type GreetingKey, greetingFileName } from './greeting-cache.ts';

const KEY: GreetingKey = { agent: 'acme', version: 3, model: 'gpt-realtime', voice: 'alloy', endpoint: 'openai', text: "Hi, I'm an AI assistant for Acme. How can I help?" };
/** 0.5 s of a 440 Hz tone, PCM16 mono 24 kHz. */
const tone = (n = GREETING_SAMPLE_RATE / 2) => Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / GREETING_SAMPLE_RATE)));

let dir: string;
let problems: string[];
let cache: GreetingCache;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greeting-cache-'));
  problems = [];
  cache = new GreetingCache(join(dir, 'greetings'), { onProblem: (what) => problems.push(what) });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('GreetingCache', () => {
  it('gives back exactly the audio stored for a key, across instances (job processes share the folder)', async () => {
    const pcm = tone();
    expect(await cache.load(KEY)).toBeNull();
    expect(await cache.store(KEY, pcm)).toBe(true);
    const other = new GreetingCache(join(dir, 'greetings'));
    expect(await other.load(KEY)).toEqual(pcm);
  });

  it.each([
    ['text', { text: "Hi, I'm an AI assistant for Acme. How may I help?" }],
    ['voice', { voice: 'verse' }],
    ['model', { model: 'gpt-realtime-mini' }],
    ['agent version', { version: 4 }],
    ['agent', { agent: 'other' }],
    ['endpoint', { endpoint: 'http://127.0.0.1:8765/v1' }],
  ])('misses when the %s changes (a new agent version, voice or wording never plays old audio)', async (_what, change) => {
    await cache.store(KEY, tone());
    const changed = { ...KEY, ...change };
    expect(greetingFileName(changed)).not.toBe(greetingFileName(KEY));
    expect(await cache.load(changed)).toBeNull();
    expect(await cache.load(KEY)).not.toBeNull();
  });

  it('ignores an entry whose header names another key (a renamed or colliding file)', async () => {
    await cache.store(KEY, tone());
    const other = { ...KEY, voice: 'verse' };
    const folder = join(dir, 'greetings');
    writeFileSync(join(folder, greetingFileName(other)), readFileSync(join(folder, greetingFileName(KEY))));
    expect(await cache.load(other)).toBeNull();
    expect(problems).toEqual(['corrupted greeting cache entry removed']);
  });

  it.each([
    ['a flipped audio byte', (b: Buffer) => (b[b.length - 100]! ^= 0xff)],
    ['a truncated file', (b: Buffer) => b.subarray(0, b.length - 1000)],
    ['a header that is not JSON', (b: Buffer) => (b[13] = 0x7d)],
    ['garbage', () => Buffer.from('not a greeting at all')],
    ['an empty file', () => Buffer.alloc(0)],
  ])('ignores and removes a corrupted file (%s); the next store re-makes it', async (_what, damage) => {
    const pcm = tone();
    await cache.store(KEY, pcm);
    const file = join(dir, 'greetings', greetingFileName(KEY));
    const buf = readFileSync(file);
    const damaged = damage(buf);
    writeFileSync(file, Buffer.isBuffer(damaged) ? damaged : buf);
    expect(await cache.load(KEY)).toBeNull();
    expect(readdirSync(join(dir, 'greetings'))).toEqual([]);
    expect(await cache.store(KEY, pcm)).toBe(true);
    expect(await cache.load(KEY)).toEqual(pcm);
  });

  it('refuses empty and over-long audio', async () => {
    expect(await cache.store(KEY, new Int16Array(0))).toBe(false);
    expect(await cache.store(KEY, new Int16Array(GREETING_MAX_SECONDS * GREETING_SAMPLE_RATE + 1))).toBe(false);
    expect(await cache.load(KEY)).toBeNull();
  });

  it('keeps only the newest entries', async () => {
    const small = new GreetingCache(join(dir, 'greetings'), { maxEntries: 2 });
    for (const version of [1, 2, 3]) {
      await small.store({ ...KEY, version }, tone(480));
      await new Promise((r) => setTimeout(r, 20)); // distinct modification times
    }
    expect(await small.load({ ...KEY, version: 1 })).toBeNull();
    expect(await small.load({ ...KEY, version: 3 })).not.toBeNull();
    expect(readdirSync(join(dir, 'greetings'))).toHaveLength(2);
  });

  it('is a miss, not an error, when the folder cannot be written', async () => {
    const blocked = join(dir, 'file');
    writeFileSync(blocked, '');
    const broken = new GreetingCache(join(blocked, 'greetings'), { onProblem: (what) => problems.push(what) });
    expect(await broken.store(KEY, tone())).toBe(false);
    expect(await broken.load(KEY)).toBeNull();
    expect(problems).toEqual(['greeting not cached']);
  });
});
