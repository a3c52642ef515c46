import { AccessToken } from 'livekit-server-sdk';
import {
  AgentConfigResponse,
  type AgentLostReport,
  AgentLostReply,
  type AgentTimelinesUpload,
  ApiError,
  type AuditEvent,
  type CallRecordUpload,
  type DoNotCallRequest,
  OutboundCallContext,
  type OutboundEvent,
  type HandoffEvent,
  type HandoffRequestInput,
  HandoffState,
  LiveAck,
  type LiveLine,
  LiveState,
  type PhoneCallStart,
  PhoneCallStartResponse,
  type ToolRunRequest,
  ToolRunResponse,
  type VerifyRequest,
  VerifyResponse,
} from '@voice-widget/protocol';
import { z } from 'zod';

/**
 * The agent worker's one client for our server's agent API (`server/src/routes/agent-api.ts`,
 * `routes/phone.ts`). Every request is authorised by a short JWT signed with the LiveKit API
 * key/secret the worker already has, video grant `{ room, agent: true }` — no extra secret.
 *
 * Methods never throw: a call must not fail because the server is down. Each returns
 * `{ ok: true, value }` or `{ ok: false, error }` with a message naming what failed.
 */
export interface ServerLink {
  /** Server base URL, e.g. `http://127.0.0.1:8787`. */
  serverUrl: string;
  apiKey: string;
  apiSecret: string;
  fetch?: typeof fetch;
}

/**
 * Result of a {@link ServerClient} request. A refusal by the server carries its HTTP `status` and
 * stable `code` (e.g. 403 `out_of_scope`); a network failure has neither.
 */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: string; status?: number; code?: string };

const LinkEnv = z.object({
  SERVER_URL: z.string().url(),
  LIVEKIT_API_KEY: z.string().min(1),
  LIVEKIT_API_SECRET: z.string().min(32),
});

/** The link from `SERVER_URL` and the LiveKit credentials, or null when `SERVER_URL` is unset. */
export function serverLinkFromEnv(env: NodeJS.ProcessEnv = process.env): ServerLink | null {
  if (!env.SERVER_URL) return null;
  const e = LinkEnv.parse(env);
  return { serverUrl: e.SERVER_URL, apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET };
}

/** A 5-minute service token for `room` (what the server's agent API accepts). */
export async function mintServiceToken(link: Pick<ServerLink, 'apiKey' | 'apiSecret'>, room: string): Promise<string> {
  const at = new AccessToken(link.apiKey, link.apiSecret, { identity: 'agent-worker', ttl: 300 });
  at.addGrant({ room, agent: true, roomJoin: false });
  return at.toJwt();
}

/** Options of one request. */
interface RequestOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  timeoutMs?: number;
  /** Extra attempts on network errors and 5xx, with 500 ms × attempt back-off. */
  retries?: number;
}

/** Typed client of the server's agent API for one room. */
export class ServerClient {
  constructor(
    readonly link: ServerLink,
    readonly room: string,
  ) {}

  /** A client from the environment (`SERVER_URL`), or null when unset. */
  static fromEnv(room: string, env: NodeJS.ProcessEnv = process.env): ServerClient | null {
    const link = serverLinkFromEnv(env);
    return link && room ? new ServerClient(link, room) : null;
  }

  /** `GET /api/calls/:room/agent-config`: the configuration version the server pinned for this call. */
  agentConfig(timeoutMs = 3000): Promise<ApiResult<AgentConfigResponse>> {
    return this.#request('agent-config', AgentConfigResponse, { timeoutMs });
  }

  /**
   * `POST /api/calls/:room/phone`: tells the server a SIP caller is in the room (it records the
   * phone call) and gets the caller's contact.
   */
  startPhoneCall(body: PhoneCallStart, timeoutMs = 3000): Promise<ApiResult<PhoneCallStartResponse>> {
    return this.#request('phone', PhoneCallStartResponse, { method: 'POST', body, timeoutMs });
  }

  /**
   * `POST /api/calls/:room/timelines` (204): the agent's own timeline of its replies, which the
   * server checks the widget's latency uploads against; retried once.
   */
  uploadTimelines(body: AgentTimelinesUpload): Promise<ApiResult<null>> {
    return this.#request('timelines', null, { method: 'POST', body, timeoutMs: 3000, retries: 1 });
  }

  /**
   * `POST /api/calls/:room/tools/:name`: runs a server-side tool the guard allowed. Retried on
   * network errors and 5xx with the same body — safe, because a state change carries its
   * idempotency key.
   */
  runTool(name: string, body: ToolRunRequest, timeoutMs = 12_000): Promise<ApiResult<ToolRunResponse>> {
    return this.#request(`tools/${encodeURIComponent(name)}`, ToolRunResponse, { method: 'POST', body, timeoutMs, retries: 1 });
  }

  /** `POST /api/calls/:room/verify`: a code a phone caller said or typed. */
  verify(body: VerifyRequest): Promise<ApiResult<VerifyResponse>> {
    return this.#request('verify', VerifyResponse, { method: 'POST', body, timeoutMs: 5000 });
  }

  /** `POST /api/calls/:room/audit` (204): the guard's decisions the server did not see. */
  audit(events: AuditEvent[]): Promise<ApiResult<null>> {
    return this.#request('audit', null, { method: 'POST', body: { events }, timeoutMs: 5000, retries: 2 });
  }

  /** `POST /api/calls/:room/live`: transcript lines as they happen (idempotent per `seq`); retried twice. */
  live(lines: LiveLine[]): Promise<ApiResult<LiveAck>> {
    return this.#request('live', LiveAck, { method: 'POST', body: { lines }, timeoutMs: 5000, retries: 2 });
  }

  /** `GET /api/calls/:room/live`: the transcript so far and the next `seq` (a worker resuming the call). */
  liveState(): Promise<ApiResult<LiveState>> {
    return this.#request('live', LiveState, { timeoutMs: 5000, retries: 1 });
  }

  /**
   * `POST /api/calls/:room/handoff`: the caller asked for a person (warm: queued or a callback;
   * cold: the package is delivered before the reply). Not retried: a warm retry would be the same
   * request anyway, and a cold one must not delay the transfer.
   */
  requestHandoff(body: HandoffRequestInput, timeoutMs = 12_000): Promise<ApiResult<HandoffState>> {
    return this.#request('handoff', HandoffState, { method: 'POST', body, timeoutMs });
  }

  /** `GET /api/calls/:room/handoff`: the newest hand-off's state. */
  handoffState(): Promise<ApiResult<HandoffState>> {
    return this.#request('handoff', HandoffState, { timeoutMs: 5000, retries: 1 });
  }

  /** `POST /api/calls/:room/handoff/:id/expire`: the wait limit passed (a callback unless taken meanwhile). */
  expireHandoff(id: number): Promise<ApiResult<HandoffState>> {
    return this.#request(`handoff/${id}/expire`, HandoffState, { method: 'POST', timeoutMs: 8000, retries: 1 });
  }

  /** `POST /api/calls/:room/handoff/:id/release`: the person who took it never joined; back in the queue. */
  releaseHandoff(id: number): Promise<ApiResult<HandoffState>> {
    return this.#request(`handoff/${id}/release`, HandoffState, { method: 'POST', timeoutMs: 8000, retries: 1 });
  }

  /** `POST /api/calls/:room/handoff/:id/events` (204): what happened in the room. */
  handoffEvent(id: number, event: HandoffEvent): Promise<ApiResult<null>> {
    return this.#request(`handoff/${id}/events`, null, { method: 'POST', body: event, timeoutMs: 5000, retries: 2 });
  }

  /**
   * `POST /api/calls/:room/agent-lost`: the worker saw this room's job process die (resume/); the
   * server dispatches the agent again when the call is still on. Retried twice.
   */
  agentLost(body: AgentLostReport): Promise<ApiResult<AgentLostReply>> {
    return this.#request('agent-lost', AgentLostReply, { method: 'POST', body, timeoutMs: 5000, retries: 2 });
  }

  /** `POST /api/calls/:room/resumed`: a resumed agent's first audio started (closes the call's gap). */
  resumed(atMs: number): Promise<ApiResult<null>> {
    return this.#request('resumed', null, { method: 'POST', body: { atMs: Math.round(atMs) }, timeoutMs: 5000, retries: 2 });
  }

  /** `POST /api/calls/:room/record` (204): the call's transcript, barge-ins and outcome; retried twice. */
  uploadCallRecord(record: CallRecordUpload): Promise<ApiResult<null>> {
    return this.#request('record', null, { method: 'POST', body: record, timeoutMs: 5000, retries: 2 });
  }

  /** `GET /api/calls/:room/outbound`: an outbound call's configuration, whom it calls and why. */
  outboundContext(timeoutMs = 3000): Promise<ApiResult<OutboundCallContext>> {
    return this.#request('outbound', OutboundCallContext, { timeoutMs, retries: 1 });
  }

  /** `POST /api/calls/:room/outbound/events` (204): ringing, answer, AMD decisions, the voicemail; retried twice. */
  outboundEvents(events: OutboundEvent[]): Promise<ApiResult<null>> {
    return this.#request('outbound/events', null, { method: 'POST', body: { events }, timeoutMs: 5000, retries: 2 });
  }

  /** `POST /api/calls/:room/do-not-call`: the callee asked not to be called again; their number goes on the list. */
  doNotCall(body: DoNotCallRequest): Promise<ApiResult<{ added: boolean }>> {
    return this.#request('do-not-call', z.object({ added: z.boolean() }), { method: 'POST', body, timeoutMs: 5000, retries: 2 });
  }

  async #request<T>(path: string, schema: z.ZodType<T> | null, opts: RequestOptions): Promise<ApiResult<T>> {
    const url = new URL(`/api/calls/${encodeURIComponent(this.room)}/${path}`, this.link.serverUrl);
    let error = 'not attempted';
    for (let attempt = 0; attempt <= (opts.retries ?? 0); attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 500 * attempt));
      try {
        const res = await (this.link.fetch ?? fetch)(url, {
          method: opts.method ?? 'GET',
          headers: {
            Authorization: `Bearer ${await mintServiceToken(this.link, this.room)}`,
            ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
        });
        if (!res.ok) {
          const body = ApiError.safeParse(await res.json().catch(() => null));
          error = `server answered ${res.status} to ${path}`;
          if (res.status < 500) {
            // The request itself is wrong or refused: a retry cannot help.
            return { ok: false, error, status: res.status, ...(body.success ? { code: body.data.error.code } : {}) };
          }
          continue;
        }
        if (!schema) return { ok: true, value: null as T };
        const parsed = schema.safeParse(await res.json());
        return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: `invalid ${path} reply: ${parsed.error.message}` };
      } catch (err) {
        error = `${path}: ${(err as Error).message}`;
      }
    }
    return { ok: false, error };
  }
}
