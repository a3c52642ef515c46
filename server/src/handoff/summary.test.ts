import { describe, expect, it } from 'vitest';
import type { PackageAction } from '@voice-widget/protocol';
import { type SummaryInput, handoffSummary, parseArgs } from './summary.ts';

const action = (tool: string, decision: string, reason: string | null = null, said: string | null = null): PackageAction => ({ tool, decision, reason, said, atMs: 0 });

const base: SummaryInput = {
  channel: 'web',
  caller: { verified: true, method: 'signed_identity', name: 'Ada Lovelace', customerId: 'C-1815', number: null, numberKnown: false },
  reason: 'wants a refund',
  via: 'conversation',
  actions: [],
  args: [],
  transcript: [],
};

const sentences = (s: string) => s.split(/(?<=[.”])\s+(?=[A-Z])/).length;

describe('handoffSummary', () => {
  it('says who (verified, and how), why, what the agent did and the last words, in three sentences', () => {
    const s = handoffSummary({
      ...base,
      actions: [
        action('get_order_status', 'allowed', null, 'Order 1 0 4 2 is shipped, arrives Friday.'),
        action('update_shipping_address', 'confirmation_requested'),
        action('update_shipping_address', 'refused', 'declined'),
      ],
      args: ['{"order_id":"1042"}', '{"order_id":"1043","address":"7 Difference Engine Lane"}', '{"order_id":"1043","address":"7 Difference Engine Lane"}'],
      transcript: [
        { speaker: 'agent', text: 'Hi Ada.', atMs: 1 },
        { speaker: 'caller', text: 'Actually I want a refund, can I talk to someone?', atMs: 2 },
      ],
    });
    expect(s).toBe(
      'Ada Lovelace (signed in on the website) is calling on the website and asked for a person: wants a refund. ' +
        'The agent looked up order 1042 (shipped, arrives Friday) and did not go ahead with changing the delivery address of order 1043 to 7 Difference Engine Lane: the caller said no. ' +
        'Their last words: “Actually I want a refund, can I talk to someone?”',
    );
    expect(sentences(s)).toBe(3);
  });

  it('never names an unverified caller, and says a number is only a hint', () => {
    const s = handoffSummary({
      ...base,
      channel: 'phone',
      via: 'keypad',
      reason: 'asked for a person',
      caller: { verified: false, method: null, name: null, customerId: null, number: '+15550123', numberKnown: true },
      actions: [action('verify_caller', 'refused', 'wrong_code'), action('verify_caller', 'refused', 'verification_locked'), action('get_order_status', 'refused', 'not_verified')],
      args: ['{"via":"dtmf"}', '{"via":"dtmf"}', '{"order_id":"1042"}'],
    });
    expect(s).toMatch(/^An unverified caller on \+15550123 \(a customer’s number, not proof\) is calling by phone and asked for a person by pressing 0\./);
    expect(s).toMatch(/could not verify the caller \(locked after three wrong codes\) and could not look up order 1042: the caller is not verified\./);
    expect(s).not.toMatch(/Ada/);
    expect(sentences(s)).toBe(2); // no caller words to quote
  });

  it('says so when the agent did nothing yet, and cuts long last words', () => {
    const long = `I need ${'very '.repeat(60)}much help`;
    const s = handoffSummary({ ...base, caller: { ...base.caller, verified: false, name: null, method: null }, transcript: [{ speaker: 'caller', text: long, atMs: 1 }] });
    expect(s).toMatch(/^An unverified website visitor is calling and asked for a person: wants a refund\. The agent has not done anything for them yet\. Their last words: “I need very/);
    expect(s.length).toBeLessThan(400);
    expect(s).toMatch(/…”$/);
  });

  it('keeps only each job’s last decision (a confirmed change after its read-back)', () => {
    const args = '{"order_id":"1043","address":"5 Main St"}';
    const s = handoffSummary({ ...base, actions: [action('update_shipping_address', 'confirmation_requested'), action('update_shipping_address', 'allowed')], args: [args, args] });
    expect(s).toMatch(/The agent changed the delivery address of order 1043 to 5 Main St\./);
    expect(s).not.toMatch(/read back/);
  });
});

describe('parseArgs', () => {
  it('keeps string and number values, ignores the rest and bad JSON', () => {
    expect(parseArgs('{"order_id":"1042","n":3,"deep":{"x":1},"list":[1]}')).toEqual({ order_id: '1042', n: '3' });
    expect(parseArgs('not json')).toEqual({});
    expect(parseArgs('[1,2]')).toEqual({});
  });
});
