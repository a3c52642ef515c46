import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ApiKeys } from './keys.ts';
import { httpOk, privateDir, type Service, spawnService, waitUntilReady } from './service.ts';

/** A throwaway Redis (Debian's redis-server) on loopback; `stop()` ends it and deletes its folder. */
export interface RunningRedis {
  /** `127.0.0.1:<port>` — what livekit-server and livekit-sip take as `redis.address`. */
  address: string;
  port: number;
  service: Service;
  stop(): Promise<void>;
}

/** True when Redis at `port` answers PING with PONG within 1 s. */
export function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/**
 * Starts `redis-server` on 127.0.0.1:`port` with no persistence, in a temporary folder.
 * LiveKit uses it only to route SIP calls between livekit-server and livekit-sip (state lives
 * for the stack's lifetime; trunks and rules are re-provisioned by `startStack`'s caller).
 * @throws Error naming the log file when it does not answer PING within 10 s.
 */
export async function startRedis(opts: { port: number; echo?: boolean; redact?: (line: string) => string }): Promise<RunningRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'vw-redis-'));
  const args = [
    '--port', String(opts.port), '--bind', '127.0.0.1', '--protected-mode', 'yes',
    '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning',
  ];
  const service = spawnService('redis', 'redis-server', args, { logDir: dir, echo: opts.echo, redact: opts.redact });
  const stopService = service.stop.bind(service);
  const stop = async () => {
    await stopService();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(service, () => redisPing(opts.port), 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address: `127.0.0.1:${opts.port}`, port: opts.port, service: { ...service, stop }, stop };
}

/** Ports of livekit-sip. `rtp` is an inclusive range; RTP binds 0.0.0.0. */
export interface SipPorts {
  /** SIP signalling, UDP and TCP. */
  sip: number;
  rtp: { start: number; end: number };
  /** `GET /` answers 200 when the service is up (its default 8081 collides with other tools). */
  health: number;
}

export interface LiveKitSipOptions {
  binary: string;
  keys: ApiKeys;
  /** `ws://127.0.0.1:<port>` of livekit-server. */
  livekitUrl: string;
  redisAddress: string;
  ports: SipPorts;
  /** Address livekit-sip listens on. Default 127.0.0.1. */
  listenIp?: string;
  /** Address put in SDP and Contact headers (the public IP behind NAT). Default: `listenIp`. */
  externalIp?: string;
  /** Folder for config and log; default a temporary one. */
  dir?: string;
  echo?: boolean;
  logLevel?: 'debug' | 'info' | 'warn';
  /** Log filter: livekit-sip logs From numbers and SIP URIs (the stack hashes them, log-safety.ts). */
  redact?: (line: string) => string;
}

export interface RunningSip {
  service: Service;
  /** `127.0.0.1:<sip port>`: where callers (or a carrier) send INVITEs. */
  address: string;
  ports: SipPorts;
}

/** The livekit-sip YAML config (facts: ../shared/notes/livekit-sip.md). Exported for tests. */
export function liveKitSipConfig(opts: LiveKitSipOptions): Record<string, unknown> {
  const listenIp = opts.listenIp ?? '127.0.0.1';
  return {
    api_key: opts.keys.apiKey,
    api_secret: opts.keys.apiSecret,
    ws_url: opts.livekitUrl,
    redis: { address: opts.redisAddress },
    sip_port: opts.ports.sip,
    listen_ip: listenIp,
    nat_1_to_1_ip: opts.externalIp ?? listenIp, // else it announces the first non-loopback IPv4
    use_external_ip: false, // true does a STUN lookup
    rtp_port: `${opts.ports.rtp.start}-${opts.ports.rtp.end}`,
    // A closed call's RTP port is otherwise held for 30 s; a test's next call must not wait.
    rtp_draining_idle_timeout: '-1s',
    health_port: opts.ports.health,
    // livekit-sip reports itself unhealthy (and refuses calls) while the machine's idle CPU is
    // under 10 %: on a small box shared with tests and builds that is most of a call's start.
    // Never gate on machine-wide CPU here (livekit-server's `target_load` gets the same treatment).
    max_cpu_utilization: 1,
    logging: { level: opts.logLevel ?? 'info', json: true },
  };
}

/**
 * Writes the config and starts livekit-sip; resolves once its health port answers.
 * @throws Error naming the log file when it exits or is not healthy within 20 s.
 */
export async function startLiveKitSip(opts: LiveKitSipOptions): Promise<RunningSip> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'vw-sip-'));
  privateDir(dir);
  const configFile = join(dir, 'livekit-sip.yaml');
  writeFileSync(configFile, stringify(liveKitSipConfig(opts)), { mode: 0o600 });
  const service = spawnService('livekit-sip', opts.binary, ['--config', configFile], { logDir: dir, echo: opts.echo, redact: opts.redact });
  await waitUntilReady(service, httpOk(`http://127.0.0.1:${opts.ports.health}/`), 20_000);
  return { service, address: `${opts.listenIp ?? '127.0.0.1'}:${opts.ports.sip}`, ports: opts.ports };
}
