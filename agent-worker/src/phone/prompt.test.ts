import { describe, expect, it } from 'vitest';
import type { Contact } from '@voice-widget/protocol';
import { extractVerbatim } from '@voice-widget/local-realtime';
import { greetingText, sayExactly } from '../session/greeting.ts';
import { callerContext, phoneGreeting, phoneInstructions, transferAnnouncement } from './prompt.ts';

const ada: Contact = {
  phone: '+15550123',
  name: 'Ada Lovelace',
  account: 'AC-1815',
  notes: '',
  openOrders: [{ id: '1042', status: 'shipped, arrives Friday', summary: '' }],
  openCases: [],
};

describe('phone prompt', () => {
  it('puts what is known about the caller into the instructions', () => {
    const text = phoneInstructions('You are Acme’s assistant.', ada);
    expect(text).toMatch(/^You are Acme’s assistant\./);
    expect(text).toMatch(/Ada Lovelace, account AC-1815/);
    expect(text).toMatch(/Open orders: 1042 \(shipped, arrives Friday\)/);
    expect(text).toMatch(/transfer_to_human/);
    expect(text).toMatch(/end_call/);
  });

  it('unknown numbers get the general context', () => {
    expect(callerContext(null)).toMatch(/not in our records/);
  });

  it('greets a known caller by first name, keeps the AI disclosure and offers the keypad', () => {
    const g = phoneGreeting(greetingText('Acme'), ada);
    expect(g).toMatch(/^Hi Ada, I'm an AI assistant for Acme\./);
    expect(g).toMatch(/press 1 .* person/);
    expect(phoneGreeting(greetingText('Acme'), null)).toMatch(/^Hi, I'm an AI assistant/);
    expect(extractVerbatim(sayExactly(g))).toBe(g); // spoken word for word by the local model
  });

  it('announces a transfer in one sentence after the summary', () => {
    expect(transferAnnouncement('You want to change the address of order 1042')).toBe(
      "You want to change the address of order 1042. I'm transferring you to a person now; please stay on the line.",
    );
    expect(transferAnnouncement(undefined)).toBe("I'm transferring you to a person now; please stay on the line.");
  });
});
