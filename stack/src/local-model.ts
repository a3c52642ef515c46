import { pkgDir } from './paths.ts';
import { type Service, spawnService, waitUntilReady } from './service.ts';
import { typeScriptArgs } from './typescript.ts';

/** How the stack runs the offline model (local-realtime/README.md has every option). */
export interface LocalModelOptions {
  /** TCP port on 127.0.0.1. */
  port: number;
  /** Key every client must present (the stack's `.state/local-realtime.key`). */
  apiKey: string;
  /** Emulated time to first audio, ms from `response.created`; default 0. */
  ttfaMs?: number;
  /** Dialogue script (JSON file); default the model's built-in script. */
  script?: string;
  /** Concurrent sessions; default the model's (16). */
  maxSessions?: number;
  /** Cloud stand-in: no recognizer, every turn heard as a fixed utterance (capacity benchmarks). */
  noAsr?: boolean;
  /**
   * With `noAsr`: what every turn is heard as (default the model's "hello") — for a test of what
   * the agent does with words the offline recognizer cannot hear from synthetic voices.
   */
  noAsrTranscript?: string;
  /** pino level of the model's log; default `info`. */
  logLevel?: string;
  logDir: string;
  echo?: boolean;
  /** local-realtime package folder to run (default this checkout's; benchmarks compare another). */
  packageDir?: string;
  /** The stack's log filter (secrets, phone numbers, the `pii` field: the model logs transcripts there). */
  redact?: (line: string) => string;
}

export interface RunningLocalModel {
  service: Service;
  /** `http://127.0.0.1:PORT/v1`: the agent worker's `LOCAL_REALTIME_URL`. */
  url: string;
  apiKey: string;
}

/**
 * Starts local-realtime as its own process (`local-realtime.log`), so the model never shares an
 * event loop or a process with the agent's calls, and waits until `GET /health` reports its
 * recognizers loaded (or ASR off). The key goes in the environment, not on the command line.
 * @throws Error naming the log file when it exits or is not ready within 60 s.
 */
export async function startLocalModel(opts: LocalModelOptions): Promise<RunningLocalModel> {
  const args = ['--host', '127.0.0.1', '--port', String(opts.port), '--ttfa-ms', String(opts.ttfaMs ?? 0), '--log-level', opts.logLevel ?? 'info'];
  if (opts.script) args.push('--script', opts.script);
  if (opts.maxSessions) args.push('--max-sessions', String(opts.maxSessions));
  if (opts.noAsr) args.push('--no-asr');
  if (opts.noAsr && opts.noAsrTranscript !== undefined) args.push('--no-asr-transcript', opts.noAsrTranscript);
  const service = spawnService('local-realtime', process.execPath, typeScriptArgs('src/cli.ts', ...args), {
    cwd: opts.packageDir ?? pkgDir('local-realtime'),
    env: { LOCAL_REALTIME_API_KEY: opts.apiKey },
    echo: opts.echo,
    logDir: opts.logDir,
    redact: opts.redact,
  });
  const health = `http://127.0.0.1:${opts.port}/health`;
  await waitUntilReady(
    service,
    async () => {
      const res = await fetch(health, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { status?: string; asr?: 'off' | { ready: number } };
      return res.ok && body.status === 'ok' && (body.asr === 'off' || (body.asr?.ready ?? 0) > 0);
    },
    60_000,
  );
  return { service, url: `http://127.0.0.1:${opts.port}/v1`, apiKey: opts.apiKey };
}
