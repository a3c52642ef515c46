import { pino } from 'pino';
import { RoomServiceClient } from 'livekit-server-sdk';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const log = pino({ level: config.LOG_LEVEL, base: { svc: 'server' } });
const httpUrl = config.LIVEKIT_URL.replace(/^ws/, 'http');
const app = createApp({
  log,
  allowedOrigins: config.ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
  widgetDist: config.WIDGET_DIST,
  sessions: {
    rooms: new RoomServiceClient(httpUrl, config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET),
    apiKey: config.LIVEKIT_API_KEY,
    apiSecret: config.LIVEKIT_API_SECRET,
    publicUrl: config.LIVEKIT_PUBLIC_URL ?? config.LIVEKIT_URL,
    agentName: config.AGENT_NAME,
    tokenTtlS: config.TOKEN_TTL_S,
  },
});
const server = app.listen(config.PORT, config.HOST, () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  log.info({ port }, `server listening on http://${config.HOST}:${port}`);
});
// One bad request must never take the process down; log what escaped instead.
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
