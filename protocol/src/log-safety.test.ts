import { describe, expect, it } from 'vitest';
import { createLineRedactor, hashPhone, safeLoggerOptions } from './log-safety.ts';

const hashKey = 'k'.repeat(32);
const secret = 'Zq3vW9yTq0cN4rB6sXg2pLm8hJ5dK1aE7uF0iO3nVtY';
const redact = createLineRedactor({ secrets: [secret, 'short'], hashKey });

describe('createLineRedactor', () => {
  it('replaces known secrets, JWTs and our key formats wherever they appear', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYWxsZXIifQ.c2lnbmF0dXJl';
    const line = `{"msg":"cfg","api_secret":"${secret}","h":"Bearer ${jwt}","k":"vwk_${'a'.repeat(43)}","s":"vws_${'b'.repeat(43)}"}`;
    const out = redact(line);
    for (const leaked of [secret, jwt, 'vwk_a', 'vws_b']) expect(out).not.toContain(leaked);
    expect(out).toContain('[jwt]');
    // Strings shorter than 8 characters are not treated as secrets (they would censor ordinary words).
    expect(redact('a short line')).toBe('a short line');
  });

  it('hashes phone numbers in room names, SIP identities, URIs and encoded URLs, stably', () => {
    const h = hashPhone('+15550123', hashKey);
    expect(h).toMatch(/^tel#[0-9a-f]{8}$/);
    expect(redact('room phone_+15550123_AbCd joined')).toBe(`room phone_${h}_AbCd joined`);
    expect(redact('identity sip_+15550123')).toBe(`identity sip_${h}`);
    expect(redact('From: <sip:15550123@10.0.0.1>')).toBe(`From: <sip:${h}@10.0.0.1>`);
    expect(redact('"url":"/api/calls/phone_%2B15550123_x/phone"')).toBe(`"url":"/api/calls/phone_${h}_x/phone"`);
    // The same number gives the same pseudonym, another number another one; output is stable.
    expect(hashPhone('+15550124', hashKey)).not.toBe(h);
    expect(redact(redact('sip_+15550123'))).toBe(`sip_${h}`);
  });

  it('drops the pii field of JSON lines when asked (a third-party logger that keeps it)', () => {
    const line = '{"level":30,"msg":"user turn transcribed","pii":{"transcript":"my card is four one one one"},"itemId":"i1"}';
    const shipper = createLineRedactor({ hashKey, dropPii: true });
    expect(JSON.parse(shipper(line))).toEqual({ level: 30, msg: 'user turn transcribed', itemId: 'i1' });
    expect(redact(line)).toBe(line); // not asked: LOG_PII=1
    expect(shipper('not json with "pii"')).toBe('not json with "pii"');
  });

  it('leaves timestamps, ports, durations and ids alone', () => {
    const line = '{"level":30,"time":1732868236123,"port":7880,"ms":1500000,"room":"web_AbC123"}';
    expect(redact(line)).toBe(line);
  });
});

describe('safeLoggerOptions', () => {
  it('drops the pii field unless enabled and censors credential fields', () => {
    const off = safeLoggerOptions({ logPii: false, hashKey });
    const on = safeLoggerOptions({ logPii: true, hashKey });
    expect(off.formatters.log({ msg: 'turn', pii: { transcript: 'my name is Ada' } })).toEqual({ msg: 'turn' });
    expect(on.formatters.log({ msg: 'turn', pii: { transcript: 'x' } })).toEqual({ msg: 'turn', pii: { transcript: 'x' } });
    expect(off.redact.paths).toEqual(expect.arrayContaining(['req.headers.authorization', 'req.headers.cookie', '*.token', 'apiSecret']));
  });
});
