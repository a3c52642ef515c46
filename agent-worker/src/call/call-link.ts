import type { JobContext, voice } from '@livekit/agents';
import type { AgentConfig } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import { ServerClient } from '../server-api/client.ts';
import { CallRecorder, attachCallRecorder } from './call-record.ts';

/** What the agent gets from the server for one call. */
export interface CallLink {
  /** The server's agent API for this room; null without `SERVER_URL`. */
  server: ServerClient | null;
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
  const server = ServerClient.fromEnv(ctx.job.room?.name ?? '');
  if (!server) return { server: null, config: undefined, record: () => {} };
  const fetched = await server.agentConfig();
  if (!fetched.ok) log.warn({ err: fetched.error }, 'agent config not fetched; using defaults');
  else log.info({ agent: fetched.value.agent, version: fetched.value.version }, 'agent config fetched');
  return {
    server,
    config: fetched.ok ? fetched.value.config : undefined,
    record(session) {
      const recorder = new CallRecorder();
      attachCallRecorder(session, recorder);
      ctx.addShutdownCallback(async () => {
        const uploaded = await server.uploadCallRecord(recorder.build(Date.now()));
        log.info({ ok: uploaded.ok, lines: recorder.transcript.length }, 'call record uploaded');
      });
    },
  };
}
