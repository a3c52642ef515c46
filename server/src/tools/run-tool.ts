import { Ajv } from 'ajv';
import {
  type AgentToolConfig,
  type AuditEvent,
  type BuiltinTool,
  type ToolResult,
  type ToolRunRequest,
  type ToolRunResponse,
  ToolArgs,
  policyOf,
  toolName,
} from '@voice-widget/protocol';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { HttpError } from '../errors.ts';
import { callbackContact } from '../handoff/contact.ts';
import { agentSecret, type AgentRow } from '../repo/agents.ts';
import { appendAudit, auditByKey, auditValues, bumpAttempts, replayOf, settleAudit } from '../repo/audit.ts';
import type { CallRow } from '../repo/calls.ts';
import { toolCalls } from '../db/schema.ts';
import { type BuiltinContext, builtinTools, isStoreTool } from './builtin.ts';
import { EndpointError, callEndpoint } from './endpoint.ts';

/** What {@link runTool} needs. */
export interface RunToolDeps {
  db: Db;
  log: Logger;
  fetch?: typeof fetch;
}

const ajv = new Ajv({ allErrors: false, strict: false });

/**
 * Runs one tool for a call on the server, after the agent's guard allowed it, and writes its
 * audit entry. The server checks again what it holds the truth for:
 * - the tool is enabled in the call's pinned agent version (`403 tool_not_enabled`);
 * - the arguments match the tool's schema (`400 invalid_request`);
 * - tools that need a verified caller have one (`403 not_verified`), and order tools touch only
 *   that caller's orders (`403 out_of_scope`);
 * - state changes carry an idempotency key and the caller's confirming turn (`400`/`403
 *   not_confirmed`); a repeated key returns the first result (`replayed: true`) and changes
 *   nothing — the change and its audit row commit in one transaction.
 * Tools configured with a customer endpoint are POSTed there, signed (endpoint.ts).
 * @throws HttpError as listed; 502 `tool_failed` when the endpoint fails.
 */
export async function runTool(
  deps: RunToolDeps,
  call: CallRow,
  agent: AgentRow,
  name: string,
  req: ToolRunRequest,
): Promise<ToolRunResponse> {
  const entry = agent.config.tools.find((t) => toolName(t) === name);
  const base: Omit<AuditEvent, 'decision'> = {
    tool: name,
    args: JSON.stringify(req.args),
    atMs: req.atMs,
    ...(req.confirmation ? { confirmation: req.confirmation } : {}),
  };
  const refuse = async (status: number, reason: string, message: string): Promise<never> => {
    await appendAudit(deps.db, call.id, [{ ...base, decision: 'refused', reason }]);
    throw new HttpError(status, reason, message);
  };
  if (!entry) return refuse(403, 'tool_not_enabled', `tool "${name}" is not enabled for this agent`);
  const policy = policyOf(entry);
  if (policy.runsOn === 'agent') throw new HttpError(400, 'runs_in_agent', `tool "${name}" runs in the agent`);
  const args = validateArgs(entry, req.args);
  if (!args.ok) return refuse(400, 'invalid_arguments', args.error);
  if (policy.requiresVerified && !call.verifiedCustomerId) return refuse(403, 'not_verified', 'the caller is not verified');
  if (policy.changesState) {
    if (!req.idempotencyKey) throw new HttpError(400, 'idempotency_key_required', `tool "${name}" changes state: send an idempotency key`);
    if (!req.confirmation) return refuse(403, 'not_confirmed', 'a state change needs the caller’s confirmation');
  }
  const ctx: BuiltinContext & { contact: string | null } = {
    callId: call.id,
    customerId: call.verifiedCustomerId,
    config: agent.config,
    contact: (await callbackContact(deps.db, call)).contact,
  };
  const event = { ...base, ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}) };
  if (typeof entry === 'object' && 'endpoint' in entry) {
    return runOnEndpoint(deps, call, agent, entry, args.value, event, policy.changesState);
  }
  if (!isStoreTool(name)) throw new HttpError(400, 'runs_in_agent', `tool "${name}" has no server backend`);
  return runInStore(deps, call, name, ctx, args.value, event, policy.changesState);
}

type Validated = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

function validateArgs(entry: AgentToolConfig, raw: Record<string, unknown>): Validated {
  if (typeof entry === 'object' && 'parameters' in entry) {
    const check = ajv.compile(entry.parameters);
    return check(raw) ? { ok: true, value: raw } : { ok: false, error: `arguments: ${ajv.errorsText(check.errors)}` };
  }
  const parsed = ToolArgs[toolName(entry) as BuiltinTool].safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: `arguments: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
}

async function runInStore(
  deps: RunToolDeps,
  call: CallRow,
  name: keyof typeof builtinTools,
  ctx: BuiltinContext & { contact: string | null },
  args: Record<string, unknown>,
  event: Omit<AuditEvent, 'decision'>,
  changesState: boolean,
): Promise<ToolRunResponse> {
  const t0 = performance.now();
  const run = builtinTools[name] as (db: unknown, ctx: unknown, args: unknown) => Promise<ToolResult>;
  try {
    if (!changesState) {
      const result = await run(deps.db, ctx, args);
      await appendAudit(deps.db, call.id, [{ ...event, decision: 'allowed', result: JSON.stringify(result), durationMs: performance.now() - t0 }]);
      return { result, replayed: false, attempts: 1 };
    }
    return await deps.db.transaction(async (tx) => {
      const seen = await auditByKey(tx, event.idempotencyKey!);
      if (seen?.result) {
        const attempts = await bumpAttempts(tx, seen.id);
        return { result: JSON.parse(replayOf(seen)) as ToolResult, replayed: true, attempts };
      }
      const result = await run(tx, ctx, args);
      // The unredacted result goes back to the agent; the stored one is redacted (auditValues), and
      // an unredacted copy answers a retry for REPLAY_WINDOW_S only.
      const raw = JSON.stringify(result);
      await tx.insert(toolCalls).values({ ...auditValues(call.id, { ...event, decision: 'allowed', result: raw, durationMs: performance.now() - t0 }), replayResult: raw });
      return { result, replayed: false, attempts: 1 };
    });
  } catch (err) {
    if (err instanceof HttpError) {
      await appendAudit(deps.db, call.id, [{ ...event, idempotencyKey: undefined, decision: 'refused', reason: err.code }]);
    }
    throw err;
  }
}

async function runOnEndpoint(
  deps: RunToolDeps,
  call: CallRow,
  agent: AgentRow,
  entry: Extract<AgentToolConfig, { endpoint: unknown }>,
  args: Record<string, unknown>,
  event: Omit<AuditEvent, 'decision'>,
  changesState: boolean,
): Promise<ToolRunResponse> {
  const t0 = performance.now();
  // The entry is written before the endpoint is called, so a retry finds it by key.
  const [row] = await deps.db
    .insert(toolCalls)
    .values(auditValues(call.id, { ...event, decision: 'allowed' }))
    .onConflictDoNothing({ target: toolCalls.idempotencyKey })
    .returning({ id: toolCalls.id });
  let id = row?.id;
  let priorAttempts = 0;
  if (!id && changesState) {
    const seen = await deps.db.transaction((tx) => auditByKey(tx, event.idempotencyKey!));
    if (seen?.result && seen.decision === 'allowed') {
      const attempts = await bumpAttempts(deps.db, seen.id);
      return { result: JSON.parse(replayOf(seen)) as ToolResult, replayed: true, attempts };
    }
    id = seen!.id;
    priorAttempts = seen!.attempts;
  }
  try {
    const { result, attempts } = await callEndpoint(
      entry.endpoint,
      await agentSecret(deps.db, agent.id),
      {
        tool: entry.name,
        arguments: args,
        idempotencyKey: event.idempotencyKey ?? null,
        call: { room: call.room, channel: call.channel, agent: agent.slug },
        caller: { verified: Boolean(call.verifiedCustomerId), customerId: call.verifiedCustomerId },
      },
      deps.fetch,
    );
    await settleAudit(deps.db, id!, { decision: 'allowed', result: JSON.stringify(result), durationMs: performance.now() - t0 });
    const total = priorAttempts + attempts;
    if (total > 1) await bumpAttempts(deps.db, id!, total - 1);
    return { result, replayed: false, attempts: total };
  } catch (err) {
    const reason = err instanceof EndpointError ? 'endpoint_failed' : 'internal';
    await settleAudit(deps.db, id!, { decision: 'failed', reason, durationMs: performance.now() - t0 });
    deps.log.warn({ tool: entry.name, err: (err as Error).message }, 'tool endpoint failed');
    throw new HttpError(502, 'tool_failed', `the "${entry.name}" service is unavailable`);
  }
}
