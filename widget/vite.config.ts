import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

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

// The page loads `voice-widget.js` (public/, a classic-script loader) which imports `widget.mjs`
// (the element and UI). livekit-client and the VAD are split into chunks loaded on the click.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2020',
    assetsInlineLimit: 0,
    lib: { entry: 'src/embed/widget.ts', formats: ['es'], fileName: () => 'widget.mjs' },
    rollupOptions: { output: { chunkFileNames: 'assets/[name]-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' } },
  },
  plugins: [vadAssets()],
});
