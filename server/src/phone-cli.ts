/**
 * Phone operator CLI (issue 6). SIP commands talk to LiveKit (LIVEKIT_URL, LIVEKIT_API_KEY,
 * LIVEKIT_API_SECRET, AGENT_NAME); customer and order commands work on the contact store in the
 * server's database (DATABASE_URL,
 * or PGLITE_DIR — stop the server first when it uses PGlite). Every `put` is idempotent.
 *
 *   tsx src/phone-cli.ts trunk put NAME --numbers +15550100[,+1…] [--allow 203.0.113.0/24,…] [--user U --password P]
 *   tsx src/phone-cli.ts trunk list | trunk delete NAME
 *   tsx src/phone-cli.ts rule put NAME --trunks NAME[,…] --agent SLUG [--room-prefix phone] [--transfer-to tel:+1…|sip:…]
 *   tsx src/phone-cli.ts rule list | rule delete NAME
 *   tsx src/phone-cli.ts customer put ID --name "Ada" [--phone +15550123] [--email ..] [--account A-1] [--code 4321] [--notes ..]
 *   tsx src/phone-cli.ts customer list | customer delete ID
 *   tsx src/phone-cli.ts order put NUMBER --customer ID --status shipped [--summary 'arrives Friday'] --address '12 Main St'
 *   tsx src/phone-cli.ts order list [--customer ID] | case list [--customer ID]
 *   tsx src/phone-cli.ts latency SENT.wav RECEIVED.wav      per-turn latency of a caller recording
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SipClient } from 'livekit-server-sdk';
import { z } from 'zod';
import {
  CustomerId,
  CustomerInput,
  DispatchRuleSpec,
  E164,
  OrderId,
  OrderInput,
  InboundTrunkSpec,
  energyEnvelope,
  normalizePhoneNumber,
  parseWavPcm16,
  phoneTurnsFromEnvelopes,
  summarize,
} from '@voice-widget/protocol';
import { DEFAULT_PGLITE_DIR } from './config.ts';
import { openDatabase } from './db/client.ts';
import { deleteCustomer, listCases, listCustomers, listOrders, upsertCustomer, upsertOrder } from './repo/customers.ts';
import { SipProvisioner } from './sip/provision.ts';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    numbers: { type: 'string' },
    allow: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    trunks: { type: 'string' },
    agent: { type: 'string' },
    'room-prefix': { type: 'string' },
    'transfer-to': { type: 'string' },
    name: { type: 'string' },
    phone: { type: 'string' },
    email: { type: 'string' },
    account: { type: 'string' },
    code: { type: 'string' },
    notes: { type: 'string' },
    customer: { type: 'string' },
    status: { type: 'string' },
    summary: { type: 'string' },
    address: { type: 'string' },
  },
});
const [group, command, arg] = positionals;
const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);

function provisioner(): SipProvisioner {
  const env = z
    .object({ LIVEKIT_URL: z.string().url(), LIVEKIT_API_KEY: z.string().min(1), LIVEKIT_API_SECRET: z.string().min(32), AGENT_NAME: z.string().default('voice-agent') })
    .parse(process.env);
  return new SipProvisioner(new SipClient(env.LIVEKIT_URL.replace(/^ws/, 'http'), env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET), env.AGENT_NAME);
}

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url: process.env.DATABASE_URL, pgliteDir: process.env.PGLITE_DIR ?? DEFAULT_PGLITE_DIR, poolSize: 1 });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

const phoneArg = (v: string | undefined) => E164.parse(normalizePhoneNumber(v ?? '') ?? v);

try {
  switch (`${group} ${command}`) {
    case 'trunk put': {
      const spec = InboundTrunkSpec.parse({ numbers: list(opt.numbers), allowedAddresses: list(opt.allow) ?? [], authUsername: opt.user, authPassword: opt.password });
      const r = await provisioner().putTrunk(arg ?? '', spec);
      console.log(`trunk "${arg}" ${r.action} (${r.trunk.id}): ${r.trunk.numbers.join(', ')}; from ${r.trunk.allowedAddresses.join(', ') || 'any address'}; ${r.trunk.authUsername ? `digest user ${r.trunk.authUsername}` : 'no digest auth'}`);
      break;
    }
    case 'trunk list':
      for (const t of await provisioner().listTrunks()) console.log(`${t.name}\t${t.id}\t${t.numbers.join(',')}\t${t.allowedAddresses.join(',') || '*'}\t${t.authUsername ?? '-'}`);
      break;
    case 'trunk delete':
      console.log(`${await provisioner().deleteTrunk(arg ?? '')} trunk(s) deleted`);
      break;
    case 'rule put': {
      const spec = DispatchRuleSpec.parse({ trunks: list(opt.trunks), agent: opt.agent, roomPrefix: opt['room-prefix'], transferTo: opt['transfer-to'] });
      const r = await provisioner().putRule(arg ?? '', spec);
      console.log(`dispatch rule "${arg}" ${r.action} (${r.rule.id}): rooms ${r.rule.roomPrefix}_<number called>_<id>, agent ${r.rule.agentName}, metadata ${r.rule.metadata}`);
      break;
    }
    case 'rule list':
      for (const r of await provisioner().listRules()) console.log(`${r.name}\t${r.id}\ttrunks ${r.trunkIds.join(',')}\t${r.roomPrefix}\t${r.agentName}\t${r.metadata}`);
      break;
    case 'rule delete':
      console.log(`${await provisioner().deleteRule(arg ?? '')} rule(s) deleted`);
      break;
    case 'customer put': {
      const phone = opt.phone ? phoneArg(opt.phone) : undefined;
      const input = CustomerInput.parse({ name: opt.name, phone, email: opt.email, account: opt.account, code: opt.code, notes: opt.notes });
      const c = await withDb((db) => upsertCustomer(db, CustomerId.parse(arg), input));
      console.log(`customer ${c.id} saved: ${c.name}${c.codeHash ? ' (has a phone code)' : ''}`);
      break;
    }
    case 'customer list':
      for (const c of await withDb(listCustomers)) console.log(`${c.id}\t${c.name}\t${c.phone ?? '-'}\t${c.account ?? '-'}\t${c.codeHash ? 'code' : 'no code'}`);
      break;
    case 'customer delete':
      console.log((await withDb((db) => deleteCustomer(db, arg ?? ''))) ? 'customer deleted' : 'no such customer');
      break;
    case 'order put': {
      const input = OrderInput.parse({ customerId: opt.customer, status: opt.status, summary: opt.summary, shippingAddress: opt.address });
      const o = await withDb((db) => upsertOrder(db, OrderId.parse(arg), input));
      console.log(`order ${o.number} saved: ${o.status}, ${o.shippingAddress}`);
      break;
    }
    case 'order list':
      for (const o of await withDb((db) => listOrders(db, opt.customer))) console.log(`${o.number}\t${o.customerId}\t${o.status}\t${o.summary}\t${o.shippingAddress}`);
      break;
    case 'case list':
      for (const c of await withDb((db) => listCases(db, opt.customer))) console.log(`${c.id}\t${c.createdAt}\t${c.customerId ?? '-'}\t${c.category}\t${c.summary}`);
      break;
    default:
      if (group === 'latency' && command && arg) {
        const sent = parseWavPcm16(readFileSync(command));
        const received = parseWavPcm16(readFileSync(arg));
        const turns = phoneTurnsFromEnvelopes(energyEnvelope(sent.samples, sent.sampleRateHz), energyEnvelope(received.samples, received.sampleRateHz));
        for (const t of turns) console.log(`speech end ${(t.speechEndMs / 1000).toFixed(2)} s → agent audio ${(t.playStartMs / 1000).toFixed(2)} s: ${t.perceivedMs} ms${t.overlap ? ' (overlap)' : ''}`);
        const s = summarize(turns.filter((t) => !t.overlap).map((t) => t.perceivedMs));
        console.log(`turns ${s.count}, P50 ${s.p50 ?? '-'} ms, P95 ${s.p95 ?? '-'} ms, max ${s.max ?? '-'} ms`);
        break;
      }
      console.error('usage: tsx src/phone-cli.ts <trunk|rule|customer|order|case> <put|list|delete> … | latency SENT.wav RECEIVED.wav (see the top of src/phone-cli.ts)');
      process.exitCode = 2;
  }
} catch (err) {
  if (err instanceof z.ZodError) console.error(`invalid input:\n${z.prettifyError(err)}`);
  else console.error((err as Error).message);
  process.exitCode = 1;
}
