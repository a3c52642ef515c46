import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAgent, seedDemoCustomers } from './bootstrap.ts';
import { type Database, openDatabase } from './db/client.ts';
import { jobMetrics } from './job-metrics.ts';
import { appendAudit } from './repo/audit.ts';
import { closeCall } from './repo/calls.ts';
import { openPhoneCall } from './repo/phone-calls.ts';

let database: Database;
beforeAll(async () => {
  database = await openDatabase({});
  await seedDemoCustomers(database.db);
});
afterAll(() => database?.close());

describe('containment by job', () => {
  it('counts, per job, who finished it: the agent, a person, or nobody', async () => {
    const agent = await ensureAgent(database.db, 'acme');
    const call = async (room: string, entries: [string, 'allowed' | 'refused' | 'confirmation_requested'][], outcome?: 'completed' | 'transferred' | 'abandoned') => {
      const c = await openPhoneCall(database.db, { room, callerIdentity: room, agent, callerNumber: null, hintedCustomerId: null });
      await appendAudit(database.db, c.id, entries.map(([tool, decision], i) => ({ tool, args: '{}', decision, atMs: 1_000 + i })));
      if (outcome) await closeCall(database.db, room, { endedAt: new Date(), reason: 'test', outcome });
    };
    await call('a', [['get_order_status', 'allowed']], 'completed');
    await call('b', [['get_order_status', 'refused'], ['verify_caller', 'refused'], ['transfer_to_human', 'allowed']], 'transferred');
    await call('c', [['update_shipping_address', 'confirmation_requested'], ['update_shipping_address', 'refused']], 'abandoned');
    await call('d', [['update_shipping_address', 'confirmation_requested'], ['update_shipping_address', 'allowed'], ['get_order_status', 'allowed']], 'completed');
    await call('e', [['get_order_status', 'refused']]); // still open
    expect(await jobMetrics(database.db, {})).toEqual([
      { job: 'get_order_status', started: 4, completed: 2, escalated: 1, abandoned: 0, containment: 0.5 },
      { job: 'update_shipping_address', started: 2, completed: 1, escalated: 0, abandoned: 1, containment: 0.5 },
    ]);
  });
});
