import { pkgDir } from './paths.ts';
import { type Service, httpOk, spawnService, waitUntilReady } from './service.ts';
import { typeScriptArgs } from './typescript.ts';

/** LiveKit access shared by the server and the agent worker. */
export interface LiveKitAccess {
  /** `ws://host:port` of the LiveKit node (or load balancer) this process talks to. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Agent name workers register under and sessions dispatch. */
  agentName: string;
}

/** Common options of {@link spawnServer} and {@link spawnAgentWorker}. */
export interface AppOptions {
  livekit: LiveKitAccess;
  /** Service name, also the log file's (`<logDir>/<name>.log`). */
  name: string;
  logDir: string;
  echo?: boolean;
  redact?: (line: string) => string;
  env?: NodeJS.ProcessEnv;
}

const liveKitEnv = (lk: LiveKitAccess) => ({
  LIVEKIT_URL: lk.url,
  LIVEKIT_API_KEY: lk.apiKey,
  LIVEKIT_API_SECRET: lk.apiSecret,
  AGENT_NAME: lk.agentName,
});

/** A started process and the promise that it is ready (rejects naming its log file). */
export interface Starting {
  service: Service;
  ready: Promise<void>;
}

/**
 * Starts one server instance (`server/src/main.ts`) on 127.0.0.1:`port`; `env` carries the rest
 * of its configuration (server/src/config.ts). `ready` resolves once `GET /healthz` answers
 * (within 30 s). The caller owns `service` at once, so it can stop it when `ready` rejects.
 */
export function spawnServer(opts: AppOptions & { port: number }): Starting & { url: string } {
  const service = spawnService(opts.name, process.execPath, typeScriptArgs('src/main.ts'), {
    cwd: pkgDir('server'),
    env: { ...liveKitEnv(opts.livekit), PORT: String(opts.port), ...opts.env },
    echo: opts.echo,
    logDir: opts.logDir,
    redact: opts.redact,
  });
  const url = `http://127.0.0.1:${opts.port}`;
  return { service, url, ready: waitUntilReady(service, httpOk(`${url}/healthz`), 30_000) };
}

/**
 * Starts one agent worker (`agent-worker/src/main.ts start`, production mode: the same code a
 * production worker runs), its health endpoint on 127.0.0.1:`httpPort`, talking to `serverUrl`
 * and to the model service `model` (null: OpenAI, from the environment). `ready` resolves once its
 * health endpoint answers (within 60 s).
 */
export function spawnAgentWorker(
  opts: AppOptions & { httpPort: number; serverUrl: string; model: { url: string; apiKey: string } | null },
): Starting {
  const service = spawnService(opts.name, process.execPath, typeScriptArgs('src/main.ts', 'start'), {
    cwd: pkgDir('agent-worker'),
    env: {
      ...liveKitEnv(opts.livekit),
      AGENT_HTTP_PORT: String(opts.httpPort),
      SERVER_URL: opts.serverUrl,
      ...(opts.model ? { LOCAL_REALTIME_URL: opts.model.url, LOCAL_REALTIME_API_KEY: opts.model.apiKey } : {}),
      ...opts.env,
    },
    echo: opts.echo,
    logDir: opts.logDir,
    redact: opts.redact,
  });
  return { service, ready: waitUntilReady(service, httpOk(`http://127.0.0.1:${opts.httpPort}/`), 60_000) };
}
