import { defineConfig } from 'vite';

// The demo site is a customer's page on its own origin; the widget comes from our server's
// origin (VITE_WIDGET_ORIGIN, e.g. http://127.0.0.1:8787), exactly as a real embed would.
export default defineConfig({
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1', strictPort: true },
});
