import { resolve } from 'node:path';
import { type Plugin, defineConfig } from 'vite';

/** Serves the public demo-link page for `/d/<slug>` (dev server and `vite preview`). */
const demoLinkPages = (): Plugin => {
  const rewrite = (req: { url?: string }, _res: unknown, next: () => void) => {
    if (req.url && /^\/d\/[A-Za-z0-9_-]+\/?(\?.*)?$/.test(req.url)) req.url = '/demo.html';
    next();
  };
  return {
    name: 'demo-link-pages',
    configureServer: (server) => void server.middlewares.use(rewrite),
    configurePreviewServer: (server) => void server.middlewares.use(rewrite),
  };
};

// The demo site is a customer's page on its own origin; the widget comes from our server's
// origin (VITE_WIDGET_ORIGIN, e.g. http://127.0.0.1:8787), exactly as a real embed would.
export default defineConfig({
  plugins: [demoLinkPages()],
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1', strictPort: true },
  build: { rollupOptions: { input: { main: resolve(import.meta.dirname, 'index.html'), demo: resolve(import.meta.dirname, 'demo.html') } } },
});
