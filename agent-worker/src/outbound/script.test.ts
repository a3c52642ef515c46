import { describe, expect, it } from 'vitest';
import { extractVerbatim } from '@voice-widget/local-realtime';
import { sayExactly } from '../session/prompts.ts';
import { outboundScript, spokenNumber } from './script.ts';

const ctx = { callee: { name: 'Ada Lovelace' }, reason: 'your question about hiking boots', company: 'Acme Outdoor', callbackNumber: '+15550100' };

describe('the outbound script', () => {
  it('opens to a person with the AI disclosure, the company, the first name and the reason', () => {
    const s = outboundScript(ctx, false);
    expect(s.humanOpener).toBe('Hi, this is an AI assistant calling from Acme Outdoor for Ada, about your question about hiking boots. Is now a good time?');
    expect(outboundScript(ctx, true).humanOpener).toMatch(/press 0 .* person/);
    expect(s.neutralOpener).toBe('Hello, this is an AI assistant calling from Acme Outdoor.');
  });

  it('leaves a message with disclosure, company, reason and the callback number twice, digit by digit', () => {
    const v = outboundScript(ctx, false).voicemail;
    expect(v).toMatch(/^Hello, this is an AI assistant calling from Acme Outdoor for Ada, about your question about hiking boots\./);
    expect(v.match(/1, 5 5 5, 0 1 0 0/g)).toHaveLength(2);
    expect(outboundScript({ ...ctx, callbackNumber: null }, false).voicemail).not.toMatch(/call us back/);
    expect(outboundScript({ ...ctx, callee: { name: null } }, false).voicemail).toMatch(/Acme Outdoor, about/);
  });

  it('is spoken verbatim by the local model (the quote survives sayExactly)', () => {
    for (const text of Object.values(outboundScript(ctx, true)).slice(0, 5)) expect(extractVerbatim(sayExactly(text))).toBe(text);
  });

  it('reads numbers digit by digit in groups', () => {
    expect(spokenNumber('+15550100')).toBe('1, 5 5 5, 0 1 0 0');
    expect(spokenNumber('+12025550143')).toBe('1, 2 0 2, 5 5 5, 0 1 4 3');
    expect(spokenNumber('+493012345678')).toBe('4 9 3, 0 1 2, 3 4 5, 6 7 8');
  });
});
