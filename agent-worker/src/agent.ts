/**
 * The voice agent: one job per room. Joins, greets with an AI disclosure, then converses through
 * the realtime model (OpenAI or the local offline one), ending turns on the page's hint (fast
 * profile) and publishing each reply's timeline so the page can split its perceived latency.
 * Every tool the model may call runs behind the guard (tools/guard.ts).
 */
import { type JobContext, defineAgent, voice } from '@livekit/agents';
import { CALLER_JOIN_WINDOW_S, DispatchMetadata, VERIFY_TOOL, type ToolPolicy, TOOL_POLICY, policyOf, toolName } from '@voice-widget/protocol';
import { pino } from 'pino';
import { linkCallToServer } from './call/call-link.ts';
import { loadWorkerConfig } from './config.ts';
import { prepareOutboundCall } from './outbound/outbound-call.ts';
import { fallbackOutboundScript } from './outbound/script.ts';
import { preparePhoneCall } from './phone/phone-call.ts';
import { ServerClient } from './server-api/client.ts';
import { type CallSetup, callSetup, fallbackConfig } from './session/agent-setup.ts';
import { sayExactly } from './session/prompts.ts';
import { registerRpcMethods } from './session/rpc.ts';
import { createVoiceSession } from './session/voice-session.ts';
import { AuditSink } from './tools/audit-sink.ts';
import { ConversationLog } from './tools/conversation-log.ts';
import { ToolGuard } from './tools/guard.ts';
import { buildToolset } from './tools/toolset.ts';
import { CallerAudioWindow } from './turns/caller-audio.ts';
import { AgentVadTurns } from './turns/agent-vad.ts';
import { EndOfTurnController } from './turns/end-of-turn.ts';
import { predictEndOfTurn } from './turns/eot.ts';
import { agentDrivesTurns } from './turns/turn-taking.ts';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const config = loadWorkerConfig();
    const room = ctx.job.room?.name ?? '';
    const log = pino({ level: config.LOG_LEVEL, base: { svc: 'agent', room } });
    const meta = parseMetadata(ctx.job.metadata, log);
    const channel = meta?.channel ?? 'web';
    // Join the room while the configuration is fetched: ~200 ms each, and the caller waits for
    // the greeting. (ctx.connect() must run once: everything below awaits this promise.)
    const joined = ctx.connect();
    const callerAudio = new CallerAudioWindow(ctx.room); // for the end-of-turn model
    ctx.addShutdownCallback(async () => callerAudio.close());
    const server = ServerClient.fromEnv(room);
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
    const setup = callSetup(call.config ?? fallbackConfig(config.COMPANY_NAME, defaults), {
      channel: phone ? 'phone' : 'web',
      meta,
      caller: call.caller,
      handoff: phone?.canTransfer ?? false, // web hand-off: the console (issue 12)
      defaults,
    });
    const outboundScript = outbound ? (outbound.script(setup.handoff) ?? fallbackOutboundScript(config.COMPANY_NAME)) : null;
    if (outboundScript) setup.instructions += `\n${outboundScript.instructions}`;

    const conversation = new ConversationLog();
    const audit = new AuditSink((events) => call.server?.audit(events) ?? Promise.resolve({ ok: true as const, value: null }));
    ctx.addShutdownCallback(() => audit.close());
    const guard = new ToolGuard({
      room,
      channel: phone ? 'phone' : 'web',
      tools: policies(setup),
      caller: call.caller,
      handoffAvailable: setup.handoff,
      log: conversation,
      server: call.server,
      audit: (e) => audit.add(e),
    });
    const tools = buildToolset({
      tools: setup.tools,
      offerVerify: setup.offerVerify,
      guard,
      local: phone?.canTransfer ? { transfer_to_human: phone.transfer } : {},
      onEndCall: () => audit.add({ tool: 'end_call', args: '{}', decision: 'allowed', atMs: Date.now() }),
    });

    const { session, realtime, timeline, responses } = createVoiceSession(ctx.room, config, setup, log);
    if (outbound) session.input.setAudioEnabled(false); // the callee's audio reaches the model once a person is decided
    await joined;
    await session.start({ agent: new voice.Agent({ instructions: setup.instructions, tools }), room: ctx.room });
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, ({ item }) => {
      const m = item as { type?: string; role?: string; textContent?: string };
      if (m.type !== undefined && m.type !== 'message') return;
      if (m.role === 'user' && m.textContent?.trim()) conversation.addCaller(m.textContent);
      else if (m.role === 'assistant') conversation.addAgent();
    });
    session.output.audio?.on(voice.AudioOutput.EVENT_PLAYBACK_STARTED, (ev: { createdAt: number }) => timeline.onPlaybackStarted(ev.createdAt));
    call.record(session);
    const endOfTurn = new EndOfTurnController(session, realtime, timeline, responses, log, () =>
      predictEndOfTurn(ctx.inferenceExecutor, callerAudio.snapshot()),
    );
    const pageTurns = agentDrivesTurns(setup.turnProfile);
    const agentVad = pageTurns ? fallbackTurns(ctx, session, callerAudio, endOfTurn, log) : null;
    registerRpcMethods(ctx.room, session, log, pageTurns ? endOfTurn : undefined, agentVad?.onTurnSource);
    phone?.attach(session, guard, conversation); // keypad (DTMF)
    // The session may have been created ahead of the click (the widget prefetches it on hover).
    // The greeting is asked for now: the room's audio output holds it until the caller has
    // subscribed, so it starts the moment they can hear it instead of a model round trip later.
    // (If they never come, its audio is never sent and the agent leaves after the join window.)
    if (outbound && outboundScript) outbound.conduct(session, outboundScript); // who answered decides what is said
    else session.generateReply({ instructions: sayExactly(setup.greeting) });
    log.info({ channel, profile: setup.turnProfile, tools: setup.tools.map(toolName), verified: Boolean(call.caller) }, 'agent ready; greeting queued');
    if (!(await callerJoined(ctx, CALLER_JOIN_WINDOW_S * 1000))) {
      log.info('no caller joined; leaving');
      ctx.shutdown('no caller');
    }
  },
});

/** A page that has not said its VAD runs this long after the caller joined gets the agent's VAD, ms. */
const PAGE_VAD_REPORT_MS = 15_000;

/**
 * The agent's own VAD for web calls whose page VAD is not running (agent-vad.ts): switched on when
 * the page says so (`voice.turn_source`), or when it has not said its VAD runs within
 * {@link PAGE_VAD_REPORT_MS} of joining; off again when it does.
 */
function fallbackTurns(ctx: JobContext, session: voice.AgentSession, audio: CallerAudioWindow, endOfTurn: EndOfTurnController, log: pino.Logger) {
  const turns = new AgentVadTurns(audio, {
    onEndOfSpeech: (speechEndMs) => void endOfTurn.onHint(speechEndMs, true),
    onSpeech: () => {
      if (session.agentState === 'speaking') void session.interrupt();
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
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([ctx.waitForParticipant().then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Job metadata from the dispatch; a bad value is logged and ignored (the call still works). */
function parseMetadata(raw: string, log: pino.Logger): DispatchMetadata | undefined {
  if (!raw) return undefined;
  try {
    return DispatchMetadata.parse(JSON.parse(raw));
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'ignoring invalid job metadata');
    return undefined;
  }
}
