/**
 * No secret in any client bundle: builds the widget, the people's console and the demo site (Vite) and scans every
 * emitted file for the checkout's LiveKit API secret, admin keys, database URLs, OpenAI keys,
 * private keys and server-only variable names.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt, ensureWidgetBuilt, loadOrCreateKeys, pkgDir } from '@voice-widget/stack';

const out = mkdtempSync(join(tmpdir(), 'vw-bundles-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every file under `dir`. */
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });

const PATTERNS: [string, RegExp][] = [
  ['admin key', /vwk_[A-Za-z0-9_-]{43}/],
  ['database URL', /postgres(ql)?:\/\/[^\s"'`]*@/],
  ['OpenAI key', /\bsk-[A-Za-z0-9_-]{20,}/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['server-only variable', /\b(LIVEKIT_API_SECRET|DATABASE_URL|OPENAI_API_KEY|PGLITE_DIR)\b/],
];

describe('client bundles', () => {
  it('contain no secret', () => {
    const widgetDist = ensureWidgetBuilt();
    const consoleDist = ensureConsoleBuilt();
    const demoDist = join(out, 'demo-site');
    execFileSync(join(pkgDir('demo-site'), 'node_modules/.bin/vite'), ['build', '--outDir', demoDist, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: pkgDir('demo-site'),
      env: { ...process.env, VITE_WIDGET_ORIGIN: 'https://voice.example' },
      stdio: 'inherit',
    });
    const secrets = [loadOrCreateKeys().apiSecret, process.env.OPENAI_API_KEY, process.env.LIVEKIT_API_SECRET].filter(
      (s): s is string => typeof s === 'string' && s.length >= 16,
    );
    const scanned = [...files(widgetDist), ...files(consoleDist), ...files(demoDist)];
    expect(scanned.some((f) => f.endsWith('widget.mjs'))).toBe(true);
    expect(scanned.some((f) => f.endsWith('console.js'))).toBe(true);
    expect(scanned.some((f) => f.endsWith('demo.html'))).toBe(true);
    const findings: string[] = [];
    for (const file of scanned) {
      if (/\.(onnx|wasm|png|jpg|ico|woff2?)$/.test(file)) continue; // binary model/runtime files
      const text = readFileSync(file, 'utf8');
      for (const s of secrets) if (text.includes(s)) findings.push(`${file}: the LiveKit/OpenAI secret`);
      for (const [what, re] of PATTERNS) if (re.test(text)) findings.push(`${file}: ${what} (${re.exec(text)![0].slice(0, 40)})`);
    }
    expect(findings).toEqual([]);
  });
});
