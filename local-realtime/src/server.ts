import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Level, Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { refuseUpgrade } from './access.ts';
import { NO_RECOGNIZER } from './asr/no-recognizer.ts';
import { type PocketSphinxOptions, PocketSphinxPool } from './asr/pocketsphinx.ts';
import { RecognizerQuota } from './asr/recognizer-quota.ts';
import { Resampler } from './audio/resampler.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { createLogger } from './log.ts';
import { requireCommand } from './preflight.ts';
import { DEFAULT_SCRIPT } from './responder/default-script.ts';
import { DialogueScript, loadScriptFile } from './responder/script.ts';
import { RealtimeConnection } from './session/connection.ts';
import type { ResponseTiming } from './session/responses.ts';
import { prefetchScript } from './session/prefetch.ts';
import { defaultSessionConfig } from './session/session-config.ts';
import type { EspeakOptions } from './tts/espeak.ts';
import { SpeechSynthesizer } from './tts/synthesizer.ts';
import { SileroModel } from './vad/silero.ts';

export interface StartOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** TCP port; default 0 (an ephemeral port, read it from the handle). */
  port?: number;
  /**
   * Emulated time to first audio, ms; default 0: each response's first audio goes out this long
   * after `response.created`, whatever the speech, as a cloud model's does. The reply is planned on
   * the transcript recognized by then (README, *Time to first audio*).
   */
  ttfaMs?: number;
  /** Shortest a reply waits for the caller's pending transcript, ms, even when `ttfaMs` leaves less; default 200. Tests that assert on recognized words under load raise it. */
  minTranscriptWaitMs?: number;
  /** Dialogue script: an object, or the path of a JSON file; default: the built-in front-desk script. */
  script?: DialogueScript | string;
  /**
   * Key every client must present (`Authorization: Bearer <apiKey>`, or the
   * `openai-insecure-api-key.<apiKey>` subprotocol); default: a random key generated here, read it
   * from the handle. There is no keyless mode.
   */
  apiKey?: string;
  /** Logger (pino); default: JSON to stdout at `logLevel`. */
  logger?: Logger;
  /** Level of the default logger; default `info`. */
  logLevel?: Level | 'silent';
  /** How far reply audio may run ahead of real time, ms; default 500. `Infinity`: send as fast as synthesized. */
  outputLeadMs?: number;
  /** PocketSphinx processes kept loaded and idle with no session open; default 2. One more is kept per open session, up to `MAX_IDLE_DECODERS`. */
  asrPoolSize?: number;
  /** Overrides of the input limits (see `Limits`). */
  limits?: Partial<Limits>;
  /** Called once per response with its timing (end of turn → first audio delta). */
  onTiming?: (timing: ResponseTiming) => void;
  /**
   * Cloud stand-in (`--no-asr`): start no recognizer; every user turn is heard as this text, so
   * each reply is a prepared one from the speech cache and a turn costs no recognition CPU.
   */
  fixedTranscript?: string;
  pocketsphinx?: PocketSphinxOptions;
  espeak?: EspeakOptions;
}

export interface LocalRealtimeServer {
  /** `http://HOST:PORT/v1`: the `baseURL` for `openai.realtime.RealtimeModel` or the `openai` client. */
  readonly baseURL: string;
  /** `ws://HOST:PORT/v1/realtime`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The key clients must present (the one given, or the one generated). */
  readonly apiKey: string;
  /** Open WebSocket sessions. */
  readonly sessions: number;
  /** Closes every session (code 1001), stops listening and ends the recognizer processes. */
  stop(): Promise<void>;
}

/** Most PocketSphinx processes kept idle however many sessions are open (~100 MiB each). */
export const MAX_IDLE_DECODERS = 8;

function reject(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${message}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}

/** Starts the local realtime model server; resolves once it listens. */
export async function start(opts: StartOptions = {}): Promise<LocalRealtimeServer> {
  const log = opts.logger ? opts.logger.child({ component: 'local-realtime' }) : createLogger(opts.logLevel ?? 'info');
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const ttfaMs = Math.max(0, opts.ttfaMs ?? 0);
  const leadMs = opts.outputLeadMs ?? 500;
  const script =
    typeof opts.script === 'string' ? await loadScriptFile(opts.script) : opts.script ? DialogueScript.parse(opts.script) : DEFAULT_SCRIPT;
  if (opts.fixedTranscript === undefined) await requireCommand(opts.pocketsphinx?.command ?? 'pocketsphinx_continuous', 'pocketsphinx');
  await requireCommand(opts.espeak?.command ?? 'espeak-ng', 'espeak-ng');

  const apiKey = opts.apiKey ?? randomBytes(24).toString('base64url');
  if (apiKey.length < 8) throw new Error('apiKey must be at least 8 characters');
  const fixedTranscript = opts.fixedTranscript;
  const baseDecoders = fixedTranscript === undefined ? (opts.asrPoolSize ?? 2) : 0;
  const pool = new PocketSphinxPool(baseDecoders, log, opts.pocketsphinx, limits.maxRecognizers);
  const sizePool = () => (pool.size = baseDecoders && Math.min(MAX_IDLE_DECODERS, limits.maxRecognizers, baseDecoders + sockets.size));
  const vad = await SileroModel.load();
  // Design the resampling filters now (tens of ms on a cold process) rather than on the first turn.
  new Resampler(24_000, 16_000);
  new Resampler(22_050, 24_000);
  const synthesizer = new SpeechSynthesizer({ espeak: opts.espeak });
  prefetchScript(synthesizer, script, defaultSessionConfig('warmup', 'gpt-realtime'));

  const sockets = new Map<WebSocket, RealtimeConnection>();
  const wss = new WebSocketServer({
    noServer: true,
    // Checked against each frame's header before its payload is read: an oversized message is
    // refused (close 1009) without being buffered.
    maxPayload: limits.maxMessageBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : (protocols.values().next().value ?? false)),
  });

  const server: Server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://local');
    if (req.method === 'GET' && pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', sessions: sockets.size, asr: fixedTranscript === undefined ? pool.idleCount : 'off' }));
    } else if (pathname.endsWith('/realtime')) {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade to a WebSocket');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://local');
    if (!url.pathname.endsWith('/realtime')) return reject(socket, 404, 'Not Found: connect to /v1/realtime');
    const refusal = refuseUpgrade(req, apiKey);
    if (refusal) {
      log.warn({ reason: refusal.reason, status: refusal.status }, 'WebSocket refused');
      return reject(socket, refusal.status, refusal.message);
    }
    if (sockets.size >= limits.maxSessions) return reject(socket, 503, `Service Unavailable: ${limits.maxSessions} sessions already open`);
    const beta = /realtime=v1/.test(String(req.headers['openai-beta'] ?? ''));
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Events produced in one tick (e.g. the ten that precede a reply's first audio) leave in one
      // write: cork the TCP socket on the first send and uncork at the end of the tick.
      const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
      let corked = false;
      let paused = false;
      const conn = new RealtimeConnection({
        send: (text) => {
          if (ws.readyState !== ws.OPEN) return;
          if (ws.bufferedAmount > limits.maxSendBufferBytes) {
            log.warn({ session: conn.id, bufferedBytes: ws.bufferedAmount }, 'client is not reading its events; closing');
            ws.terminate();
            return;
          }
          if (socket && !corked) {
            corked = true;
            socket.cork();
            process.nextTick(() => {
              corked = false;
              socket.uncork();
            });
          }
          ws.send(text);
        },
        vad: vad.stream(),
        recognizers: fixedTranscript === undefined ? new RecognizerQuota(pool, limits.maxRecognizersPerSession) : NO_RECOGNIZER,
        fixedTranscript,
        synthesizer,
        script,
        limits,
        ttfaMs,
        minTranscriptWaitMs: opts.minTranscriptWaitMs ?? 200,
        leadMs,
        log,
        model: url.searchParams.get('model') ?? 'gpt-realtime',
        beta,
        onTiming: opts.onTiming,
        onProcessed: (pendingBytes) => {
          if (paused && pendingBytes <= limits.maxPendingBytes / 2) {
            paused = false;
            ws.resume();
          }
        },
      });
      sockets.set(ws, conn);
      sizePool();
      log.info({ session: conn.id, beta, sessions: sockets.size }, 'session opened');
      ws.on('message', (data, isBinary) => {
        conn.receive(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer), isBinary);
        // A client sending faster than its events are handled: stop reading its socket (TCP
        // backpressure) rather than queue without bound or drop what it sent.
        if (!paused && conn.pendingBytes > limits.maxPendingBytes) {
          paused = true;
          ws.pause();
        }
      });
      // Protocol violations by the client (e.g. a message over maxMessageBytes) close only its connection.
      ws.on('error', (err) => log.info({ session: conn.id, code: (err as NodeJS.ErrnoException).code, msg: err.message }, 'websocket closed on a client error'));
      ws.on('close', (code) => {
        conn.close();
        sockets.delete(ws);
        sizePool();
        log.info({ session: conn.id, code, sessions: sockets.size }, 'session closed');
      });
    });
  });

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const baseURL = `http://${host}:${address.port}/v1`;
  // Resolve only with the recognizers loaded and the script's fixed sentences synthesized, so the
  // first caller waits for neither.
  const warmSpeech = Promise.race([synthesizer.drained(), new Promise((r) => setTimeout(r, 5_000).unref())]);
  if (!(await pool.warm(10_000))) log.warn('PocketSphinx processes are still loading; the first turns may be slow');
  await warmSpeech;
  log.info({ baseURL, ttfaMs, leadMs }, 'local realtime model listening');

  let stopping: Promise<void> | null = null;
  return {
    baseURL,
    url: `ws://${host}:${address.port}/v1/realtime`,
    host: address.address,
    port: address.port,
    apiKey,
    get sessions() {
      return sockets.size;
    },
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const [ws, conn] of sockets) {
          conn.close();
          ws.close(1001, 'server shutting down');
        }
        const force = setTimeout(() => {
          for (const ws of sockets.keys()) ws.terminate();
        }, 1_000);
        server.closeAllConnections();
        await closed;
        clearTimeout(force);
        wss.close();
        await pool.close();
        await vad.release();
        log.info('local realtime model stopped');
      })();
      return stopping;
    },
  };
}
