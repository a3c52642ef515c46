import { existsSync } from 'node:fs';
import express, { type RequestHandler } from 'express';

/**
 * Serves the built widget from this server's own origin (no CDN).
 * `voice-widget.js` (the script tag's URL) must pick up new releases quickly: short cache with
 * revalidation. Hashed chunks under `assets/` never change: cached for a year, immutable.
 * Cross-origin pages load these files, so they are served with CORS `*` (no credentials).
 */
export function widgetAssets(dist: string): RequestHandler {
  if (!existsSync(dist)) throw new Error(`widget build not found at ${dist}; run: pnpm --filter @voice-widget/widget build`);
  return express.static(dist, {
    index: false,
    fallthrough: true,
    setHeaders(res, path) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      if (/[\\/]assets[\\/]/.test(path)) {
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      } else {
        res.setHeader('Cache-Control', 'public, max-age=300, must-revalidate');
      }
    },
  });
}
