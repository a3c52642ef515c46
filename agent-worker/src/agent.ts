/**
 * The voice agent: one job per room. Joins and fetches its configuration at dispatch (so a
 * session created on hover is ready at the click), but opens the model session and greets only
 * once the caller is in the room — an unclicked session costs no model time and leaves at its
 * join window. Then converses through the realtime model (OpenAI or the local offline one),
 * ending turns on the page's hint (fast profile), publishing each reply's timeline to the page
 * and the server, and saying goodbye when the server announces the call's time limit.
 */
import { type JobContext, defineAgent, voice } from '@livekit/agents';
import { CALLER_JOIN_WINDOW_S, DispatchMetadata } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import { linkCallToServer } from './call/call-link.ts';
import { loadWorkerConfig } from './config.ts';
import { CallerLimits, reportRefusals } from './guard/caller-limits.ts';
import { createAgentLogger } from './log.ts';
import { preparePhoneCall } from './phone/phone-call.ts';
import { TIME_LIMIT_GOODBYE, watchCallEnding } from './session/call-ending.ts';
import { handleChatInput } from './session/chat-input.ts';
import { interruptIfAllowed } from './session/interrupt.ts';
import { assistantInstructions, greetingText, sayExactly } from './session/greeting.ts';
import { registerRpcMethods } from './session/rpc.ts';
import { createVoiceSession } from './session/voice-session.ts';
import { TimelineUploader } from './timeline/timeline-uploader.ts';
import { CallerAudioWindow } from './turns/caller-audio.ts';
import { EndOfTurnController } from './turns/end-of-turn.ts';
import { predictEndOfTurn } from './turns/eot.ts';
import { agentDrivesTurns, turnProfileFor } from './turns/turn-taking.ts';

/** How long past the caller's join window the agent still waits (clock skew, a late click), ms. */
export const JOIN_GRACE_MS = 1_000;

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const config = loadWorkerConfig();
    const log = createAgentLogger(config, { svc: 'agent', room: ctx.job.room?.name });
    const meta = parseMetadata(ctx.job.metadata, log);
    // Join the room while the configuration is fetched: ~200 ms each, and the caller waits for
    // the greeting. (ctx.connect() must run once: everything below awaits this promise.)
    const joined = ctx.connect();
    const callerAudio = new CallerAudioWindow(ctx.room); // for the end-of-turn model
    ctx.addShutdownCallback(async () => callerAudio.close());
    const call = await linkCallToServer(ctx, log); // agent config from the server; call record at the end
    // Phone: SIP caller (already in the room), call record and contact lookup before the first reply.
    const phone = meta?.channel === 'phone' ? await preparePhoneCall(ctx, joined, meta, config, call.server, log) : null;
    const profile = turnProfileFor(meta?.channel ?? 'web', call.config?.turnTaking ?? config.TURN_PROFILE);
    await joined;

    // Nothing that costs model time before someone can hear it: a session created on hover (or a
    // stranger's session request) waits here for its caller, then leaves at the join window.
    const joinBy = meta?.joinBy ?? Date.now() + CALLER_JOIN_WINDOW_S * 1000;
    if (!phone && !(await callerJoined(ctx, joinBy - Date.now() + JOIN_GRACE_MS))) {
      log.info('no caller joined in the join window; leaving without opening a model session');
      ctx.shutdown('no caller');
      return;
    }

    const timelines = call.server ? new TimelineUploader((body) => call.server!.uploadTimelines(body), log) : null;
    if (timelines) ctx.addShutdownCallback(() => timelines.flush());
    const { session, realtime, timeline, responses } = createVoiceSession(ctx.room, config, call.config, profile, log, (t) => timelines?.add(t));
    const instructions = call.config?.instructions ?? assistantInstructions(config.COMPANY_NAME);
    await session.start({
      agent: new voice.Agent({ instructions: phone ? phone.instructions(instructions) : instructions, tools: phone?.tools }),
      room: ctx.room,
      inputOptions: { textEnabled: false }, // typed messages go through handleChatInput's limits
    });
    session.output.audio?.on(voice.AudioOutput.EVENT_PLAYBACK_STARTED, (ev: { createdAt: number }) =>
      timeline.onPlaybackStarted(ev.createdAt),
    );
    call.record(session);
    const limits = new CallerLimits();
    const stopReporting = reportRefusals(limits, log);
    ctx.addShutdownCallback(async () => stopReporting());
    const endOfTurn = new EndOfTurnController(session, realtime, timeline, responses, log, () =>
      predictEndOfTurn(ctx.inferenceExecutor, callerAudio.snapshot()),
    );
    let ending = false; // the server announced the end: no new turns, only the goodbye
    const turns = {
      onHint: (speechEndMs: number, final: boolean) => !ending && endOfTurn.onHint(speechEndMs, final),
      onSpeechResumed: () => !ending && endOfTurn.onSpeechResumed(),
    };
    registerRpcMethods(ctx.room, session, log, agentDrivesTurns(profile) ? turns : undefined, limits);
    handleChatInput(ctx.room, session, limits, log);
    phone?.attach(session); // keypad (DTMF)
    const greeting = call.config?.greeting ?? greetingText(config.COMPANY_NAME);
    session.generateReply({ instructions: sayExactly(phone ? phone.greeting(greeting) : greeting) });
    log.info({ channel: meta?.channel ?? 'web', profile }, 'caller in the room; model session open, greeting queued');
    const stopWatching = watchCallEnding(ctx.room, (notice) => {
      ending = true;
      log.info({ reason: notice.reason, inMs: notice.endsAt - Date.now() }, 'the server ends the call: goodbye');
      interruptIfAllowed(session);
      session.generateReply({ instructions: sayExactly(TIME_LIMIT_GOODBYE), allowInterruptions: false });
    });
    ctx.addShutdownCallback(async () => stopWatching());
  },
});

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
  try {
    return DispatchMetadata.parse(JSON.parse(raw));
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'ignoring invalid job metadata');
    return undefined;
  }
}
