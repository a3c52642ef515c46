import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhoneCallStartResponse, type TurnLatency } from '@voice-widget/protocol';
import { agentAuth, testApp } from './test-app.ts';
import { ensureAgent } from '../bootstrap.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { createAdminKey } from '../repo/admin-keys.ts';
import { findCall } from '../repo/calls.ts';

let database: Database;
let admin: string;
beforeAll(async () => {
  database = await openDatabase({}); // PGlite in memory
  await ensureAgent(database.db, 'acme');
  admin = `Bearer ${(await createAdminKey(database.db, 'test')).key}`;
});
afterAll(() => database?.close());

const app = () => testApp(database.db);

describe('phone calls', () => {
  it('the agent opens the call and gets the config and whether the number is known — no customer data', async () => {
    const put = await request(app())
      .put('/api/admin/customers/C-1815')
      .set('authorization', admin)
      .send({ name: 'Ada Lovelace', phone: '+15550123', account: 'AC-1815', code: '4321' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'C-1815', hasCode: true });
    expect(JSON.stringify(put.body)).not.toContain('4321');

    const room = 'phone-_+15550123_abc';
    const res = await request(app())
      .post(`/api/calls/${encodeURIComponent(room)}/phone`)
      .set('authorization', await agentAuth(room))
      .send({ agent: 'acme', callerIdentity: 'sip_+15550123', callerNumber: '15550123', calledNumber: '+15550100' });
    expect(res.status).toBe(200);
    const body = PhoneCallStartResponse.parse(res.body);
    expect(body.config.agent).toBe('acme');
    expect(body.callerKnown).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(/Ada|AC-1815|C-1815/); // caller ID is a hint, never proof
    const call = await findCall(database.db, room);
    expect(call).toMatchObject({ channel: 'phone', callerIdentity: 'sip_+15550123' });
    expect(call?.joinedAt).not.toBeNull();

    // Idempotent: a retried start keeps the one call.
    const again = await request(app())
      .post(`/api/calls/${encodeURIComponent(room)}/phone`)
      .set('authorization', await agentAuth(room))
      .send({ agent: 'acme', callerIdentity: 'sip_+15550123', callerNumber: '+15550123' });
    expect(again.status).toBe(200);
    expect((await findCall(database.db, room))?.id).toBe(call?.id);
    expect(body.config.caller).toBeNull();

    // A resumed agent's start (issue 15) after the caller proved who they are: still verified.
    const verified = await request(app())
      .post(`/api/calls/${encodeURIComponent(room)}/verify`)
      .set('authorization', await agentAuth(room))
      .send({ code: '4321', via: 'dtmf' });
    expect(verified.body).toMatchObject({ verified: true });
    const resumed = await request(app())
      .post(`/api/calls/${encodeURIComponent(room)}/phone`)
      .set('authorization', await agentAuth(room))
      .send({ agent: 'acme', callerIdentity: 'sip_+15550123', callerNumber: '+15550123' });
    expect(PhoneCallStartResponse.parse(resumed.body).config.caller).toMatchObject({ customerId: 'C-1815', method: 'phone_code' });

    // The agent config route now works for the phone call too.
    const cfg = await request(app()).get(`/api/calls/${encodeURIComponent(room)}/agent-config`).set('authorization', await agentAuth(room));
    expect(cfg.status).toBe(200);
  });

  it('unknown numbers are not known; other rooms’ tokens and unknown agents are refused', async () => {
    const room = 'phone-_+19995550000_x';
    const ok = await request(app())
      .post(`/api/calls/${encodeURIComponent(room)}/phone`)
      .set('authorization', await agentAuth(room))
      .send({ agent: 'acme', callerIdentity: 'sip_+19995550000', callerNumber: '+19995550000' });
    expect(ok.body.callerKnown).toBe(false);
    const wrongRoom = await request(app())
      .post(`/api/calls/${encodeURIComponent(room)}/phone`)
      .set('authorization', await agentAuth('other'))
      .send({ agent: 'acme', callerIdentity: 'sip_1' });
    expect(wrongRoom.status).toBe(403);
    const noAgent = await request(app())
      .post('/api/calls/phone-new/phone')
      .set('authorization', await agentAuth('phone-new'))
      .send({ agent: 'nobody', callerIdentity: 'sip_1' });
    expect(noAgent.status).toBe(404);
  });

  it('stores phone turns measured from a caller recording with the call, admin only', async () => {
    const room = 'phone-_+15550123_abc';
    const turn: TurnLatency = {
      index: 0, speechEndAt: 1_700_000_001_000, playStartAt: 1_700_000_001_640, perceivedMs: 640, overlap: false, stages: null, endOfTurnSource: 'model_vad', clockUncertaintyMs: null,
    };
    expect((await request(app()).post(`/api/admin/calls/${encodeURIComponent(room)}/turns`).send({ turns: [turn] })).status).toBe(401);
    const res = await request(app()).post(`/api/admin/calls/${encodeURIComponent(room)}/turns`).set('authorization', admin).send({ turns: [turn] });
    expect(res.status).toBe(201);
    const detail = await request(app()).get(`/api/admin/calls/${encodeURIComponent(room)}`).set('authorization', admin);
    expect(detail.body.turns?.[0]?.perceivedMs ?? detail.body.turns?.[0]?.perceived_ms).toBe(640);
  });

  it('SIP provisioning answers 503 when the server has no LiveKit SIP client, 400 on bad specs', async () => {
    const bad = await request(app()).put('/api/admin/sip/trunks/main').set('authorization', admin).send({ numbers: ['5550100'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/E\.164/);
    const none = await request(app()).put('/api/admin/sip/trunks/main').set('authorization', admin).send({ numbers: ['+15550100'] });
    expect(none.status).toBe(503);
  });
});

