import { describe, expect, it } from 'vitest';
import { EndOfTurnRequest, MAX_RPC_PAYLOAD_BYTES, parseRpcPayload } from './rpc.ts';

describe('parseRpcPayload', () => {
  it('parses a valid payload', () => {
    expect(parseRpcPayload(EndOfTurnRequest, '{"speechEndMs":12.5}')).toEqual({ speechEndMs: 12.5, final: true });
    expect(parseRpcPayload(EndOfTurnRequest, '{"speechEndMs":1,"final":false}')).toEqual({ speechEndMs: 1, final: false });
  });
  it('names the problem for bad JSON, wrong shapes, extra keys and oversize payloads', () => {
    expect(() => parseRpcPayload(EndOfTurnRequest, '{')).toThrow(/not JSON/);
    expect(() => parseRpcPayload(EndOfTurnRequest, '{"speechEndMs":"x"}')).toThrow(/speechEndMs/);
    expect(() => parseRpcPayload(EndOfTurnRequest, '{"speechEndMs":1,"x":1}')).toThrow(/invalid/);
    expect(() => parseRpcPayload(EndOfTurnRequest, 'x'.repeat(MAX_RPC_PAYLOAD_BYTES + 1))).toThrow(/over/);
  });
});
