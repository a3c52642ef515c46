import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/** What a host page may download before any click, gzip bytes (loader + widget module + its static imports). */
export const PRE_CLICK_BUDGET_BYTES = 15 * 1024;

export interface FileSize {
  file: string;
  bytes: number;
  gzip: number;
}
export interface BuildSizes {
  preClick: FileSize[];
  preClickGzip: number;
  postClick: FileSize[];
}

const gz = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;

/** Static `import … from "x"` / `import "x"` specifiers of an ES module (not dynamic `import()`). */
export function staticImports(code: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g;
  for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

/**
 * Sizes of a widget build folder: the pre-click set is `voice-widget.js`, `widget.mjs` and every
 * module `widget.mjs` imports statically (recursively); everything else under `assets/` and `vad/`
 * loads after the click (or on hover/focus prefetch).
 */
export function measureBuild(dist: string): BuildSizes {
  const entry = join(dist, 'widget.mjs');
  if (!existsSync(entry)) throw new Error(`no build at ${dist}: run pnpm --filter @voice-widget/widget build`);
  const pre = new Set<string>([join(dist, 'voice-widget.js')]);
  const visit = (file: string) => {
    if (pre.has(file)) return;
    pre.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(join(file, '..', spec));
    }
  };
  visit(entry);
  const size = (f: string): FileSize => ({ file: relative(dist, f), bytes: statSync(f).size, gzip: gz(f) });
  const preClick = [...pre].map(size);
  const all = ['assets', 'vad'].flatMap((d) => (existsSync(join(dist, d)) ? readdirSync(join(dist, d)).map((f) => join(dist, d, f)) : []));
  const postClick = all.filter((f) => !pre.has(f) && !f.endsWith('.gz')).map(size);
  return { preClick, preClickGzip: preClick.reduce((s, f) => s + f.gzip, 0), postClick };
}
