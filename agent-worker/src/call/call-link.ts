import type { JobContext, voice } from '@livekit/agents';
import type { AgentConfig, AgentConfigResponse, LiveLine, Speaker, VerifiedCaller } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import type { ServerClient } from '../server-api/client.ts';
import { BatchSink } from '../server-api/batch-sink.ts';
import { CallRecorder, attachCallRecorder } from './call-record.ts';

/** What the agent gets from the server for one call. */
export interface CallLink {
  /** The server's agent API for this room; null without `SERVER_URL`. */
  server: ServerClient | null;
  /** The configuration version pinned for this call; undefined → use the built-in defaults. */
  config: AgentConfig | undefined;
  /** Which agent and configuration version that is; null with the built-in defaults. */
  version: { agent: string; version: number } | null;
  /** The caller, when the server verified them before the call (a web caller's signed identity). */
  caller: VerifiedCaller | null;
  /** The fastest model reply of the agent's recent calls, ms (`AgentConfigResponse.modelFirstAudioMs`); null = unknown. */
  modelFirstAudioMs: number | null;
  /**
   * Records the session's transcript, barge-ins and outcome: each line is posted live as it
   * happens (`POST …/live`, batched), and the whole record is uploaded when the job ends. Returns
   * the recorder (the hand-off's note-taker adds the person's lines to it). `firstSeq`: the first
   * line's number and `earlier` who spoke in the lines already stored (a resumed call).
   */
  record(session: voice.AgentSession, firstSeq?: number, earlier?: readonly Speaker[]): CallRecorder;
  /**
   * The call goes on without this agent (its worker died and another agent resumes it): at the
   * end, only the live transcript is flushed; no final record is uploaded, since that would end
   * the call the other agent now serves.
   */
  detach(): void;
}

/** How long transcript lines wait to be posted together, ms (the console shows them this late at most). */
export const LIVE_FLUSH_MS = 300;

/**
 * The one hook agent.ts needs: the call's agent configuration from the server (`known` when
 * another request already brought it, e.g. the phone call start), and `record(session)` to report
 * the call at shutdown. Without a server, or when it is unreachable, the call runs on defaults and
 * nothing is reported.
 */
export async function linkCallToServer(ctx: JobContext, server: ServerClient | null, log: Logger, known?: AgentConfigResponse): Promise<CallLink> {
  if (!server) return { server: null, config: undefined, version: null, caller: null, modelFirstAudioMs: null, record: (session) => recordLocally(session), detach: () => {} };
  let detached = false;
  const fetched = known ? { ok: true as const, value: known } : await server.agentConfig();
  if (!fetched.ok) log.warn({ err: fetched.error }, 'agent config not fetched; using defaults');
  else log.info({ agent: fetched.value.agent, version: fetched.value.version, verified: Boolean(fetched.value.caller), modelFirstAudioMs: fetched.value.modelFirstAudioMs }, 'agent config');
  return {
    server,
    config: fetched.ok ? fetched.value.config : undefined,
    version: fetched.ok ? { agent: fetched.value.agent, version: fetched.value.version } : null,
    caller: fetched.ok ? fetched.value.caller : null,
    modelFirstAudioMs: fetched.ok ? fetched.value.modelFirstAudioMs : null,
    record(session, firstSeq = 0, earlier = []) {
      const live = new BatchSink<LiveLine>((lines) => server.live(lines), LIVE_FLUSH_MS);
      const recorder = new CallRecorder((line) => live.add(line), firstSeq, earlier);
      attachCallRecorder(session, recorder);
      ctx.addShutdownCallback(async () => {
        await live.close();
        if (detached) return;
        const uploaded = await server.uploadCallRecord(recorder.build(Date.now()));
        log.info({ ok: uploaded.ok, lines: recorder.transcript.length }, 'call record uploaded');
      });
      return recorder;
    },
    detach() {
      detached = true;
    },
  };
}

/** A recorder that only listens (no server: nothing is reported). */
function recordLocally(session: voice.AgentSession): CallRecorder {
  const recorder = new CallRecorder();
  attachCallRecorder(session, recorder);
  return recorder;
}
