/**
 * The voice agent: one job per room. Joins, greets with an AI disclosure, then converses through
 * the realtime model (OpenAI or the local offline one), ending turns on the page's hint (fast
 * profile) and publishing each reply's timeline so the page can split its perceived latency.
 */
import { type JobContext, defineAgent, voice } from '@livekit/agents';
import { CALLER_JOIN_WINDOW_S, DispatchMetadata } from '@voice-widget/protocol';
import { pino } from 'pino';
import { loadWorkerConfig } from './config.ts';
import { CallerAudioWindow } from './turns/caller-audio.ts';
import { EndOfTurnController } from './turns/end-of-turn.ts';
import { predictEndOfTurn } from './turns/eot.ts';
import { assistantInstructions, greetingText, sayExactly } from './session/greeting.ts';
import { preparePhoneCall } from './phone/phone-call.ts';
import { registerRpcMethods } from './session/rpc.ts';
import { linkCallToServer } from './call/call-link.ts';
import { createVoiceSession } from './session/voice-session.ts';
import { agentDrivesTurns, turnProfileFor } from './turns/turn-taking.ts';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const config = loadWorkerConfig();
    const log = pino({ level: config.LOG_LEVEL, base: { svc: 'agent', room: ctx.job.room?.name } });
    const meta = parseMetadata(ctx.job.metadata, log);
    // Join the room while the configuration is fetched: ~200 ms each, and the caller waits for
    // the greeting. (ctx.connect() must run once: everything below awaits this promise.)
    const joined = ctx.connect();
    const callerAudio = new CallerAudioWindow(ctx.room); // for the end-of-turn model
    ctx.addShutdownCallback(async () => callerAudio.close());
    const call = await linkCallToServer(ctx, log); // agent config from the server; call record at the end
    // Phone: SIP caller, call record and contact lookup before the first reply.
    const phone = meta?.channel === 'phone' ? await preparePhoneCall(ctx, joined, meta, config, call.server, log) : null;
    const profile = turnProfileFor(meta?.channel ?? 'web', call.config?.turnTaking ?? config.TURN_PROFILE);

    const { session, realtime, timeline, responses } = createVoiceSession(ctx.room, config, call.config, profile, log);
    await joined;
    const instructions = call.config?.instructions ?? assistantInstructions(config.COMPANY_NAME);
    await session.start({
      agent: new voice.Agent({ instructions: phone ? phone.instructions(instructions) : instructions, tools: phone?.tools }),
      room: ctx.room,
    });
    session.output.audio?.on(voice.AudioOutput.EVENT_PLAYBACK_STARTED, (ev: { createdAt: number }) =>
      timeline.onPlaybackStarted(ev.createdAt),
    );
    call.record(session);
    const endOfTurn = new EndOfTurnController(session, realtime, timeline, responses, log, () =>
      predictEndOfTurn(ctx.inferenceExecutor, callerAudio.snapshot()),
    );
    registerRpcMethods(ctx.room, session, log, agentDrivesTurns(profile) ? endOfTurn : undefined);
    phone?.attach(session); // keypad (DTMF)
    // The session may have been created ahead of the click (the widget prefetches it on hover).
    // The greeting is asked for now: the room's audio output holds it until the caller has
    // subscribed, so it starts the moment they can hear it instead of a model round trip later.
    // (If they never come, its audio is never sent and the agent leaves after the join window.)
    const greeting = call.config?.greeting ?? greetingText(config.COMPANY_NAME);
    session.generateReply({ instructions: sayExactly(phone ? phone.greeting(greeting) : greeting) });
    log.info({ channel: meta?.channel ?? 'web', profile }, 'agent ready; greeting queued');
    if (!(await callerJoined(ctx, CALLER_JOIN_WINDOW_S * 1000))) {
      log.info('no caller joined; leaving');
      ctx.shutdown('no caller');
    }
  },
});

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
