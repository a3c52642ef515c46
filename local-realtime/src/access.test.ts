import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { refuseUpgrade } from './access.ts';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const KEY = 'k-0123456789abcdef';

describe('refuseUpgrade', () => {
  it('admits the key as a Bearer header or as the OpenAI subprotocol, without an Origin', () => {
    expect(refuseUpgrade(req({ authorization: `Bearer ${KEY}` }), KEY)).toBeNull();
    expect(refuseUpgrade(req({ 'sec-websocket-protocol': `realtime, openai-insecure-api-key.${KEY}` }), KEY)).toBeNull();
  });

  it('refuses a missing, wrong, prefix-only or longer key with 401', () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer nope' }, { authorization: KEY }, { authorization: `Bearer ${KEY}x` }, { authorization: `Bearer ${KEY.slice(0, -1)}` }, { 'sec-websocket-protocol': 'realtime' }]) {
      expect(refuseUpgrade(req(headers), KEY), JSON.stringify(headers)).toMatchObject({ status: 401, reason: 'bad_key' });
    }
  });

  it('refuses any Origin with 403 before looking at the key', () => {
    expect(refuseUpgrade(req({ origin: 'https://example.com', authorization: `Bearer ${KEY}` }), KEY)).toMatchObject({ status: 403, reason: 'browser_origin' });
    expect(refuseUpgrade(req({ origin: 'null', authorization: `Bearer ${KEY}` }), KEY)).toMatchObject({ status: 403 });
  });
});
