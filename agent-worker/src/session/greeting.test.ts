import { describe, expect, it } from 'vitest';
import { extractVerbatim } from '@voice-widget/local-realtime';
import { greetingText, sayExactly } from './greeting.ts';

describe('greeting', () => {
  it('discloses that the caller talks to an AI and that a person is available', () => {
    const text = greetingText('Acme');
    expect(text).toMatch(/\bAI\b/);
    expect(text).toMatch(/Acme/);
    expect(text).toMatch(/person/);
  });

  it('is spoken word for word by the local model (verbatim convention)', () => {
    const text = greetingText('Acme');
    expect(extractVerbatim(sayExactly(text))).toBe(text);
  });
});
