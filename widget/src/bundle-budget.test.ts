/**
 * Size budget: what a host page downloads before any click (the loader, `widget.mjs` and its static
 * imports) must stay ≤ 15 KB gzip; livekit-client and the VAD must only be reachable through
 * dynamic `import()`. Builds the widget into a temporary folder (~5 s).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRE_CLICK_BUDGET_BYTES, measureBuild, staticImports } from '../size.ts';

const WIDGET_DIR = join(import.meta.dirname, '..');

describe('bundle budget', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'widget-build-'));
    execFileSync('pnpm', ['exec', 'vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: WIDGET_DIR, stdio: 'pipe' });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it(`pre-click download ≤ ${PRE_CLICK_BUDGET_BYTES / 1024} KB gzip`, () => {
    const r = measureBuild(out);
    console.log(`pre-click: ${r.preClick.map((f) => `${f.file} ${f.gzip} B`).join(', ')} = ${r.preClickGzip} B gzip`);
    expect(r.preClick.map((f) => f.file).sort()).toEqual(['voice-widget.js', 'widget.mjs']);
    expect(r.preClickGzip).toBeLessThanOrEqual(PRE_CLICK_BUDGET_BYTES);
  });

  it('livekit-client, the VAD and onnxruntime are not in the pre-click code, only behind import()', () => {
    const entry = readFileSync(join(out, 'widget.mjs'), 'utf8');
    for (const marker of ['RoomEvent', 'onnxruntime', 'MicVAD', 'performRpc']) expect(entry).not.toContain(marker);
    expect(entry).toMatch(/import\(\s*["']\.\/assets\/session-[\w-]+\.js["']\s*\)/);
    const session = measureBuild(out).postClick.find((f) => f.file.startsWith('assets/session-'));
    expect(session!.gzip).toBeGreaterThan(50_000); // livekit-client really is in there
  });

  it('publishes the ESM types next to the module', () => {
    const dts = readFileSync(join(out, 'widget.d.ts'), 'utf8');
    expect(dts).toContain('export declare const mount: Mount;');
    expect(dts).not.toMatch(/^import /m);
  });

  it('the measurement fails a build whose entry statically imports a heavy module', () => {
    const fake = mkdtempSync(join(tmpdir(), 'widget-fake-'));
    try {
      mkdirSync(join(fake, 'assets'));
      writeFileSync(join(fake, 'voice-widget.js'), '/* loader */');
      writeFileSync(join(fake, 'widget.mjs'), 'import{a}from"./assets/big.js";import("./assets/lazy.js");a();');
      writeFileSync(join(fake, 'assets', 'big.js'), Array.from({ length: 20_000 }, (_, i) => `export const v${i}=${Math.random()};`).join(''));
      writeFileSync(join(fake, 'assets', 'lazy.js'), 'export {}');
      const r = measureBuild(fake);
      expect(r.preClick.map((f) => f.file).sort()).toEqual(['assets/big.js', 'voice-widget.js', 'widget.mjs']);
      expect(r.preClickGzip).toBeGreaterThan(PRE_CLICK_BUDGET_BYTES);
      expect(staticImports('import("./x.js");import{a as b}from"./y.js";export*from"./z.js"')).toEqual(['./y.js', './z.js']);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});
