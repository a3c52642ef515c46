import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The people's console (served by the server at /dashboard/console.js): one ES module with
// livekit-client bundled, same-origin, so the dashboard's CSP needs no inline script.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  logLevel: 'warn',
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    modulePreload: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1_000, // livekit-client is most of it; an internal page, loaded once
    rollupOptions: {
      input: fileURLToPath(new URL('src/main.ts', import.meta.url)),
      output: { entryFileNames: 'console.js', inlineDynamicImports: true, format: 'es' },
    },
  },
});
