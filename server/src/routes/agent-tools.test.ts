/**
 * The server's half of "the model proposes, code decides": the agent's tool, verification and
 * audit routes on a real database (PGlite in memory) — verification by code with a lock after
 * three wrong codes, scope (only the verified caller's orders), confirmation and idempotency for
 * state changes, signed identities for web callers, and the audit trail of each decision.
 */
import { SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentConfigResponse, ToolRunResponse, VerifyResponse } from '@voice-widget/protocol';
import { agentAuth, testApp } from './test-app.ts';
import { ensureAgent, seedDemoCustomers } from '../bootstrap.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { agentSecret } from '../repo/agents.ts';
import { REPLAY_WINDOW_S, clearReplayResults, listAudit } from '../repo/audit.ts';
import { findCall } from '../repo/calls.ts';
import { findOrder } from '../repo/customers.ts';

const key = (c: string) => c.repeat(64);

let database: Database;
let agentId: number;
beforeAll(async () => {
  database = await openDatabase({});
  agentId = (await ensureAgent(database.db, 'acme')).id;
  await seedDemoCustomers(database.db);
});
afterAll(() => database?.close());

const app = () => testApp(database.db);

/** A phone call from `number`, opened the way the agent opens it. */
async function phoneCall(number: string): Promise<string> {
  const room = `phone-_${number}_${Math.random().toString(36).slice(2, 8)}`;
  const res = await request(app())
    .post(`/api/calls/${encodeURIComponent(room)}/phone`)
    .set('authorization', await agentAuth(room))
    .send({ agent: 'acme', callerIdentity: `sip_${number}`, callerNumber: number });
  expect(res.status).toBe(200);
  return room;
}

const verify = async (room: string, code: string) =>
  request(app()).post(`/api/calls/${encodeURIComponent(room)}/verify`).set('authorization', await agentAuth(room)).send({ code, via: 'dtmf' });

const tool = async (room: string, name: string, body: Record<string, unknown>) =>
  request(app())
    .post(`/api/calls/${encodeURIComponent(room)}/tools/${name}`)
    .set('authorization', await agentAuth(room))
    .send({ atMs: Date.now(), ...body });

const auditOf = async (room: string) => listAudit(database.db, (await findCall(database.db, room))!.id);

describe('phone verification', () => {
  it('locks after three wrong codes, and then even the right code does not verify', async () => {
    const room = await phoneCall('+15550123');
    const attempts = [];
    for (const code of ['1111', '2222', '3333']) attempts.push(VerifyResponse.parse((await verify(room, code)).body));
    expect(attempts.map((a) => [a.verified, a.attemptsLeft, a.locked])).toEqual([
      [false, 2, false],
      [false, 1, false],
      [false, 0, true],
    ]);
    const late = VerifyResponse.parse((await verify(room, '4321')).body);
    expect(late).toMatchObject({ verified: false, locked: true, caller: null });
    const audit = await auditOf(room);
    expect(audit.map((a) => a.reason)).toEqual(['wrong_code', 'wrong_code', 'verification_locked', 'verification_locked']);
    expect(JSON.stringify(audit)).not.toMatch(/1111|4321/); // codes are never stored
  });

  it('the right code (or the last four digits of the account) verifies and scopes the caller to their orders', async () => {
    const room = await phoneCall('+15550123');
    const ok = VerifyResponse.parse((await verify(room, '1815')).body); // account AC-1815
    expect(ok).toMatchObject({ verified: true, caller: { customerId: 'C-1815', name: 'Ada Lovelace', method: 'phone_code' } });
    expect(ok.caller?.orders.sort()).toEqual(['1042', '1043']);
  });

  it('a number no customer has verifies nobody, whatever the code', async () => {
    const room = await phoneCall('+15559999');
    expect(VerifyResponse.parse((await verify(room, '4321')).body)).toMatchObject({ verified: false, attemptsLeft: 2 });
  });
});

describe('tools on the server', () => {
  it('refuses account data to an unverified caller, and another customer’s order to a verified one', async () => {
    const room = await phoneCall('+15550123');
    const unverified = await tool(room, 'get_order_status', { args: { order_id: '1042' } });
    expect(unverified.status).toBe(403);
    expect(unverified.body.error.code).toBe('not_verified');
    expect(JSON.stringify(unverified.body)).not.toContain('shipped');

    await verify(room, '4321');
    const own = ToolRunResponse.parse((await tool(room, 'get_order_status', { args: { order_id: '1042' } })).body);
    expect(own.result.say).toBe('Order 1 0 4 2 is shipped, arrives Friday.');
    const other = await tool(room, 'get_order_status', { args: { order_id: '2001' } }); // Grace's order
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('out_of_scope');
    const unknown = await tool(room, 'get_order_status', { args: { order_id: '9999' } });
    expect(unknown.body.error.code).toBe('out_of_scope'); // same answer: no probing which orders exist

    const audit = await auditOf(room);
    expect(audit.filter((a) => a.tool === 'get_order_status').map((a) => [a.decision, a.reason ?? null])).toEqual([
      ['refused', 'not_verified'],
      ['allowed', null],
      ['refused', 'out_of_scope'],
      ['refused', 'out_of_scope'],
    ]);
  });

  it('applies a confirmed change once: the retried key is replayed, one change, one audit row with two attempts', async () => {
    const room = await phoneCall('+15550123');
    await verify(room, '4321');
    const args = { order_id: '1043', address: '7 Difference Engine Lane, Oxford' };
    const unconfirmed = await tool(room, 'update_shipping_address', { args, idempotencyKey: key('a') });
    expect(unconfirmed.status).toBe(403);
    expect(unconfirmed.body.error.code).toBe('not_confirmed');
    expect((await findOrder(database.db, '1043'))?.shippingAddress).toBe('12 Analytical Way, London');
    const noKey = await tool(room, 'update_shipping_address', { args, confirmation: { text: 'yes', atMs: Date.now() } });
    expect(noKey.status).toBe(400);

    const body = { args, idempotencyKey: key('b'), confirmation: { text: 'yes please', atMs: Date.now() } };
    const first = ToolRunResponse.parse((await tool(room, 'update_shipping_address', body)).body);
    const retry = ToolRunResponse.parse((await tool(room, 'update_shipping_address', body)).body);
    expect(first).toMatchObject({ replayed: false, attempts: 1 });
    expect(retry).toMatchObject({ replayed: true, attempts: 2, result: first.result });
    expect((await findOrder(database.db, '1043'))?.shippingAddress).toBe(args.address);
    const rows = (await auditOf(room)).filter((a) => a.idempotencyKey === key('b'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ decision: 'allowed', attempts: 2, confirmation: { text: 'yes please' } });
    // The audit trail keeps the redacted result; the raw copy that answered the retry is dropped
    // after the idempotency window (the sweeper), then a retry gets the redacted one.
    expect(rows[0]!.result).not.toContain('Difference Engine');
    expect(await clearReplayResults(database.db, new Date(Date.now() + REPLAY_WINDOW_S * 1000))).toBeGreaterThanOrEqual(1);
    const late = ToolRunResponse.parse((await tool(room, 'update_shipping_address', body)).body);
    expect(JSON.stringify(late.result)).not.toContain('Difference Engine');
  });

  it('rejects bad arguments and tools the agent does not have', async () => {
    const room = await phoneCall('+15550124');
    const bad = await tool(room, 'get_order_status', { args: { order_id: '1042; drop table orders' } });
    expect(bad.status).toBe(400);
    const notEnabled = await tool(room, 'cancel_every_order', { args: {} });
    expect(notEnabled.status).toBe(403);
    expect(notEnabled.body.error.code).toBe('tool_not_enabled');
  });
});

describe('signed identity (web)', () => {
  const sign = async (claims: Record<string, unknown>, expInS: number, secret?: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) + expInS)
      .sign(new TextEncoder().encode(secret ?? (await agentSecret(database.db, agentId))));

  it('starts the call verified as the customer the site signed for, with their orders in scope', async () => {
    const identity = await sign({ sub: 'C-1906', name: 'Grace Hopper' }, 600);
    const res = await request(app()).post('/api/sessions').send({ agent: 'acme', identity });
    expect(res.status).toBe(201);
    const cfg = AgentConfigResponse.parse(
      (await request(app()).get(`/api/calls/${res.body.room}/agent-config`).set('authorization', await agentAuth(res.body.room))).body,
    );
    expect(cfg.caller).toEqual({ customerId: 'C-1906', name: 'Grace Hopper', method: 'signed_identity', orders: ['2001'] });
  });

  it('refuses a wrong secret, an identity valid for too long, and missing claims — and starts no call', async () => {
    for (const identity of [
      await sign({ sub: 'C-1906', name: 'Grace Hopper' }, 600, 'not-the-agent-secret-but-32-chars-long!!'),
      await sign({ sub: 'C-1906', name: 'Grace Hopper' }, 86_400),
      await sign({ name: 'Grace Hopper' }, 600),
    ]) {
      const res = await request(app()).post('/api/sessions').send({ agent: 'acme', identity });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_identity');
    }
  });
});
