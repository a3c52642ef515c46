import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { PRE_CLICK_BUDGET_BYTES, measureBuild } from './size.ts';

const require = createRequire(import.meta.url);

/** Copies the VAD's runtime assets (Silero v5 model, worklet, onnxruntime-web WASM) to dist/vad/. */
function vadAssets(): Plugin {
  return {
    name: 'voice-widget-vad-assets',
    apply: 'build',
    writeBundle(options) {
      const out = join(options.dir ?? 'dist', 'vad');
      mkdirSync(out, { recursive: true });
      const vadDist = dirname(require.resolve('@ricky0123/vad-web/dist/real-time-vad.js'));
      const ortDist = dirname(require.resolve('onnxruntime-web/wasm'));
      for (const f of ['silero_vad_v5.onnx', 'vad.worklet.bundle.min.js']) copyFileSync(join(vadDist, f), join(out, f));
      for (const f of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs']) copyFileSync(join(ortDist, f), join(out, f));
    },
  };
}

/** Writes `widget.d.ts`: the dependency-free public types of src/api.ts plus `mount`. */
function declarations(): Plugin {
  return {
    name: 'voice-widget-declarations',
    apply: 'build',
    writeBundle(options) {
      const api = readFileSync('src/api.ts', 'utf8');
      const extra = `
/** Renders the widget inside \`element\` and returns a handle. */
export declare const mount: Mount;
/** Type guard for \`voice-agent:<type>\` DOM events dispatched by the element. */
export declare function isVoiceAgentEvent<K extends keyof WidgetEvents>(e: Event, type: K): e is CustomEvent<WidgetEvents[K]>;
`;
      writeFileSync(join(options.dir ?? 'dist', 'widget.d.ts'), api + extra);
    },
  };
}

/** Writes a `.gz` twin of every text/WASM file; the server sends it to browsers that accept gzip. */
function precompress(): Plugin {
  let outDir = 'dist';
  const exts = new Set(['.js', '.mjs', '.css', '.html', '.wasm', '.onnx']);
  return {
    name: 'voice-widget-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
      for (const f of walk(outDir)) if (exts.has(extname(f))) writeFileSync(`${f}.gz`, gzipSync(readFileSync(f), { level: 9 }));
    },
  };
}

/** Prints what loads before a click and after it (gzip), and fails the build past the budget. */
function sizeReport(): Plugin {
  let outDir = 'dist';
  return {
    name: 'voice-widget-size',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const r = measureBuild(outDir);
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log('\nvoice-widget sizes (gzip):');
      for (const f of r.preClick) console.log(`  before click  ${kb(f.gzip).padStart(9)}  ${f.file}`);
      console.log(`  = before click total ${kb(r.preClickGzip)} (budget ${kb(PRE_CLICK_BUDGET_BYTES)})`);
      for (const f of r.postClick) console.log(`  after click   ${kb(f.gzip).padStart(9)}  ${f.file}`);
      if (r.preClickGzip > PRE_CLICK_BUDGET_BYTES) throw new Error(`pre-click bundle ${kb(r.preClickGzip)} is over the ${kb(PRE_CLICK_BUDGET_BYTES)} budget`);
    },
  };
}

// Not a vite "lib" build: app mode minifies fully. The page loads `voice-widget.js` (public/, a
// classic-script loader) which imports `widget.mjs`; livekit-client and the VAD are chunks
// imported on hover/focus/click.
export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: 'src/embed/widget.ts',
      preserveEntrySignatures: 'allow-extension',
      output: {
        entryFileNames: 'widget.mjs',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  plugins: [vadAssets(), declarations(), precompress(), sizeReport()],
});
