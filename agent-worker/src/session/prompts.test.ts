import { describe, expect, it } from 'vitest';
import { extractVerbatim } from '@voice-widget/local-realtime';
import { composeGreeting, composeInstructions, greetingText, sayExactly, withoutPersonPromise } from './prompts.ts';

const ada = { customerId: 'C-1815', name: 'Ada Lovelace', method: 'signed_identity' as const, orders: ['1042'] };

describe('greeting', () => {
  it('discloses the AI and offers a person only when one can take the call', () => {
    const base = greetingText('Acme');
    expect(base).toMatch(/\bAI\b.*Acme/);
    expect(composeGreeting(base, { channel: 'web', handoff: false, caller: null })).not.toMatch(/person/);
    expect(composeGreeting(base, { channel: 'web', handoff: true, caller: null })).toMatch(/ask for a person/);
    expect(composeGreeting(base, { channel: 'phone', handoff: true, caller: null })).toMatch(/press 0 .* person/);
  });

  it('drops a configured promise of a person when no one can take the call, keeping the AI disclosure', () => {
    const configured = "Hi, I'm an AI assistant for Acme. You can ask for a person at any time. How can I help?";
    expect(withoutPersonPromise(configured)).toBe("Hi, I'm an AI assistant for Acme. How can I help?");
    expect(composeGreeting(configured, { channel: 'web', handoff: false, caller: null })).not.toMatch(/person/);
  });

  it('says a name only for a caller verified before the call', () => {
    expect(composeGreeting(greetingText('Acme'), { channel: 'web', handoff: false, caller: ada })).toMatch(/^Hi Ada, I'm an AI assistant/);
    expect(composeGreeting(greetingText('Acme'), { channel: 'phone', handoff: false, caller: null })).not.toMatch(/Ada/);
  });

  it('is spoken word for word by the local model (verbatim convention)', () => {
    const text = composeGreeting(greetingText('Acme'), { channel: 'phone', handoff: true, caller: null });
    expect(extractVerbatim(sayExactly(text))).toBe(text);
  });
});

describe('instructions', () => {
  const base = { config: { name: 'Acme assistant', instructions: 'Be brief.' }, language: 'de-DE', custom: [], caller: null } as const;

  it('list only the tools the call offers, and forbid promising a person without a hand-off', () => {
    const text = composeInstructions({ ...base, channel: 'web', handoff: false, abilities: ['opening_hours'], offerVerify: false });
    expect(text).toMatch(/opening_hours/);
    expect(text).not.toMatch(/get_order_status|transfer_to_human/);
    expect(text).toMatch(/never offer, promise or announce a transfer/);
    expect(text).toMatch(/Speak German/);
  });

  it('explain phone verification by code when the call offers it', () => {
    const text = composeInstructions({ ...base, channel: 'phone', handoff: true, abilities: ['get_order_status', 'transfer_to_human'], offerVerify: true });
    expect(text).toMatch(/verify_caller/);
    expect(text).toMatch(/transfer_to_human/);
    expect(text).not.toMatch(/never offer/);
  });
});
