import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ApiKeys } from './keys.ts';
import { REPO_ROOT, STATE_DIR } from './paths.ts';
import { type Service, httpOk, privateDir, spawnService, waitUntilReady } from './service.ts';

/** Paths of the pinned LiveKit binaries; `sip` is null when skipped. */
export interface LiveKitBinaries {
  server: string;
  sip: string | null;
}

/**
 * Finds (or builds, first time only) the pinned LiveKit binaries via scripts/install-livekit.sh.
 * @throws Error with the script's explanation when neither a binary nor Go >= 1.26 is available.
 */
export function resolveLiveKitBinaries(opts: { sip?: boolean } = {}): LiveKitBinaries {
  const out = execFileSync('bash', [join(REPO_ROOT, 'scripts/install-livekit.sh')], {
    env: { ...process.env, SKIP_LIVEKIT_SIP: opts.sip ? '0' : '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const value = (key: string) => out.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1] ?? '';
  const server = value('livekit-server');
  if (!server) throw new Error('scripts/install-livekit.sh did not report a livekit-server path');
  return { server, sip: value('livekit-sip') || null };
}

export interface LiveKitServerOptions {
  binary: string;
  keys: ApiKeys;
  /** Signal + API port (HTTP/WebSocket). */
  port: number;
  /** ICE over TCP port. */
  rtcTcpPort: number;
  /** Single-port UDP mux for WebRTC media. */
  rtcUdpPort: number;
  /** `host:port` of Redis; required when livekit-sip runs, and for a cluster (nodes share it). */
  redisAddress?: string;
  /**
   * Loopback address this node binds and announces as its ICE candidate (`rtc.node_ip`); distinct
   * per node of a cluster (127.0.0.2, 127.0.0.3, …: Linux routes all of 127/8 to `lo`). Default 127.0.0.1.
   */
  nodeIp?: string;
  /**
   * Where a cluster places new rooms (`node_selector`): `rooms` = the node with the fewest rooms
   * (LiveKit's stats, refreshed every 2 s). Default LiveKit's (`any`, random).
   */
  nodeSortBy?: 'random' | 'rooms' | 'clients' | 'sysload' | 'cpuload';
  /**
   * LiveKit's built-in TURN server on this UDP port (127.0.0.1), relaying to the SFU on loopback:
   * what the latency benchmark's impairing relay sits in front of. Off when absent.
   */
  turnUdpPort?: number;
  /** URL that receives LiveKit webhooks (signed with `keys`). */
  webhookUrl?: string;
  /** Folder for config and logs; default `.state/<name>`. */
  dir?: string;
  name?: string;
  echo?: boolean;
  /** Log filter (the stack's redactor: secrets and phone numbers out of LiveKit's log). */
  redact?: (line: string) => string;
}

export interface RunningLiveKit {
  service: Service;
  /** `ws://127.0.0.1:<port>` — what SDKs connect to. */
  url: string;
  httpUrl: string;
  /** The address it binds and announces (`rtc.node_ip`). */
  nodeIp: string;
}

/**
 * Writes a loopback-only config and starts livekit-server; resolves once `GET /` answers OK.
 * Config facts: ../shared/notes/livekit-sip.md (no STUN lookup, loopback ICE candidate).
 */
export async function startLiveKitServer(opts: LiveKitServerOptions): Promise<RunningLiveKit> {
  const name = opts.name ?? 'livekit-server';
  const nodeIp = opts.nodeIp ?? '127.0.0.1';
  const dir = opts.dir ?? join(STATE_DIR, name);
  privateDir(dir);
  const config: Record<string, unknown> = {
    port: opts.port,
    bind_addresses: [nodeIp],
    keys: { [opts.keys.apiKey]: opts.keys.apiSecret },
    rtc: {
      tcp_port: opts.rtcTcpPort,
      udp_port: opts.rtcUdpPort,
      use_external_ip: false,
      node_ip: nodeIp,
      enable_loopback_candidate: true,
    },
    logging: { level: 'info', json: true },
    // Jobs go to workers whose reported CPU load is below this (default 0.7). On a one-machine
    // stack the agent shares a small box with everything else (tests, builds, other stacks):
    // gating calls on machine-wide CPU would refuse calls, so never gate (load is at most 1).
    agents: { target_load: 2 },
  };
  if (opts.redisAddress) config.redis = { address: opts.redisAddress };
  // `any` ignores machine load: on one box every node sees the same load (sysload would exclude all).
  if (opts.nodeSortBy) config.node_selector = { kind: 'any', sort_by: opts.nodeSortBy, algorithm: 'lowest' };
  if (opts.turnUdpPort) {
    // Keys of livekit-server v1.13.5 (pkg/config TURNConfig). Its relay allocations reach the SFU
    // on 127.0.0.1, a "restricted" peer that TURN refuses unless allowed by CIDR.
    config.turn = {
      enabled: true,
      udp_port: opts.turnUdpPort,
      bind_addresses: ['127.0.0.1'],
      allow_restricted_peer_cidrs: ['127.0.0.0/8'],
    };
  }
  if (opts.webhookUrl) config.webhook = { api_key: opts.keys.apiKey, urls: [opts.webhookUrl] };
  const configFile = join(dir, 'livekit.yaml');
  writeFileSync(configFile, stringify(config), { mode: 0o600 });
  const service = spawnService(name, opts.binary, ['--config', configFile], { logDir: dir, echo: opts.echo, redact: opts.redact });
  const httpUrl = `http://${nodeIp}:${opts.port}`;
  await waitUntilReady(service, httpOk(httpUrl), 20_000);
  return { service, url: `ws://${nodeIp}:${opts.port}`, httpUrl, nodeIp };
}
