import { describe, expect, it } from 'vitest';
import { EndOfTurnRequest, MAX_RPC_PAYLOAD_BYTES, parseRpcPayload } from './rpc.ts';

describe('parseRpcPayload', () => {
  it('parses a valid payload', () => {
    expect(parseRpcPayload(EndOfTurnRequest, '{"speechEndMs":1700000000012.5}')).toEqual({ speechEndMs: 1_700_000_000_012.5, final: true });
    expect(parseRpcPayload(EndOfTurnRequest, '{"speechEndMs":1700000000001,"final":false}')).toEqual({ speechEndMs: 1_700_000_000_001, final: false });
  });
  it('names the problem for bad JSON, wrong shapes, extra keys and oversize payloads', () => {
    expect(() => parseRpcPayload(EndOfTurnRequest, '{')).toThrow(/not JSON/);
    expect(() => parseRpcPayload(EndOfTurnRequest, '{"speechEndMs":"x"}')).toThrow(/speechEndMs/);
    expect(() => parseRpcPayload(EndOfTurnRequest, '{"speechEndMs":1700000000000,"x":1}')).toThrow(/invalid/);
    // Times are wall-clock ms since epoch: absurd or non-finite values never reach the agent.
    for (const bad of ['1', '1e300', '-1700000000000', 'null']) {
      expect(() => parseRpcPayload(EndOfTurnRequest, `{"speechEndMs":${bad}}`)).toThrow(/speechEndMs/);
    }
    expect(() => parseRpcPayload(EndOfTurnRequest, 'x'.repeat(MAX_RPC_PAYLOAD_BYTES + 1))).toThrow(/over/);
  });
});
