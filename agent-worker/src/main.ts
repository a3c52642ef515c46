/**
 * Agent worker entry: `tsx src/main.ts start` (production mode) or `dev`.
 * The model is OpenAI Realtime (OPENAI_API_KEY) or the offline model running as its own service
 * (LOCAL_REALTIME_URL + LOCAL_REALTIME_API_KEY; the stack starts it): production workers and test
 * workers are the same code. With neither, the worker refuses to start and says why.
 */
import { fileURLToPath } from 'node:url';
import { ServerOptions, cli } from '@livekit/agents';
import { loadWorkerConfig } from './config.ts';
import { createAgentLogger } from './log.ts';
import { watchLeases } from './resume/job-lease.ts';
import { ServerClient, serverLinkFromEnv } from './server-api/client.ts';

let config: ReturnType<typeof loadWorkerConfig>;
try {
  config = loadWorkerConfig();
} catch (err) {
  console.error(`agent-worker: ${(err as Error).message}`);
  process.exit(1);
}

// Supervision of this worker's job processes: one that dies mid-call (its lease left behind) is
// reported to the server at once, which dispatches the agent again to resume the call (resume/).
const link = serverLinkFromEnv();
if (link) {
  const log = createAgentLogger(config, { svc: 'worker', pid: process.pid });
  const stop = watchLeases((lease, atMs) => {
    log.warn({ room: lease.room, identity: lease.identity }, 'job process died mid-call; reporting it to resume the call');
    void new ServerClient(link, lease.room).agentLost({ identity: lease.identity, atMs, cause: 'job_exit' }).then((r) => {
      if (r.ok) log.info({ room: lease.room, ...r.value }, 'agent-lost reported');
      else log.warn({ room: lease.room, err: r.error }, 'agent-lost not reported');
    });
  });
  process.once('exit', stop);
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
