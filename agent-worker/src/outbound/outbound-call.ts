import { type JobContext, voice } from '@livekit/agents';
import { OUTBOUND_READY_ATTRIBUTE, type OutboundCallContext, type OutboundEvent } from '@voice-widget/protocol';
import { RoomServiceClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { WorkerConfig } from '../config.ts';
import type { ServerClient } from '../server-api/client.ts';
import { sayExactly } from '../session/prompts.ts';
import { AmdDetector, type AmdEvent, SileroAmdInput, type SpeechScorer } from './amd/index.ts';
import { CalleeLine } from './callee-line.ts';
import { OutboundConductor, type OutboundVoice } from './conductor.ts';
import { watchForDoNotCall } from './do-not-call.ts';
import { GatedAudioAgent, PlayoutGate } from './playout-gate.ts';
import { type OutboundScript, outboundScript } from './script.ts';

/** The longest the agent waits for the callee to answer (the server's ring timeout is at most 120 s), ms. */
const ANSWER_WAIT_MS = 150_000;
/** How often the detector's timeouts are checked while audio may have stopped, ms. */
const AMD_TICK_MS = 250;

/** An outbound call from the agent's side, from dispatch to hang-up. */
export interface OutboundCall {
  /** Whom it calls and why, and the pinned configuration; null when the server could not be asked (the call then hangs up after answer). */
  context: OutboundCallContext | null;
  /** Resolves with the answer time (ms since epoch), or null when the call was not answered. */
  answered: Promise<number | null>;
  /** What the agent says, once the context is known and whether a person can take the call. */
  script(transferable: boolean): OutboundScript | null;
  /** Runs the call once the session has started: who answered decides what the agent says. */
  conduct(session: voice.AgentSession, script: OutboundScript): void;
  /**
   * The call's agent: a `voice.Agent` with `options` whose audio the conductor can hold back
   * (a provisional "person": the opener is generated, and plays once the pause is confirmed).
   */
  createAgent(options: ConstructorParameters<typeof voice.Agent>[0]): voice.Agent;
}

/** Sends the call's events to the server in order, one request at a time (a batch of what queued meanwhile). */
class EventReporter {
  #queue: OutboundEvent[] = [];
  #sending: Promise<void> = Promise.resolve();
  constructor(
    private readonly server: ServerClient | null,
    private readonly log: Logger,
  ) {}

  add(e: OutboundEvent): void {
    if (e.type === 'amd_decision') this.log.info({ amd: { decision: e.decision, reason: e.reason, revises: e.revises, ms: e.timeToDecisionMs, evidence: e.evidence } }, 'AMD decision');
    else this.log.info({ event: e.type, ...('sinceAnswerMs' in e ? { sinceAnswerMs: e.sinceAnswerMs } : {}), ...(e.type === 'voicemail_started' ? { afterBeepMs: e.afterBeepMs } : {}) }, 'outbound call event');
    if (!this.server) return;
    this.#queue.push(e);
    this.#sending = this.#sending.then(() => this.#flush());
  }

  /** Resolves when everything added so far was sent (or given up on). */
  flushed(): Promise<void> {
    return this.#sending;
  }

  async #flush(): Promise<void> {
    const batch = this.#queue.splice(0, 50);
    if (!batch.length) return;
    const r = await this.server!.outboundEvents(batch);
    if (!r.ok) this.log.warn({ err: r.error, n: batch.length }, 'outbound events not recorded');
  }
}

/**
 * For a job dispatched with `direction: outbound` (the server placed the call): asks the server whom
 * it calls and why, loads Silero, follows the callee's line (ringing, answer, audio) and says it is
 * ready ({@link OUTBOUND_READY_ATTRIBUTE}) — the server dials only then. From the answer on, the
 * callee's audio (16 kHz) runs through the answering-machine detector (amd/, Silero VAD; the energy
 * VAD if Silero cannot load); its decisions drive the {@link OutboundConductor} once the session
 * runs. Events reach the server in order.
 */
export async function prepareOutboundCall(ctx: JobContext, joined: Promise<void>, config: WorkerConfig, server: ServerClient | null, log: Logger): Promise<OutboundCall> {
  const contextP = server ? server.outboundContext() : Promise.resolve(null);
  const scorerP: Promise<SpeechScorer | null> = import('@voice-widget/local-realtime/silero')
    .then(async (m) => (await m.SileroModel.load()).stream())
    .catch((err: Error) => {
      log.warn({ err: err.message }, 'Silero VAD not loaded: answering-machine detection uses its energy VAD');
      return null;
    });
  const reporter = new EventReporter(server, log);
  const gate = new PlayoutGate();
  ctx.addShutdownCallback(() => reporter.flushed());

  // Detector events before the session runs wait here; conduct() replays them.
  const pending: AmdEvent[] = [];
  let conductor: OutboundConductor | null = null;
  const onAmd = (e: AmdEvent) => (conductor ? conductor.handle(e) : pending.push(e));

  let amd: AmdDetector | null = null;
  let input: SileroAmdInput | null = null;
  const early: { samples: Int16Array; startMs: number }[] = [];
  let resolveAnswer!: (at: number | null) => void;
  const answered = new Promise<number | null>((r) => (resolveAnswer = r));
  const tick = setInterval(() => amd?.handleTick().forEach(onAmd), AMD_TICK_MS);
  ctx.addShutdownCallback(async () => clearInterval(tick));

  const feed = (samples: Int16Array, startMs: number) => {
    if (!amd || amd.finished) return;
    if (input) void input.handleFrame({ samples, startMs }).then((es) => es.forEach(onAmd), (err: Error) => log.warn({ err: err.message }, 'AMD frame rejected'));
    else if (amd.config.vad.kind === 'energy') amd.handleFrame({ samples, startMs }).forEach(onAmd);
    else early.push({ samples, startMs });
  };

  await joined;
  let firstFrameSeen = false;
  const line = new CalleeLine(ctx.room, {
    onRinging: (atMs) => reporter.add({ type: 'ringing', atMs }),
    onAnswered: (atMs) => {
      reporter.add({ type: 'answered', atMs });
      resolveAnswer(atMs);
      void scorerP.then((scorer) => {
        amd = new AmdDetector({ answeredAtMs: atMs, config: { vad: { kind: scorer ? 'probability' : 'energy' } } });
        input = scorer ? new SileroAmdInput(amd, scorer) : null;
        for (const f of early.splice(0)) feed(f.samples, f.startMs);
      });
    },
    onFrame: (samples, startMs) => {
      if (!firstFrameSeen) {
        // Audio lost at the start of the call (a late subscription) would blind the detector to a quick "hello?".
        firstFrameSeen = true;
        log.info({ sinceAnswerMs: Math.round(startMs - (line.answeredAtMs ?? startMs)) }, 'callee audio: first frame after the answer');
      }
      if (amd) feed(samples, startMs);
      else early.push({ samples, startMs });
    },
    onGone: (why) => {
      log.info({ why }, 'the callee left');
      resolveAnswer(null);
      conductor?.end();
    },
  });
  ctx.addShutdownCallback(async () => line.close());
  const timeout = setTimeout(() => resolveAnswer(null), ANSWER_WAIT_MS);
  void answered.then(() => clearTimeout(timeout));
  // The server dials once it sees this; the call's context may still be on its way.
  const readyAt = Date.now();
  void ctx.room.localParticipant
    ?.setAttributes({ [OUTBOUND_READY_ATTRIBUTE]: 'ready' })
    .then(
      () => log.debug({ ms: Date.now() - readyAt }, 'ready attribute acknowledged'),
      (err: Error) => log.error({ err: err.message }, 'ready attribute not set: the server will not dial'),
    );
  const contextR = await contextP;
  if (contextR && !contextR.ok) log.error({ err: contextR.error }, 'outbound call context not fetched');
  const context = contextR?.ok ? contextR.value : null;
  log.info({ ready: true, callee: Boolean(context?.callee.name) }, 'outbound call: listening for the answer');

  return {
    context,
    answered,
    script: (transferable) => (context ? outboundScript(context, transferable) : null),
    createAgent: (options) => new GatedAudioAgent(gate, options),
    conduct(session, script) {
      const answeredAtMs = line.answeredAtMs ?? Date.now();
      const voiceOut = sessionVoice(ctx, session, config, log, gate);
      conductor = new OutboundConductor(script, voiceOut, (e) => reporter.add(e), { answeredAtMs, onMachine: context?.onMachine ?? 'leave_message' });
      for (const e of pending.splice(0)) conductor.handle(e);
      void watchForDoNotCall(session, server, script, voiceOut, log);
    },
  };
}

/** The conductor's voice on an AgentSession: verbatim replies, the callee's audio on or off, hang-up by deleting the room. */
function sessionVoice(ctx: JobContext, session: voice.AgentSession, config: WorkerConfig, log: Logger, gate: PlayoutGate): OutboundVoice {
  const rooms = new RoomServiceClient(config.LIVEKIT_URL.replace(/^ws/, 'http'), config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET);
  return {
    say(text, opts) {
      const out = session.output.audio;
      let settle!: (at: number | null) => void;
      const started = new Promise<number | null>((r) => (settle = r));
      const onStart = (ev: { createdAt: number }) => settle(ev.createdAt);
      out?.once(voice.AudioOutput.EVENT_PLAYBACK_STARTED, onStart);
      const handle = session.generateReply({ instructions: sayExactly(text), allowInterruptions: opts.interruptible });
      const done = handle.waitForPlayout().catch(() => undefined);
      void done.then(() => {
        out?.off(voice.AudioOutput.EVENT_PLAYBACK_STARTED, onStart);
        settle(null); // no-op when it started
      });
      return { started, done };
    },
    listen: (on) => session.input.setAudioEnabled(on),
    hold: (on) => (on ? gate.hold() : gate.release()),
    interrupt: () => {
      try {
        void session.interrupt({ force: true });
      } catch {
        /* not speaking, or the session is closing */
      }
    },
    async hangUp(reason) {
      log.info({ reason }, 'hanging up');
      const room = ctx.room.name ?? ctx.job.room?.name ?? '';
      await rooms.deleteRoom(room).catch((err: Error) => log.warn({ err: err.message }, 'deleting the room to hang up failed'));
    },
  };
}
