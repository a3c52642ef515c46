import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One place a secret was found: the file, what was found (never the value itself), the line number. */
export interface LogHit {
  file: string;
  /** The needle's label, e.g. `livekit api secret`, `jwt`, `test phone number`. */
  what: string;
  line: number;
}

/** Every `*.log` file under `root` (recursively); none when it does not exist. */
export function logFilesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...logFilesUnder(p));
    else if (e.isFile() && e.name.endsWith('.log') && statSync(p).size > 0) out.push(p);
  }
  return out;
}

/**
 * Greps `files` for each needle (an exact string, or a pattern for a whole class: JWTs, key
 * formats, test phone numbers). Returns every hit with its label, never the secret itself, so a
 * failing test does not print what it protects.
 */
export function scanLogs(files: readonly string[], needles: readonly { what: string; find: string | RegExp }[]): LogHit[] {
  const hits: LogHit[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      for (const n of needles) {
        const found = typeof n.find === 'string' ? n.find.length > 0 && text.includes(n.find) : n.find.test(text);
        if (found) hits.push({ file, what: n.what, line: i + 1 });
      }
    });
  }
  return hits;
}

/**
 * Needles for every class of secret a run of this checkout uses: the LiveKit key pair, every
 * operator key file under `stateDir`, JWTs (caller, agent and webhook tokens), our key formats,
 * and the 555 test phone numbers (as they appear in SIP URIs, identities, room names and URLs).
 */
export function checkoutSecretNeedles(stateDir: string): { what: string; find: string | RegExp }[] {
  const needles: { what: string; find: string | RegExp }[] = [
    { what: 'a JWT', find: /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./ },
    { what: 'an admin key or sign-in token', find: /\bvw[ks]_[A-Za-z0-9_-]{20,}/ },
    { what: 'a 555 test phone number', find: /(\+|%2B|sip[:_]|tel:)1555\d{4}(?!\d)/ },
  ];
  const keys = join(stateDir, 'livekit-keys.json');
  if (existsSync(keys)) {
    const k = JSON.parse(readFileSync(keys, 'utf8')) as { apiKey: string; apiSecret: string };
    needles.push({ what: 'LiveKit API secret', find: k.apiSecret }, { what: 'LiveKit API key', find: k.apiKey });
  }
  return needles;
}
