import type { JobContext, voice } from '@livekit/agents';
import type { AgentConfig, AgentConfigResponse, VerifiedCaller } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import type { ServerClient } from '../server-api/client.ts';
import { CallRecorder, attachCallRecorder } from './call-record.ts';

/** What the agent gets from the server for one call. */
export interface CallLink {
  /** The server's agent API for this room; null without `SERVER_URL`. */
  server: ServerClient | null;
  /** The configuration version pinned for this call; undefined → use the built-in defaults. */
  config: AgentConfig | undefined;
  /** The caller, when the server verified them before the call (a web caller's signed identity). */
  caller: VerifiedCaller | null;
  /** Records the session's transcript, barge-ins and outcome; uploads them when the job ends. */
  record(session: voice.AgentSession): void;
}

/**
 * The one hook agent.ts needs: the call's agent configuration from the server (`known` when
 * another request already brought it, e.g. the phone call start), and `record(session)` to report
 * the call at shutdown. Without a server, or when it is unreachable, the call runs on defaults and
 * nothing is reported.
 */
export async function linkCallToServer(ctx: JobContext, server: ServerClient | null, log: Logger, known?: AgentConfigResponse): Promise<CallLink> {
  if (!server) return { server: null, config: undefined, caller: null, record: () => {} };
  const fetched = known ? { ok: true as const, value: known } : await server.agentConfig();
  if (!fetched.ok) log.warn({ err: fetched.error }, 'agent config not fetched; using defaults');
  else log.info({ agent: fetched.value.agent, version: fetched.value.version, verified: Boolean(fetched.value.caller) }, 'agent config');
  return {
    server,
    config: fetched.ok ? fetched.value.config : undefined,
    caller: fetched.ok ? fetched.value.caller : null,
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
