import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPhone, logHashKey } from '@voice-widget/protocol/log-safety';
import { createApp } from './app.ts';
import { type Database, openDatabase } from './db/client.ts';
import { createLogger } from './log.ts';

const apiKey = 'APIlogtest1234';
const apiSecret = 'a-log-test-secret-that-is-at-least-32-chars';

/** A logger writing into an array of lines, as the server's would to its log file. */
function capture(logPii = false) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger({ level: 'debug', apiSecret, secrets: [apiKey], logPii, destination }), lines };
}

let database: Database;
beforeAll(async () => {
  database = await openDatabase({});
});
afterAll(() => database?.close());

describe('server logs are safe to hand to support', () => {
  it('request logs carry no Authorization header, cookie, query token or client address', async () => {
    const { log, lines } = capture();
    const app = createApp({
      db: database.db,
      log,
      allowedOrigins: ['*'],
      sessions: { rooms: { createRoom: async () => ({}) as never }, apiKey, apiSecret, publicUrl: 'ws://127.0.0.1:7880', agentName: 'a', tokenTtlS: 600 },
    });
    const bearer = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl';
    await request(app).get('/api/admin/agents').set('Authorization', `Bearer vwk_${'k'.repeat(43)}`);
    await request(app).post('/api/sessions/web_x/turns').set('Authorization', `Bearer ${bearer}`).set('Cookie', 'vw_admin=s3cr3t-session-id').send({});
    await request(app).get(`/dashboard/signin?token=vws_${'t'.repeat(43)}`);
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3); // the requests were logged …
    expect(all).toMatch(/"path":"\/dashboard\/signin"/);
    for (const leaked of ['vwk_', bearer, 's3cr3t-session-id', 'vws_', 'authorization', '127.0.0.1']) expect(all).not.toContain(leaked); // … without their secrets
  });

  it('drops pii unless LOG_PII=1, censors credential fields and known secrets, hashes phone numbers', () => {
    const { log, lines } = capture();
    log.info({ room: 'phone_+15550123_AbC', caller: 'sip_+15550123', pii: { transcript: 'my name is Ada Lovelace' }, apiSecret, token: 'x'.repeat(20), cfg: { url: `wss://h?secret=${apiSecret}` } }, 'phone call started');
    const line = lines.at(-1)!;
    expect(line).not.toContain('Ada Lovelace');
    expect(line).not.toContain(apiSecret);
    expect(line).not.toContain('15550123');
    expect(line).toContain(hashPhone('+15550123', logHashKey(apiSecret)));
    expect(JSON.parse(line)).toMatchObject({ apiSecret: '[redacted]', token: '[redacted]' });

    const debug = capture(true);
    debug.log.info({ pii: { transcript: 'my name is Ada Lovelace' } }, 'turn');
    expect(debug.lines.at(-1)).toContain('Ada Lovelace');
  });
});
