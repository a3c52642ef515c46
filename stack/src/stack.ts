import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createLineRedactor, logHashKey } from '@voice-widget/protocol/log-safety';
import { type ApiKeys, loadOrCreateKeys, loadOrCreateSecret } from './keys.ts';
import { resolveLiveKitBinaries, startLiveKitServer } from './livekit.ts';
import { spawnAgentWorker, spawnServer } from './apps.ts';
import { type LocalModelOptions, startLocalModel } from './local-model.ts';
import { STATE_DIR, pkgDir } from './paths.ts';
import { freeTcpPort, freeTcpUdpPort, freeUdpRange } from './ports.ts';
import { type Service, httpOk, spawnService, waitUntilReady } from './service.ts';
import { type SipPorts, startLiveKitSip, startRedis } from './sip.ts';

/** Options of {@link startStack}. Ports default to the fixed demo ports; `ephemeral` picks free ones. */
export interface StackOptions {
  /** Pick free ports for everything (tests, benchmarks) instead of the fixed demo ports. */
  ephemeral?: boolean;
  /** Echo every service's log lines to stdout. */
  echo?: boolean;
  /** Start the demo site (Vite) too. Default true. */
  demoSite?: boolean;
  /** Extra environment for the agent worker (e.g. LOG_LEVEL). */
  agentEnv?: NodeJS.ProcessEnv;
  /**
   * The offline model, started as its own service unless OPENAI_API_KEY is set: emulated time to
   * first audio, script, session cap, cloud stand-in (`noAsr`), log level. Defaults from the
   * environment: LOCAL_REALTIME_TTFA_MS, LOCAL_REALTIME_SCRIPT, LOCAL_REALTIME_MAX_SESSIONS.
   */
  model?: Pick<LocalModelOptions, 'ttfaMs' | 'script' | 'maxSessions' | 'noAsr' | 'noAsrTranscript' | 'logLevel'>;
  /** Agent name the worker registers under. Default `voice-agent`. */
  agentName?: string;
  /** Folder for logs and configs; default `.state/stack` (tests pass their own). */
  dir?: string;
  /** Extra environment for the server (e.g. DATABASE_URL). Ephemeral stacks default to PGlite in `dir`. */
  serverEnv?: NodeJS.ProcessEnv;
  /** Build and serve the widget. Default true; phone-only stacks skip it. */
  widget?: boolean;
  /** Phone callers too: Redis, livekit-server with Redis, and livekit-sip on loopback (issue 6). */
  sip?: boolean;
  /** Start LiveKit's TURN server (UDP, 127.0.0.1) on a free port, for callers behind an emulated network. */
  turn?: boolean;
  /** Where livekit-sip listens (default 127.0.0.1) and the public IP it announces behind NAT. */
  sipNetwork?: { listenIp?: string; externalIp?: string };
}

/** What every running set of services offers (a stack, a cluster); `stop()` ends every process it started. */
export interface RunningServices {
  /** Demo page URL, when the demo site runs. */
  demoUrl: string | null;
  agentName: string;
  apiKey: string;
  /** For server-side test helpers only; never send it to a browser. */
  apiSecret: string;
  /** The operator's admin key (the server's key file), for the admin API and the CLI. */
  adminKey: string;
  /** Where the admin key is kept (mode 0600); the operator CLI's `ADMIN_KEY_FILE`. */
  adminKeyFile: string;
  services: Service[];
  stop(): Promise<void>;
}

/** A running stack; `stop()` ends every process it started. */
export interface Stack extends RunningServices {
  livekitUrl: string;
  /** LiveKit's TURN UDP port on 127.0.0.1, when started with `turn: true`. */
  turnUdpPort: number | null;
  serverUrl: string;
  /** Every log file the stack writes (0600, each line through the stack's redactor). */
  logFiles: string[];
  /**
   * Starts one more agent worker (same agent name, model and server; its own health port), e.g.
   * to take over calls after a test killed the first one. Resolves once it is ready; it stops
   * with the stack. Its log is `logs/<name>.log`.
   */
  addAgentWorker(name: string): Promise<Service>;
  /** File with the key of the demo's person who takes calls in the console (role agent). */
  consoleKeyFile: string;
  /** livekit-sip, when started with `sip: true`: INVITEs go to `address` (UDP or TCP). */
  sip: { address: string; ports: SipPorts } | null;
  /** The offline model service (`http://127.0.0.1:PORT/v1` and its key); null when the agent uses OpenAI. */
  model: { url: string; apiKey: string } | null;
}

/** Fixed ports of `npm run demo -- --sip` (SIP 5060 as carriers expect; RTP as in the notes). */
export const DEMO_SIP_PORTS = { redis: 6390, sip: 5060, sipHealth: 8091, rtp: { start: 10000, end: 10100 } };

/** Fixed ports of `npm run demo`, so the printed URL stays the same. */
export const DEMO_PORTS = { livekit: 7880, rtcTcp: 7881, rtcUdp: 7882, server: 8787, demo: 5173, agentHttp: 8089, model: 8765 };

/** Rebuilds the widget when any of its sources is newer than the build (vite build, ~3 s). */
export function ensureWidgetBuilt(): string {
  const dist = join(pkgDir('widget'), 'dist');
  const built = join(dist, 'widget.mjs');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const p = join(dir, e.name);
      return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  const stale =
    !existsSync(built) ||
    Math.max(newest(join(pkgDir('widget'), 'src')), newest(join(pkgDir('widget'), 'public'))) > statSync(built).mtimeMs;
  if (stale) execFileSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'warn'], { cwd: pkgDir('widget'), stdio: 'inherit' });
  return dist;
}

/** Rebuilds the people's console script (server/console → server/dist/console) when a source is newer (vite, ~4 s). */
export function ensureConsoleBuilt(): string {
  const server = pkgDir('server');
  const dist = join(server, 'dist', 'console');
  const built = join(dist, 'console.js');
  const sources = [join(server, 'console'), join(pkgDir('protocol'), 'src')];
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const p = join(dir, e.name);
      return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  if (!existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs) {
    execFileSync('pnpm', ['run', 'build:console'], { cwd: server, stdio: 'inherit' });
  }
  return dist;
}

/** Number from an environment variable, or undefined when unset. @throws Error when set but not a non-negative number. */
function envNumber(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
  return n;
}

/**
 * The stack's log shipper: every line any service writes (ours, the local model's, LiveKit's)
 * loses the credentials the stack knows and the `pii` field (unless LOG_PII=1), and gets phone
 * numbers pseudonymised, as our own loggers do.
 */
export function stackRedactor(keys: ApiKeys): (line: string) => string {
  return createLineRedactor({
    secrets: [keys.apiSecret, keys.apiKey, loadOrCreateSecret('local-realtime'), process.env.OPENAI_API_KEY, process.env.SIP_AUTH_PASSWORD].filter(
      (s): s is string => Boolean(s),
    ),
    hashKey: logHashKey(keys.apiSecret),
    dropPii: process.env.LOG_PII !== '1',
  });
}

/**
 * Starts LiveKit server, our server, the offline model (its own service, unless OPENAI_API_KEY is
 * set), the agent worker and the demo site, all on 127.0.0.1, and waits until each is ready.
 * @throws Error naming the service and its log file when one fails to start; whatever started is stopped.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dir = opts.dir ?? join(STATE_DIR, 'stack');
  const agentName = opts.agentName ?? 'voice-agent';
  const ports = opts.ephemeral
    ? {
        livekit: await freeTcpPort(),
        rtcTcp: await freeTcpPort(),
        rtcUdp: await freeTcpUdpPort(),
        server: await freeTcpPort(),
        demo: await freeTcpPort(),
        agentHttp: await freeTcpPort(),
        model: await freeTcpPort(),
      }
    : DEMO_PORTS;
  const keys = loadOrCreateKeys();
  const redact = stackRedactor(keys);
  const adminKeyFile = opts.ephemeral ? join(dir, 'admin-key') : join(STATE_DIR, 'admin-key');
  if (opts.ephemeral && !opts.serverEnv?.DATABASE_URL) {
    // A fresh database every run: budgets (calls per IP per hour, open calls) of an earlier run
    // must not leak into this one.
    rmSync(join(dir, 'pglite'), { recursive: true, force: true });
  }
  // Tests and benchmarks start with no cached greeting: their first call's greeting comes from the model.
  if (opts.ephemeral) rmSync(join(dir, 'greeting-cache'), { recursive: true, force: true });
  const bins = resolveLiveKitBinaries({ sip: opts.sip });
  const sipPorts = !opts.sip
    ? null
    : opts.ephemeral
      ? { redis: await freeTcpPort(), sip: await freeTcpUdpPort(), sipHealth: await freeTcpPort(), rtp: await freeUdpRange(40) }
      : DEMO_SIP_PORTS;
  const turnUdpPort = opts.turn ? await freeTcpUdpPort() : undefined;
  const widgetDist = opts.widget === false ? undefined : ensureWidgetBuilt();
  ensureConsoleBuilt(); // the people's console (hand-offs, web and phone)
  const services: Service[] = [];
  const stop = async () => {
    await Promise.all(services.splice(0).reverse().map((s) => s.stop()));
  };
  try {
    const redis = sipPorts ? await startRedis({ port: sipPorts.redis, echo: opts.echo, redact }) : null;
    if (redis) services.push(redis.service);
    const livekit = await startLiveKitServer({
      binary: bins.server,
      keys,
      port: ports.livekit,
      rtcTcpPort: ports.rtcTcp,
      rtcUdpPort: ports.rtcUdp,
      turnUdpPort,
      // Signed webhooks close calls even when the browser vanishes (the server starts right after).
      webhookUrl: `http://127.0.0.1:${ports.server}/webhooks/livekit`,
      redisAddress: redis?.address,
      dir: join(dir, 'livekit'),
      echo: opts.echo,
      redact,
    });
    services.push(livekit.service);
    let sip: Stack['sip'] = null;
    if (sipPorts && redis) {
      if (!bins.sip) throw new Error('livekit-sip binary missing (scripts/install-livekit.sh with SKIP_LIVEKIT_SIP=0)');
      const running = await startLiveKitSip({
        binary: bins.sip,
        keys,
        livekitUrl: livekit.url,
        redisAddress: redis.address,
        ports: { sip: sipPorts.sip, rtp: sipPorts.rtp, health: sipPorts.sipHealth },
        listenIp: opts.sipNetwork?.listenIp,
        externalIp: opts.sipNetwork?.externalIp,
        dir: join(dir, 'livekit-sip'),
        echo: opts.echo,
        redact,
      });
      services.push(running.service);
      sip = { address: running.address, ports: running.ports };
    }
    const access = { url: livekit.url, apiKey: keys.apiKey, apiSecret: keys.apiSecret, agentName };
    const logDir = join(dir, 'logs');

    // The model starts first, in its own process: the worker only ever connects to it.
    let model: Stack['model'] = null;
    if (!process.env.OPENAI_API_KEY) {
      const running = await startLocalModel({
        port: ports.model,
        apiKey: loadOrCreateSecret('local-realtime'),
        ttfaMs: opts.model?.ttfaMs ?? envNumber('LOCAL_REALTIME_TTFA_MS'),
        script: opts.model?.script ?? process.env.LOCAL_REALTIME_SCRIPT,
        maxSessions: opts.model?.maxSessions ?? envNumber('LOCAL_REALTIME_MAX_SESSIONS'),
        noAsr: opts.model?.noAsr,
        noAsrTranscript: opts.model?.noAsrTranscript,
        logLevel: opts.model?.logLevel,
        logDir,
        echo: opts.echo,
        redact,
      });
      services.push(running.service);
      model = { url: running.url, apiKey: running.apiKey };
    }

    const server = spawnServer({
      name: 'server',
      livekit: access,
      port: ports.server,
      env: {
        ...(widgetDist ? { WIDGET_DIST: widgetDist } : {}),
        BOOTSTRAP_AGENT: 'acme', // the demo page's data-agent
        BOOTSTRAP_ADMIN_KEY_FILE: adminKeyFile,
        BOOTSTRAP_CONSOLE_KEY_FILE: join(dir, 'console-key'), // a person who takes calls (npm run demo prints it)
        DEMO_BASE_URL: `http://127.0.0.1:${ports.demo}`,
        ...(opts.ephemeral ? { PGLITE_DIR: join(dir, 'pglite') } : {}),
        ...opts.serverEnv,
      },
      echo: opts.echo,
      logDir,
      redact,
    });
    services.push(server.service);
    const serverUrl = server.url;
    const spawnWorker = (name: string, httpPort: number) =>
      spawnAgentWorker({
        name,
        livekit: access,
        httpPort,
        serverUrl,
        model,
        // Cached greeting audio (agent-worker/src/session/greeting-cache.ts), kept with the stack's state.
        env: { GREETING_CACHE_DIR: join(dir, 'greeting-cache'), ...opts.agentEnv },
        echo: opts.echo,
        logDir,
        redact,
      });
    const agent = spawnWorker('agent-worker', ports.agentHttp);
    services.push(agent.service);
    let demoUrl: string | null = null;
    const waits = [server.ready, agent.ready];
    if (opts.demoSite !== false) {
      const vite = join(pkgDir('demo-site'), 'node_modules/.bin/vite');
      const demo = spawnService('demo-site', vite, ['--port', String(ports.demo), '--host', '127.0.0.1', '--strictPort'], {
        cwd: pkgDir('demo-site'),
        env: { VITE_WIDGET_ORIGIN: serverUrl },
        echo: opts.echo,
        logDir,
        redact,
      });
      services.push(demo);
      demoUrl = `http://127.0.0.1:${ports.demo}/`;
      waits.push(waitUntilReady(demo, httpOk(demoUrl), 30_000));
    }
    await Promise.all(waits);
    const adminKey = readFileSync(adminKeyFile, 'utf8').trim(); // written by the server before it listens
    return {
      livekitUrl: livekit.url,
      turnUdpPort: turnUdpPort ?? null,
      serverUrl,
      demoUrl,
      agentName,
      apiKey: keys.apiKey,
      apiSecret: keys.apiSecret,
      adminKey,
      adminKeyFile,
      logFiles: services.map((s) => s.logFile),
      services,
      addAgentWorker: async (name) => {
        const port = await freeTcpPort();
        const worker = spawnWorker(name, port);
        services.push(worker.service);
        await worker.ready;
        return worker.service;
      },
      consoleKeyFile: join(dir, 'console-key'),
      sip,
      model,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
