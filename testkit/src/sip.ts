/**
 * Real SIP peers on loopback for the phone tests (Debian packages `baresip-core`, `sip-tester`):
 * a baresip caller that plays a WAV and records both directions, and a SIPp runner that returns
 * the SIP messages it exchanged. Both bind free ports and are always stopped.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWavPcm16, wavDurationS } from '@voice-widget/protocol';
import { STATE_DIR, freeTcpUdpPort, freeUdpRange } from '@voice-widget/stack';
import { type Segment, segmentEffects, speechInput, synthArgs } from './audio.ts';

/**
 * The caller's audio as a phone sends it: 8 kHz mono S16 WAV of the segments in order (real
 * recordings resampled, silence padding). Cached by name under .state/audio.
 */
export function callerWav8k(name: string, segments: Segment[]): string {
  const dir = join(STATE_DIR, 'audio');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}.8k.wav`);
  if (existsSync(out)) return out;
  const parts = segments.map((seg, i) => {
    const part = join(dir, `${name}.8k.part${i}.wav`);
    const synth = synthArgs(seg, 8_000, part);
    if (synth) execFileSync('sox', synth);
    else execFileSync('sox', [...speechInput(seg as Parameters<typeof speechInput>[0]), '-r', '8000', '-c', '1', '-b', '16', part, ...segmentEffects(seg)]);
    return part;
  });
  execFileSync('sox', [...parts, out]);
  for (const p of parts) rmSync(p, { force: true });
  return out;
}

/** The same audio as raw µ-law (what SIPp's `rtp_stream` sends with payload type 0). */
export function toUlaw(wav: string): string {
  const out = wav.replace(/\.wav$/, '.ulaw');
  if (!existsSync(out)) execFileSync('sox', [wav, '-t', 'ul', '-r', '8000', '-c', '1', out]);
  return out;
}

/**
 * Runs a child to its end (or kills its process group after `timeoutMs`, or when `signal` aborts);
 * resolves with its exit code and output. `onOutput` sees the output so far after each chunk.
 */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; timeoutMs: number; onOutput?: (text: string) => void; signal?: AbortSignal },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-200_000);
      opts.onOutput?.(output);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    const timer = setTimeout(kill, opts.timeoutMs);
    opts.signal?.addEventListener('abort', kill, { once: true });
    child.once('exit', (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', kill);
      kill(); // anything it left behind
      resolve({ code, output });
    });
  });
}

/**
 * baresip's `config` in `dir`: SIP on 127.0.0.1:`sipPort`, G.711, plays `wav` (8 kHz mono S16) as the
 * microphone from the moment the call is up, records both directions into `rec` (`dump-*-enc.wav`
 * = sent, `dump-*-dec.wav` = received). No stdio module: it needs a TTY. With `consPort`, the
 * `cons` module takes menu commands (`/accept`) as UDP datagrams on 127.0.0.1:`consPort` (it
 * binds TCP on the same port too).
 */
export function writeBaresipConfig(dir: string, o: { sipPort: number; rtp: { start: number; end: number }; wav: string; rec: string; consPort?: number }): void {
  writeFileSync(
    join(dir, 'config'),
    [
      `sip_listen 127.0.0.1:${o.sipPort}`,
      'net_interface 127.0.0.1',
      `audio_source aufile,${o.wav}`,
      'audio_player aubridge,nil',
      'ausrc_srate 8000',
      'auplay_srate 8000',
      'ausrc_channels 1',
      'auplay_channels 1',
      `rtp_ports ${o.rtp.start}-${o.rtp.end}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      'module sndfile.so',
      ...(o.consPort ? ['module cons.so', `cons_listen 127.0.0.1:${o.consPort}`] : []),
      'module_app account.so',
      'module_app menu.so',
      `snd_path ${o.rec}`,
      '',
    ].join('\n'),
  );
}

/** baresip's log without the stats ticker (many lines a second) and the echoed dial command. */
export const baresipEvents = (output: string): string =>
  output.replace(/\[\d+:\d\d:\d\d\] audio=[^\n]*?\(bit\/s\)\s*/g, '').replace(/(\/d|\/di|\/dia|\/dial[^/\n]*)+/g, '');

export interface BaresipCall {
  /** Whether the call was answered (200 OK). */
  established: boolean;
  /** What the caller sent and what it heard, 8 kHz mono S16 WAV, both starting when audio started. */
  sentWav: string | null;
  receivedWav: string | null;
  /** Wall clock when the call was established (from baresip's log timing, approximately), ms. */
  startedAtMs: number;
  log: string;
}

/**
 * Dials `target` (`sip:+15550100@127.0.0.1:5060`) from `from` with baresip, plays `wav` (8 kHz
 * mono S16; the call hangs up when it ends) and records both directions. baresip's output is kept
 * in `dir/baresip.log`. A baresip that quits within 15 s without an established call — in one CI
 * run no INVITE of it reached livekit-sip — is started once more on fresh ports, its output kept in
 * `dir/baresip-early-quit.log` (a server that refuses every call still fails the caller's test:
 * the second attempt is refused too).
 */
export async function baresipCall(opts: {
  dir: string;
  wav: string;
  target: string;
  from: string;
  auth?: { user: string; password: string };
  timeoutS?: number;
}): Promise<BaresipCall> {
  const rec = join(opts.dir, 'rec');
  const timeoutS = opts.timeoutS ?? 90;
  const auth = opts.auth ? `;auth_user=${opts.auth.user};auth_pass=${opts.auth.password}` : '';
  let t0 = 0;
  let log = '';
  rmSync(opts.dir, { recursive: true, force: true });
  for (let attempt = 1; attempt <= 2; attempt++) {
    rmSync(rec, { recursive: true, force: true });
    mkdirSync(rec, { recursive: true });
    const sipPort = await freeTcpUdpPort();
    const rtp = await freeUdpRange(20);
    writeBaresipConfig(opts.dir, { sipPort, rtp, wav: opts.wav, rec });
    writeFileSync(join(opts.dir, 'accounts'), `<sip:${opts.from}@127.0.0.1>${auth};regint=0;audio_codecs=PCMU\n`);
    t0 = Date.now();
    const { output } = await run('baresip', ['-f', opts.dir, '-e', `/dial ${opts.target}`, '-t', String(timeoutS)], {
      cwd: opts.dir,
      timeoutMs: (timeoutS + 10) * 1000,
    });
    log = baresipEvents(output);
    const quitEarly = !/Call established/.test(log) && Date.now() - t0 < 15_000;
    // The early quit's output is what explains it: kept beside the retry's, not overwritten.
    writeFileSync(join(opts.dir, quitEarly && attempt === 1 ? 'baresip-early-quit.log' : 'baresip.log'), output);
    if (!quitEarly) break;
  }
  const files = readdirSync(rec);
  const pick = (suffix: string) => {
    const f = files.find((n) => n.endsWith(suffix));
    return f ? join(rec, f) : null;
  };
  return {
    established: /Call established/.test(log),
    sentWav: pick('-enc.wav'),
    receivedWav: pick('-dec.wav'),
    startedAtMs: t0,
    log,
  };
}

/** Duration of a PCM16 mono WAV file, seconds. */
export function wavSeconds(wav: string): number {
  return wavDurationS(parseWavPcm16(readFileSync(wav)));
}

export interface SippResult {
  /** 0 when every call of the scenario succeeded. */
  code: number | null;
  /** Every SIP message sent and received (`-trace_msg`). */
  messages: string;
  /** Start lines of the messages SIPp received, in order (e.g. `SIP/2.0 407 Unauthorized`, `REFER sip:…`). */
  received: string[];
  output: string;
}

/**
 * Runs one SIPp scenario (XML text) as a UAC against `target` (`127.0.0.1:5060`), one call, from
 * free loopback SIP and media ports.
 */
export async function sipp(opts: {
  dir: string;
  scenario: string;
  target: string;
  /** The number dialled (`-s`, `[service]`). */
  service: string;
  /** `-au`/`-ap` for `[authentication]`. */
  auth?: { user: string; password: string };
  /** Source address of SIP and media (any 127.0.0.0/8 address works on Linux). Default 127.0.0.1. */
  sourceIp?: string;
  /** Files the scenario plays (copied into `dir`, referenced by base name). */
  files?: string[];
  timeoutS?: number;
}): Promise<SippResult> {
  rmSync(opts.dir, { recursive: true, force: true });
  mkdirSync(opts.dir, { recursive: true });
  for (const f of opts.files ?? []) writeFileSync(join(opts.dir, f.split('/').pop()!), readFileSync(f));
  writeFileSync(join(opts.dir, 'scenario.xml'), opts.scenario);
  const port = await freeTcpUdpPort();
  const media = await freeUdpRange(6);
  const timeoutS = opts.timeoutS ?? 60;
  const args = [
    opts.target, '-sf', 'scenario.xml', '-s', opts.service, '-i', opts.sourceIp ?? '127.0.0.1', '-p', String(port),
    '-mi', opts.sourceIp ?? '127.0.0.1', '-mp', String(media.start), '-m', '1', '-nostdin', '-trace_msg', '-trace_err',
    '-message_file', 'messages.log', '-error_file', 'errors.log', '-timeout', `${timeoutS}s`, '-timeout_error',
    ...(opts.auth ? ['-au', opts.auth.user, '-ap', opts.auth.password] : []),
  ];
  const { code, output } = await run('sipp', args, { cwd: opts.dir, timeoutMs: (timeoutS + 15) * 1000 });
  const messages = existsSync(join(opts.dir, 'messages.log')) ? readFileSync(join(opts.dir, 'messages.log'), 'utf8') : '';
  const received = [...messages.matchAll(/message received \[\d+\] bytes :\s*\n\s*([^\r\n]+)/g)].map((m) => m[1]!.trim());
  return { code, messages, received, output };
}
