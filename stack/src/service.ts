import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, createWriteStream, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { STATE_DIR } from './paths.ts';

/** A child process of the stack with its log file. */
export interface Service {
  name: string;
  /** Absolute path of the log file (stdout and stderr). */
  logFile: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5000). Resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Also echo output to this process's stdout with a `[name]` prefix. */
  echo?: boolean;
  /** Folder for the log file; default `.state/logs`. */
  logDir?: string;
  /**
   * Filter applied to every output line before it reaches the log file or the echo — the stack's
   * log shipper: known secrets and phone numbers out of third-party logs too (see
   * `@voice-widget/protocol/log-safety` `createLineRedactor`). Default: lines unchanged.
   */
  redact?: (line: string) => string;
}

/** Creates `dir` (and parents) readable by this user only (0700), also when it existed. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Calls `onLine` with each complete line of `stream` (a trailing partial line at its end). */
function eachLine(stream: Readable | null, onLine: (line: string) => void): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const line of parts) onLine(line);
  });
  stream?.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}

/** Whether the service's process is still running (it has neither exited nor been killed by a signal). */
export function isRunning(service: Pick<Service, 'child'>): boolean {
  return service.child.exitCode === null && service.child.signalCode === null;
}

/**
 * Starts a long-running child process, logging to `<logDir>/<name>.log` — created 0600 in a 0700
 * folder (logs hold room names and call metadata), each line through `opts.redact`.
 * The child gets its own process group so stop() also ends its children (e.g. an agent worker's
 * job processes).
 */
export function spawnService(name: string, command: string, args: string[], opts: SpawnOptions = {}): Service {
  const logDir = opts.logDir ?? join(STATE_DIR, 'logs');
  privateDir(logDir);
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'w', 0o600);
  fchmodSync(fd, 0o600); // a file left by an earlier run keeps its old mode otherwise
  const log = createWriteStream('', { fd });
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const redact = opts.redact ?? ((line: string) => line);
  for (const stream of [child.stdout, child.stderr]) {
    eachLine(stream, (raw) => {
      const line = redact(raw);
      if (!log.writableEnded) log.write(`${line}\n`);
      if (opts.echo && line) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  // The log ends once the output pipes are drained ('close' follows 'exit' and the last lines).
  child.once('close', () => log.end());
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (err) => {
      log.write(`spawn error: ${err.message}\n`);
      log.end();
      resolve(`spawn error: ${err.message}`);
    });
  });
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  return {
    name,
    logFile,
    child,
    exited,
    async stop(graceMs = 5000) {
      if (!isRunning({ child })) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      signalGroup('SIGKILL'); // grandchildren that ignored SIGTERM
    },
  };
}

/**
 * Polls `check` every 100 ms until it returns true, the service exits, or `timeoutMs` passes.
 * @throws Error naming the service and its log file on exit or timeout.
 */
export async function waitUntilReady(
  service: Service,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  let exitedWith: number | string | undefined;
  void service.exited.then((code) => {
    exitedWith = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) {
      throw new Error(`${service.name} exited (${exitedWith}) before it was ready; see ${service.logFile}`);
    }
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service.name} not ready after ${timeoutMs} ms; see ${service.logFile}`);
}

/** A readiness check: GET `url` answers with a 2xx. */
export const httpOk = (url: string) => async (): Promise<boolean> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  return res.ok;
};

/**
 * Runs `stop` once on SIGINT (Ctrl-C) or SIGTERM, then exits 0: the demo CLIs' shutdown.
 * Returns it, to be called directly too, and whether it has begun.
 */
export function stopOnSignals(stop: () => Promise<void>): { shutdown: () => Promise<void>; stopping: () => boolean } {
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    await stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return { shutdown, stopping: () => stopping };
}
