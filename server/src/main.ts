import { AgentDispatchClient, RoomServiceClient, SipClient } from 'livekit-server-sdk';
import { createApp } from './app.ts';
import { ensureAdminKeyFile, ensureAgent, ensureConsoleKeyFile, seedDemoCustomers } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { createLogger, urlPassword } from './log.ts';
import { OutboundDialer } from './outbound/dialer.ts';
import { trustProxySetting } from './rate-limit.ts';
import { redisRateLimitStores } from './rate-limit-redis.ts';
import { drainableHttpServer } from './shutdown.ts';
import { OutboundTrunks } from './sip/outbound-trunks.ts';
import { SipProvisioner } from './sip/provision.ts';
import { startSweeper } from './sweeper.ts';

const config = loadConfig();
const log = createLogger({
  level: config.LOG_LEVEL,
  apiSecret: config.LIVEKIT_API_SECRET,
  secrets: [config.LIVEKIT_API_KEY, config.DATABASE_URL, urlPassword(config.DATABASE_URL)],
  logPii: config.LOG_PII === '1',
});
const trustProxy = trustProxySetting(config.TRUST_PROXY);
const httpUrl = config.LIVEKIT_URL.replace(/^ws/, 'http');
const database = await openDatabase({ url: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
log.info({ db: database.kind, ...(database.kind === 'pglite' ? { dir: config.PGLITE_DIR } : {}) }, 'database ready');
if (config.BOOTSTRAP_CONSOLE_KEY_FILE && (await ensureConsoleKeyFile(database.db, config.BOOTSTRAP_CONSOLE_KEY_FILE, config.BOOTSTRAP_PERSON_NAME))) {
  log.info('console key for the demo written');
}
if (config.BOOTSTRAP_AGENT) {
  await ensureAgent(database.db, config.BOOTSTRAP_AGENT);
  if (await seedDemoCustomers(database.db)) log.info('demo customers and orders seeded');
}
if (config.BOOTSTRAP_ADMIN_KEY_FILE) {
  const how = await ensureAdminKeyFile(database.db, config.BOOTSTRAP_ADMIN_KEY_FILE);
  log.info({ file: config.BOOTSTRAP_ADMIN_KEY_FILE, how }, 'operator key file ready');
}
// Several instances behind one load balancer share request rate limits through Redis; budgets are
// reserved in the database (row locks), and the console's queue is polled from it.
const shared = config.REDIS_URL ? await redisRateLimitStores(config.REDIS_URL) : null;
if (shared) log.info('rate limits in Redis (shared by every instance)');
const rooms = new RoomServiceClient(httpUrl, config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET);
const sipClient = new SipClient(httpUrl, config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET);
const trunks = new OutboundTrunks(sipClient);
const dialer = new OutboundDialer({ db: database.db, rooms, sip: sipClient, trunks, agentName: config.AGENT_NAME, log });
dialer.start(config.SWEEP_INTERVAL_S * 1000);
const app = createApp({
  log,
  db: database.db,
  allowedOrigins: config.ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
  widgetDist: config.WIDGET_DIST,
  demoBaseUrl: config.DEMO_BASE_URL,
  limits: { sessionsPerMinute: config.SESSIONS_RATE_PER_MIN },
  rateLimitStores: shared?.stores,
  secureCookies: config.SECURE_COOKIES === '1',
  trustProxy,
  retentionDays: config.RETENTION_DAYS,
  rooms,
  resume: { rooms, dispatch: new AgentDispatchClient(httpUrl, config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET), agentName: config.AGENT_NAME },
  sip: new SipProvisioner(sipClient, config.AGENT_NAME),
  outbound: { trunks, kick: () => dialer.kick() },
  sessions: {
    rooms,
    apiKey: config.LIVEKIT_API_KEY,
    apiSecret: config.LIVEKIT_API_SECRET,
    publicUrl: config.LIVEKIT_PUBLIC_URL ?? config.LIVEKIT_URL,
    agentName: config.AGENT_NAME,
    tokenTtlS: config.TOKEN_TTL_S,
  },
});
const stopSweeper = startSweeper(
  { db: database.db, rooms, log, staleCallS: config.STALE_CALL_S, retentionDays: config.RETENTION_DAYS },
  config.SWEEP_INTERVAL_S * 1000,
);
const server = app.listen(config.PORT, config.HOST, () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  log.info({ port }, `server listening on http://${config.HOST}:${port}`);
});
const drain = drainableHttpServer(server);
// One bad request must never take the process down; log what escaped instead.
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
// SIGTERM (a rolling restart): accept nothing new, let requests in flight finish, then close.
let stopping = false;
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    stopSweeper();
    void dialer.stop();
    log.info({ signal: sig, graceMs: config.SHUTDOWN_GRACE_MS }, 'draining: no new connections, finishing requests in flight');
    void drain(config.SHUTDOWN_GRACE_MS)
      .then((r) => log.info(r, 'drained'))
      .then(() => Promise.allSettled([database.close(), shared?.close()]))
      .finally(() => process.exit(0));
  });
}
