import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
}

/**
 * Starts a long-running child process, logging to `<logDir>/<name>.log`.
 * The child gets its own process group so stop() also ends its children (e.g. tsx → node).
 */
export function spawnService(name: string, command: string, args: string[], opts: SpawnOptions = {}): Service {
  const logDir = opts.logDir ?? join(STATE_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'w' });
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (opts.echo) {
        for (const line of chunk.toString().split('\n')) if (line) process.stdout.write(`[${name}] ${line}\n`);
      }
    });
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end();
      resolve(code ?? signal ?? 'unknown');
    });
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
      if (child.exitCode !== null || child.signalCode !== null) return;
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
