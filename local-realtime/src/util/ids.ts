import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random id like OpenAI's: `prefix` + 20 base62 characters (e.g. `item_…`, `resp_…`, `call_…`). */
export function newId(prefix: string): string {
  const bytes = randomBytes(20);
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}
