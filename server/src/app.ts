import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { errorHandler } from './errors.ts';
import { sessionsRouter } from './routes/sessions.ts';
import type { SessionDeps } from './sessions.ts';
import { widgetAssets } from './widget-assets.ts';

export interface AppDeps {
  sessions: SessionDeps;
  log: Logger;
  /** Allowed CORS origins; `['*']` allows any. */
  allowedOrigins: string[];
  /** Folder of the built widget to serve, if any. */
  widgetDist?: string;
}

/** Maximum JSON body, bytes. Session requests are tiny. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Builds the Express app; no listening, so tests can use it directly. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(pinoHttp({ logger: deps.log, autoLogging: { ignore: (req) => req.url === '/healthz' } }));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  if (deps.widgetDist) app.use(widgetAssets(deps.widgetDist));
  app.use('/api', cors(deps.allowedOrigins));
  app.use('/api', express.json({ limit: MAX_BODY_BYTES }));
  app.use(sessionsRouter(deps.sessions, deps.log));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such route' } });
  });
  app.use(errorHandler(deps.log));
  return app;
}

/** CORS for the public API: reflects an allowed Origin; answers preflight. */
function cors(allowed: string[]): express.RequestHandler {
  const any = allowed.includes('*');
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && (any || allowed.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.status(origin && (any || allowed.includes(origin)) ? 204 : 403).end();
      return;
    }
    next();
  };
}
