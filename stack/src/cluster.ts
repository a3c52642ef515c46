import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { spawnAgentWorker, spawnServer } from './apps.ts';
import { loadOrCreateKeys, loadOrCreateSecret } from './keys.ts';
import { type LiveKitServerOptions, resolveLiveKitBinaries, startLiveKitServer } from './livekit.ts';
import { startLocalModel } from './local-model.ts';
import { STATE_DIR, pkgDir } from './paths.ts';
import { freeTcpPort, freeTcpUdpPort } from './ports.ts';
import { startPostgres } from './postgres.ts';
import { type Service, httpOk, isRunning, spawnService, waitUntilReady } from './service.ts';
import { startRedis } from './sip.ts';
import { type RunningServices, ensureConsoleBuilt, ensureWidgetBuilt, stackRedactor } from './stack.ts';

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Folder for logs and configs; default `.state/cluster`. */
  dir?: string;
  echo?: boolean;
  /** Start the demo site (Vite), its widget talking to server `a`. Default false. */
  demoSite?: boolean;
  /** Extra environment of both agent workers (e.g. `AGENT_MAX_CALLS`). */
  agentEnv?: NodeJS.ProcessEnv;
  /** Extra environment of both server instances. */
  serverEnv?: NodeJS.ProcessEnv;
  agentName?: string;
}

/** One LiveKit node of the cluster. */
export interface ClusterNode {
  /** `lk-1`, `lk-2`: also the service and log name. */
  name: string;
  /** `ws://127.0.0.x:port`: its signal and API address. */
  url: string;
  httpUrl: string;
  /** The loopback address it binds and announces (`rtc.node_ip`). */
  nodeIp: string;
  /** The running livekit-server; replaced by {@link ClusterNode.restart}. */
  service: Service;
  /**
   * Starts the node again with the same config (address, signal port, Redis; new media ports)
   * after it stopped or was killed — a machine that came back; logs to `<name>-restart<n>.log`.
   * Resolves once it answers.
   * @throws Error when it is still running or does not come up within 20 s.
   */
  restart(): Promise<void>;
}

/** A running cluster on loopback; `stop()` ends every process it started. */
export interface Cluster extends RunningServices {
  nodes: ClusterNode[];
  /**
   * Server instances `server-a`, `server-b` (one PostgreSQL, one Redis); `a` talks to node 1, `b`
   * to node 2. `service` is replaced when {@link Cluster.restartServer} restarts one.
   */
  servers: { name: string; url: string; service: Service }[];
  /**
   * Agent workers `worker-1` (registered with node 1) and `worker-2` (node 2); the name is their
   * `WORKER_NAME`. `httpUrl` is the worker's own HTTP endpoint (@livekit/agents: `/` health,
   * `/worker` a JSON report with `active_jobs`).
   */
  workers: { name: string; service: Service; httpUrl: string }[];
  /** The offline model, one service for every worker. */
  model: { url: string; apiKey: string };
  /** `redis://127.0.0.1:port`: LiveKit's bus and the servers' rate limits. */
  redisUrl: string;
  /** PostgreSQL shared by the server instances (tests only: holds its password). */
  databaseUrl: string;
  /**
   * Which node hosts a room (`lk-1` …), from LiveKit's own routing table in Redis (`room_node_map`
   * → node id → the node's record in `nodes`, which carries its IP); null when no node has it.
   */
  roomNode(room: string): Promise<string | null>;
  /**
   * One step of a rolling restart, as far as one box allows: SIGTERM server `name` (it drains:
   * no new connections, requests in flight finish), wait for its exit, start it again on the same
   * port (meanwhile the other instance answers, as behind a load balancer). Resolves once its
   * `/healthz` answers; its log is `logs/<name>-restart<n>.log`.
   * @throws Error when there is no such server or it does not come up.
   */
  restartServer(name: string): Promise<void>;
  /**
   * Starts one more agent worker `name` (also its `WORKER_NAME` and log name) registered with node
   * `nodeIndex` and writing to server `nodeIndex`, like the first two; resolves once it is ready.
   * It stops with the cluster.
   */
  addWorker(name: string, nodeIndex: number): Promise<Cluster['workers'][number]>;
}

/** Loopback addresses of the nodes (Linux routes all of 127.0.0.0/8 to `lo`: nothing to configure). */
export const CLUSTER_NODE_IPS = ['127.0.0.2', '127.0.0.3'];

/**
 * Starts a cluster on loopback, every part a real one: Redis and PostgreSQL (Debian's), the offline
 * model as its own service, two livekit-server nodes sharing Redis (distinct addresses
 * {@link CLUSTER_NODE_IPS} and ports; new rooms go to the node with fewer rooms), two server
 * instances on one PostgreSQL sharing rate limits in Redis (started one after the other: the first
 * migrates and bootstraps), and two agent workers, each registered with one node — LiveKit
 * dispatches a room's job to any worker in the pool, whatever node hosts the room.
 * Ports are free ones; the demo site (optional) talks to server `a`.
 * @throws Error naming the part and its log file when one fails; whatever started is stopped.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const dir = opts.dir ?? join(STATE_DIR, 'cluster');
  const logDir = join(dir, 'logs');
  const agentName = opts.agentName ?? 'voice-agent';
  const keys = loadOrCreateKeys();
  const redact = stackRedactor(keys);
  const bins = resolveLiveKitBinaries();
  const widgetDist = ensureWidgetBuilt();
  ensureConsoleBuilt();
  const services: Service[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  let closeRedis: (() => Promise<void>) | null = null;
  const stop = async () => {
    await closeRedis?.().catch(() => {});
    closeRedis = null;
    // Apps first, then LiveKit, then the stores they write to.
    await Promise.all(services.splice(0).reverse().map((s) => s.stop()));
    for (const s of stoppers.splice(0).reverse()) await s();
  };
  try {
    const [redis, postgres] = await Promise.all([startRedis({ port: await freeTcpPort(), echo: opts.echo, redact }), startPostgres({ echo: opts.echo })]);
    stoppers.push(redis.stop, postgres.stop);
    const redisUrl = `redis://${redis.address}`;
    const modelRun = await startLocalModel({ port: await freeTcpPort(), apiKey: loadOrCreateSecret('local-realtime'), logDir, echo: opts.echo, redact });
    services.push(modelRun.service);
    const model = { url: modelRun.url, apiKey: modelRun.apiKey };

    const serverPorts = [await freeTcpPort(), await freeTcpPort()] as const;
    const demoPort = await freeTcpPort();
    let serverRestarts = 0;
    const nodes: ClusterNode[] = [];
    for (const [i, nodeIp] of CLUSTER_NODE_IPS.entries()) {
      const name = `lk-${i + 1}`;
      const lkOpts: LiveKitServerOptions = {
        name,
        binary: bins.server,
        keys,
        nodeIp,
        port: await freeTcpPort(),
        rtcTcpPort: await freeTcpPort(),
        rtcUdpPort: await freeTcpPort(),
        redisAddress: redis.address,
        nodeSortBy: 'rooms',
        // Each node posts its webhooks to one server instance (both share the database).
        webhookUrl: `http://127.0.0.1:${serverPorts[i]}/webhooks/livekit`,
        dir: join(dir, name),
        echo: opts.echo,
        redact,
      };
      const lk = await startLiveKitServer(lkOpts);
      services.push(lk.service);
      let restarts = 0;
      const node: ClusterNode = {
        name,
        url: lk.url,
        httpUrl: lk.httpUrl,
        nodeIp,
        service: lk.service,
        async restart() {
          if (isRunning(node.service)) throw new Error(`${name} is still running`);
          // The same signal port (clients' URLs); fresh media ports: an ephemeral UDP socket (an
          // ICE candidate of some peer) may hold the old one meanwhile — clients learn them by ICE.
          // A port found free can still be taken by some peer's ephemeral socket before the node
          // binds it: then the node exits at once, and it is tried again on other ports.
          for (let attempt = 1; ; attempt++) {
            try {
              const again = await startLiveKitServer({
                ...lkOpts,
                name: `${name}-restart${++restarts}`,
                rtcTcpPort: await freeTcpUdpPort(),
                rtcUdpPort: await freeTcpUdpPort(),
              });
              services.push(again.service);
              node.service = again.service;
              return;
            } catch (err) {
              // Only a node that exited is tried again (one not ready in time may still be running).
              if (attempt >= 3 || !/exited/.test((err as Error).message)) throw err;
            }
          }
        },
      };
      nodes.push(node);
    }

    const adminKeyFile = join(dir, 'admin-key');
    const servers: Cluster['servers'] = [];
    /** Starts server instance `i` (talking to node `i`) on its port, logging as `logName`. */
    const spawnClusterServer = (i: number, logName: string) => {
      const started = spawnServer({
        name: logName,
        port: serverPorts[i]!,
        livekit: { url: nodes[i]!.url, apiKey: keys.apiKey, apiSecret: keys.apiSecret, agentName },
        env: {
          DATABASE_URL: postgres.url,
          REDIS_URL: redisUrl,
          WIDGET_DIST: widgetDist,
          BOOTSTRAP_AGENT: 'acme',
          BOOTSTRAP_ADMIN_KEY_FILE: adminKeyFile,
          BOOTSTRAP_CONSOLE_KEY_FILE: join(dir, 'console-key'),
          DEMO_BASE_URL: `http://127.0.0.1:${demoPort}`,
          ...opts.serverEnv,
        },
        logDir,
        echo: opts.echo,
        redact,
      });
      services.push(started.service);
      return started;
    };
    for (const i of serverPorts.keys()) {
      const name = `server-${'ab'[i]}`;
      const started = spawnClusterServer(i, name);
      await started.ready; // one after the other: the first one migrates and bootstraps
      servers.push({ name, url: started.url, service: started.service });
    }

    const workers: Cluster['workers'] = [];
    /** Starts worker `name` registered with node `i`, writing to server `i`. */
    const spawnClusterWorker = async (name: string, i: number) => {
      const httpPort = await freeTcpPort();
      const started = spawnAgentWorker({
        name,
        livekit: { url: nodes[i]!.url, apiKey: keys.apiKey, apiSecret: keys.apiSecret, agentName },
        httpPort,
        serverUrl: servers[i]!.url,
        model,
        env: { WORKER_NAME: name, GREETING_CACHE_DIR: join(dir, 'greeting-cache'), ...opts.agentEnv }, // one cache for the pool
        logDir,
        echo: opts.echo,
        redact,
      });
      services.push(started.service);
      const worker = { name, service: started.service, httpUrl: `http://127.0.0.1:${httpPort}` };
      workers.push(worker);
      return { worker, ready: started.ready };
    };
    const workerStarts = [];
    for (const i of nodes.keys()) workerStarts.push(await spawnClusterWorker(`worker-${i + 1}`, i)); // ports taken one by one
    await Promise.all(workerStarts.map((s) => s.ready));
    let demoUrl: string | null = null;
    if (opts.demoSite) {
      const vite = join(pkgDir('demo-site'), 'node_modules/.bin/vite');
      const demo = spawnService('demo-site', vite, ['--port', String(demoPort), '--host', '127.0.0.1', '--strictPort'], {
        cwd: pkgDir('demo-site'),
        env: { VITE_WIDGET_ORIGIN: servers[0]!.url },
        echo: opts.echo,
        logDir,
        redact,
      });
      services.push(demo);
      demoUrl = `http://127.0.0.1:${demoPort}/`;
      await waitUntilReady(demo, httpOk(demoUrl), 30_000);
    }

    const client = createClient({ url: redisUrl });
    client.on('error', () => {});
    await client.connect();
    closeRedis = () => client.close();
    const roomNode = async (room: string) => {
      const nodeId = await client.hGet('room_node_map', room);
      if (!nodeId) return null;
      // The node's record is a protobuf (livekit.Node) whose `ip` field is our loopback address.
      const record = await client.hGet('nodes', nodeId);
      return nodes.find((n) => record?.includes(n.nodeIp))?.name ?? null;
    };
    return {
      nodes,
      servers,
      workers,
      model,
      redisUrl,
      databaseUrl: postgres.url,
      demoUrl,
      agentName,
      apiKey: keys.apiKey,
      apiSecret: keys.apiSecret,
      adminKey: readFileSync(adminKeyFile, 'utf8').trim(),
      adminKeyFile,
      services,
      roomNode,
      async restartServer(name) {
        const i = servers.findIndex((s) => s.name === name);
        const server = servers[i];
        if (!server) throw new Error(`no server ${name}`);
        await server.service.stop(15_000); // SIGTERM: it drains (SHUTDOWN_GRACE_MS, 10 s by default); SIGKILL after 15 s
        const again = spawnClusterServer(i, `${name}-restart${++serverRestarts}`);
        server.service = again.service;
        await again.ready;
      },
      async addWorker(name, nodeIndex) {
        if (!nodes[nodeIndex]) throw new Error(`no node ${nodeIndex}`);
        const { worker, ready } = await spawnClusterWorker(name, nodeIndex);
        await ready;
        return worker;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
