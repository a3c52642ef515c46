import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetAssets } from './widget-assets.ts';

describe('widget assets', () => {
  let dist: string;
  let app: express.Express;
  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'widget-dist-'));
    mkdirSync(join(dist, 'assets'));
    mkdirSync(join(dist, 'vad'));
    const js = 'export const hello = "world";'.repeat(50);
    writeFileSync(join(dist, 'widget.mjs'), js);
    writeFileSync(join(dist, 'widget.mjs.gz'), gzipSync(js));
    writeFileSync(join(dist, 'assets', 'session-abc.js'), js);
    writeFileSync(join(dist, 'vad', 'model.onnx'), 'onnx');
    writeFileSync(join(dist, 'embed.html'), '<!doctype html>');
    app = express();
    app.use((_req, res, next) => {
      res.setHeader('X-Frame-Options', 'SAMEORIGIN'); // what helmet sets app-wide
      next();
    });
    app.use(widgetAssets(dist, { livekitUrl: 'http://127.0.0.1:7880' }));
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('stable names revalidate; hashed chunks are immutable; CORS for any page', async () => {
    const entry = await request(app).get('/widget.mjs').set('Accept-Encoding', 'identity');
    expect(entry.headers['cache-control']).toBe('public, max-age=300, must-revalidate');
    expect(entry.headers['access-control-allow-origin']).toBe('*');
    expect(entry.headers['content-type']).toMatch(/javascript/);
    const chunk = await request(app).get('/assets/session-abc.js');
    expect(chunk.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const vad = await request(app).get('/vad/model.onnx');
    expect(vad.headers['cache-control']).toBe('public, max-age=86400');
  });

  it('sends the gzip twin to browsers that accept it, with the original type', async () => {
    const res = await request(app).get('/widget.mjs').set('Accept-Encoding', 'gzip, br');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.text).toContain('hello');
    expect(res.headers.vary).toMatch(/Accept-Encoding/);
    const plain = await request(app).get('/widget.mjs').set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('lets any site frame embed.html, may reach LiveKit, and never escapes the folder', async () => {
    const res = await request(app).get('/embed.html');
    expect(res.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(res.headers['content-security-policy']).toContain('ws://127.0.0.1:7880');
    expect(res.headers['x-frame-options']).toBeUndefined();
    const escape = await request(app).get('/..%2f..%2fetc%2fpasswd').set('Accept-Encoding', 'gzip');
    expect(escape.status).toBe(404);
  });
});
