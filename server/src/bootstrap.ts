import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AgentConfig } from '@voice-widget/protocol';
import type { Db } from './db/client.ts';
import { KEY_FORMAT, createAdminKey, importAdminKey } from './repo/admin-keys.ts';
import { verifyStaffKey } from './repo/staff.ts';
import { type AgentRow, createAgent, findAgent } from './repo/agents.ts';
import { listCustomers, upsertCustomer, upsertOrder } from './repo/customers.ts';

/** A working starting configuration for an agent named after `company` (default limits). */
export function defaultAgentConfig(company: string): AgentConfig {
  return AgentConfig.parse({
    name: `${company} assistant`,
    description: `Answers questions about ${company}'s orders, opening hours and returns, out loud.`,
    // The persona only: the worker adds what the enabled tools make possible (agent-worker/src/session/agent-setup.ts).
    instructions: `You are a friendly voice assistant for ${company}. Keep answers short: one or two sentences. You are an AI, and say so if asked.`,
    greeting: `Hi, I'm an AI assistant for ${company}. How can I help?`,
    voice: 'alloy',
    model: 'gpt-realtime',
    tools: ['get_order_status', 'update_shipping_address', 'create_case', 'opening_hours', 'transfer_to_human', 'end_call'],
    openingHours: 'Monday to Friday from nine a.m. to six p.m., and Saturday from ten to two.',
    allowedOrigins: ['*'],
    language: 'en',
    turnTaking: 'fast',
    outbound: { company },
  });
}

/** Creates agent `slug` with the default configuration unless it exists; returns it either way. */
export async function ensureAgent(db: Db, slug: string, company = titleCase(slug)): Promise<AgentRow> {
  return (await findAgent(db, slug)) ?? createAgent(db, slug, defaultAgentConfig(company));
}

const titleCase = (slug: string) => slug.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase());

/**
 * Demo data for an empty contact store (the demo stack and tests): two customers with phone codes
 * and orders, so the tools have something real to find. Does nothing when any customer exists.
 */
export async function seedDemoCustomers(db: Db): Promise<boolean> {
  if ((await listCustomers(db)).length > 0) return false;
  await upsertCustomer(db, 'C-1815', { name: 'Ada Lovelace', phone: '+15550123', email: 'ada@example.com', account: 'AC-1815', code: '4321', notes: '' });
  await upsertCustomer(db, 'C-1906', { name: 'Grace Hopper', phone: '+15550124', email: 'grace@example.com', account: 'AC-1906', code: '1906', notes: '' });
  await upsertOrder(db, '1042', { customerId: 'C-1815', status: 'shipped', summary: 'arrives Friday', shippingAddress: '12 Analytical Way, London' });
  await upsertOrder(db, '1043', { customerId: 'C-1815', status: 'being packed', summary: 'ships tomorrow', shippingAddress: '12 Analytical Way, London' });
  await upsertOrder(db, '2001', { customerId: 'C-1906', status: 'delivered', summary: 'delivered on Monday', shippingAddress: '9 Compiler Road, Arlington' });
  return true;
}

/**
 * Makes `file` hold a live admin key of this database: an existing key in it is registered (a
 * fresh database keeps working with the same file); a missing, malformed or revoked one is
 * replaced by a new key. The file is written mode 0600 in a 0700 folder. Returns what it did.
 */
export async function ensureAdminKeyFile(db: Db, file: string): Promise<'kept' | 'registered' | 'created'> {
  const existing = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (KEY_FORMAT.test(existing)) {
    const imported = await importAdminKey(db, 'operator (key file)', existing);
    if (imported) return imported.inserted ? 'registered' : 'kept';
  }
  const { key } = await createAdminKey(db, 'operator (key file)');
  writeKeyFile(file, key);
  return 'created';
}

/**
 * The demo's console key: the key in `file` if it is still a live agent key of this database,
 * else a new agent-role key for `name`, written to `file` (mode 0600; only its hash is stored).
 * Returns whether a key was created.
 */
export async function ensureConsoleKeyFile(db: Db, file: string, name: string): Promise<boolean> {
  const existing = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (existing && (await verifyStaffKey(db, existing))?.role === 'agent') return false;
  const { key } = await createAdminKey(db, name, 'agent');
  writeKeyFile(file, key);
  return true;
}

/** Writes a key file mode 0600 (from the first byte) in a 0700 folder. */
function writeKeyFile(file: string, key: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
