import { describe, expect, it } from 'vitest';
import { InboundTrunkSpec, normalizePhoneNumber } from './phone.ts';

describe('normalizePhoneNumber', () => {
  it('turns what SIP From users look like into E.164', () => {
    expect(normalizePhoneNumber('+15550123')).toBe('+15550123');
    expect(normalizePhoneNumber('15550123')).toBe('+15550123');
    expect(normalizePhoneNumber('0049 30 123456')).toBe('+4930123456');
    expect(normalizePhoneNumber('sip:+1 (555) 012-3456@carrier.example')).toBe('+15550123456');
  });

  it('rejects what is not a phone number (anonymous callers, names)', () => {
    expect(normalizePhoneNumber('anonymous')).toBeNull();
    expect(normalizePhoneNumber('')).toBeNull();
    expect(normalizePhoneNumber('+0123')).toBeNull();
  });
});

describe('InboundTrunkSpec', () => {
  it('needs both digest credentials or neither', () => {
    expect(InboundTrunkSpec.safeParse({ numbers: ['+15550100'], authUsername: 'carrier' }).success).toBe(false);
    expect(InboundTrunkSpec.parse({ numbers: ['+15550100'] }).allowedAddresses).toEqual([]);
  });
});
