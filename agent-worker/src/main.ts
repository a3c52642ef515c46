/**
 * Agent worker entry: `tsx src/main.ts start` (production mode) or `dev`.
 * Without OPENAI_API_KEY it first starts the local offline model on loopback and hands its URL
 * to the job processes (they are forked after this and inherit the environment).
 */
import { fileURLToPath } from 'node:url';
import { ServerOptions, cli } from '@livekit/agents';
import { start as startLocalModel } from '@voice-widget/local-realtime';
import { loadWorkerConfig } from './config.ts';
import { createAgentLogger } from './log.ts';

const config = loadWorkerConfig();
if (!config.OPENAI_API_KEY && !config.LOCAL_REALTIME_URL) {
  const model = await startLocalModel({
    host: '127.0.0.1',
    port: 0,
    ttfaMs: config.LOCAL_REALTIME_TTFA_MS,
    script: config.LOCAL_REALTIME_SCRIPT,
    limits: { maxSessions: config.LOCAL_REALTIME_MAX_SESSIONS },
    // Our logger: transcripts stay under `pii` (dropped unless LOG_PII=1), secrets and numbers out.
    logger: createAgentLogger({ ...config, LOG_LEVEL: config.LOG_LEVEL === 'debug' ? 'debug' : 'warn' }, { svc: 'agent-worker' }),
  });
  process.env.LOCAL_REALTIME_URL = model.baseURL;
  createAgentLogger(config, { svc: 'agent-worker' }).info({ url: model.url }, 'local model started for this worker');
  // Not stopped on SIGTERM: the worker drains its calls first, and they still need the model.
  // The model (and its recognizer processes) ends with this process.
}

cli.runApp(
  new ServerOptions({
    agent: fileURLToPath(new URL('./agent.ts', import.meta.url)),
    agentName: config.AGENT_NAME,
    // The worker's health endpoint; 0 would fall back to 8081 in production mode, which
    // livekit-sip also uses by default.
    port: Number(process.env.AGENT_HTTP_PORT ?? 8089),
    host: '127.0.0.1',
    // Load = share of the call capacity in use. The default (machine CPU) reads ≥ 1 whenever the
    // box is busy — e.g. while a browser starts — and LiveKit then dispatches to no one.
    loadFunc: async (worker) => Math.min(1, worker.activeJobs.length / config.AGENT_MAX_CALLS),
    loadThreshold: 1,
    numIdleProcesses: config.AGENT_IDLE_PROCESSES,
    // A job process starting on a busy machine can take longer than the default 10 s; killing it
    // then only queues another start behind the same load.
    initializeProcessTimeout: 30_000,
  }),
);
