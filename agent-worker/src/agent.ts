/**
 * The voice agent: one job per room. Joins, greets with an AI disclosure, then converses through
 * the realtime model (OpenAI or the local offline one), ending turns on the page's hint (fast
 * profile) and publishing each reply's timeline so the page can split its perceived latency.
 */
import { type JobContext, type llm, defineAgent, voice } from '@livekit/agents';
import { DispatchMetadata } from '@voice-widget/protocol';
import { pino } from 'pino';
import { loadWorkerConfig } from './config.ts';
import { EndOfTurnController } from './end-of-turn.ts';
import { assistantInstructions, greetingText, sayExactly } from './greeting.ts';
import { createRealtimeModel } from './model.ts';
import { ModelResponses } from './model-responses.ts';
import { preparePhoneCall } from './phone/phone-call.ts';
import { registerRpcMethods } from './rpc.ts';
import { linkCallToServer } from './server-link.ts';
import { publishTimeline } from './timeline-publisher.ts';
import { type RealtimeWireEvent, TurnTimelineRecorder } from './turn-timeline.ts';
import { agentDrivesTurns, turnProfileFor } from './turn-taking.ts';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const config = loadWorkerConfig();
    const log = pino({ level: config.LOG_LEVEL, base: { svc: 'agent', room: ctx.job.room?.name } });
    const meta = parseMetadata(ctx.job.metadata, log);
    // Phone (issue 6): SIP caller, call record and contact lookup before the first reply.
    const phone = meta?.channel === 'phone' ? await preparePhoneCall(ctx, meta, config, log) : null;
    const call = await linkCallToServer(ctx, log); // agent config from the server; call record at the end
    const profile = turnProfileFor(meta?.channel ?? 'web', call.config?.turnTaking ?? config.TURN_PROFILE);

    const timeline = new TurnTimelineRecorder((t) => publishTimeline(ctx.room, t, log));
    const responses = new ModelResponses();
    let realtime: llm.RealtimeSession | undefined;
    const model = createRealtimeModel(config, {
      profile,
      voice: call.config?.voice,
      onSession: (s) => {
        realtime = s;
        s.on('openai_server_event_received' as never, (ev: RealtimeWireEvent) => {
          timeline.onServerEvent(ev);
          responses.onServerEvent(ev);
        });
        s.on('openai_client_event_queued' as never, (ev: RealtimeWireEvent) => responses.onClientEvent(ev));
      },
    });
    const session = new voice.AgentSession({
      llm: model,
      // Fast profile: the agent ends turns itself; no session VAD, whose end-of-speech wait
      // (550 ms of silence) would otherwise gate every reply.
      ...(agentDrivesTurns(profile) ? { vad: null, turnHandling: { turnDetection: 'manual' as const } } : {}),
    });
    const instructions = call.config?.instructions ?? assistantInstructions(config.COMPANY_NAME);
    await session.start({
      agent: new voice.Agent({ instructions: phone ? phone.instructions(instructions) : instructions, tools: phone?.tools }),
      room: ctx.room,
    });
    session.output.audio?.on(voice.AudioOutput.EVENT_PLAYBACK_STARTED, (ev: { createdAt: number }) =>
      timeline.onPlaybackStarted(ev.createdAt),
    );
    call.record(session);
    await ctx.connect();
    const endOfTurn = new EndOfTurnController(session, () => realtime, timeline, responses, log);
    registerRpcMethods(ctx.room, session, log, agentDrivesTurns(profile) ? endOfTurn : undefined);
    phone?.attach(session); // keypad (DTMF)
    log.info({ channel: meta?.channel ?? 'web', profile }, 'agent joined; greeting');
    const greeting = call.config?.greeting ?? greetingText(config.COMPANY_NAME);
    session.generateReply({ instructions: sayExactly(phone ? phone.greeting(greeting) : greeting) });
  },
});

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
