/**
 * Outbound-calling CLI (issue 13). It talks to a running server's admin API (SERVER_URL, default
 * http://127.0.0.1:8787; ADMIN_KEY), because the server owns the dialer and the compliance checks:
 * a refusal here is the API's refusal, and nothing is dialled.
 *
 *   tsx src/outbound-cli.ts call AGENT NUMBER --reason "your question about boots" [--name "Ada Lovelace"]
 *        [--tz America/Chicago] [--ring 30] [--key IDEMPOTENCY-KEY] [--wait]
 *   tsx src/outbound-cli.ts trunk put NAME --address sip.carrier.example[:5060] --numbers +1555…[,…]
 *        [--transport udp|tcp|tls] [--user U --password P]
 *   tsx src/outbound-cli.ts trunk list | trunk delete NAME
 *   tsx src/outbound-cli.ts dnc add NUMBER [--note ..] | dnc remove NUMBER | dnc list
 *   tsx src/outbound-cli.ts stats [--agent SLUG]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type OutboundCallView, OutboundCallAccepted, OutboundStats, OutboundTrunkSpec } from '@voice-widget/protocol';

const USAGE = 'usage: tsx src/outbound-cli.ts <call AGENT NUMBER | trunk put|list|delete | dnc add|remove|list | stats> (see the top of src/outbound-cli.ts)';
const FINAL = new Set(['answered', 'busy', 'no_answer', 'failed', 'cancelled']);

/** What the CLI needs from its surroundings; tests pass their own. */
export interface CliEnv {
  serverUrl: string;
  adminKey: string;
  print(line: string): void;
  /** Between polls of `call --wait`, ms. */
  pollMs?: number;
}

/** An admin API error: the server's `{error: {code, message}}` and the HTTP status. */
export class CliError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One admin API request; a non-2xx reply raises {@link CliError} with the server's code and message. */
async function api(env: CliEnv, method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(new URL(path, env.serverUrl), {
    method,
    headers: { authorization: `Bearer ${env.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new CliError(res.status, json?.error?.code ?? 'http_error', json?.error?.message ?? `${res.status} ${res.statusText}`);
  return json;
}

/** One line about a call: status, SIP status, who answered and how fast, the voicemail. */
export function describeCall(c: OutboundCallView): string {
  const parts = [`call #${c.id} to ${c.number}: ${c.status} (${c.outcome})`];
  if (c.sipStatusCode !== null) parts.push(`SIP ${c.sipStatusCode} ${c.sipStatus ?? ''}`.trim());
  if (c.failureReason) parts.push(c.failureReason);
  if (c.amd) parts.push(`AMD ${c.amd.decision} (${c.amd.reason}) after ${Math.round(c.amd.timeToDecisionMs)} ms`);
  if (c.voicemail?.startedSinceAnswerMs != null) parts.push(`message started ${c.voicemail.afterBeepMs ?? '?'} ms after the beep${c.voicemail.finished ? ', finished' : ''}`);
  if (c.room) parts.push(`room ${c.room}`);
  return parts.join('; ');
}

const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);

/**
 * Runs one CLI command (`argv` without `node script`). Resolves when done; raises {@link CliError}
 * for an API refusal and Error for bad usage.
 */
export async function runOutboundCli(argv: string[], env: CliEnv): Promise<void> {
  const { values: opt, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      reason: { type: 'string' },
      tz: { type: 'string' },
      ring: { type: 'string' },
      key: { type: 'string' },
      wait: { type: 'boolean' },
      address: { type: 'string' },
      numbers: { type: 'string' },
      transport: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      note: { type: 'string' },
      agent: { type: 'string' },
    },
  });
  const [group, a, b] = positionals;
  const print = env.print;
  switch (group === 'call' || group === 'stats' ? group : `${group} ${a}`) {
    case 'call': {
      if (!a || !b || !opt.reason) throw new Error('usage: call AGENT NUMBER --reason "what the call is about" [--name ..] [--tz ..] [--ring S] [--key K] [--wait]');
      const body = {
        agent: a,
        number: b,
        context: { reason: opt.reason, ...(opt.name ? { name: opt.name } : {}) },
        ...(opt.tz ? { timeZone: opt.tz } : {}),
        ...(opt.ring ? { ringTimeoutS: Number(opt.ring) } : {}),
        ...(opt.key ? { idempotencyKey: opt.key } : {}),
      };
      const placed = OutboundCallAccepted.parse(await api(env, 'POST', '/api/admin/calls/outbound', body));
      print(`${placed.repeated ? 'already placed (same idempotency key)' : 'queued'}: ${describeCall(placed.call)}`);
      if (!opt.wait) return;
      let last = placed.call;
      while (!(FINAL.has(last.status) && (last.status !== 'answered' || last.endedAt !== null))) {
        await new Promise((r) => setTimeout(r, env.pollMs ?? 1000));
        const next = (await api(env, 'GET', `/api/admin/calls/outbound/${last.id}`)) as OutboundCallView;
        if (next.status !== last.status || next.amd?.decision !== last.amd?.decision) print(describeCall(next));
        last = next;
      }
      print(`ended: ${describeCall(last)}`);
      return;
    }
    case 'trunk put': {
      const spec = OutboundTrunkSpec.parse({ address: opt.address, numbers: list(opt.numbers), transport: opt.transport, authUsername: opt.user, authPassword: opt.password });
      const r = await api(env, 'PUT', `/api/admin/sip/outbound-trunks/${encodeURIComponent(b ?? '')}`, spec);
      print(`outbound trunk "${b}" ${r.action} (${r.trunk.id}): ${r.trunk.address} over ${r.trunk.transport}, caller ID ${r.trunk.numbers.join(', ')}`);
      return;
    }
    case 'trunk list':
      for (const t of (await api(env, 'GET', '/api/admin/sip/outbound-trunks')).trunks) print(`${t.name}\t${t.id}\t${t.address}\t${t.transport}\t${t.numbers.join(',')}\t${t.authUsername ?? '-'}`);
      return;
    case 'trunk delete':
      print(`${(await api(env, 'DELETE', `/api/admin/sip/outbound-trunks/${encodeURIComponent(b ?? '')}`)).deleted} trunk(s) deleted`);
      return;
    case 'dnc add': {
      const r = await api(env, 'PUT', `/api/admin/do-not-call/${encodeURIComponent(b ?? '')}`, { note: opt.note ?? '' });
      print(`${r.number} ${r.added ? 'added to' : 'already on'} the do-not-call list; ${r.cancelled} queued call(s) cancelled`);
      return;
    }
    case 'dnc remove':
      await api(env, 'DELETE', `/api/admin/do-not-call/${encodeURIComponent(b ?? '')}`);
      print(`${b} removed from the do-not-call list`);
      return;
    case 'dnc list':
      for (const n of (await api(env, 'GET', '/api/admin/do-not-call')).numbers) print(`${n.number}\t${n.source}\t${n.createdAt}\t${n.note}`);
      return;
    case 'stats': {
      const s = OutboundStats.parse(await api(env, 'GET', `/api/admin/stats/outbound${opt.agent ? `?agent=${encodeURIComponent(opt.agent)}` : ''}`));
      for (const r of s.byAgent) {
        const counts = Object.entries(r.outcomes).filter(([, n]) => n > 0).map(([o, n]) => `${o} ${n}`).join(', ');
        print(`${r.agent}: ${r.total} calls (${counts || 'none'}); AMD decision P50 ${r.amdDecisionMs.p50 ?? '-'} ms, P95 ${r.amdDecisionMs.p95 ?? '-'} ms (${r.amdDecisionMs.count})`);
      }
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const adminKey = process.env.ADMIN_KEY;
  if (!adminKey) {
    console.error('ADMIN_KEY is not set (create one: tsx src/cli.ts admin-key create)');
    process.exit(2);
  }
  const env: CliEnv = { serverUrl: process.env.SERVER_URL ?? 'http://127.0.0.1:8787', adminKey, print: (l) => console.log(l) };
  await runOutboundCli(process.argv.slice(2), env).catch((err: Error) => {
    console.error(err instanceof CliError ? `refused (${err.status} ${err.code}): ${err.message}` : err.message);
    process.exitCode = 1;
  });
}
