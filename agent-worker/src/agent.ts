/**
 * The voice agent: one job per room. Joins, greets with an AI disclosure, then converses through
 * the realtime model (OpenAI or the local offline one).
 */
import { type JobContext, defineAgent, voice } from '@livekit/agents';
import { DispatchMetadata } from '@voice-widget/protocol';
import { pino } from 'pino';
import { loadWorkerConfig } from './config.ts';
import { assistantInstructions, greetingText, sayExactly } from './greeting.ts';
import { createRealtimeModel } from './model.ts';
import { registerRpcMethods } from './rpc.ts';
import { linkCallToServer } from './server-link.ts';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const config = loadWorkerConfig();
    const log = pino({ level: config.LOG_LEVEL, base: { svc: 'agent', room: ctx.job.room?.name } });
    const meta = parseMetadata(ctx.job.metadata, log);
    const call = await linkCallToServer(ctx, log); // agent config from the server; call record at the end

    const session = new voice.AgentSession({ llm: createRealtimeModel(config) });
    await session.start({
      agent: new voice.Agent({ instructions: call.config?.instructions ?? assistantInstructions(config.COMPANY_NAME) }),
      room: ctx.room,
    });
    call.record(session);
    await ctx.connect();
    registerRpcMethods(ctx.room, session, log);
    log.info({ channel: meta?.channel ?? 'web' }, 'agent joined; greeting');
    session.generateReply({ instructions: sayExactly(call.config?.greeting ?? greetingText(config.COMPANY_NAME)) });
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
