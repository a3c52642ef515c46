/**
 * The phone tests' stack: PostgreSQL (so the test reads what the server stored), LiveKit with
 * Redis, livekit-sip, server and agent worker on loopback, provisioned through the server's admin
 * API the way an operator would: one inbound trunk, one dispatch rule, one known customer with an order.
 */
import { join } from 'node:path';
import type { DispatchRuleSpecInput, InboundTrunkSpecInput } from '@voice-widget/protocol';
import { REPO_ROOT, type RunningPostgres, type Stack, type StackOptions, startPostgres, startStack } from '@voice-widget/stack';
import { type CallRow, type Database, createAdminKey, listCalls, openDatabase } from '@voice-widget/server';

/** The test's phone line: the number callers dial, the carrier's credentials, the transfer desk. */
export const LINE = {
  number: '+15550100',
  user: 'carrier',
  password: 'correct-horse-battery',
  transferTo: 'tel:+15550199',
  agent: 'acme',
} as const;

/** A caller the contact store knows (by number — a hint, never proof), with a phone code and an order. */
export const KNOWN_CALLER = {
  number: '+15550123',
  customerId: 'C-1815',
  code: '4321',
  customer: { name: 'Ada Lovelace', phone: '+15550123', account: 'AC-1815', code: '4321' },
  orderNumber: '1042',
  order: { customerId: 'C-1815', status: 'shipped', summary: 'arrives Friday', shippingAddress: '12 Analytical Way, London' },
} as const;

export interface PhoneStack {
  stack: Stack;
  database: Database;
  admin: string;
  /** `127.0.0.1:<port>` of livekit-sip. */
  sipAddress: string;
  /** `sip:<number>@127.0.0.1:<port>` */
  uri(number: string): string;
  /** Calls the admin API; returns status and JSON body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The newest phone call of `callerIdentity` (`sip_+1555…`), polling until it exists. */
  phoneCall(callerIdentity: string, timeoutMs?: number): Promise<CallRow>;
  /** Every phone call of `callerIdentity`, newest first. */
  phoneCalls(callerIdentity: string): Promise<CallRow[]>;
  stop(): Promise<void>;
}

/**
 * Starts the stack with SIP and provisions the line (trunk, rule, contact) through the admin API.
 * `transferTo: null` provisions a line without an outside number: hand-offs are warm (the console).
 * `demoSite`: also the demo site and the widget (demo-link pages, `stack.demoUrl`).
 * `model`: how the offline model runs (e.g. the cloud stand-in with a fixed transcript).
 */
export async function startPhoneStack(name: string, opts: { transferTo?: string | null; demoSite?: boolean; model?: StackOptions['model'] } = {}): Promise<PhoneStack> {
  const pg = await startPostgres();
  let stack: Stack | undefined;
  let database: Database | undefined;
  try {
    stack = await startStack({
      ephemeral: true,
      sip: true,
      demoSite: opts.demoSite ?? false,
      widget: opts.demoSite ?? false,
      dir: join(REPO_ROOT, '.state', name),
      serverEnv: { DATABASE_URL: pg.url },
      model: opts.model,
    });
    database = await openDatabase({ url: pg.url, poolSize: 2 });
    const admin = `Bearer ${(await createAdminKey(database.db, 'e2e-phone')).key}`;
    const s = stack;
    const db = database;
    const api: PhoneStack['api'] = async (method, path, body) => {
      const res = await fetch(`${s.serverUrl}${path}`, {
        method,
        headers: { authorization: admin, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    };
    const trunk: InboundTrunkSpecInput = {
      numbers: [LINE.number],
      allowedAddresses: ['127.0.0.1/32'],
      authUsername: LINE.user,
      authPassword: LINE.password,
    };
    const transferTo = opts.transferTo === undefined ? LINE.transferTo : opts.transferTo;
    const rule: DispatchRuleSpecInput = { trunks: ['main'], agent: LINE.agent, roomPrefix: 'phone', ...(transferTo ? { transferTo } : {}) };
    for (const [path, spec] of [['/api/admin/sip/trunks/main', trunk], ['/api/admin/sip/dispatch-rules/main', rule]] as const) {
      const r = await api('PUT', path, spec);
      if (r.status !== 201) throw new Error(`provisioning ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    for (const [path, body] of [
      [`/api/admin/customers/${KNOWN_CALLER.customerId}`, KNOWN_CALLER.customer],
      [`/api/admin/orders/${KNOWN_CALLER.orderNumber}`, KNOWN_CALLER.order],
    ] as const) {
      const r = await api('PUT', path, body);
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const sipAddress = s.sip!.address;
    return {
      stack: s,
      database: db,
      admin,
      sipAddress,
      uri: (number) => `sip:${number}@${sipAddress}`,
      api,
      async phoneCall(callerIdentity, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const row = (await listCalls(db.db, { channel: 'phone', limit: 100 })).find((c) => c.callerIdentity === callerIdentity);
          if (row) return row;
          if (Date.now() > deadline) throw new Error(`no phone call of ${callerIdentity} recorded`);
          await new Promise((r) => setTimeout(r, 250));
        }
      },
      async phoneCalls(callerIdentity) {
        return (await listCalls(db.db, { channel: 'phone', limit: 100 })).filter((c) => c.callerIdentity === callerIdentity);
      },
      async stop() {
        await db.close();
        await s.stop();
        await pg.stop();
      },
    };
  } catch (err) {
    await database?.close();
    await stack?.stop();
    await pg.stop();
    throw err;
  }
}
