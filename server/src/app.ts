import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { type RoomServiceClient, TokenVerifier, WebhookReceiver } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Db } from './db/client.ts';
import { HttpError, errorHandler } from './errors.ts';
import { QueueFeed } from './handoff/queue-feed.ts';
import { type RateLimitStoreFactory, limitPerClient } from './rate-limit.ts';
import { adminRouter } from './routes/admin.ts';
import { adminCustomersRouter } from './routes/admin-customers.ts';
import { agentApiRouter } from './routes/agent-api.ts';
import { agentResumeRouter } from './routes/agent-resume.ts';
import type { ResumeDeps } from './resume/resume-call.ts';
import { agentHandoffRouter } from './routes/agent-handoff.ts';
import { agentToolsRouter } from './routes/agent-tools.ts';
import { consoleRouter } from './routes/console.ts';
import { dashboardRouter } from './routes/dashboard.ts';
import { operatorRouter } from './routes/operator.ts';
import { phoneRouter } from './routes/phone.ts';
import { publicRouter } from './routes/public.ts';
import { agentOutboundRouter } from './routes/agent-outbound.ts';
import { demoCallbackRouter } from './routes/demo-callback.ts';
import { type OutboundDeps, outboundAdminRouter } from './routes/outbound.ts';
import { ipHash, sessionsRouter } from './routes/sessions.ts';
import { webhookRouter } from './routes/webhooks.ts';
import type { SessionDeps } from './sessions.ts';
import type { SipProvisioner } from './sip/provision.ts';
import { widgetAssets } from './widget-assets.ts';

/** Requests per client (IP; IPv6 per /64) per minute. */
export interface RateLimits {
  /** `POST /api/sessions` (each one creates a room). */
  sessionsPerMinute: number;
  /** `POST /api/sessions/:room/turns`. */
  turnsPerMinute: number;
  /** `GET /api/demo-links/:slug`. */
  publicPerMinute: number;
  /** `/api/admin/*` (wrong keys count too). */
  adminPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  sessionsPerMinute: 20,
  turnsPerMinute: 600,
  publicPerMinute: 120,
  adminPerMinute: 600,
};

export interface AppDeps {
  sessions: SessionDeps;
  log: Logger;
  db: Db;
  /** Origins allowed by CORS on the public API; `['*']` allows any. Agents narrow it further. */
  allowedOrigins: string[];
  /** Folder of the built widget to serve, if any. */
  widgetDist?: string;
  /** Public URL of the demo site (`/d/:slug` pages); its origin may start demo-link calls. */
  demoBaseUrl?: string;
  limits?: Partial<RateLimits>;
  /** Mark the dashboard cookie `Secure` (behind https). */
  secureCookies?: boolean;
  /** LiveKit SIP provisioning (phone callers); unset → the SIP admin routes answer 503. */
  sip?: SipProvisioner;
  /** Outbound calling (LiveKit SIP: outbound trunks and the dialer); unset → its routes answer 503. */
  outbound?: OutboundDeps;
  /**
   * Express `trust proxy`: the proxies whose `X-Forwarded-For` is believed (`TRUST_PROXY`, see
   * rate-limit.ts `trustProxySetting`). Default false: `req.ip` is the socket address.
   */
  trustProxy?: false | string[];
  /** Stores of the request rate limiters (shared across servers); default in memory. */
  rateLimitStores?: RateLimitStoreFactory;
  /** Default of `POST /api/admin/retention`, days. Default 90. */
  retentionDays?: number;
  /** HTTP client for customers' tool and hand-off endpoints (tests inject one); default global fetch. */
  fetch?: typeof fetch;
  /** Deletes rooms (a person hangs up in the console); unset → the console cannot end calls (503). */
  rooms?: Pick<RoomServiceClient, 'deleteRoom'>;
  /**
   * LiveKit's room and dispatch services for resuming a call whose agent was lost (resume/);
   * unset → such calls are not resumed (`…/agent-lost` answers 503).
   */
  resume?: Omit<ResumeDeps, 'db' | 'log'>;
  /** Folder of the built console script; default `server/dist/console`. */
  consoleDist?: string;
}

/** Where `pnpm --filter @voice-widget/server build:console` writes the console's script. */
export const DEFAULT_CONSOLE_DIST = join(dirname(fileURLToPath(import.meta.url)), '../dist/console');

/** Maximum JSON body of the public API, bytes. Session requests and turns are tiny. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Builds the Express app; no listening, so tests can use it directly. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  const limits = { ...DEFAULT_RATE_LIMITS, ...deps.limits };
  const { apiKey, apiSecret } = deps.sessions;
  const verifier = new TokenVerifier(apiKey, apiSecret);
  const demoOrigin = deps.demoBaseUrl ? new URL(deps.demoBaseUrl).origin : undefined;
  const ipKey = createHash('sha256').update(`ip-hash:${apiSecret}`).digest('hex');
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(
    pinoHttp({
      logger: deps.log,
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      // Method, path and status only: no headers (credentials, cookies), no query (sign-in tokens),
      // no client address (personal data).
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          styleSrc: ["'self'"],
          scriptSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // The widget's files are loaded by other sites' pages (widget-assets.ts sets CORP itself).
      crossOriginResourcePolicy: false,
      // Same-origin form posts must carry their Origin (the sign-in checks it); nothing leaks cross-site.
      referrerPolicy: { policy: 'same-origin' },
      strictTransportSecurity: deps.secureCookies ? undefined : false,
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  if (deps.widgetDist) app.use(widgetAssets(deps.widgetDist, { livekitUrl: deps.sessions.publicUrl }));
  const limiter = (name: string, perMinute: number) => limitPerClient({ name, limit: perMinute }, deps.rateLimitStores);

  // Server-to-server routes first, each with its own body parser and auth; no CORS.
  const resume = deps.resume ? { ...deps.resume, db: deps.db, log: deps.log } : undefined;
  app.use(webhookRouter({ db: deps.db, receiver: new WebhookReceiver(apiKey, apiSecret), log: deps.log, resume }));
  app.use(agentApiRouter({ db: deps.db, verifier, log: deps.log }));
  app.use(agentResumeRouter({ db: deps.db, verifier, log: deps.log, resume }));
  app.use(agentToolsRouter({ db: deps.db, verifier, log: deps.log, fetch: deps.fetch }));
  app.use(agentOutboundRouter({ db: deps.db, verifier, log: deps.log, trunks: deps.outbound?.trunks }));
  // Hand-offs (issue 12): the live transcript and the queue; consoles refresh at once on a change.
  const feed = new QueueFeed(deps.db, deps.log);
  app.use(agentHandoffRouter({ db: deps.db, verifier, log: deps.log, fetch: deps.fetch, changed: () => feed.notify() }));
  app.use('/api/admin', limiter('admin', limits.adminPerMinute), express.json({ limit: 64 * 1024 }));
  app.use(outboundAdminRouter({ db: deps.db, log: deps.log, outbound: deps.outbound })); // before /api/admin/calls/:room
  app.use(adminRouter({ db: deps.db, demoBaseUrl: deps.demoBaseUrl }));
  app.use(adminCustomersRouter(deps.db));
  app.use(operatorRouter({ db: deps.db, retentionDays: deps.retentionDays ?? 90 }));
  app.use(phoneRouter({ db: deps.db, verifier, log: deps.log, sip: deps.sip })); // phone callers (issue 6)

  // Public API: CORS for pages on allowed origins.
  app.use(['/api/sessions', '/api/demo-links'], cors(deps.allowedOrigins));
  app.post('/api/sessions', limiter('sessions', limits.sessionsPerMinute));
  app.post('/api/sessions/:room/turns', limiter('turns', limits.turnsPerMinute));
  app.get('/api/demo-links/:slug', limiter('demo-links', limits.publicPerMinute));
  app.post('/api/demo-links/:slug/callback', limiter('demo-callback', limits.sessionsPerMinute));
  // Per link too: many networks asking one link for call-backs at once is a flood, not interest.
  app.post(
    '/api/demo-links/:slug/callback',
    limitPerClient({ name: 'demo-callback-link', limit: limits.sessionsPerMinute, key: (req) => `link:${String(req.params.slug).slice(0, 64)}`, message: 'too many call-back requests for this demo right now; try again in a minute' }, deps.rateLimitStores),
  );
  app.use('/api', express.json({ limit: MAX_BODY_BYTES }));
  app.use(
    sessionsRouter({
      sessions: deps.sessions,
      db: deps.db,
      log: deps.log,
      verifier,
      demoOrigin,
      ipKey,
    }),
  );
  app.use(demoCallbackRouter({ db: deps.db, log: deps.log, ipHash: (req) => ipHash(ipKey, req), outbound: deps.outbound }));
  app.use(publicRouter(deps.db, deps.outbound?.trunks));
  app.use('/api/console', limiter('console', limits.adminPerMinute));
  app.use(
    consoleRouter({
      db: deps.db,
      log: deps.log,
      feed,
      access: { apiKey, apiSecret, publicUrl: deps.sessions.publicUrl },
      rooms: deps.rooms,
      consoleDist: deps.consoleDist ?? DEFAULT_CONSOLE_DIST,
    }),
  );
  app.use(dashboardRouter({ db: deps.db, demoBaseUrl: deps.demoBaseUrl, secureCookies: deps.secureCookies ?? false, stores: deps.rateLimitStores }));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such route' } });
  });
  app.use(errorHandler(deps.log));
  return app;
}

/**
 * CORS for the public API: reflects an allowed Origin; answers preflight. `Authorization` is
 * allowed for the widget's turn uploads (the caller's own LiveKit token; no cookies, no credentials).
 */
function cors(allowed: string[]): express.RequestHandler {
  const any = allowed.includes('*');
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && (any || allowed.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.status(origin && (any || allowed.includes(origin)) ? 204 : 403).end();
      return;
    }
    next();
  };
}
