/**
 * SIP callees on loopback for the outbound-call tests: what livekit-sip dials through an outbound
 * trunk pointing at `address`. A baresip UAS in answer mode plays a WAV from the answer (a person's
 * "hello?", a voicemail greeting and its beep) and records what it hears; SIPp UAS scenarios answer
 * busy or let it ring. Each takes one call and is always stopped.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { freeTcpUdpPort, freeUdpRange } from '@voice-widget/stack';
import { baresipEvents, run, writeBaresipConfig } from './sip.ts';

export interface BaresipAnswer {
  /** The call was answered (200 OK sent). */
  established: boolean;
  /** What the callee sent (the WAV from the answer on) and what it heard, 8 kHz mono S16. */
  sentWav: string | null;
  receivedWav: string | null;
  /** Seconds baresip reported the call lasted (`terminated (duration: N secs)`), or null. */
  durationS: number | null;
  /** Who hung up: `remote` (the agent's BYE) or `local` (the WAV ended), or null if unknown. */
  endedBy: 'remote' | 'local' | null;
  log: string;
}

export interface Callee<T> {
  /** `127.0.0.1:<port>`: the outbound trunk's address. */
  address: string;
  /** Resolves when the callee process ended (after one call, or its timeout). */
  done: Promise<T>;
  stop(): void;
}

/**
 * How long a baresip callee rings before it picks up by default, ms: about one ring. People and
 * voicemail systems answer after a ring or more; an answer within milliseconds of the INVITE is
 * what no phone does, and it left livekit-sip's media connection (set up as the call is placed)
 * ~1 s to come up on a busy CI machine, during which the callee's "hello?" was lost.
 */
export const CALLEE_RING_MS = 1_500;

/**
 * baresip answering an INVITE as `number` after ringing `ringMs` (180 Ringing, then 200 OK sent
 * through its `cons` control port; 0 = at once, `answermode=auto`), playing `wav` from the answer
 * (8 kHz mono S16; it hangs up when the WAV ends, so pad it) and recording both directions. Ends
 * after `timeoutS` or when the call ended; its output is kept in `dir/baresip.log`.
 */
export async function startBaresipCallee(opts: { dir: string; wav: string; number: string; timeoutS?: number; ringMs?: number }): Promise<Callee<BaresipAnswer>> {
  rmSync(opts.dir, { recursive: true, force: true });
  const rec = join(opts.dir, 'rec');
  mkdirSync(rec, { recursive: true });
  // A baresip that quits before it is ready is started once more on fresh ports, as baresipCall
  // does; its output is kept for the record. Seen in CI: baresip also binds SIP/TLS on the SIP
  // port + 1, which the free-port check does not cover ("ua: init failed (Address already in use)").
  let launched = await launchBaresipCallee(opts, rec);
  if (launched.startup === 'quit') {
    writeFileSync(join(opts.dir, 'baresip-early-quit.log'), (await launched.exited).output);
    launched = await launchBaresipCallee(opts, rec);
  }
  const { exited, abort } = launched;
  const done = exited.then(({ output }): BaresipAnswer => {
    writeFileSync(join(opts.dir, 'baresip.log'), output);
    const log = baresipEvents(output);
    const files = existsSync(rec) ? readdirSync(rec) : [];
    const pick = (suffix: string) => {
      const f = files.find((n) => n.endsWith(suffix));
      return f ? join(rec, f) : null;
    };
    const duration = /terminated \(duration: (\d+) secs?\)/.exec(log);
    return {
      established: /Call established/.test(log),
      sentWav: pick('-enc.wav'),
      receivedWav: pick('-dec.wav'),
      durationS: duration ? Number(duration[1]) : null,
      // A BYE from livekit-sip shows as the session closed by the peer; the WAV ending is a local hang-up.
      endedBy: !duration ? null : /session closed: Connection reset by peer/.test(log) ? 'remote' : 'local',
      log,
    };
  });
  return { address: launched.address, done, stop: () => abort.abort() };
}

/**
 * One baresip callee process on fresh ports (see {@link startBaresipCallee}); resolves once it is
 * ready, quit (`startup: 'quit'`), or 10 s passed.
 */
async function launchBaresipCallee(
  opts: { dir: string; wav: string; number: string; timeoutS?: number; ringMs?: number },
  rec: string,
): Promise<{ address: string; exited: ReturnType<typeof run>; abort: AbortController; startup: 'ready' | 'quit' | 'slow' }> {
  const sipPort = await freeTcpUdpPort();
  const ringMs = opts.ringMs ?? CALLEE_RING_MS;
  const consPort = ringMs > 0 ? await freeTcpUdpPort() : undefined;
  writeBaresipConfig(opts.dir, { sipPort, rtp: await freeUdpRange(20), wav: opts.wav, rec, consPort });
  const answermode = consPort ? 'manual' : 'auto';
  writeFileSync(join(opts.dir, 'accounts'), `<sip:${opts.number}@127.0.0.1>;answermode=${answermode};regint=0;audio_codecs=PCMU\n`);
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const abort = new AbortController();
  let ended = false;
  let ringing = false;
  let latest = '';
  const timeoutS = opts.timeoutS ?? 120;
  const exited = run('baresip', ['-f', opts.dir, '-t', String(timeoutS)], {
    cwd: opts.dir,
    timeoutMs: (timeoutS + 10) * 1000,
    signal: abort.signal,
    onOutput: (out) => {
      latest = out;
      if (out.includes('baresip is ready')) ready();
      if (consPort && !ringing && out.includes('Incoming call from')) {
        ringing = true;
        setTimeout(() => void pickUp(consPort, () => latest.includes('answering call') || ended), ringMs);
      }
      // One call only: quit once it ended (the `-t` timer would keep it running).
      if (!ended && /terminated \(duration/.test(out)) {
        ended = true;
        setTimeout(() => abort.abort(), 1500);
      }
    },
  });
  const startup = await Promise.race([
    isReady.then(() => 'ready' as const),
    exited.then(() => 'quit' as const),
    new Promise<'slow'>((r) => setTimeout(() => r('slow'), 10_000)),
  ]);
  return { address: `127.0.0.1:${sipPort}`, exited, abort, startup };
}

/** SIPp as a callee: runs `scenario` (UAS) for one call; `received` lists the start lines of what it got. */
export async function startSippCallee(opts: { dir: string; scenario: string; timeoutS?: number }): Promise<Callee<{ code: number | null; received: string[]; messages: string; output: string }>> {
  rmSync(opts.dir, { recursive: true, force: true });
  mkdirSync(opts.dir, { recursive: true });
  writeFileSync(join(opts.dir, 'scenario.xml'), opts.scenario);
  const port = await freeTcpUdpPort();
  const media = await freeUdpRange(6);
  const timeoutS = opts.timeoutS ?? 60;
  const args = ['-sf', 'scenario.xml', '-i', '127.0.0.1', '-p', String(port), '-mi', '127.0.0.1', '-mp', String(media.start), '-m', '1', '-nostdin', '-trace_msg', '-trace_err', '-message_file', 'messages.log', '-error_file', 'errors.log', '-timeout', `${timeoutS}s`, '-timeout_error'];
  const abort = new AbortController();
  const exited = run('sipp', args, { cwd: opts.dir, timeoutMs: (timeoutS + 15) * 1000, signal: abort.signal });
  await new Promise((r) => setTimeout(r, 800)); // bound its port
  const done = exited.then(({ code, output }) => {
    const messages = existsSync(join(opts.dir, 'messages.log')) ? readFileSync(join(opts.dir, 'messages.log'), 'utf8') : '';
    const received = [...messages.matchAll(/message received \[\d+\] bytes :\s*\n\s*([^\r\n]+)/g)].map((m) => m[1]!.trim());
    return { code, received, messages, output };
  });
  return { address: `127.0.0.1:${port}`, done, stop: () => abort.abort() };
}

/**
 * Sends `/accept` to a baresip `cons` port (UDP on loopback) until `answered()` — baresip's output
 * shows it answering — checking every 300 ms, at most 5 times.
 */
async function pickUp(consPort: number, answered: () => boolean): Promise<void> {
  const socket = createSocket('udp4');
  try {
    for (let i = 0; i < 5 && !answered(); i++) {
      await new Promise<void>((resolve) => socket.send('/accept\n', consPort, '127.0.0.1', () => resolve()));
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    socket.close();
  }
}
