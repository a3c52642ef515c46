import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { RealtimeProtocolError } from '../errors.ts';

/**
 * PocketSphinx 0.8 (`pocketsphinx_continuous`, Debian package `pocketsphinx`) as a streaming
 * recognizer in its own process, so decoding never runs on the Node event loop.
 *
 * One process decodes one stretch of audio: it reads 16 kHz PCM16 LE from stdin, prints one line
 * per utterance its own endpointer finds, and prints the rest when stdin closes (~40–60 ms later).
 * Loading the model costs ~0.3 s of CPU (~0.5 s wall for two at once on an idle 2-core machine,
 * seconds on a busy one), so a pool keeps processes already loaded and waiting.
 *
 * `-infile /dev/stdin` must be a real pipe: Node's child stdin is a socket, which the program cannot
 * `open()`, hence `sh -c 'cat | exec pocketsphinx_continuous …'`.
 *
 * A process is *ready* once the model is loaded: the decoder then blocks reading its input pipe,
 * which Linux shows in `/proc/<pid>/wchan` (the program prints nothing we could wait for).
 */

export interface PocketSphinxOptions {
  /** Executable, default `pocketsphinx_continuous`. */
  command?: string;
  /** Extra decoder arguments (e.g. `['-hmm', dir, '-lm', file, '-dict', file]`). */
  extraArgs?: string[];
}

/**
 * Decoder settings for a live caller, measured on the 10 reference recordings of
 * pocketsphinx-testdata on the 2-core development machine (word error rate 0.391 with and without
 * them), and on the varied set of `pnpm bench:asr` (BENCHMARKS.md):
 * - search pruning (`-maxhmmpf 5000 -maxwpf 10 -pl_window 3`): decoding 0.15 instead of 0.26 ×
 *   real time, the margin that keeps the streaming decoder ahead of the caller while a browser,
 *   LiveKit and the agent share the cores (tighter pruning, `-maxhmmpf 3000 -maxwpf 5`, cost 0.04 WER);
 * - no second passes (`-fwdflat no -bestpath no`): the transcript is out 76 ms after the end of the
 *   audio instead of 266 ms for a 6 s sentence — the rescoring passes run only at the end, on the
 *   path from the caller's last word to the reply;
 * - its endpointer closes an utterance after 250 ms of silence (`-vad_postspeech 25`, default 500):
 *   one decoder hears a whole turn, and the words up to each pause of the caller come out while they
 *   go on talking (the reply can be planned on them if the rest is late); WER 0.70 vs 0.73 on the
 *   varied set.
 */
export const FAST_SEARCH_ARGS = ['-maxhmmpf', '5000', '-maxwpf', '10', '-pl_window', '3', '-fwdflat', 'no', '-bestpath', 'no', '-vad_postspeech', '25'];

/** Longest a process may take to print its result after stdin closes, ms, before it is killed. */
const FINISH_TIMEOUT_MS = 10_000;
/** How often readiness is polled, and for how long at most, ms. */
const READY_POLL_MS = 25;
const READY_TIMEOUT_MS = 30_000;

/** Reads a /proc file, or null if it does not exist (process gone, or not Linux). */
async function proc(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Resolves once the decoder under the `sh` process `shPid` (the child whose `comm`, the first 15
 * characters of the program name, is `comm`) blocks reading its input: model loaded. False on timeout or exit.
 */
async function waitUntilReading(shPid: number, comm: string, alive: () => boolean): Promise<boolean> {
  const end = performance.now() + READY_TIMEOUT_MS;
  while (alive() && performance.now() < end) {
    const children = await proc(`/proc/${shPid}/task/${shPid}/children`);
    if (children === null) {
      // No /proc children list (not Linux, or an unusual kernel): assume the model loads within a second.
      await new Promise((r) => setTimeout(r, 1_000));
      return alive();
    }
    for (const pid of children.trim().split(/\s+/).filter(Boolean)) {
      if ((await proc(`/proc/${pid}/comm`))?.trim() !== comm) continue;
      const state = (await proc(`/proc/${pid}/stat`))?.replace(/^.*\) /, '')[0];
      if (state === 'S' && /pipe/.test((await proc(`/proc/${pid}/wchan`)) ?? '')) return true;
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  return false;
}

/** One recognizer process. Write audio, then `finish()` for the transcript. */
export class PocketSphinxProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  readonly #exited: Promise<{ code: number | null; error: Error | null }>;
  #stdout = '';
  #finished: Promise<string> | null = null;
  /** Called with each utterance line as soon as PocketSphinx prints it. */
  onLine: ((line: string) => void) | null = null;
  readonly spawnedAt = performance.now();
  /** Resolves true once the model is loaded and the decoder waits for audio (false if it died or never got there). */
  readonly ready: Promise<boolean>;
  #isReady = false;

  constructor(opts: PocketSphinxOptions = {}) {
    const command = opts.command ?? 'pocketsphinx_continuous';
    const args = ['-infile', '/dev/stdin', '-logfn', '/dev/null', ...FAST_SEARCH_ARGS, ...(opts.extraArgs ?? [])];
    this.#child = spawn('sh', ['-c', 'cat | exec "$0" "$@"', command, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own process group, so kill() reaches both cat and the decoder
    });
    this.#child.stdin.on('error', () => {}); // EPIPE after the decoder died: reported via exit
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => this.#onStdout(chunk));
    let stderr = '';
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 2_000) stderr += chunk;
    });
    this.#exited = new Promise((resolve) => {
      this.#child.on('error', (error) => resolve({ code: null, error })); // `on`: a second 'error' must not go unhandled
      this.#child.once('close', (code) => {
        this.#onStdout('\n');
        resolve({ code, error: code === 0 ? null : new Error(`${command} exited with ${code}: ${stderr.trim().slice(0, 500)}`) });
      });
    });
    const pid = this.#child.pid;
    const comm = path.basename(command).slice(0, 15);
    this.ready = pid === undefined ? Promise.resolve(false) : waitUntilReading(pid, comm, () => this.alive);
    void this.ready.then((r) => (this.#isReady = r));
  }

  /** True once `ready` resolved true (model loaded). */
  get isReady(): boolean {
    return this.#isReady;
  }

  /** True while the process can still take audio. */
  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null && this.#finished === null;
  }

  #onStdout(chunk: string): void {
    this.#stdout += chunk;
    let nl: number;
    while ((nl = this.#stdout.indexOf('\n')) >= 0) {
      const line = this.#stdout.slice(0, nl).trim();
      this.#stdout = this.#stdout.slice(nl + 1);
      // Only hypotheses reach stdout with -logfn /dev/null; drop anything that looks like a log line.
      if (line && !/^(INFO|WARN|WARNING|ERROR|FATAL)\b/.test(line)) {
        this.#lines.push(line);
        this.onLine?.(line);
      }
    }
  }

  /** Streams 16 kHz PCM16 samples to the decoder (ignored once finishing). */
  write(samples: Int16Array): void {
    if (this.#finished || samples.length === 0) return;
    this.#child.stdin.write(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
  }

  /** Closes stdin and resolves to every utterance joined by spaces; rejects if the decoder failed. Idempotent. */
  finish(): Promise<string> {
    if (!this.#finished) {
      this.#child.stdin.end();
      const timer = setTimeout(() => this.kill(), FINISH_TIMEOUT_MS);
      this.#finished = this.#exited.then(({ error }) => {
        clearTimeout(timer);
        if (error && this.#lines.length === 0) throw error;
        return this.#lines.join(' ').replace(/\s+/g, ' ').trim();
      });
    }
    return this.#finished;
  }

  /** Kills the process group at once (abandoned turn, shutdown). */
  kill(): void {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    try {
      if (this.#child.pid) process.kill(-this.#child.pid, 'SIGKILL');
    } catch {
      this.#child.kill('SIGKILL');
    }
  }

  /** Resolves when the process has exited. */
  async exited(): Promise<void> {
    await this.#exited;
  }
}

/**
 * Keeps `size` decoder processes loaded and idle. `acquire()` hands one over at once (spawning a
 * cold one if none is left) and starts a replacement in the background. The server raises `size`
 * with its open sessions: callers who end their turns together would otherwise each wait for a
 * cold decoder to load its model (1–3 s on a busy machine). At most `maxLive` processes (idle and
 * decoding) exist at once: beyond that `acquire()` throws `recognizer_busy` and no idle process is
 * started, so no client can make the server fork decoders without end.
 */
export class PocketSphinxPool {
  #size: number;
  readonly #maxLive: number;
  readonly #opts: PocketSphinxOptions;
  readonly #log: Logger;
  #idle: PocketSphinxProcess[] = [];
  readonly #live = new Set<PocketSphinxProcess>();
  #closed = false;
  #refillTimer: NodeJS.Timeout | null = null;
  /** Delay before replacing an idle process that died, ms; doubles while they keep dying (broken install). */
  #backoffMs = 1_000;

  constructor(size: number, logger: Logger, opts: PocketSphinxOptions = {}, maxLive = Infinity) {
    this.#maxLive = Math.max(1, maxLive);
    this.#size = Math.max(0, size);
    this.#opts = opts;
    this.#log = logger;
    this.#refill();
  }

  #spawn(): PocketSphinxProcess {
    const p = new PocketSphinxProcess(this.#opts);
    this.#live.add(p);
    void p.exited().then(() => {
      this.#live.delete(p);
      const idleAt = this.#idle.indexOf(p);
      if (idleAt >= 0 && !this.#closed) {
        // An idle process died on its own (bad install, killed from outside): replace it, slowly.
        this.#idle.splice(idleAt, 1);
        this.#log.warn({ retryInMs: this.#backoffMs }, 'pocketsphinx process exited while idle; respawning');
        this.#scheduleRefill(this.#backoffMs);
        this.#backoffMs = Math.min(60_000, this.#backoffMs * 2);
      }
    });
    return p;
  }

  #refill(): void {
    while (!this.#closed && this.#idle.length < this.#size && this.#live.size < this.#maxLive) this.#idle.push(this.#spawn());
  }

  #scheduleRefill(delayMs: number): void {
    if (this.#refillTimer || this.#closed) return;
    this.#refillTimer = setTimeout(() => {
      this.#refillTimer = null;
      this.#refill();
    }, delayMs);
  }

  /** Changes how many idle processes are kept; more are started now, extra ones are used up. */
  set size(n: number) {
    this.#size = Math.max(0, n);
    this.#refill();
  }

  /**
   * A process for a new stretch of audio: a loaded one if any, else the one loading longest, else a new one.
   * @throws RealtimeProtocolError `recognizer_busy` when none is idle and `maxLive` processes already run.
   */
  acquire(): PocketSphinxProcess {
    const readyAt = this.#idle.findIndex((p) => p.isReady);
    let p = readyAt >= 0 ? this.#idle.splice(readyAt, 1)[0] : this.#idle.shift();
    if (!p) {
      if (this.#live.size >= this.#maxLive) throw RealtimeProtocolError.recognizerBusy('server', this.#maxLive);
      p = this.#spawn();
    }
    if (p.alive) this.#backoffMs = 1_000;
    this.#scheduleRefill(0);
    return p;
  }

  /** Number of idle processes, how many of them have their model loaded, and every live process (idle and decoding). */
  get idleCount(): { idle: number; ready: number; live: number } {
    return { idle: this.#idle.length, ready: this.#idle.filter((p) => p.isReady).length, live: this.#live.size };
  }

  /** Resolves once every idle process has loaded its model (or after `timeoutMs`); true if all did. */
  async warm(timeoutMs = 15_000): Promise<boolean> {
    const all = Promise.all(this.#idle.map((p) => p.ready)).then((r) => r.every(Boolean));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const ok = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return ok;
  }

  /** Kills every process this pool started and waits for them to exit. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#refillTimer) clearTimeout(this.#refillTimer);
    const all = [...this.#live];
    for (const p of all) p.kill();
    await Promise.all(all.map((p) => p.exited()));
    this.#idle = [];
  }
}
