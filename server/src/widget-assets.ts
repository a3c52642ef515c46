import { existsSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import express, { type RequestHandler, type Response } from 'express';
import { HttpError } from './errors.ts';

/** Options of {@link widgetAssets}. */
export interface WidgetAssetOptions {
  /** LiveKit URL browsers connect to: the iframe page (`embed.html`) may open it. */
  livekitUrl?: string;
}

/** Files the widget build ships precompressed (`x.js.gz` next to `x.js`). */
const COMPRESSED = new Set(['.js', '.mjs', '.css', '.html', '.wasm', '.onnx']);

/**
 * Serves the built widget from this server's own origin (no CDN).
 * - `voice-widget.js`, `widget.mjs`, `embed.html` (stable URLs) must pick up new releases quickly:
 *   short cache with revalidation. Hashed chunks under `assets/` never change: a year, immutable.
 *   `vad/` (model, WASM; names without hashes): a day.
 * - The build's `.gz` twins are sent to browsers that accept gzip (the VAD's WASM is 14 MB raw, 3.6 MB gzip).
 * - Cross-origin pages load these files: CORS `*` (no credentials), CORP cross-origin.
 * - `embed.html` is the iframe embed: any site may frame it (CSP `frame-ancestors *`; the session
 *   request from the frame carries this server's Origin, so agents restricted to a list of origins
 *   must list this server's origin to allow iframe embedding). Its CSP allows the LiveKit URL and
 *   the VAD's WASM.
 */
export function widgetAssets(dist: string, options: WidgetAssetOptions = {}): RequestHandler {
  if (!existsSync(dist)) throw new Error(`widget build not found at ${dist}; run: pnpm --filter @voice-widget/widget build`);
  const root = normalize(dist + sep);
  const headers = (res: Response, path: string) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Vary', 'Accept-Encoding');
    if (/[\\/]assets[\\/]/.test(path)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    else if (/[\\/]vad[\\/]/.test(path)) res.setHeader('Cache-Control', 'public, max-age=86400');
    else res.setHeader('Cache-Control', 'public, max-age=300, must-revalidate');
    if (path.endsWith('embed.html')) {
      const livekit = options.livekitUrl ? ` ${new URL(options.livekitUrl).origin.replace(/^http/, 'ws')} ${new URL(options.livekitUrl).origin}` : '';
      res.setHeader(
        'Content-Security-Policy',
        `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'${livekit}; media-src 'self' blob: mediastream:; img-src 'self' data:; frame-ancestors *`,
      );
      res.removeHeader('X-Frame-Options');
      res.setHeader('Permissions-Policy', 'microphone=(self), autoplay=(self)');
    }
  };
  const statics = express.static(dist, { index: false, fallthrough: true, setHeaders: headers });
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const ext = extname(req.path);
    const accepts = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (accepts && COMPRESSED.has(ext)) {
      let path: string;
      try {
        path = decodeURIComponent(req.path);
      } catch {
        return next(new HttpError(400, 'invalid_path', 'the path is not valid percent-encoding'));
      }
      const file = normalize(join(dist, path));
      if (file.startsWith(root) && existsSync(`${file}.gz`)) {
        headers(res, file);
        res.setHeader('Content-Encoding', 'gzip');
        res.type(ext === '.onnx' ? 'application/octet-stream' : ext);
        return res.sendFile(`${file}.gz`, { lastModified: true, etag: true }, (err) => err && next());
      }
    }
    return statics(req, res, next);
  };
}
