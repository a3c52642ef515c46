/**
 * Agent worker entry: `tsx src/main.ts start` (production mode) or `dev`.
 * The model is OpenAI Realtime (OPENAI_API_KEY) or the offline model running as its own service
 * (LOCAL_REALTIME_URL + LOCAL_REALTIME_API_KEY; the stack starts it): production workers and test
 * workers are the same code. With neither, the worker refuses to start and says why.
 * SIGTERM drains (@livekit/agents, production mode): the worker reports itself full to LiveKit, takes
 * no new job, waits for its calls to end (job processes ignore SIGTERM), then exits.
 * Losing its LiveKit node does not end it: it keeps reconnecting (README, *Running as a cluster*).
 */
import { fileURLToPath } from 'node:url';
import { ServerOptions, cli } from '@livekit/agents';
import { WORKER_ATTRIBUTE } from '@voice-widget/protocol';
import { loadWorkerConfig } from './config.ts';
import { CpuShare, MEASURED_CALL, availableCores, machineDefaultMaxCalls, workerLoad } from './load.ts';
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
// Job processes are forked from this one and load the config again: they keep this worker's name.
process.env.WORKER_NAME = config.WORKER_NAME;

const maxCalls = config.AGENT_MAX_CALLS ?? machineDefaultMaxCalls(config.AGENT_CPU_FULL);
if (config.AGENT_MAX_CALLS === undefined) {
  console.error(
    `agent-worker: AGENT_MAX_CALLS=${maxCalls} (derived: ${availableCores()} cores at ${MEASURED_CALL.cpuCores} core and ${MEASURED_CALL.memMiB} MiB per call, CPU full at ${config.AGENT_CPU_FULL})`,
  );
}
const cpu = new CpuShare(config.AGENT_LOAD_CPU);

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
    // Every job taken shows which worker of the pool runs it (identity stays `agent-<job id>`).
    requestFunc: (req) => req.accept('', '', '', { [WORKER_ATTRIBUTE]: config.WORKER_NAME }),
    // The worker's health endpoint; 0 would fall back to 8081 in production mode, which
    // livekit-sip also uses by default.
    port: Number(process.env.AGENT_HTTP_PORT ?? 8089),
    host: '127.0.0.1',
    // Load = the larger of the call capacity in use and the CPU in use (load.ts has the formula).
    loadFunc: async (worker) => workerLoad(worker.activeJobs.length, maxCalls, cpu.sample(), config.AGENT_CPU_FULL),
    loadThreshold: 1,
    numIdleProcesses: config.AGENT_IDLE_PROCESSES,
    // A job process starting on a busy machine can take longer than the default 10 s; killing it
    // then only queues another start behind the same load.
    initializeProcessTimeout: 30_000,
    // Never give up on LiveKit: after 10 failed reconnects (about 80 s) the library ends the
    // worker with exit code 1, and its job processes with it — calls in rooms on other, healthy
    // nodes would die because one node (or the way to it) did. The retries back off to every 10 s.
    maxRetry: Number.POSITIVE_INFINITY,
  }),
);
