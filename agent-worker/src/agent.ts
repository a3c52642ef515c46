/**
 * The voice agent: one job per room. Joins and fetches its configuration at dispatch (so a
 * session created on hover is ready at the click), but opens the model session and greets only
 * once the caller is in the room — an unclicked session costs no model time and leaves at its
 * join window. Then converses through the realtime model (OpenAI or the local offline one),
 * ending turns on the page's hint (fast profile), publishing each reply's timeline to the page
 * and the server. Every tool the model may call runs behind the guard (tools/guard.ts); what the
 * caller can make it do is rate-limited (session/caller-input.ts). A caller who asks for a person
 * is handed over in this room (handoff/: warm) or referred out (tools/transfer.ts: cold).
 */
import { type JobContext, defineAgent, voice } from '@livekit/agents';
import { type AgentTurnTimeline, type AuditEvent, CALLER_JOIN_WINDOW_S, type DispatchMetadata, VERIFY_TOOL, parseDispatchMetadata, type ToolPolicy, TOOL_POLICY, policyOf, toolName } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import { linkCallToServer } from './call/call-link.ts';
import { loadWorkerConfig } from './config.ts';
import { CallerLimits } from './guard/caller-limits.ts';
import { Conversation } from './handoff/conversation.ts';
import { transcriptionEndpoint } from './handoff/transcriber.ts';
import { WarmHandoff } from './handoff/warm.ts';
import { createAgentLogger } from './log.ts';
import { prepareOutboundCall } from './outbound/outbound-call.ts';
import { fallbackOutboundScript } from './outbound/script.ts';
import { preparePhoneCall } from './phone/phone-call.ts';
import { holdLease } from './resume/job-lease.ts';
import { restoreHandoff } from './resume/restore-handoff.ts';
import { resumeChatContext, resumeSentence } from './resume/resume-state.ts';
import { jobRole, markLeaving } from './resume/take-over.ts';
import { type HandOver, handOver, handOverWhenWorkerDies } from './resume/worker-lost.ts';
import { BatchSink } from './server-api/batch-sink.ts';
import { ServerClient } from './server-api/client.ts';
import { type CallSetup, callSetup, fallbackConfig } from './session/agent-setup.ts';
import { publishAgentAudioEarly } from './session/agent-audio.ts';
import { callGreeting } from './session/greeting.ts';
import { sayExactly } from './session/prompts.ts';
import { wireCallerInput } from './session/caller-input.ts';
import { interruptIfAllowed } from './session/interrupt.ts';
import { createVoiceSession } from './session/voice-session.ts';
import { onModelSessionFailed } from './session/model-failure.ts';
import { sayAndWait } from './session/speak.ts';
import { ConversationLog } from './tools/conversation-log.ts';
import { ToolGuard } from './tools/guard.ts';
import { buildToolset } from './tools/toolset.ts';
import { CallerAudioWindow } from './turns/caller-audio.ts';
import { AgentVadTurns } from './turns/agent-vad.ts';
import { EndOfTurnController } from './turns/end-of-turn.ts';
import { predictEndOfTurn } from './turns/eot.ts';
import { agentDrivesTurns } from './turns/turn-taking.ts';

/** Longest wait for the cached greeting's first frame before the session starts anyway, ms. */
const GREETING_HEAD_START_MS = 1_000;

/** How long past the caller's join window the agent still waits (clock skew, a late click), ms. */
export const JOIN_GRACE_MS = 1_000;

/** Each job's lease drop (resume/job-lease.ts), called when it leaves on purpose. */
const leases = new WeakMap<JobContext, () => void>();

export default defineAgent({
  // Every planned end passes here before the room is left: mark the leave as intended, so neither
  // the worker's supervision nor LiveKit's `participant_left` resumes the call.
  onSessionEnd: async (ctx: JobContext) => {
    leases.get(ctx)?.();
    await markLeaving(ctx.room, 'ended');
  },
  entry: async (ctx: JobContext) => {
    const config = loadWorkerConfig();
    const room = ctx.job.room?.name ?? '';
    const log = createAgentLogger(config, { svc: 'agent', room, pid: process.pid });
    const meta = parseMetadata(ctx.job.metadata, log);
    log.info({ resume: meta?.resume ?? null }, 'job started');
    const channel = meta?.channel ?? 'web';
    // Join the room while the configuration is fetched: ~200 ms each, and the caller waits for
    // the greeting. (ctx.connect() must run once: everything below awaits this promise.)
    const joined = ctx.connect();
    const agentAudio = publishAgentAudioEarly(ctx, joined, log); // subscribed while the caller joins
    const callerAudio = new CallerAudioWindow(ctx.room); // for the end-of-turn model and the fallback VAD, open while wanted
    ctx.addShutdownCallback(async () => callerAudio.close());
    const server = ServerClient.fromEnv(room);
    // Where the call stands (a resumed call has a transcript already), read while joining. Not for
    // outbound calls: the server does not resume them (their AMD cannot start again mid-call).
    const live = server && meta?.direction !== 'outbound' ? server.liveState() : null;
    // Outbound (our server placed the call): listen for the answer first; nothing else until then.
    const outbound = meta?.direction === 'outbound' ? await prepareOutboundCall(ctx, joined, config, server, log) : null;
    if (outbound && (await outbound.answered) === null) {
      log.info('outbound call not answered; leaving');
      ctx.shutdown('not answered');
      return;
    }
    // Phone: the SIP caller and the call record before the first reply (the start brings the config).
    const phone = meta?.channel === 'phone' ? await preparePhoneCall(ctx, joined, meta, config, server, log) : null;
    const call = await linkCallToServer(ctx, server, log, phone?.config ?? outbound?.context?.config ?? undefined);
    const defaults = { company: config.COMPANY_NAME, turnProfile: config.TURN_PROFILE, model: config.OPENAI_REALTIME_MODEL, voice: config.OPENAI_VOICE };
    // Who can take the call: an outside number by REFER (phone lines with one), else the console's
    // people, in this room (needs our server's queue).
    const handoffKind = phone?.canTransfer ? 'cold' : call.server ? 'warm' : null;
    const setup = callSetup(call.config ?? fallbackConfig(config.COMPANY_NAME, defaults), {
      channel: phone ? 'phone' : 'web',
      meta,
      caller: call.caller,
      handoff: handoffKind,
      defaults,
    });
    const outboundScript = outbound ? (outbound.script(setup.handoff !== null) ?? fallbackOutboundScript(config.COMPANY_NAME)) : null;
    if (outboundScript) setup.instructions += `\n${outboundScript.instructions}`;

    const conversation = new ConversationLog();
    const audit = new BatchSink<AuditEvent>((events) => call.server?.audit(events) ?? Promise.resolve({ ok: true as const, value: null }));
    ctx.addShutdownCallback(() => audit.close());
    const guard = new ToolGuard({
      room,
      channel: phone ? 'phone' : 'web',
      tools: policies(setup),
      caller: call.caller,
      handoffAvailable: setup.handoff !== null,
      log: conversation,
      server: call.server,
      audit: (e) => audit.add(e),
    });
    // Warm hand-off (issue 12): the queue, then the person joins this room and the agent hands over.
    let conversationCtl: Conversation | null = null;
    const warm =
      setup.handoff === 'warm' && call.server
        ? new WarmHandoff({
            room: ctx.room,
            channel: phone ? 'phone' : 'web',
            server: call.server,
            say: (text, o) => sayAndWait(session, text, o),
            handOver: (person, id) => conversationCtl!.handOver(person, id),
            log,
          })
        : null;
    ctx.addShutdownCallback(async () => warm?.close());
    const tools = buildToolset({
      tools: setup.tools,
      offerVerify: setup.offerVerify,
      guard,
      local: setup.handoff === 'cold' && phone ? { transfer_to_human: phone.transfer } : warm ? { transfer_to_human: (args) => warm.request(args) } : {},
      onEndCall: () => audit.add({ tool: 'end_call', args: '{}', decision: 'allowed', atMs: Date.now() }),
    });

    // The greeting's cached audio (if any) is read from disk while the caller joins.
    const greeting = callGreeting(config, setup, call.version, { personal: Boolean(call.caller) }, log);

    await joined;
    const role = jobRole(meta, live ? await live : null, ctx.room);
    if (role.kind === 'duplicate') {
      log.info({ other: role.agent, reason: role.reason }, 'another agent serves or resumes this call; leaving');
      ctx.shutdown('duplicate');
      return;
    }
    const identity = ctx.room.localParticipant?.identity;
    if (identity) leases.set(ctx, holdLease({ room, identity }));
    // Handing the call over to another agent (resume/): when this job's worker or its model is lost.
    const handOff: HandOver | null =
      identity && call.server
        ? {
            room: ctx.room,
            identity,
            server: call.server,
            release: () => {
              leases.get(ctx)?.();
              call.detach();
            },
            shutdown: (reason) => ctx.shutdown(reason),
            log,
          }
        : null;
    // The worker died under this job: hand the call over now rather than go silent in 15 s.
    const unwatch = handOff ? handOverWhenWorkerDies(handOff) : () => {};
    ctx.addShutdownCallback(async () => unwatch());
    // The cached greeting waits on the agent's track for the caller's subscription and plays then,
    // while the session and its model start (session/greeting.ts); nothing of it waits for them.
    const greetingEarly = !outbound && role.kind !== 'resume' ? greeting.playCached(agentAudio, ctx.room) : Promise.resolve(false);
    ctx.addShutdownCallback(async () => void greeting.stop());
    // Nothing that costs model time before someone can hear it: a session created on hover (or a
    // stranger's session request) waits here for its caller, then leaves at the join window.
    const joinBy = role.kind === 'resume' ? Date.now() : (meta?.joinBy ?? Date.now() + CALLER_JOIN_WINDOW_S * 1000);
    if (!phone && !(await callerJoined(ctx, joinBy - Date.now() + JOIN_GRACE_MS))) {
      log.info('no caller joined in the join window; leaving without opening a model session');
      ctx.shutdown('no caller');
      return;
    }
    log.debug('caller joined');

    // Reply timelines for the server's turn checks; a reply sent again (cut short) replaces its row.
    const timelines = call.server ? new BatchSink<AgentTurnTimeline>((batch) => call.server!.uploadTimelines({ timelines: batch })) : null;
    if (timelines) ctx.addShutdownCallback(() => timelines.close());
    // session.start is ~200 ms of synchronous work (RoomIO, the agent, its tools) that, run now,
    // lands on the agent's track publication and the caller's subscription the greeting waits for
    // (`event loop blocked` in bench:greeting): with the cached greeting queued, it starts once the
    // greeting plays (the caller listens for seconds), or after GREETING_HEAD_START_MS.
    if (await greetingEarly) await greeting.playing(GREETING_HEAD_START_MS);
    // A reply's first audio tells how fast the model is, which decides whether the end-of-turn model is still asked.
    let onReplyTimeline = () => {};
    const { session, realtime, timeline, responses } = createVoiceSession(ctx.room, config, setup, log, (t) => (timelines?.add(t), onReplyTimeline()), agentAudio);
    if (outbound) session.input.setAudioEnabled(false); // the callee's audio reaches the model once a person is decided
    const agentOptions = {
      instructions: setup.instructions,
      tools,
      // A resumed call: the conversation so far, so the model goes on where it was.
      ...(role.kind === 'resume' ? { chatCtx: resumeChatContext(role.lines) } : {}),
    };
    await session.start({
      // Outbound: an agent whose audio the conductor can hold back (outbound/playout-gate.ts).
      agent: outbound ? outbound.createAgent(agentOptions) : new voice.Agent(agentOptions),
      room: ctx.room,
      inputOptions: { textEnabled: false }, // typed messages go through the caller's limits (caller-input.ts)
    });
    // The model lost for good (its retries spent) leaves the session closed and the agent mute:
    // hand the call over, so another agent (and model connection) resumes it.
    onModelSessionFailed(session, (error) => {
      log.error({ err: error }, 'model session failed; handing the call over');
      if (handOff) void handOver(handOff, 'model_lost');
      else ctx.shutdown('model session failed');
    });
    const recorder = role.kind === 'resume' ? call.record(session, role.nextSeq, role.lines.map((l) => l.speaker)) : call.record(session);
    const callerLimits = new CallerLimits(); // every RPC and typed message of the caller's (guard/caller-limits.ts)
    conversationCtl = new Conversation({
      room: ctx.room,
      limits: callerLimits,
      session: () => session,
      server: call.server,
      endpoint: transcriptionEndpoint(config),
      recorder,
      say: (text) => sayAndWait(session, text),
      shutdown: (reason) => ctx.shutdown(reason),
      onResumed: () => warm?.reopen(),
      log,
    });
    ctx.addShutdownCallback(async () => conversationCtl?.close());
    const withAgent = () => conversationCtl?.withAgent ?? true;
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, ({ item }) => {
      const m = item as { type?: string; role?: string; textContent?: string };
      if (m.type !== undefined && m.type !== 'message') return;
      if (m.role === 'user' && m.textContent?.trim()) conversation.addCaller(m.textContent);
      else if (m.role === 'assistant') conversation.addAgent();
    });
    session.on(voice.AgentSessionEventTypes.AgentStateChanged, ({ newState }) => {
      if (newState === 'speaking') conversation.agentSpeaking();
    });
    session.output.audio?.on(voice.AudioOutput.EVENT_PLAYBACK_STARTED, (ev: { createdAt: number }) => timeline.onPlaybackStarted(ev.createdAt));
    const endOfTurn = new EndOfTurnController(session, realtime, timeline, responses, log, {
      model: () => predictEndOfTurn(ctx.inferenceExecutor, callerAudio.snapshot()),
      earlierModelFirstAudioMs: call.modelFirstAudioMs,
    });
    const pageTurns = agentDrivesTurns(setup.turnProfile);
    // The caller's audio for the end-of-turn model only while it may be asked: on web calls until
    // the call shows the page's final hint comes before the model's first audio (caller-audio.ts).
    const wantCallerAudio = () => callerAudio.want('end-of-turn model', pageTurns && endOfTurn.mayAskModel);
    wantCallerAudio();
    onReplyTimeline = wantCallerAudio;
    // The caller's turns end only while they talk to the agent (after a hand-off, to a person).
    const turns = {
      onHint: (speechEndMs: number, final: boolean) => {
        const handled = withAgent() && endOfTurn.onHint(speechEndMs, final);
        wantCallerAudio();
        return handled;
      },
      onSpeechResumed: () => withAgent() && endOfTurn.onSpeechResumed(),
    };
    const agentVad = pageTurns ? fallbackTurns(ctx, session, callerAudio, turns, () => greeting.stop(), log) : null;
    wireCallerInput(ctx, session, log, {
      // A hint from the page shows its VAD runs, whether or not the page said so.
      turns: pageTurns ? { ...turns, onHint: (ms: number, final: boolean) => (agentVad?.onPageHint(), turns.onHint(ms, final)) } : undefined,
      turnSource: agentVad?.onTurnSource,
      // Typed messages: to the model while the agent has the conversation, else to the transcript.
      typed: (text) => conversationCtl!.onTyped(text),
      limits: callerLimits,
      stopGreeting: () => greeting.stop(),
    });
    phone?.attach(session, guard, conversation, { active: withAgent, onOperatorKey: () => warm?.viaKeypad() }); // keypad (DTMF)
    if (role.kind === 'resume') {
      // A hand-off the lost agent had open: the caller may already be talking to the person (then
      // the agent only takes notes again, and the gap closes now), or still waiting for one.
      const handoff = warm && call.server ? await restoreHandoff({ room: ctx.room, server: call.server, warm, conversation: conversationCtl, log }) : 'none';
      if (handoff === 'with_person') {
        void call.server?.resumed(Date.now()).then((r) => !r.ok && log.warn({ err: r.error }, 'resume not reported'));
        log.info({ lines: role.lines.length, nextSeq: role.nextSeq }, 'call resumed with a person on it; the agent takes notes');
        return;
      }
      // No greeting: one sentence from the call's state, then the conversation goes on. Its first
      // audio closes the call's gap on the server (protocol resume.ts).
      session.output.audio?.once(voice.AudioOutput.EVENT_PLAYBACK_STARTED, (ev: { createdAt: number }) => {
        void call.server?.resumed(ev.createdAt).then((r) => !r.ok && log.warn({ err: r.error }, 'resume not reported'));
      });
      session.generateReply({ instructions: sayExactly(resumeSentence(role.lines)) });
      log.info({ lines: role.lines.length, nextSeq: role.nextSeq, stateLoaded: role.stateLoaded, verified: Boolean(call.caller), handoff }, 'call resumed; conversation loaded');
      return;
    }
    // Who answered decides what is said on an outbound call; otherwise the greeting (cached audio or the model).
    let greetedFrom: 'cache' | 'model' | 'outbound' = 'outbound';
    if (outbound && outboundScript) outbound.conduct(session, outboundScript);
    else {
      await greetingEarly;
      greetedFrom = greeting.start(session, realtime);
    }
    log.info({ channel, profile: setup.turnProfile, tools: setup.tools.map(toolName), verified: Boolean(call.caller), greeting: greetedFrom }, 'caller in the room; model session open, greeting queued');
  },
});

/** A page that has not said its VAD runs this long after the caller joined gets the agent's VAD, ms. */
const PAGE_VAD_REPORT_MS = 15_000;

/**
 * The agent's own VAD for web calls whose page VAD is not running (agent-vad.ts): switched on when
 * the page says so (`voice.turn_source`), or when within {@link PAGE_VAD_REPORT_MS} of joining it
 * has neither said its VAD runs nor sent an end-of-turn hint (which only a running page VAD sends);
 * off again when it says its VAD runs. Silero on every frame of the caller's audio was the largest
 * single cost of a job process (BENCHMARKS.md, "Concurrency"), so it runs only where nothing else ends turns.
 */
function fallbackTurns(
  ctx: JobContext,
  session: voice.AgentSession,
  audio: CallerAudioWindow,
  endOfTurn: Pick<EndOfTurnController, 'onHint'>,
  stopGreeting: () => boolean,
  log: Logger,
) {
  const turns = new AgentVadTurns(audio, {
    onEndOfSpeech: (speechEndMs) => void endOfTurn.onHint(speechEndMs, true),
    onSpeech: () => {
      if (!stopGreeting() && session.agentState === 'speaking') interruptIfAllowed(session);
    },
  }, log);
  let reported = false;
  void ctx.waitForParticipant().then(() => {
    const timer = setTimeout(() => {
      if (!reported) void turns.enable();
    }, PAGE_VAD_REPORT_MS);
    ctx.addShutdownCallback(async () => clearTimeout(timer));
  });
  ctx.addShutdownCallback(async () => turns.disable());
  return {
    /** The page sent an end-of-turn hint: its VAD runs, so the timer no longer switches ours on. */
    onPageHint: (): void => {
      reported = true;
    },
    onTurnSource: (source: 'page_vad' | 'agent_vad'): boolean => {
      reported = true;
      if (source === 'agent_vad') void turns.enable();
      else turns.disable();
      return source === 'agent_vad';
    },
  };
}

/** The guard's view of the call's tools: each offered tool's policy, and `verify_caller` when offered. */
function policies(setup: CallSetup): Map<string, ToolPolicy> {
  const map = new Map<string, ToolPolicy>(setup.tools.map((t) => [toolName(t), policyOf(t)]));
  if (setup.offerVerify) map.set(VERIFY_TOOL, TOOL_POLICY[VERIFY_TOOL]);
  return map;
}

/** Resolves true once a non-agent participant is in the room, false after `timeoutMs`. */
async function callerJoined(ctx: JobContext, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs))));
  try {
    return await Promise.race([ctx.waitForParticipant().then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Job metadata from the dispatch; a bad value is logged and ignored (the call still works). */
function parseMetadata(raw: string, log: Logger): DispatchMetadata | undefined {
  if (!raw) return undefined;
  const parsed = parseDispatchMetadata(raw);
  if (!parsed.ok) log.warn({ err: parsed.error }, 'ignoring invalid job metadata');
  return parsed.ok ? parsed.value : undefined;
}
