import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { STATE_DIR } from './paths.ts';

/** LiveKit API credentials: the key is public-ish (it names the secret), the secret never leaves servers. */
export const ApiKeys = z.object({
  apiKey: z.string().regex(/^[A-Za-z0-9]{8,64}$/),
  apiSecret: z.string().min(32),
});
export type ApiKeys = z.infer<typeof ApiKeys>;

/**
 * Returns this checkout's LiveKit key pair, generating it on first use (`.state/livekit-keys.json`,
 * mode 0600). Never the public `devkey: secret` pair.
 * @throws Error when the file exists but is not a valid key pair (delete it to regenerate).
 */
export function loadOrCreateKeys(dir = STATE_DIR): ApiKeys {
  const file = join(dir, 'livekit-keys.json');
  if (existsSync(file)) {
    const parsed = ApiKeys.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is not a valid key pair; delete it to generate a new one`);
    return parsed.data;
  }
  mkdirSync(dir, { recursive: true });
  const keys: ApiKeys = {
    apiKey: `API${randomBytes(6).toString('hex')}`,
    apiSecret: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return keys;
}

/**
 * Returns this checkout's key for the local model (`.state/<name>.key`, mode 0600), generating 32
 * random bytes (base64url) on first use. The stack hands it to the model and to the agent worker.
 * @throws Error when the file exists but holds no usable key (delete it to regenerate).
 */
export function loadOrCreateSecret(name: string, dir = STATE_DIR): string {
  const file = join(dir, `${name}.key`);
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (!/^[A-Za-z0-9_-]{32,128}$/.test(key)) throw new Error(`${file} does not hold a usable key; delete it to generate a new one`);
    return key;
  }
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
