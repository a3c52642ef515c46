import type { JobContext, voice } from '@livekit/agents';
import type { AgentConfig } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import { fetchAgentConfig, serverLinkFromEnv } from './agent-config.ts';
import { CallRecorder, attachCallRecorder, uploadCallRecord } from './call-record.ts';

/** What the agent gets from the server for one call. */
export interface CallLink {
  /** The configuration version pinned for this call; undefined → use the built-in defaults. */
  config: AgentConfig | undefined;
  /** Records the session's transcript, tool calls and barge-ins; uploads them when the job ends. */
  record(session: voice.AgentSession): void;
}

/**
 * The one hook agent.ts needs: at dispatch, fetches the call's agent configuration from the
 * server (`SERVER_URL`); `record(session)` reports the call at shutdown. Without `SERVER_URL`, or
 * when the server is unreachable, the call runs on defaults and nothing is reported.
 */
export async function linkCallToServer(ctx: JobContext, log: Logger): Promise<CallLink> {
  const link = serverLinkFromEnv();
  const room = ctx.job.room?.name ?? '';
  if (!link || !room) return { config: undefined, record: () => {} };
  const fetched = await fetchAgentConfig(link, room);
  if ('error' in fetched) log.warn({ err: fetched.error }, 'agent config not fetched; using defaults');
  else log.info({ agent: fetched.config.agent, version: fetched.config.version }, 'agent config fetched');
  return {
    config: 'config' in fetched ? fetched.config.config : undefined,
    record(session) {
      const recorder = new CallRecorder();
      attachCallRecorder(session, recorder);
      ctx.addShutdownCallback(async () => {
        const ok = await uploadCallRecord(link, room, recorder.build(Date.now()));
        log.info({ ok, lines: recorder.transcript.length }, 'call record uploaded');
      });
    },
  };
}
